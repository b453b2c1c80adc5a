"""Leads: validation, statuses, the Kanban board, delete rules and assignment notices.

One rule for every entry point: the add/edit form, the API and the board all
save a lead through ``prepare``; the board's move is ``move_to_status``, which
changes the status and then applies ``prepare`` too.

Policies:

* A lead gets the tenant's default status when none is chosen (else the first
  non-final status).
* The conversion status (the final status named "Converted", else the first
  final status) is given only by ``lead_conversion.convert_lead``; forms, the API
  and the board may move a lead to any other status, final ones ("Lost")
  included. A converted lead keeps the conversion status.
* Whoever becomes a lead's assignee, on create or when the assignee changes and
  by whatever entry point, gets a notification — unless they assigned it to
  themselves.
* A lead with tasks cannot be deleted (delete or move the tasks first), nor can
  a converted lead: it records where its customer, company and deal came from.
  Customers, companies and deals a lead links to cannot be deleted either.
"""

from collections.abc import Collection
from decimal import Decimal
from typing import Any, cast

from flask_babel import format_decimal, gettext, lazy_gettext as _l
from sqlalchemy import Row, event, func, inspect, select
from sqlalchemy.orm import Session, UOWTransaction, joinedload

from crm.models import (
    AuditEntry,
    Company,
    CrmUser,
    Customer,
    Deal,
    Lead,
    LeadSource,
    LeadStatus,
    Task,
)
from crm.security.tenancy import current_tenant_id, current_user_id
from crm.services.accounts import notifications
from crm.services.core.delete_rules import delete_blockers
from crm.services.core.errors import NotAllowed, NotFound, ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.core.validation import check, clean_email, clean_non_negative, clean_phone
from crm.services.insight import timeline
from crm.services.pipeline import kanban

CONVERSION_STATUS_NAME = "converted"
CENTS = Decimal("0.01")
MAX_VALUE = Decimal("1e12")  # Numeric(14, 2)
OPEN_TASK_STATUSES = ("open", "in_progress")
# The lead detail page; notifications link to it.
LEAD_LINK = "/leads/show/{id}"


def _tenant_of(obj: Any) -> Any:
    return obj.tenant_id or current_tenant_id()


# --- statuses ---------------------------------------------------------------------


def statuses(
    session: Session, tenant_id: int | None = None, final: bool | None = None
) -> list[Any]:
    """The tenant's statuses in board order; ``final`` True/False keeps only those."""
    query = select(LeadStatus).order_by(LeadStatus.position, LeadStatus.id)
    if tenant_id is not None:
        query = query.where(LeadStatus.tenant_id == tenant_id)
    if final is not None:
        query = query.where(LeadStatus.is_final.is_(final))
    return list(session.scalars(query))


def default_status(session: Session, tenant_id: int | None) -> Any:
    """The status new leads get: the default one, else the first non-final one."""
    candidates = statuses(session, tenant_id)
    return next((s for s in candidates if s.is_default), None) or next(
        (s for s in candidates if not s.is_final), None
    )


def conversion_status(session: Session, tenant_id: int | None) -> Any:
    """The status a converted lead gets: the final status named Converted, else the
    first final status; None when the tenant has no final status."""
    finals = statuses(session, tenant_id, final=True)
    return next((s for s in finals if s.name.strip().lower() == CONVERSION_STATUS_NAME), None) or (
        finals[0] if finals else None
    )


def _stored(session: Session, lead: Any) -> Row[Any] | None:
    """The saved row's status, source, assignee and conversion, before this change."""
    if lead.id is None:
        return None
    return session.execute(
        select(
            Lead.status_id,
            Lead.source_id,
            Lead.assigned_to_id,
            Lead.converted_at,
        ).where(Lead.id == lead.id)
    ).first()


def _status_errors(
    session: Session, tenant_id: int | None, status: Any, stored: Row[Any] | None
) -> list[Any]:
    old_status_id = stored.status_id if stored is not None else None
    if status.id == old_status_id:
        return []
    if stored is not None and stored.converted_at is not None:
        return [_l("This lead was converted; it keeps its status.")]
    target = conversion_status(session, tenant_id)
    if target is not None and status.id == target.id:
        return [
            _l(
                "Leads get the status %(name)s by being converted: use Convert lead.",
                name=status.name,
            )
        ]
    return []


# --- validation -------------------------------------------------------------------


def _lead_email_taken(
    session: Session, tenant_id: int | None, email: str, exclude_id: int | None
) -> bool:
    return (
        session.scalar(
            select(Lead.id)
            .where(
                Lead.tenant_id == tenant_id,
                func.lower(Lead.contact_email) == email.lower(),
                Lead.id != (exclude_id or 0),
            )
            .limit(1)
        )
        is not None
    )


def _clean_text(value: str | None) -> str | None:
    return (value or "").strip() or None


def prepare(session: Session, lead: Any) -> None:
    """Normalise and validate a lead about to be saved; raises ValidationFailed."""
    errors: dict[str, list[Any]] = {}
    tenant_id = _tenant_of(lead)
    with session.no_autoflush:
        stored = _stored(session, lead)
        lead.title = (lead.title or "").strip()
        if not lead.title:
            errors["title"] = [_l("A title is required.")]
        lead.contact_name = _clean_text(lead.contact_name)
        lead.company_name = _clean_text(lead.company_name)
        lead.description = _clean_text(lead.description)
        if _clean_text(lead.contact_email):
            email = check(errors, "contact_email", clean_email, lead.contact_email)
            if email:
                lead.contact_email = email
                if _lead_email_taken(session, tenant_id, email, lead.id):
                    errors["contact_email"] = [
                        _l("Another lead already uses %(email)s.", email=email)
                    ]
        else:
            lead.contact_email = None
        if _clean_text(lead.contact_phone):
            lead.contact_phone = (
                check(errors, "contact_phone", clean_phone, lead.contact_phone)
                or lead.contact_phone
            )
        else:
            lead.contact_phone = None
        if check(errors, "value", clean_non_negative, lead.value) is not None:
            if Decimal(lead.value) >= MAX_VALUE:
                errors["value"] = [_l("Enter an amount below 1,000,000,000,000.")]
            else:
                lead.value = Decimal(lead.value).quantize(CENTS)

        # No status chosen: a new lead gets the default one, a saved lead keeps its own.
        status = lead.status
        if status is None and lead.status_id is not None:
            status = session.get(LeadStatus, lead.status_id)
        if status is None:
            status = default_status(session, tenant_id)
            if status is None:
                errors["status"] = [
                    _l(
                        "There is no lead status yet; an Admin adds them under "
                        "Settings → Lead statuses."
                    )
                ]
        if status is not None:
            lead.status = status
            messages = _status_errors(session, tenant_id, status, stored)
            if messages:
                errors["status"] = messages

        source = lead.source
        if source is None and lead.source_id is not None:
            source = session.get(LeadSource, lead.source_id)
        if (
            source is not None
            and not source.is_active
            and (stored is None or stored.source_id != source.id)
        ):
            errors["source"] = [_l("The source %(name)s is inactive.", name=source.name)]

        assignee = lead.assigned_to
        if assignee is None and lead.assigned_to_id is not None:
            assignee = session.get(CrmUser, lead.assigned_to_id)
        if (
            assignee is not None
            and not assignee.active
            and (stored is None or stored.assigned_to_id != assignee.id)
        ):
            errors["assigned_to"] = [_l("%(name)s's login is disabled.", name=str(assignee))]
        if errors:
            raise ValidationFailed(errors)


def check_delete(session: Session, lead: Any) -> None:
    if lead.converted_at is not None:
        raise NotAllowed(
            gettext(
                "%(title)s was converted and cannot be deleted: it records where its customer "
                "came from.",
                title=lead.title,
            )
        )
    found = delete_blockers(session, lead)
    if found:
        what = ", ".join(f"{count} {label}" for label, count in found)
        raise NotAllowed(
            gettext(
                "%(title)s cannot be deleted: it has %(what)s. Delete them or "
                "link them to another record first.",
                title=lead.title,
                what=what,
            )
        )


# --- the Kanban board -------------------------------------------------------------


def _money(value: Decimal | int | None) -> str:
    return cast(str, format_decimal(value or 0, format="#,##0.00"))


def column_figures(session: Session, status_ids: Collection[int]) -> dict[int, dict[str, object]]:
    """{status id: {"count", "total"}} for the board's columns, in one aggregate query."""
    figures = {sid: {"count": 0, "total": _money(0)} for sid in status_ids}
    if not status_ids:
        return figures
    rows = session.execute(
        select(Lead.status_id, func.count(Lead.id), func.coalesce(func.sum(Lead.value), 0))
        .where(Lead.status_id.in_(status_ids))
        .group_by(Lead.status_id)
    )
    for status_id, count, total in rows:
        figures[status_id] = {"count": count, "total": _money(total)}
    return figures


def board_columns(session: Session, tenant_id: int | None) -> list[tuple[Any, dict[str, object]]]:
    """The board: the non-final statuses in position order, each with its figures."""
    columns = statuses(session, tenant_id, final=False)
    figures = column_figures(session, [s.id for s in columns])
    return [(status, figures[status.id]) for status in columns]


def board_column(session: Session, status_id: object) -> Any:
    """A status that has a column on the board (not final), or NotFound."""
    status = session.scalar(select(LeadStatus).where(LeadStatus.id == status_id))
    if status is None or status.is_final:
        raise NotFound()
    return status


def column_cards(
    session: Session, status: Any, offset: int | None = 0, size: int | str | None = None
) -> tuple[list[Any], int | None]:
    """One page of a column, newest leads first: (leads, next offset or None)."""
    return kanban.card_page(
        session,
        select(Lead)
        .options(joinedload(Lead.assigned_to), joinedload(Lead.source))
        .where(Lead.status_id == status.id)
        .order_by(Lead.id.desc()),
        offset,
        size,
    )


@transactional
def move_to_status(session: Session, lead: Any, status: Any) -> Any:
    """Move a lead to another status (the board's drop): the edit form's rules apply.
    Returns the id of the status it left."""
    old_status_id = lead.status_id
    lead.status = status
    prepare(session, lead)
    return old_status_id


# --- the detail page --------------------------------------------------------------


def open_tasks(session: Session, lead: Any, limit: int = 50) -> list[Any]:
    """The lead's tasks still to do, soonest due first."""
    return list(
        session.scalars(
            select(Task)
            .options(joinedload(Task.assignee))
            .where(Task.lead_id == lead.id, Task.status.in_(OPEN_TASK_STATUSES))
            .order_by(Task.due_date.is_(None), Task.due_date, Task.id)
            .limit(limit)
        )
    )


# Audit values that are ids, shown by the name of the row they point at.
_NAMED_COLUMNS = {
    "status_id": (LeadStatus, "name"),
    "source_id": (LeadSource, "name"),
    "assigned_to_id": (CrmUser, None),
    "customer_id": (Customer, "name"),
    "company_id": (Company, "name"),
    "deal_id": (Deal, "title"),
}


def activity(
    session: Session, lead: Any
) -> list[tuple[AuditEntry, list[tuple[str, object, object]]]]:
    """The lead's timeline with ids shown as names (see timeline.named_activity)."""
    return timeline.named_activity(session, lead, _NAMED_COLUMNS)


# --- assignment notifications -------------------------------------------------------


def _new_assignee(lead: Any, is_new: bool) -> Any:
    """The user this flush made the lead's assignee, or None."""
    if lead.assigned_to_id is None:
        return None
    if is_new:
        return lead.assigned_to_id
    history = inspect(lead).attrs.assigned_to_id.history
    if not history.added:
        return None
    old = history.deleted[0] if history.deleted else None
    return lead.assigned_to_id if old != lead.assigned_to_id else None


def _notify_new_assignees(session: Session, flush_context: UOWTransaction) -> None:
    """After every flush, whoever entry point wrote the lead: tell its new assignee.
    The notification joins the same transaction (commit flushes it)."""
    actor = current_user_id()
    for lead, is_new in [(o, True) for o in session.new] + [(o, False) for o in session.dirty]:
        if not isinstance(lead, Lead):
            continue
        assignee = _new_assignee(lead, is_new)
        if assignee is None or assignee == actor:
            continue
        notifications.notify(
            session,
            lead.tenant_id,
            assignee,
            gettext("Lead assigned to you: %(title)s", title=lead.title),
            LEAD_LINK.format(id=lead.id),
        )


if not event.contains(Session, "after_flush", _notify_new_assignees):
    event.listen(Session, "after_flush", _notify_new_assignees)
