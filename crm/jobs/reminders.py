"""Task reminders every minute and the overdue digest every five (each tenant at its own
morning hour): thin periodic tasks over crm.services.pipeline.reminders and
crm.services.pipeline.overdue_digest, which claim each send so every consumer may run them."""

import datetime as dt
from typing import Any, cast

from flask import Flask
from huey import Huey, crontab
from sqlalchemy.orm import Session

from crm.extensions import db
from crm.services.core import mailer
from crm.services.pipeline import overdue_digest, reminders


def _mail_arguments(app: Flask) -> dict[str, Any]:
    return {
        "settings": mailer.SmtpSettings.from_config(app.config),
        "base_url": app.config["CRM_BASE_URL"],
        "languages": app.config["LANGUAGES"],
    }


def send_reminders(app: Flask, now: dt.datetime | None = None) -> list[int]:
    """The reminders due at ``now`` (default: now); the ids of the tasks reminded."""
    with app.app_context():
        try:
            session = cast(Session, db.session)
            return reminders.send_due(session, now=now, **_mail_arguments(app))
        finally:
            db.session.remove()


def send_digests(app: Flask, now: dt.datetime | None = None) -> list[int]:
    """The overdue digests due at ``now`` (default: now); the ids of the users mailed."""
    with app.app_context():
        try:
            session = cast(Session, db.session)
            return overdue_digest.send_due(session, now=now, **_mail_arguments(app))
        finally:
            db.session.remove()


def init_app(app: Flask, huey: Huey) -> None:
    def task_reminders() -> None:
        send_reminders(app)

    def overdue_digests() -> None:
        send_digests(app)

    huey.periodic_task(crontab(minute="*"), name="crm.task_reminders")(task_reminders)
    huey.periodic_task(crontab(minute="*/5"), name="crm.overdue_digests")(overdue_digests)
