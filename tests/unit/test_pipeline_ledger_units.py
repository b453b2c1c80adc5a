"""Pipeline and ledger services join the caller's unit of work: called inside a longer
transaction they commit nothing themselves, so an error later in it undoes their writes
too (a lead conversion's deal, a statement e-mail's logged interaction)."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from crm.models import CreditNote, Deal, Interaction, Invoice, Payment, SalesOrder, Stage, Task
from crm.security.tenancy import tenant_scope
from crm.services.core.transaction import transaction
from crm.services.ledger import credit_notes, payments, sales_orders
from crm.services.pipeline import deal_stages, deals, interactions, tasks
from tests import factories


@pytest.fixture
def world(app, acme):
    """A customer with an issued invoice, a draft credit note, a deal and its open task."""
    buyer = factories.buyer(app, acme)
    invoice = factories.draft_invoice(app, acme, buyer, issue=True)
    deal = factories.deal(app, acme, stage="Negotiation", customer_id=buyer)
    task = factories.task(app, acme, deal_id=deal)
    with app.app_context(), tenant_scope(acme.id):
        note = CreditNote(customer_id=buyer, amount=Decimal("10.00"), reason="Scratched")
        credit_notes.prepare(db.session, note)
        db.session.add(note)
        db.session.commit()
        won = db.session.scalar(
            select(Stage.id).where(Stage.tenant_id == acme.id, Stage.name == "Won")
        )
        found = {
            "buyer": buyer,
            "invoice": invoice,
            "deal": deal,
            "task": task,
            "note": note.id,
            "won": won,
        }
        db.session.remove()
    return found


def _count(session, model):
    return session.scalar(select(func.count(model.id)))


def _deal_created(session, w):
    deals.create_deal(session, title="Side deal", customer_id=w["buyer"])


def _interaction_logged(session, w):
    interactions.log_interaction(session, w["buyer"], "Called about the invoice", kind="call")


def _payment_recorded(session, w):
    payments.record_payment(session, w["buyer"], "50.00", allocations=[(w["invoice"], "50.00")])


def _order_saved(session, w):
    sales_orders.save_order(session, SalesOrder(), {"customer": w["buyer"]}, [factories.WIDGETS])


def _note_issued(session, w):
    credit_notes.issue(session, session.get(CreditNote, w["note"]))


def _task_done(session, w):
    tasks.complete(session, session.get(Task, w["task"]))


def _deal_won(session, w):
    deal_stages.change_stage(session, session.get(Deal, w["deal"]), w["won"])


def _state(session, w):
    """What any of the operations above would change."""
    invoice = session.get(Invoice, w["invoice"])
    return {
        "deals": _count(session, Deal),
        "interactions": _count(session, Interaction),
        "payments": _count(session, Payment),
        "orders": _count(session, SalesOrder),
        "paid": invoice.amount_paid,
        "note": session.get(CreditNote, w["note"]).status,
        "task": session.get(Task, w["task"]).status,
        "stage": session.get(Deal, w["deal"]).stage.name,
    }


OPERATIONS = [
    _deal_created,
    _interaction_logged,
    _payment_recorded,
    _order_saved,
    _note_issued,
    _task_done,
    _deal_won,
]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda f: f.__name__.strip("_"))
def test_an_error_after_the_service_undoes_its_writes(app, acme, world, operation):
    with app.app_context(), tenant_scope(acme.id):
        before = _state(db.session, world)
        db.session.rollback()
        with pytest.raises(RuntimeError), transaction(db.session):
            operation(db.session, world)
            raise RuntimeError("a later step of the same unit fails")
        assert _state(db.session, world) == before
        db.session.remove()


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda f: f.__name__.strip("_"))
def test_the_service_alone_commits_its_work(app, acme, world, operation):
    with app.app_context(), tenant_scope(acme.id):
        before = _state(db.session, world)
        db.session.rollback()
        operation(db.session, world)
        db.session.remove()
    with app.app_context(), tenant_scope(acme.id):
        assert _state(db.session, world) != before
        db.session.remove()
