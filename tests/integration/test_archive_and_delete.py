"""Archive instead of delete: what can be deleted, what is kept, and how it is restored."""

from crm.models import AuditEntry, Company, Contact, Customer, CustomerGroup
from tests import factories
from tests.factories import form_errors, load


def test_archived_customers_leave_the_default_list_and_come_back(
    app, browser, acme, acme_admin, db_session
):
    pk = factories.customer(app, acme, "Dormant Traders")
    b = browser(acme_admin)
    assert b.post(f"/customers/archive/{pk}").status_code == 302
    assert load(app, Customer, pk).is_active is False
    b.get(f"/customers/show/{pk}")  # shows (and so clears) the flash message
    assert "Dormant Traders" not in b.get("/customers/list/").get_data(as_text=True)
    assert "Dormant Traders" in b.get("/customers/list/?archived=1").get_data(as_text=True)
    assert b.post(f"/customers/restore/{pk}").status_code == 302
    assert load(app, Customer, pk).is_active is True
    with db_session() as s:
        actions = [
            e.action
            for e in s.query(AuditEntry)
            .filter_by(entity="customer", entity_id=pk)
            .order_by(AuditEntry.id)
        ]
    assert actions == ["create", "archive", "restore"]


def test_archived_customer_keeps_its_history(app, browser, acme, acme_admin, db_session):
    pk = factories.customer(app, acme, "Dormant Traders")
    factories.contact(app, acme, pk, "Ann Lee")
    browser(acme_admin).post(f"/customers/archive/{pk}")
    with db_session() as s:
        assert s.query(Contact).filter_by(customer_id=pk).count() == 1


def test_api_archive_and_restore(app, api, acme, acme_manager):
    pk = factories.customer(app, acme, "Dormant Traders")
    client = api(acme_manager)
    r = client.post(f"/api/v1/customer/{pk}/archive")
    assert r.status_code == 200 and r.json["result"]["is_active"] is False
    assert client.post(f"/api/v1/customer/{pk}/archive").status_code == 409
    assert client.post(f"/api/v1/customer/{pk}/restore").json["result"]["is_active"] is True


def test_clone_copies_profile_contacts_and_addresses(app, browser, acme, acme_manager, db_session):
    pk = factories.customer(app, acme, "Original GmbH", currency="CHF", discount_rate=7)
    factories.contact(app, acme, pk, "Ann Lee", email="ann@orig.example")
    factories.address(app, acme, pk, kind="billing", city="Basel", country="CH")
    b = browser(acme_manager)
    assert "Copy of Original GmbH" in b.get(f"/customers/clone/{pk}").get_data(as_text=True)
    r = b.post(
        f"/customers/clone/{pk}", {"name": "Original GmbH (Zurich)", "email": "zurich@orig.example"}
    )
    assert r.status_code == 302
    with db_session() as s:
        copy = s.query(Customer).filter_by(email="zurich@orig.example").one()
        original = s.get(Customer, pk)
        assert copy.code != original.code
        assert (copy.currency, copy.discount_rate) == ("CHF", 7)
        assert [c.name for c in copy.contacts] == ["Ann Lee"]
        assert [(a.kind, a.city) for a in copy.addresses] == [("billing", "Basel")]
        entry = s.query(AuditEntry).filter_by(entity="customer", entity_id=copy.id).one()
        assert entry.action == "clone" and original.code in entry.summary


def test_clone_needs_a_free_email(app, browser, acme, acme_manager):
    pk = factories.customer(app, acme, "Original GmbH", email="orig@orig.example")
    r = browser(acme_manager).post(
        f"/customers/clone/{pk}", {"name": "Copy", "email": "ORIG@orig.example"}
    )
    assert r.status_code == 200
    assert "already uses" in r.get_data(as_text=True)


def test_admin_deletes_a_customer_without_history(app, browser, acme, acme_admin, db_session):
    pk = factories.customer(app, acme, "Typo Customer")
    factories.contact(app, acme, pk)
    assert browser(acme_admin).post(f"/customers/delete/{pk}").status_code == 302
    assert load(app, Customer, pk) is None
    with db_session() as s:
        assert s.query(Contact).count() == 0
        assert (
            s.query(AuditEntry).filter_by(entity="customer", entity_id=pk, action="delete").count()
            == 1
        )


def test_company_with_customers_cannot_be_deleted(app, browser, api, acme, acme_admin):
    company = factories.company(app, acme)
    factories.customer(app, acme, company_id=company)
    r = browser(acme_admin).post(f"/companies/delete/{company}", follow_redirects=True)
    assert "cannot be deleted" in r.get_data(as_text=True)
    assert load(app, Company, company) is not None
    r = api(acme_admin).delete(f"/api/v1/company/{company}")
    assert r.status_code == 409 and "1 customers" in r.json["message"]


def test_group_with_customers_cannot_be_deleted_but_an_empty_one_can(app, api, acme, acme_admin):
    used = factories.group(app, acme)
    empty = factories.group(app, acme, "Spare", "SPARE")
    factories.customer(app, acme, customer_group_id=used)
    client = api(acme_admin)
    assert client.delete(f"/api/v1/customer_group/{used}").status_code == 409
    assert client.delete(f"/api/v1/customer_group/{empty}").status_code == 200
    assert load(app, CustomerGroup, used) is not None


def test_group_list_shows_customer_counts_and_stats(app, browser, acme, acme_member):
    used = factories.group(app, acme, discount_percent=5)
    factories.customer(app, acme, "A", customer_group_id=used)
    factories.customer(app, acme, "B", customer_group_id=used)
    html = browser(acme_member).get("/customer-groups/list/").get_data(as_text=True)
    assert "Customers in groups" in html
    assert "<b>2</b>" in html


def test_company_office_email_unique_per_tenant(app, browser, acme, acme_manager):
    factories.company(app, acme, office_email="office@umbrella.example")
    r = browser(acme_manager).post(
        "/companies/add", {"name": "Umbrella 2", "office_email": "Office@Umbrella.example"}
    )
    assert any("already uses" in e for e in form_errors(r.get_data(as_text=True)))
