"""Automation rules on the task queue: every committed change of a watched record is
noted by the webhooks' event capture (crm.services.webhooks.recording); when the tenant
has active rules for that kind of record, one task runs them (crm.services.automation)."""

import logging
from typing import Any

from flask import Flask
from huey import Huey
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.extensions import db
from crm.jobs.webhooks import queue_delivery
from crm.models import AutomationRule
from crm.security.tenancy import tenant_scope
from crm.services.automation import runs
from crm.services.mail import compose
from crm.services.webhooks import recording
from crm.services.webhooks.recording import Noted

log = logging.getLogger(__name__)
EXTENSION = "crm_automation_task"


def run_change(app: Flask, change: dict[str, Any]) -> list[int]:
    """Run the rules ``change`` triggers, in a session of this task's own; the run ids."""
    with app.app_context():
        hooks = app.extensions[recording.EXTENSION]
        delivery = runs.Delivery(
            hooks.serialise,
            lambda delivery_id: queue_delivery(delivery_id, app),
            lambda session, message: submit_email(app, session, message),
        )
        with Session(bind=db.engine) as session:
            return runs.run_rules(session, runs.Change(**change), delivery)


def submit_email(app: Flask, session: Session, message: dict[str, Any]) -> None:
    """Queue the email a rule sends (kind ``email_send``), as email from the record does."""
    from crm.jobs import queue  # the package registers this module's task

    with tenant_scope(message["tenant_id"]):
        compose.submit_email(session, queue(app), app.config, **message)


def _with_rules(session: Session, tenant_id: int) -> set[str]:
    with tenant_scope(tenant_id):
        return set(
            session.scalars(
                select(AutomationRule.entity).where(AutomationRule.is_active.is_(True)).distinct()
            )
        )


def queue_changes(app: Flask, task: Any, noted: list[Noted]) -> None:
    """Queue a run for each noted change whose tenant has rules for that kind of record."""
    changes = [change for item in noted if (change := runs.Change.from_noted(item)) is not None]
    if not changes:
        return
    with Session(bind=db.engine) as session:
        entities = {tid: _with_rules(session, tid) for tid in {c.tenant_id for c in changes}}
    for change in changes:
        if change.entity in entities[change.tenant_id]:
            task(change.as_dict())


def init_app(app: Flask, huey: Huey) -> None:
    def run_automation(change: dict[str, Any]) -> None:
        try:
            run_change(app, change)
        except Exception:  # logged; the change itself is saved whatever the rules do
            log.exception("automation rules for %s not run", change)

    task = huey.task(name="crm.run_automation")(run_automation)
    app.extensions[EXTENSION] = task
    recording.listen(app, lambda noted: queue_changes(app, task, noted))
