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
        for statement in ("UPDATE crm_audit_entry SET action = 'forged'", "DELETE FROM crm_audit_entry"):
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


def test_audit_screen_filters_and_api_are_read_only(app, browser, api, acme, acme_admin):
    factories.customer(app, acme, "Listed Ltd")
    b = browser(acme_admin)
    html = b.get("/audit/list/?_flt_0_entity=customer").get_data(as_text=True)
    assert "Listed Ltd" in html
    client = api(acme_admin)
    body = client.get("/api/v1/audit/").json
    assert body["count"] >= 1
    entry_id = body["ids"][0]
    assert client.put(f"/api/v1/audit/{entry_id}", json={"action": "x"}).status_code in (404, 405)
    assert client.delete(f"/api/v1/audit/{entry_id}").status_code in (404, 405)
    assert client.post("/api/v1/audit/", json={"action": "x"}).status_code in (404, 405)
    assert b.get("/audit/add").status_code == 404
    assert b.post(f"/audit/delete/{entry_id}").status_code in (403, 404)


def test_customer_page_shows_its_timeline(app, browser, acme, acme_admin):
    pk = factories.customer(app, acme, "Timeline Ltd")
    factories.contact(app, acme, pk, "Tim Line")
    html = browser(acme_admin).get(f"/customers/show/{pk}").get_data(as_text=True)
    timeline = html[html.index('id="Timeline"'):]
    assert "created" in timeline and "Contact" in timeline and "Tim Line" in timeline
