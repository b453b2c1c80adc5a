"""Sending deliveries: claimed by one sender at a time, each attempt logged, retried after
the configured back-off, failed for good after the last retry. An endpoint whose
deliveries fail for good ``disable_after`` times in a row is disabled and the tenant's
Admins are notified. Every change is a short transaction of its own.
"""

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any, cast

from flask_appbuilder.security.sqla.models import Role
from flask_babel import gettext
from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.orm import Session

from crm.models import CrmUser, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from crm.models.base import utcnow
from crm.services.accounts import notifications
from crm.services.core.transaction import transaction, transactional
from crm.services.webhooks import sending
from crm.services.webhooks.catalogue import DeliverySettings

DELIVERIES = WebhookDelivery.__table__
# A delivery claimed this long ago whose sender never reported back (it died) is due again.
STALE_CLAIM = dt.timedelta(minutes=15)
# Deliveries one run of the retry task sends at most; the next run sends the rest.
BATCH = 100
ENDPOINT_LINK = "/webhooks/show/{id}"

Post = Callable[..., sending.Outcome]


def _due(now: dt.datetime) -> Any:
    return or_(
        and_(DELIVERIES.c.status == "pending", DELIVERIES.c.next_attempt_at <= now),
        and_(DELIVERIES.c.status == "sending", DELIVERIES.c.last_attempt_at < now - STALE_CLAIM),
    )


def claim(session: Session, delivery_id: int, now: dt.datetime) -> bool:
    """pending (and due) -> sending, for exactly one sender."""
    with transaction(session):
        result = session.execute(
            update(DELIVERIES)
            .where(DELIVERIES.c.id == delivery_id, _due(now))
            .values(status="sending", last_attempt_at=now)
        )
    return cast(CursorResult[Any], result).rowcount == 1


def headers(delivery: WebhookDelivery, secret: str, timestamp: str, body: str) -> dict[str, str]:
    return {
        "X-Ledgerline-Event": delivery.event,
        "X-Ledgerline-Delivery": delivery.uuid,
        "X-Ledgerline-Timestamp": timestamp,
        "X-Ledgerline-Signature": sending.signature(secret, timestamp, body),
    }


def body_of(delivery: WebhookDelivery) -> str:
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)


def send(
    session: Session,
    delivery_id: int,
    settings: DeliverySettings,
    now: dt.datetime | None = None,
    post: Post = sending.post,
) -> str | None:
    """Try the delivery once if it is due; its status afterwards, None when it was not
    due (already sent, or claimed by another sender)."""
    now = now or utcnow()
    if not claim(session, delivery_id, now):
        return None
    delivery = session.execute(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .execution_options(all_tenants=True)
    ).scalar_one()
    endpoint = session.execute(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.id == delivery.endpoint_id)
        .execution_options(all_tenants=True)
    ).scalar_one()
    if not endpoint.is_active:
        outcome = sending.Outcome(None, 0, gettext("The endpoint is disabled."))
    else:
        timestamp = str(int(now.timestamp()))
        body = body_of(delivery)
        outcome = post(
            endpoint.url,
            body,
            headers(delivery, endpoint.secret, timestamp, body),
            settings.timeout,
            settings.allow_private,
        )
    with transaction(session):
        _record(session, delivery, endpoint, outcome, settings, now)
    return delivery.status


def _record(
    session: Session,
    delivery: WebhookDelivery,
    endpoint: WebhookEndpoint,
    outcome: sending.Outcome,
    settings: DeliverySettings,
    now: dt.datetime,
) -> None:
    delivery.attempt_count += 1
    delivery.last_attempt_at = now
    delivery.response_code = outcome.response_code
    next_retry = None
    if outcome.delivered:
        delivery.status = "delivered"
        delivery.next_attempt_at = None
        endpoint.consecutive_failures = 0
    elif endpoint.is_active and delivery.attempt_count <= len(settings.retry_minutes):
        minutes = settings.retry_minutes[delivery.attempt_count - 1]
        next_retry = now + dt.timedelta(minutes=minutes)
        delivery.status = "pending"
        delivery.next_attempt_at = next_retry
    else:
        delivery.status = "failed"
        delivery.next_attempt_at = None
        if endpoint.is_active:
            endpoint.consecutive_failures += 1
            if endpoint.consecutive_failures >= settings.disable_after:
                _disable(session, endpoint)
    session.add(
        WebhookAttempt(
            tenant_id=delivery.tenant_id,
            delivery_id=delivery.id,
            attempted_at=now,
            status="delivered" if outcome.delivered else "failed",
            response_code=outcome.response_code,
            duration_ms=outcome.duration_ms,
            error=(outcome.error or None) and outcome.error[:500],
            next_retry_at=next_retry,
        )
    )


def _disable(session: Session, endpoint: WebhookEndpoint) -> None:
    endpoint.is_active = False
    endpoint.disabled_reason = gettext(
        "Disabled after %(n)d deliveries in a row failed.", n=endpoint.consecutive_failures
    )[:255]
    admins = session.scalars(
        select(CrmUser.id)
        .where(
            CrmUser.tenant_id == endpoint.tenant_id,
            CrmUser.active.is_(True),
            CrmUser.roles.any(Role.name == "Admin"),
        )
        .execution_options(all_tenants=True)
    ).all()
    for admin_id in admins:
        notifications.notify(
            session,
            endpoint.tenant_id,
            admin_id,
            gettext("Webhook %(url)s was disabled: its deliveries keep failing.", url=endpoint.url),
            ENDPOINT_LINK.format(id=endpoint.id),
        )


def due_ids(session: Session, now: dt.datetime, limit: int = BATCH) -> list[int]:
    """Deliveries whose next attempt is due (every tenant's), oldest first."""
    with transaction(session):
        return list(
            session.scalars(
                select(WebhookDelivery.id)
                .where(_due(now))
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                .limit(limit)
                .execution_options(all_tenants=True)
            ).all()
        )


def send_due(
    session: Session,
    settings: DeliverySettings,
    now: dt.datetime | None = None,
    post: Post = sending.post,
) -> dict[int, str | None]:
    """Try every due delivery once (the retries); {delivery id: status afterwards}."""
    now = now or utcnow()
    return {
        delivery_id: send(session, delivery_id, settings, now, post)
        for delivery_id in due_ids(session, now)
    }


@transactional
def resend(session: Session, delivery: WebhookDelivery) -> WebhookDelivery:
    """A new delivery of the same event (same payload and event id) to the same endpoint,
    due now; the original keeps its log."""
    copy = WebhookDelivery(
        tenant_id=delivery.tenant_id,
        endpoint_id=delivery.endpoint_id,
        uuid=str(uuid.uuid4()),
        event=delivery.event,
        payload=delivery.payload,
        status="pending",
        attempt_count=0,
        next_attempt_at=utcnow(),
    )
    session.add(copy)
    session.flush()
    return copy
