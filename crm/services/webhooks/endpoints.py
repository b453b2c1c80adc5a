"""A tenant's webhook endpoints: the rules of saving one, its signing secret."""

import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.models import WebhookEndpoint
from crm.services.core.errors import ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.webhooks import addresses
from crm.services.webhooks.catalogue import EVENTS

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def prepare(session: Session, endpoint: Any, allow_private: bool = False) -> None:
    """Check an endpoint about to be saved (its URL resolved now) and give a new one its
    secret; ValidationFailed lists every problem."""
    errors: dict[str, list[Any]] = {}
    endpoint.url = (endpoint.url or "").strip()
    try:
        addresses.check(endpoint.url, allow_private)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    events = endpoint.events
    if isinstance(events, str):
        events = [events]
    if not isinstance(events, (list, tuple)) or not events:
        errors["events"] = [_l("Choose at least one event.")]
    else:
        unknown = [str(e) for e in events if not isinstance(e, str) or e not in EVENTS]
        if unknown:
            errors["events"] = [_l("Unknown event: %(name)s.", name=", ".join(unknown))]
        else:
            endpoint.events = [name for name in EVENTS if name in events]
    if errors:
        raise ValidationFailed(errors)
    if not endpoint.secret:
        endpoint.secret = new_secret()
    if endpoint.is_active is None:
        endpoint.is_active = True
    if endpoint.is_active:
        endpoint.disabled_reason = None
        endpoint.consecutive_failures = 0


@transactional
def rotate_secret(session: Session, endpoint: WebhookEndpoint) -> str:
    """A new secret for ``endpoint``; deliveries sent from now on are signed with it."""
    endpoint.secret = new_secret()
    return endpoint.secret
