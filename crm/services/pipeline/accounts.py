"""An account's pipeline: the deals and open tasks of a company, its own and its customers',
for the company's page."""

from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from crm.models import Company, Customer, Deal, Stage, Task
from crm.services.pipeline.tasks import OPEN_STATUSES

# Most rows one section of the page lists; the deal and task lists hold the rest.
ACCOUNT_ROWS = 50


def _of_company(model: Any, company: Company) -> ColumnElement[bool]:
    customers = select(Customer.id).where(Customer.company_id == company.id)
    return or_(model.company_id == company.id, model.customer_id.in_(customers))


def company_deals(session: Session, company: Company) -> list[Deal]:
    """The company's deals, open ones first, each by expected close (undated last)."""
    query = (
        select(Deal)
        .join(Deal.stage)
        .where(_of_company(Deal, company))
        .options(
            contains_eager(Deal.stage).joinedload(Stage.pipeline),
            joinedload(Deal.assigned_to),
            joinedload(Deal.customer),
        )
        .order_by(
            or_(Stage.is_won, Stage.is_lost),
            Deal.expected_close_date.is_(None),
            Deal.expected_close_date,
            Deal.id,
        )
        .limit(ACCOUNT_ROWS)
    )
    return list(session.scalars(query).unique())


def company_open_tasks(session: Session, company: Company) -> list[Task]:
    """The company's tasks still to do, by due date (undated last)."""
    query = (
        select(Task)
        .where(_of_company(Task, company), Task.status.in_(OPEN_STATUSES))
        .options(joinedload(Task.assignee), joinedload(Task.customer))
        .order_by(Task.due_date.is_(None), Task.due_date, Task.id)
        .limit(ACCOUNT_ROWS)
    )
    return list(session.scalars(query).unique())
