"""Contacts (exactly one primary), addresses (one default per kind), plants, bank accounts, notes."""

from crm.models import Address, BankAccount, Contact, Customer, Note
from tests import factories
from tests.factories import form_errors, load


def _primaries(db_session, customer_id):
    with db_session() as s:
        return sorted(
            c.name for c in s.query(Contact).filter_by(customer_id=customer_id, is_primary=True)
        )


def test_first_contact_becomes_primary(app, browser, acme, acme_manager, db_session):
    pk = factories.customer(app, acme)
    r = browser(acme_manager).post(
        "/contacts/add", {"customer": pk, "name": "Ann Lee", "email": "ann@x.example"}
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    assert _primaries(db_session, pk) == ["Ann Lee"]


def test_a_new_primary_replaces_the_old_one(app, browser, acme, acme_manager, db_session):
    pk = factories.customer(app, acme)
    factories.contact(app, acme, pk, "Ann Lee")
    browser(acme_manager).post(
        "/contacts/add", {"customer": pk, "name": "Bob Ray", "is_primary": "y"}
    )
    assert _primaries(db_session, pk) == ["Bob Ray"]


def test_the_only_primary_cannot_be_unset(app, browser, acme, acme_manager, db_session):
    pk = factories.customer(app, acme)
    ann = factories.contact(app, acme, pk, "Ann Lee")
    factories.contact(app, acme, pk, "Bob Ray")
    r = browser(acme_manager).post(f"/contacts/edit/{ann}", {"customer": pk, "name": "Ann Lee"})
    assert any("one primary contact" in e for e in form_errors(r.get_data(as_text=True)))
    assert _primaries(db_session, pk) == ["Ann Lee"]


def test_primary_rule_holds_in_the_api(app, api, acme, acme_manager, db_session):
    pk = factories.customer(app, acme)
    ann = factories.contact(app, acme, pk, "Ann Lee")
    factories.contact(app, acme, pk, "Bob Ray")
    client = api(acme_manager)
    r = client.put(f"/api/v1/contact/{ann}", json={"is_primary": False})
    assert r.status_code == 422
    assert "is_primary" in r.json["message"]
    r = client.post("/api/v1/contact/", json={"customer": pk, "name": "Cy", "is_primary": True})
    assert r.status_code == 201
    assert _primaries(db_session, pk) == ["Cy"]


def test_deleting_the_primary_promotes_another_contact(app, browser, acme, acme_admin, db_session):
    pk = factories.customer(app, acme)
    ann = factories.contact(app, acme, pk, "Ann Lee")
    factories.contact(app, acme, pk, "Bob Ray")
    r = browser(acme_admin).post(f"/contacts/delete/{ann}")
    assert r.status_code == 302
    assert _primaries(db_session, pk) == ["Bob Ray"]


def test_contact_email_and_phone_are_validated(app, browser, acme, acme_manager):
    pk = factories.customer(app, acme)
    r = browser(acme_manager).post(
        "/contacts/add", {"customer": pk, "name": "X", "email": "bad", "phone": "1"}
    )
    errors = " ".join(form_errors(r.get_data(as_text=True)))
    assert "valid email" in errors and "phone number" in errors


def test_one_default_address_per_kind_and_list_city(app, browser, acme, acme_manager, db_session):
    pk = factories.customer(app, acme)
    b = browser(acme_manager)
    first = {
        "customer": pk,
        "kind": "billing",
        "line1": "1 Quay",
        "city": "Hamburg",
        "country": "DE",
    }
    assert b.post("/addresses/add", first).status_code == 302
    assert (
        b.post("/addresses/add", {**first, "city": "Bremen", "is_default": "y"}).status_code == 302
    )
    with db_session() as s:
        defaults = [a.city for a in s.query(Address).filter_by(customer_id=pk, is_default=True)]
        assert defaults == ["Bremen"]
        customer = s.get(Customer, pk)
        assert (customer.city, customer.country) == ("Bremen", "DE")
    r = b.post("/addresses/add", {**first, "country": "ZZ"})
    assert form_errors(r.get_data(as_text=True))


def test_bank_account_iban_and_bic_are_checked(app, browser, acme, acme_manager, db_session):
    pk = factories.customer(app, acme)
    b = browser(acme_manager)
    good = {
        "customer": pk,
        "bank_name": "Deutsche Bank",
        "account_holder": "Acme",
        "account_number": "DE89 3704 0044 0532 0130 00",
        "swift_bic": "DEUTDEFF",
        "currency": "EUR",
    }
    assert b.post("/bank-accounts/add", good).status_code == 302
    bad = b.post(
        "/bank-accounts/add",
        {**good, "account_number": "DE89 3704 0044 0532 0130 01", "swift_bic": "XX"},
    )
    errors = " ".join(form_errors(bad.get_data(as_text=True)))
    assert "IBAN" in errors and "SWIFT" in errors
    with db_session() as s:
        assert [a.account_number for a in s.query(BankAccount)] == ["DE89370400440532013000"]


def test_plants_and_notes(app, browser, acme, acme_manager, db_session):
    pk = factories.customer(app, acme)
    b = browser(acme_manager)
    assert (
        b.post(
            "/plants/add",
            {
                "customer": pk,
                "name": "Plant Nord",
                "city": "Kiel",
                "country": "DE",
                "is_active": "y",
            },
        ).status_code
        == 302
    )
    assert b.post("/notes/add", {"customer": pk, "body": "Prefers email."}).status_code == 302
    empty = b.post("/notes/add", {"customer": pk, "body": "   "})
    assert empty.status_code == 200
    with db_session() as s:
        note = s.query(Note).one()
        assert note.author_id == acme_manager.id
    html = factories.with_tabs(b, f"/customers/show/{pk}")
    assert "Plant Nord" in html and "Prefers email." in html


def test_pickers_offer_only_active_customers(app, browser, acme, globex, acme_manager, db_session):
    active = factories.customer(app, acme, "Active Buyer")
    archived = factories.customer(app, acme, "Sleeping Buyer", is_active=False)
    factories.customer(app, globex, "Foreign Buyer")
    b = browser(acme_manager)
    # The add form lists no customers at all; its picker asks the lookup endpoint.
    html = b.get("/contacts/add").get_data(as_text=True)
    assert "Active Buyer" not in html and "Sleeping Buyer" not in html
    for term in ("", "buyer"):
        texts = [r["text"] for r in b.get(f"/customers/lookup?q={term}").json["results"]]
        assert any("Active Buyer" in t for t in texts)
        assert not any("Sleeping Buyer" in t or "Foreign Buyer" in t for t in texts)
    assert load(app, Customer, archived).is_active is False and active
