"""Send the record to one of the tenant's active webhook endpoints, as a delivery of the
webhooks' outbox: signed, retried and logged like every other delivery."""

import uuid
from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.models import Tenant, WebhookDelivery, WebhookEndpoint
from crm.models.base import utcnow
from crm.security.tenancy import get_owned
from crm.services.automation.actions.base import Context
from crm.services.webhooks import recording

LABEL = _l("Call a webhook")
EVENT = "{entity}.automation"


def _endpoint(session: Session, value: object) -> WebhookEndpoint:
    endpoint = get_owned(session, WebhookEndpoint, value)
    if endpoint is None:
        raise ValueError(gettext("Choose one of this organisation's webhooks."))
    if not endpoint.is_active:
        raise ValueError(gettext("The webhook %(url)s is disabled.", url=endpoint.url))
    return endpoint


def clean(session: Session, entity: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"endpoint_id": _endpoint(session, params.get("endpoint_id")).id}


def run(ctx: Context, params: dict[str, Any], index: int) -> None:
    endpoint = _endpoint(ctx.session, params["endpoint_id"])
    tenant = ctx.session.get(Tenant, ctx.record.tenant_id)
    name = EVENT.format(entity=ctx.entity)
    now = utcnow()
    data = ctx.serialise(ctx.record) or {"id": ctx.record.id}
    data["automation_rule"] = {"id": ctx.rule.id, "name": ctx.rule.name}
    delivery = WebhookDelivery(
        tenant_id=ctx.record.tenant_id,
        endpoint_id=endpoint.id,
        uuid=str(uuid.uuid4()),
        event=name,
        payload=recording.payload(str(uuid.uuid4()), name, now, tenant, data),
        status="pending",
        attempt_count=0,
        next_attempt_at=now,
    )
    ctx.session.add(delivery)
    ctx.session.flush()
    delivery_id = delivery.id
    ctx.after_commit.append(lambda: ctx.send_delivery(delivery_id))
