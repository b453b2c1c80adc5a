"""Tasks: to-dos with a due date, a priority, a status and an assignee, linked to a
lead, deal, company or customer — or to nothing (a personal to-do).

The rules, for the form, the quick actions and the API:

* a title (required), a priority from ``TASK_PRIORITIES``, a status from ``TASK_STATUSES``;
* a status changes only along ``TRANSITIONS``: a finished task (done or cancelled)
  is reopened before it can be finished the other way; ``completed_at`` is set when
  a task becomes done and cleared when it leaves done;
* the assignee is an active user of the tenant (one already assigned may stay
  after being deactivated);
* a newly chosen customer or company must be active; a deal's customer and company
  must match the task's (when the task names none, the deal's are filled in, so the
  task shows on the customer's and company's pages too);
* overdue means still open (``OPEN_STATUSES``) with a due date before today (UTC);
* a reminder time (``remind_at``) defaults from the due date and the assignee's
  preference, see crm.services.pipeline.reminders.

Deleting a lead, deal, company or customer that tasks point at is refused (see
crm.services.core.delete_rules): a task is part of the record's history, the refusal names
what is in the way, and closing or relinking the task is one click away.
"""

import datetime as dt
from typing import Any, cast

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, case, select
from sqlalchemy.orm import QueryableAttribute, Session, joinedload

from crm.models import TASK_PRIORITIES, TASK_STATUSES, Company, CrmUser, Customer, Deal, Lead, Task
from crm.models.base import utcnow
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.related import linked, stored
from crm.services.core.transaction import transactional
from crm.services.pipeline.reminders import apply_reminder

OPEN_STATUSES = ("open", "in_progress")
# status -> the statuses it may change to.
TRANSITIONS = {
    "open": ("in_progress", "done", "cancelled"),
    "in_progress": ("open", "done", "cancelled"),
    "done": ("open", "in_progress"),
    "cancelled": ("open", "in_progress"),
}
PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
# Enough for a detail page's task panel.
RECENT = 100
MY_TASKS_PAGE = 50


def today() -> dt.date:
    return cast(dt.date, utcnow().date())


def is_overdue(status: str, due_date: dt.date | None, on: dt.date | None = None) -> bool:
    return status in OPEN_STATUSES and due_date is not None and due_date < (on or today())


def _status_problem(old: str | None, new: str) -> object:
    if new not in TASK_STATUSES:
        return _l("Choose open, in progress, done or cancelled.")
    if old is not None and new != old and new not in TRANSITIONS[old]:
        return _l("A finished task is reopened before it can be finished another way.")
    return None


def _check_link(
    session: Session,
    task: Any,
    relation: str,
    model: type[Any],
    errors: dict[str, list[Any]],
    active_attr: str = "is_active",
) -> Any:
    record = linked(session, task, relation, model)
    if (
        record is not None
        and not getattr(record, active_attr)
        and stored(session, task, f"{relation}_id") != record.id
    ):
        errors[relation] = [
            gettext("%(name)s is archived or inactive and cannot be chosen.", name=str(record))
        ]
    return record


def prepare(session: Session, task: Any) -> None:
    """Validate and normalise a task before it is saved; raise one ``ValidationFailed``
    listing every problem."""
    errors: dict[str, list[Any]] = {}
    with session.no_autoflush:
        task.title = (task.title or "").strip()
        if not task.title:
            errors["title"] = [_l("A title is required.")]
        elif len(task.title) > 200:
            errors["title"] = [_l("Keep the title under 200 characters.")]
        task.description = (task.description or "").strip() or None
        task.priority = task.priority or "normal"
        if task.priority not in TASK_PRIORITIES:
            errors["priority"] = [_l("Choose low, normal, high or urgent.")]
        task.status = task.status or "open"
        problem = _status_problem(stored(session, task, "status"), task.status)
        if problem:
            errors["status"] = [problem]

        assignee = _check_link(session, task, "assignee", CrmUser, errors, active_attr="active")
        customer = _check_link(session, task, "customer", Customer, errors)
        company = _check_link(session, task, "company", Company, errors)
        deal = linked(session, task, "deal", Deal)
        lead = linked(session, task, "lead", Lead)
        if deal is not None:
            if customer is None and deal.customer_id is not None:
                customer = linked(session, deal, "customer", Customer)
            elif customer is not None and deal.customer_id not in (None, customer.id):
                errors.setdefault("deal", []).append(
                    gettext("This deal is not one of %(name)s's deals.", name=customer.name)
                )
            if company is None and deal.company_id is not None:
                company = linked(session, deal, "company", Company)
            elif company is not None and deal.company_id not in (None, company.id):
                errors.setdefault("deal", []).append(
                    gettext(
                        "This deal belongs to another company than %(name)s.", name=company.name
                    )
                )
        if errors:
            raise ValidationFailed(errors)

        task.assignee, task.customer, task.company, task.deal, task.lead = (
            assignee,
            customer,
            company,
            deal,
            lead,
        )
        apply_reminder(session, task)
        if task.status == "done":
            task.completed_at = task.completed_at or utcnow()
        else:
            task.completed_at = None


@transactional
def set_status(session: Session, task: Any, status: str) -> Any:
    """Move a task to ``status`` (the quick actions); refused off ``TRANSITIONS``."""
    problem = _status_problem(task.status, status)
    if problem:
        raise NotAllowed(problem)
    if status == task.status:
        return task
    task.status = status
    task.completed_at = utcnow() if status == "done" else None
    return task


def complete(session: Session, task: Any) -> Any:
    return set_status(session, task, "done")


def reopen(session: Session, task: Any) -> Any:
    return set_status(session, task, "open")


# --- reads for pages ----------------------------------------------------------------


def _order_open_first() -> tuple[ColumnElement[Any], ...]:
    """Open before finished, then by due date (undated last), priority and age."""
    return (
        case((Task.status.in_(OPEN_STATUSES), 0), else_=1),
        Task.due_date.is_(None),
        Task.due_date,
        case(PRIORITY_RANK, value=Task.priority, else_=9),
        Task.id,
    )


def _with_names(query: Select[Any]) -> Select[Any]:
    return query.options(
        joinedload(Task.assignee),
        joinedload(Task.customer),
        joinedload(Task.company),
        joinedload(Task.deal),
        joinedload(Task.lead),
    )


def _linked_to(
    session: Session, column: QueryableAttribute[Any], record_id: int, limit: int
) -> list[Any]:
    query = _with_names(select(Task).where(column == record_id))
    return list(session.scalars(query.order_by(*_order_open_first()).limit(limit)))


def for_deal(session: Session, deal_id: int, limit: int = RECENT) -> list[Any]:
    """A deal's tasks: open ones first, by due date (undated last), then finished ones."""
    return _linked_to(session, Task.deal_id, deal_id, limit)


def for_lead(session: Session, lead_id: int, limit: int = RECENT) -> list[Any]:
    """A lead's tasks, open first (as ``for_deal``)."""
    return _linked_to(session, Task.lead_id, lead_id, limit)


def for_company(session: Session, company_id: int, limit: int = RECENT) -> list[Any]:
    """A company's tasks, open first (as ``for_deal``)."""
    return _linked_to(session, Task.company_id, company_id, limit)


def for_customer(session: Session, customer_id: int, limit: int = RECENT) -> list[Any]:
    """A customer's tasks, open first (as ``for_deal``)."""
    return _linked_to(session, Task.customer_id, customer_id, limit)


def my_open_tasks(
    session: Session, user_id: int | None, page: int | None = 1
) -> tuple[list[Any], bool]:
    """The user's open and in-progress tasks by due date (undated last), then priority;
    one page of ``MY_TASKS_PAGE`` and whether another follows."""
    page = max(page or 1, 1)
    query = _with_names(
        select(Task).where(Task.assignee_id == user_id, Task.status.in_(OPEN_STATUSES))
    )
    rows = list(
        session.scalars(
            query.order_by(*_order_open_first())
            .limit(MY_TASKS_PAGE + 1)
            .offset((page - 1) * MY_TASKS_PAGE)
        )
    )
    return rows[:MY_TASKS_PAGE], len(rows) > MY_TASKS_PAGE
