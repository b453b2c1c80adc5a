"""A customer that other records point at is archived, never deleted."""
import pytest

from crm.extensions import db
from crm.models import Customer, Note
from crm.security.tenancy import tenant_scope
from crm.services.core.errors import NotAllowed
from crm.services.customers import customers
from tests import factories


def test_linked_records_block_delete_with_a_count(app, acme, notes_block_customers):
    pk = factories.customer(app, acme, "Has History")
    with app.app_context(), tenant_scope(acme.id):
        customer = db.session.get(Customer, pk)
        db.session.add_all([Note(tenant_id=acme.id, customer_id=pk, body=f"n{i}") for i in range(2)])
        db.session.commit()
        with pytest.raises(NotAllowed, match="2 notes.*Archive it instead"):
            customers.check_delete(db.session, customer)
        db.session.remove()


def test_without_links_a_customer_can_be_deleted(app, acme):
    pk = factories.customer(app, acme, "No History")
    with app.app_context(), tenant_scope(acme.id):
        customers.check_delete(db.session, db.session.get(Customer, pk))
        db.session.remove()
