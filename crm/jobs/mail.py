"""Email jobs: a composed message sent from the queue (kind ``email_send``), and the
periodic fetch of every tenant's inbound mailbox, one consumer at a time per tenant."""

from typing import Any, cast

from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.extensions import db
from crm.jobs.one_at_a_time import one_at_a_time
from crm.models import MailSettings
from crm.services.jobs.lifecycle import Progress
from crm.services.mail import compose, inbound


def run_email_send(app: Flask, session: Session, job: Any, progress: Progress) -> dict[str, str]:
    parameters = job.parameters
    with force_locale(parameters.get("locale") or app.config["BABEL_DEFAULT_LOCALE"]):
        return compose.send_email(
            session, app.config, parameters, tenant_id=job.tenant_id, user_id=job.user_id
        )


def fetch_inbound_mail(app: Flask) -> list[int]:
    """Fetch the new messages of each tenant with a mailbox; the tenants fetched."""
    fetched = []
    with app.app_context():
        session = cast(Session, db.session)
        try:
            tenant_ids = list(
                session.scalars(
                    select(MailSettings.tenant_id)
                    .where(MailSettings.imap_host.is_not(None))
                    .execution_options(all_tenants=True)
                )
            )
            session.rollback()
            for tenant_id in tenant_ids:
                with one_at_a_time(app, f"crm.inbound_mail.{tenant_id}") as mine:
                    if mine:
                        inbound.fetch_all(session, app.config, [tenant_id])
                        fetched.append(tenant_id)
        finally:
            db.session.remove()
    return fetched
