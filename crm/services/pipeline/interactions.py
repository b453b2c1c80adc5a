"""Interactions: calls, meetings, emails and notes logged against a customer.

The rules, for the form, the API and any feature that logs one (``log_interaction``):

* a kind from ``INTERACTION_KINDS``, a summary (required) and an optional follow-up;
* ``occurred_at`` defaults to now. An interaction is logged after it happened, so a
  time more than ``FUTURE_TOLERANCE`` ahead is refused; the day of slack covers
  users whose clock runs ahead of UTC (times are stored and shown in UTC);
* what it was about: a customer, a deal or a lead (at least one). A deal's
  interaction belongs to the deal's customer when it has one (set here when left
  out); a deal with no customer, or a lead, can have interactions of its own, and a
  lead's move to the customer it is converted into (lead_conversion.py). An archived
  customer takes no new interactions, but one already logged can still be edited; the
  contact, if any, is one of the customer's;
* the user who logs it is stamped once, at creation;
* a follow-up date (``follow_up_on``) makes a task, once: due that day, for the
  follow-up assignee (default: the user who logged it, an active user), linked to the
  same customer, deal and lead and to the interaction (``follow_up_task``). Editing the
  interaction never makes a second one; a new date moves the task while it is open.

``Customer.last_interaction_at`` always equals the newest ``occurred_at`` of the
customer's interactions. A flush hook below recomputes it, with one UPDATE per
flush, for every customer whose interactions were added, changed, moved away or
deleted — whoever wrote them (form, API, this module, another feature).
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import Connection, Select, func, inspect, select, update
from sqlalchemy.orm import Session, UOWTransaction, joinedload, selectinload

from crm.models import INTERACTION_KINDS, Contact, CrmUser, Customer, Deal, Interaction, Lead, Task
from crm.models.base import utcnow
from crm.security.tenancy import current_user_id
from crm.services.core import session_hooks
from crm.services.core.errors import ValidationFailed
from crm.services.core.related import linked, stored
from crm.services.core.transaction import transactional
from crm.services.pipeline import tasks

FUTURE_TOLERANCE = dt.timedelta(days=1)
# Enough for a detail page; older history stays in the interaction list.
RECENT = 100

# A customer's or deal's interactions are its history: they keep it from deletion
# (archive the customer instead). A deleted contact only unlinks (ON DELETE SET NULL).


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def prepare(session: Session, interaction: Any) -> None:
    """Validate and normalise an interaction before it is saved; raise one
    ``ValidationFailed`` listing every problem."""
    errors: dict[str, list[Any]] = {}
    with session.no_autoflush:
        if interaction.kind not in INTERACTION_KINDS:
            errors["kind"] = [_l("Choose call, meeting, email or note.")]
        interaction.summary = (interaction.summary or "").strip()
        if not interaction.summary:
            errors["summary"] = [_l("Write a summary of what was said or done.")]
        interaction.follow_up = (interaction.follow_up or "").strip() or None

        now = utcnow()
        interaction.occurred_at = as_utc(interaction.occurred_at) or now
        if interaction.occurred_at > now + FUTURE_TOLERANCE:
            errors["occurred_at"] = [
                _l(
                    "An interaction is logged after it happens: it cannot be more than a day "
                    "ahead. Plan future work as a task."
                )
            ]

        customer = linked(session, interaction, "customer", Customer)
        deal = linked(session, interaction, "deal", Deal)
        lead = linked(session, interaction, "lead", Lead)
        contact = linked(session, interaction, "contact", Contact)
        if customer is None and deal is not None and deal.customer_id is not None:
            customer = deal.customer
        if customer is None and lead is not None and lead.customer_id is not None:
            customer = lead.customer  # a converted lead's history is its customer's
        if customer is None and deal is None and lead is None:
            errors["customer"] = [_l("Choose the customer this interaction was with.")]
        elif customer is None:
            if contact is not None:
                errors["contact"] = [
                    _l("Choose a contact only for an interaction with a customer.")
                ]
        else:
            if (
                not customer.is_active
                and stored(session, interaction, "customer_id") != customer.id
            ):
                errors.setdefault("customer", []).append(
                    gettext("%(name)s is archived. Choose an active customer.", name=customer.name)
                )
            if deal is not None and deal.customer_id != customer.id:
                errors["deal"] = [
                    gettext("This deal is not one of %(name)s's deals.", name=customer.name)
                ]
            if contact is not None and contact.customer_id != customer.id:
                errors["contact"] = [
                    gettext("This contact does not belong to %(name)s.", name=customer.name)
                ]
        follow_up_assignee = _follow_up_assignee(session, interaction, errors)
        if errors:
            raise ValidationFailed(errors)

        interaction.customer, interaction.deal, interaction.contact = customer, deal, contact
        interaction.lead = lead
        if interaction.id is None and interaction.user_id is None:
            interaction.user_id = current_user_id()
        if interaction.follow_up_on is not None:
            if follow_up_assignee is None and interaction.user_id is not None:
                follow_up_assignee = session.get(CrmUser, interaction.user_id)
            interaction.follow_up_assignee = follow_up_assignee
            _follow_up_task(session, interaction)


def _follow_up_assignee(session: Session, interaction: Any, errors: dict[str, list[Any]]) -> Any:
    user = linked(session, interaction, "follow_up_assignee", CrmUser)
    if (
        user is not None
        and not user.active
        and stored(session, interaction, "follow_up_assignee_id") != user.id
    ):
        errors["follow_up_assignee"] = [
            gettext("%(name)s is archived or inactive and cannot be chosen.", name=str(user))
        ]
    return user


def _follow_up_task(session: Session, interaction: Any) -> None:
    """Make the interaction's follow-up task, or move the open one to the new date."""
    task = linked(session, interaction, "follow_up_task", Task)
    if task is None:
        summary = (
            interaction.summary
            if len(interaction.summary) <= 120
            else (interaction.summary[:119] + "…")
        )
        task = Task(
            title=gettext("Follow up: %(summary)s", summary=summary),
            description=interaction.follow_up,
            due_date=interaction.follow_up_on,
            assignee=interaction.follow_up_assignee,
            customer=interaction.customer,
            deal=interaction.deal,
            lead=interaction.lead,
        )
    elif task.status in tasks.OPEN_STATUSES and task.due_date != interaction.follow_up_on:
        task.due_date = interaction.follow_up_on
    else:
        return
    tasks.prepare(session, task)
    interaction.follow_up_task = task


@transactional
def log_interaction(
    session: Session,
    customer: Any,
    summary: str | None,
    kind: str = "note",
    *,
    occurred_at: dt.datetime | None = None,
    follow_up: str | None = None,
    deal: Any = None,
    contact: Any = None,
    user_id: int | None = None,
    lead: Any = None,
) -> Any:
    """Log an interaction against ``customer`` (or only ``deal`` or ``lead``: pass
    ``customer=None``) and return it.

    ``customer``, ``deal``, ``lead`` and ``contact`` are rows or ids of the current tenant;
    ``occurred_at`` defaults to now; ``user_id`` to the signed-in user (pass it from
    jobs and commands). The same rules as the form apply: ``ValidationFailed``
    names each bad field. Called inside another service's transaction (the statement
    e-mail logging what it sent) it is saved with the rest of it."""
    interaction = Interaction(
        kind=kind, summary=summary, follow_up=follow_up, occurred_at=occurred_at, user_id=user_id
    )
    for relation, value in (
        ("customer", customer),
        ("deal", deal),
        ("lead", lead),
        ("contact", contact),
    ):
        if isinstance(value, int):
            setattr(interaction, f"{relation}_id", value)
        elif value is not None:
            setattr(interaction, relation, value)
    prepare(session, interaction)
    session.add(interaction)
    session.flush()
    return interaction


def for_customer(session: Session, customer_id: int, limit: int = RECENT) -> list[Any]:
    """The customer's interactions, newest first, with who logged them and the contact."""
    return list(session.scalars(_recent(customer_id=customer_id).limit(limit)))


def for_deal(session: Session, deal_id: int, limit: int = RECENT) -> list[Any]:
    """A deal's interactions, newest first (for the deal page), with who logged them
    and the contact."""
    return list(session.scalars(_recent(deal_id=deal_id).limit(limit)))


def for_lead(session: Session, lead_id: int, limit: int = RECENT) -> list[Any]:
    """A lead's interactions, newest first (for the lead page)."""
    return list(session.scalars(_recent(lead_id=lead_id).limit(limit)))


def move_lead_history(session: Session, lead: Any, customer: Any, deal: Any = None) -> None:
    """A converted lead's interactions join the customer's (and the new deal's) history."""
    for interaction in session.scalars(select(Interaction).where(Interaction.lead_id == lead.id)):
        interaction.customer = customer
        if deal is not None and interaction.deal_id is None:
            interaction.deal = deal


def _recent(**where: object) -> Select[Any]:
    query = select(Interaction).options(
        joinedload(Interaction.user),
        joinedload(Interaction.contact),
        selectinload(Interaction.attachments),
    )
    for column, value in where.items():
        query = query.where(getattr(Interaction, column) == value)
    return query.order_by(Interaction.occurred_at.desc(), Interaction.id.desc())


# --- Customer.last_interaction_at, kept in step -------------------------------------

_TOUCHED = "crm_interaction_customers"


def refresh_last_interaction(connection: Connection, customer_ids: Iterable[int | None]) -> None:
    """Set each customer's ``last_interaction_at`` to its newest interaction's time,
    in one UPDATE (the max is read from the (customer_id, occurred_at) index).
    The customer's ``updated_at`` stays as it is: its own record did not change."""
    ids = sorted(i for i in customer_ids if i is not None)
    if not ids:
        return
    customer, interaction = Customer.__table__, Interaction.__table__
    newest = (
        select(func.max(interaction.c.occurred_at))
        .where(interaction.c.customer_id == customer.c.id)
        .scalar_subquery()
    )
    connection.execute(
        update(customer)
        .where(customer.c.id.in_(ids))
        .values(last_interaction_at=newest, updated_at=customer.c.updated_at)
    )


def _interactions(session: Session) -> Iterator[Any]:
    for collection in (session.new, session.dirty, session.deleted):
        for obj in collection:
            if isinstance(obj, Interaction):
                yield obj


def _note_customers_before_flush(
    session: Session, flush_context: UOWTransaction, instances: object
) -> None:
    """The customers interactions are leaving: their ids as stored, read before the flush
    overwrites them (loading them if they were expired)."""
    touched = session.info.setdefault(_TOUCHED, set())
    for obj in _interactions(session):
        if obj not in session.new:
            touched.add(obj.customer_id)
            history = inspect(obj).attrs.customer_id.history
            touched.update(v for v in (*history.deleted, *history.unchanged) if isinstance(v, int))


def _refresh_after_flush(session: Session, flush_context: UOWTransaction) -> None:
    touched = session.info.setdefault(_TOUCHED, set())
    for obj in _interactions(session):
        touched.add(obj.customer_id)  # where it is now
    if touched:
        refresh_last_interaction(session.connection(), touched)


def _expire_refreshed(session: Session, flush_context: UOWTransaction) -> None:
    touched = session.info.pop(_TOUCHED, ())  # None among them: a lead's interaction
    session_hooks.expire_loaded(session, Customer, touched, ["last_interaction_at"])


session_hooks.listen(
    before_flush=_note_customers_before_flush,
    after_flush=_refresh_after_flush,
    after_flush_postexec=_expire_refreshed,
)
