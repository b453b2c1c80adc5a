"""The audit trail records every write and cannot be changed afterwards."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from crm.extensions import db
from crm.models import AuditEntry, Customer
from crm.security.tenancy import tenant_scope
from crm.services.core import audit
from crm.services.customers import customers
from tests import factories


def test_database_refuses_update_and_delete_of_entries(app, acme):
    factories.customer(app, acme, "Audited Ltd")
    with app.app_context():
        before = db.session.query(AuditEntry).count()
        for statement in (
            "UPDATE crm_audit_entry SET action = 'forged'",
            "DELETE FROM crm_audit_entry",
        ):
            with pytest.raises(DatabaseError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.query(AuditEntry).count() == before
        assert db.session.query(AuditEntry).filter_by(entity="customer").one().action == "create"
        db.session.remove()


def test_orm_cannot_edit_an_entry_either(app, acme):
    factories.customer(app, acme, "Audited Ltd")
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(entity="customer").one()
        entry.summary = "rewritten"
        with pytest.raises(DatabaseError):
            db.session.commit()
        db.session.rollback()
        db.session.remove()


def test_entries_carry_tenant_user_entity_and_changes(app, acme):
    pk = factories.customer(app, acme, "Before Ltd")
    with app.app_context(), tenant_scope(acme.id), audit.acting_as("operator", 42):
        customer = db.session.get(Customer, pk)
        customer.name = "After Ltd"
        customers.prepare(db.session, customer)
        db.session.commit()
        entry = db.session.query(AuditEntry).filter_by(action="update").one()
        assert (entry.tenant_id, entry.user_id, entry.username) == (acme.id, 42, "operator")
        assert (entry.entity, entry.entity_id) == ("customer", pk)
        assert entry.changes["name"] == ["Before Ltd", "After Ltd"]
        assert "search_text" not in entry.changes
        db.session.remove()


def test_tag_changes_are_recorded_as_lists(app, acme):
    pk = factories.customer(app, acme, "Tagged Ltd")
    with app.app_context(), tenant_scope(acme.id):
        from crm.models import Tag

        customer = db.session.get(Customer, pk)
        customer.tags = db.session.query(Tag).filter_by(name="VIP").all()
        db.session.commit()
        entry = db.session.query(AuditEntry).filter_by(action="update").one()
        assert entry.changes["tags"] == [[], ["VIP"]]
        db.session.remove()
