"""Support tickets: a customer's questions and problems, open until closed.

* a customer (active when newly chosen), a subject (required, at most 200 characters),
  a status from ``TICKET_STATUSES`` (open, pending, closed) and a priority from
  ``TICKET_PRIORITIES``; ``opened_at`` defaults to now;
* closing sets ``closed_at`` (now, unless given and not before the opening);
  reopening (open or pending again) clears it;
* open and pending tickets count against the customer's health score
  (``crm.services.insight.health``). A customer with tickets is archived, not deleted.
"""

import datetime as dt

from flask_babel import gettext
from sqlalchemy.orm import Session

from crm.models import (
    OPEN_TICKET_STATUSES,
    TICKET_PRIORITIES,
    TICKET_STATUSES,
    Customer,
    SupportTicket,
)
from crm.models.base import utcnow
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.related import linked, stored
from crm.services.core.transaction import transactional


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; they are stored in UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=utcnow().tzinfo)
    return value


def prepare(session: Session, ticket: SupportTicket) -> None:
    """Validate and normalise a ticket before it is saved; raise one ``ValidationFailed``
    listing every problem."""
    errors = {}
    with session.no_autoflush:
        customer = linked(session, ticket, "customer", Customer)
        if customer is None:
            errors["customer"] = [gettext("Choose the customer this ticket is for.")]
        elif not customer.is_active and stored(session, ticket, "customer_id") != customer.id:
            errors["customer"] = [
                gettext("%(name)s is archived. Choose an active customer.", name=customer.name)
            ]
        ticket.subject = (ticket.subject or "").strip()
        if not ticket.subject:
            errors["subject"] = [gettext("Give the ticket a subject.")]
        elif len(ticket.subject) > 200:
            errors["subject"] = [gettext("At most 200 characters.")]
        ticket.description = (ticket.description or "").strip() or None
        ticket.status = ticket.status or "open"
        if ticket.status not in TICKET_STATUSES:
            errors["status"] = [gettext("Choose open, pending or closed.")]
        ticket.priority = ticket.priority or "normal"
        if ticket.priority not in TICKET_PRIORITIES:
            errors["priority"] = [gettext("Choose low, normal, high or urgent.")]
        ticket.opened_at = _aware(ticket.opened_at) or utcnow()
        if ticket.status == "closed":
            ticket.closed_at = _aware(ticket.closed_at) or utcnow()
            if ticket.closed_at < ticket.opened_at:
                errors["closed_at"] = [gettext("A ticket cannot close before it was opened.")]
        elif "status" not in errors:
            ticket.closed_at = None
        if errors:
            raise ValidationFailed(errors)
        ticket.customer = customer


@transactional
def set_status(session: Session, ticket: SupportTicket, status: str) -> SupportTicket:
    """Close, reopen or park a ticket (the quick actions and the API's row actions)."""
    if status not in TICKET_STATUSES:
        raise NotAllowed(gettext("Choose open, pending or closed."))
    if status != ticket.status:
        ticket.status = status
        ticket.closed_at = utcnow() if status == "closed" else None
    return ticket


def close(session: Session, ticket: SupportTicket) -> SupportTicket:
    return set_status(session, ticket, "closed")


def reopen(session: Session, ticket: SupportTicket) -> SupportTicket:
    return set_status(session, ticket, "open")


def is_open(status: str | None) -> bool:
    return status in OPEN_TICKET_STATUSES
