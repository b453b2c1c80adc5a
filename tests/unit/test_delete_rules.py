"""A customer that other records point at is archived, never deleted."""

import pytest
from flask_appbuilder import Model

from crm.extensions import db
from crm.models import Customer, Note
from crm.security.tenancy import tenant_scope
from crm.services.core import delete_rules as links
from crm.services.core.errors import NotAllowed
from crm.services.customers import customers, merge
from tests import factories


def test_linked_records_block_delete_with_a_count(app, acme, notes_block_customers):
    pk = factories.customer(app, acme, "Has History")
    with app.app_context(), tenant_scope(acme.id):
        customer = db.session.get(Customer, pk)
        db.session.add_all(
            [Note(tenant_id=acme.id, customer_id=pk, body=f"n{i}") for i in range(2)]
        )
        db.session.commit()
        with pytest.raises(NotAllowed, match="2 notes.*Archive it instead"):
            customers.check_delete(db.session, customer)
        db.session.remove()


def test_without_links_a_customer_can_be_deleted(app, acme):
    pk = factories.customer(app, acme, "No History")
    with app.app_context(), tenant_scope(acme.id):
        customers.check_delete(db.session, db.session.get(Customer, pk))
        db.session.remove()


def _foreign_keys_to(table):
    """(child table name, column) of every column pointing at ``table``, but its own."""
    return {
        (child.name, column.name)
        for child in Model.metadata.sorted_tables
        if child is not table
        for column in child.columns
        if any(fk.column.table is table for fk in column.foreign_keys)
    }


def test_every_foreign_key_to_customers_blocks_delete_or_is_a_part_of_the_customer():
    """The merge moves every row pointing at a customer (found from the schema); each of
    those tables either blocks deleting the customer or is a part deleted with it."""
    blocking = {
        (getattr(child, "__table__", child).name, column.name)
        for parent, child, column, _label in links.DELETE_RULES
        if parent is Customer
    }
    parts = {(name, "customer_id") for name in links.CUSTOMER_PARTS}
    assert not blocking & parts
    assert _foreign_keys_to(Customer.__table__) == blocking | parts
    assert {table.name for table, _column in merge.child_columns()} == {
        name for name, _column in blocking | parts
    }


@pytest.mark.parametrize(
    "rule", links.DELETE_RULES, ids=lambda rule: f"{rule[0].__name__}-{rule[3]}"
)
def test_each_rule_names_a_column_pointing_at_its_parent(rule):
    parent, child, column, _label = rule
    assert column.table is getattr(child, "__table__", child)
    assert any(fk.column.table is parent.__table__ for fk in column.foreign_keys)
