"""Task rules as data: the status transitions, completed_at, overdue, and the open-first
order the lead, deal, company and customer pages read."""

import datetime as dt
import itertools

import pytest

from crm.extensions import db
from crm.models import TASK_STATUSES, Task
from crm.security.tenancy import tenant_scope
from crm.services.core import delete_rules as links
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.pipeline import tasks
from tests import factories
from tests.factories import deal, lead, task

TODAY = dt.date(2030, 6, 15)


@pytest.mark.parametrize("old, new", itertools.product(TASK_STATUSES, TASK_STATUSES))
def test_status_changes_follow_the_transition_table(app, acme, old, new):
    pk = task(app, acme, status=old)
    allowed = old == new or new in tasks.TRANSITIONS[old]
    with app.app_context(), tenant_scope(acme.id):
        item = db.session.get(Task, pk)
        if allowed:
            tasks.set_status(db.session, item, new)
            assert item.status == new
            assert (item.completed_at is not None) == (new == "done")
        else:
            with pytest.raises(NotAllowed):
                tasks.set_status(db.session, item, new)
            item.status = new
            with pytest.raises(ValidationFailed) as refused:
                tasks.prepare(db.session, item)
            assert list(refused.value.errors) == ["status"]
        db.session.remove()


def test_a_new_task_created_done_is_completed_now(app, acme):
    pk = task(app, acme, status="done")
    with app.app_context():
        assert db.session.get(Task, pk).completed_at is not None
        db.session.remove()


@pytest.mark.parametrize(
    "status, due, overdue",
    [
        ("open", TODAY - dt.timedelta(days=1), True),
        ("in_progress", TODAY - dt.timedelta(days=30), True),
        ("open", TODAY, False),
        ("open", None, False),
        ("done", TODAY - dt.timedelta(days=1), False),
        ("cancelled", TODAY - dt.timedelta(days=1), False),
    ],
)
def test_overdue_means_open_and_due_before_today(status, due, overdue):
    assert tasks.is_overdue(status, due, TODAY) is overdue


def test_detail_pages_read_open_tasks_first_by_due_date(app, acme):
    customer = factories.customer(app, acme)
    company = factories.company(app, acme)
    the_deal = deal(app, acme, customer_id=customer, company_id=company)
    the_lead = lead(app, acme)
    day = dt.date.today()
    links_ = {
        "deal_id": the_deal,
        "lead_id": the_lead,
        "company_id": company,
        "customer_id": customer,
    }
    task(app, acme, "done early", status="done", due_date=day - dt.timedelta(days=9), **links_)
    task(app, acme, "undated", **links_)
    task(app, acme, "due later", due_date=day + dt.timedelta(days=3), **links_)
    task(app, acme, "due soon", due_date=day, priority="low", **links_)
    task(app, acme, "due soon, urgent", due_date=day, priority="urgent", **links_)
    task(app, acme, "unrelated")
    expected = ["due soon, urgent", "due soon", "due later", "undated", "done early"]
    with app.app_context(), tenant_scope(acme.id):
        for read, pk in (
            (tasks.for_deal, the_deal),
            (tasks.for_lead, the_lead),
            (tasks.for_company, company),
            (tasks.for_customer, customer),
        ):
            assert [t.title for t in read(db.session, pk)] == expected, read.__name__
        db.session.remove()


def test_a_link_is_counted_once(app, acme):
    """Each link is one row of the delete-rule table: the refusal never says "1 tasks, 1 tasks"."""
    from crm.models import Lead

    links_named = [(parent, id(column)) for parent, _child, column, _label in links.DELETE_RULES]
    assert len(links_named) == len(set(links_named))
    pk = lead(app, acme)
    task(app, acme, lead_id=pk)
    with app.app_context(), tenant_scope(acme.id):
        assert links.delete_blockers(db.session, db.session.get(Lead, pk)) == [("tasks", 1)]
        db.session.remove()
