"""What webhooks send: the events an endpoint may choose, the records they come from, and
the settings of delivery (app config, read by the task that sends)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from crm.models import Customer, Deal, Invoice, Lead, Payment

# Model -> the name its events start with.
RECORDS: dict[type, str] = {
    Customer: "customer",
    Deal: "deal",
    Lead: "lead",
    Invoice: "invoice",
    Payment: "payment",
}
# Event -> label, in the order the screens offer them.
EVENTS = {
    "customer.created": _l("Customer created"),
    "customer.updated": _l("Customer updated"),
    "customer.deleted": _l("Customer deleted"),
    "deal.created": _l("Deal created"),
    "deal.updated": _l("Deal updated"),
    "deal.deleted": _l("Deal deleted"),
    "deal.stage_changed": _l("Deal stage changed"),
    "deal.won": _l("Deal won"),
    "deal.lost": _l("Deal lost"),
    "lead.created": _l("Lead created"),
    "lead.updated": _l("Lead updated"),
    "lead.deleted": _l("Lead deleted"),
    "lead.converted": _l("Lead converted"),
    "invoice.created": _l("Invoice created"),
    "invoice.updated": _l("Invoice updated"),
    "invoice.deleted": _l("Invoice deleted"),
    "payment.created": _l("Payment created"),
    "payment.updated": _l("Payment updated"),
    "payment.deleted": _l("Payment deleted"),
}

# Minutes after a failed attempt before the next one; a delivery is tried once more than
# this has entries, then it has failed for good.
RETRY_MINUTES = (1, 5, 30, 120, 720)
# Deliveries of one endpoint that fail for good in a row before it is disabled.
DISABLE_AFTER = 5
TIMEOUT_SECONDS = 10.0


def event_choices() -> list[tuple[str, str]]:
    return [(name, str(label)) for name, label in EVENTS.items()]


@dataclass(frozen=True)
class DeliverySettings:
    retry_minutes: tuple[int, ...] = RETRY_MINUTES
    disable_after: int = DISABLE_AFTER
    timeout: float = TIMEOUT_SECONDS
    allow_private: bool = False

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "DeliverySettings":
        retries = config.get("CRM_WEBHOOK_RETRY_MINUTES", RETRY_MINUTES)
        if isinstance(retries, str):
            retries = [part for part in retries.replace(" ", "").split(",") if part]
        return cls(
            retry_minutes=tuple(int(minutes) for minutes in retries),
            disable_after=int(config.get("CRM_WEBHOOK_DISABLE_AFTER", DISABLE_AFTER)),
            timeout=float(config.get("CRM_WEBHOOK_TIMEOUT", TIMEOUT_SECONDS)),
            allow_private=bool(config.get("CRM_WEBHOOKS_ALLOW_PRIVATE", False)),
        )
