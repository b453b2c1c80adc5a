"""A customer that other records point at is archived, never deleted."""
import pytest

from crm.extensions import db
from crm.models import Customer, Note
from crm.security.tenancy import tenant_scope
from crm.services.core import delete_rules as links
from crm.services.core.errors import NotAllowed
from crm.services.customers import customers
from tests import factories


@pytest.fixture
def notes_block_customers():
    """Stands in for the ledger and pipeline, which register deals, orders and invoices."""
    links.blocks_delete(Customer, Note, Note.customer_id, "notes")
    yield
    links._BLOCKERS[Customer] = [b for b in links._BLOCKERS[Customer] if b[1] is not Note]


def test_linked_records_block_delete_with_a_count(app, acme, notes_block_customers):
    pk = factories.customer(app, acme, "Has History")
    with app.app_context(), tenant_scope(acme.id):
        customer = db.session.get(Customer, pk)
        db.session.add_all([Note(tenant_id=acme.id, customer_id=pk, body=f"n{i}") for i in range(2)])
        db.session.commit()
        with pytest.raises(NotAllowed, match="2 notes.*Archive it instead"):
            customers.check_delete(db.session, customer)
        db.session.remove()


def test_screen_and_api_refuse_and_suggest_archiving(app, acme, acme_admin, browser, api,
                                                      notes_block_customers):
    pk = factories.customer(app, acme, "Has History")
    with app.app_context(), tenant_scope(acme.id):
        db.session.add(Note(tenant_id=acme.id, customer_id=pk, body="kept"))
        db.session.commit()
        db.session.remove()
    r = browser(acme_admin).post(f"/customers/delete/{pk}", follow_redirects=True)
    assert "Archive it instead" in r.get_data(as_text=True)
    r = api(acme_admin).delete(f"/api/v1/customer/{pk}")
    assert r.status_code == 409 and "Archive it instead" in r.json["message"]
    assert factories.load(app, Customer, pk) is not None


def test_without_links_a_customer_can_be_deleted(app, acme):
    pk = factories.customer(app, acme, "No History")
    with app.app_context(), tenant_scope(acme.id):
        customers.check_delete(db.session, db.session.get(Customer, pk))
        db.session.remove()
