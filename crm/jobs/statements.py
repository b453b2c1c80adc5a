"""Statements to many customers as a job (crm.services.statements.batch), written in the
language of the user who submitted it; the report is kept in the job storage under <tenant>/<job>/."""

from typing import Any

from flask import Flask
from flask_babel import force_locale
from sqlalchemy.orm import Session

from crm.services.core.storage import storage_for
from crm.services.jobs.lifecycle import Progress
from crm.services.mail.settings import smtp_settings_for
from crm.services.statements import batch


def run_statement_batch(
    app: Flask, session: Session, job: Any, progress: Progress
) -> dict[str, str]:
    parameters = job.parameters
    with force_locale(parameters.get("locale") or app.config["BABEL_DEFAULT_LOCALE"]):
        return batch.run_batch(
            session,
            parameters,
            storage_for(app.config, "jobs"),
            f"{job.tenant_id}/{job.id}",
            settings=smtp_settings_for(session, job.tenant_id, app.config),
            progress=progress,
            user_id=job.user_id,
        )
