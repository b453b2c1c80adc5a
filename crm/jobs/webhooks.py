"""Webhook deliveries on the task queue: one task sends a delivery as soon as it is
recorded, a periodic one sends the retries that are due (crm.services.webhooks)."""

import datetime as dt
from typing import Any, cast

from flask import Flask, current_app
from huey import Huey, crontab
from sqlalchemy.orm import Session

from crm.extensions import db
from crm.services.webhooks import delivery, recording
from crm.services.webhooks.catalogue import DeliverySettings

EXTENSION = "crm_webhook_task"


def send_delivery(app: Flask, delivery_id: int) -> str | None:
    with app.app_context():
        try:
            session = cast(Session, db.session)
            return delivery.send(session, delivery_id, DeliverySettings.from_config(app.config))
        finally:
            db.session.remove()


def send_due(app: Flask, now: dt.datetime | None = None) -> dict[int, str | None]:
    """The retries due at ``now`` (default: now), each tried once."""
    with app.app_context():
        try:
            session = cast(Session, db.session)
            return delivery.send_due(session, DeliverySettings.from_config(app.config), now)
        finally:
            db.session.remove()


def init_app(app: Flask, huey: Huey) -> None:
    def send_webhook(delivery_id: int) -> None:
        send_delivery(app, delivery_id)

    def webhook_retries() -> None:
        send_due(app)

    task = huey.task(name="crm.send_webhook")(send_webhook)
    huey.periodic_task(crontab(minute="*"), name="crm.webhook_retries")(webhook_retries)
    app.extensions[EXTENSION] = task
    recording.install(app, lambda delivery_id: task(delivery_id))


def queue_delivery(delivery_id: int, app: Any = None) -> None:
    """Put a delivery (a re-sent one) on the queue; the periodic task would send it anyway."""
    (app or current_app).extensions[EXTENSION](delivery_id)
