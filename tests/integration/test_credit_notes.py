"""Credit notes through the screens and the API: drafts, issue (against an invoice or loose),
void, the refusals, deletes, roles."""

from decimal import Decimal as D

import pytest

from crm.models import CreditNote, Customer, Invoice
from tests import factories
from tests.factories import form_errors, load, read, saved_invoice


@pytest.fixture
def buyer(app, acme):
    return factories.customer(app, acme, "Credited Buyer SA", currency="CHF")


@pytest.fixture
def bill(app, acme, buyer):
    pk = saved_invoice(app, acme, buyer, "400.00")
    return pk, read(app, acme, Invoice, pk, "number")


def test_a_draft_is_added_on_the_form_and_issued_against_the_invoice(
    app, browser, acme, acme_manager, buyer, bill
):
    invoice_id, number = bill
    b = browser(acme_manager)
    lookup = b.get(f"/credit-notes/lookup_invoices?customer={buyer}&q={number[-3:]}").json
    assert [row["id"] for row in lookup["results"]] == [invoice_id]
    r = b.post(
        "/credit-notes/add",
        {
            "customer": buyer,
            "invoice": invoice_id,
            "amount": "150.00",
            "reason": "Late delivery",
            "issue_date": "2026-03-10",
        },
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    with app.app_context():
        from crm.extensions import db

        note = db.session.query(CreditNote).execution_options(all_tenants=True).one()
        pk, status, currency = note.id, note.status, note.currency
        db.session.remove()
    assert (status, currency) == ("draft", "CHF")
    assert load(app, Customer, buyer).balance == D("400.00")  # a draft counts for nothing
    b.post(f"/credit-notes/issue/{pk}")
    assert load(app, CreditNote, pk).status == "issued"
    assert (load(app, Invoice, invoice_id).status, load(app, Invoice, invoice_id).amount_paid) == (
        "partly_paid",
        D("150.00"),
    )
    assert load(app, Customer, buyer).balance == D("250.00")
    page = factories.with_tabs(b, f"/customers/show/{buyer}")
    assert ">Credit notes<" in page and "Late delivery" in page


def test_form_refusals_show_next_to_the_fields(app, browser, acme, acme_manager, buyer):
    other = factories.customer(app, acme, "Someone Else")
    foreign_invoice = saved_invoice(app, acme, other, "10.00")
    number = read(app, acme, Invoice, foreign_invoice, "number")
    r = browser(acme_manager).post(
        "/credit-notes/add",
        {"customer": buyer, "invoice": foreign_invoice, "amount": "0", "reason": " "},
    )
    errors = form_errors(r.get_data(as_text=True))
    assert f"{number} is not an invoice of Credited Buyer SA." in errors
    assert "A credit note is for more than zero." in errors
    assert "Say why the customer is credited." in errors


def test_a_note_larger_than_what_is_due_is_not_issued(app, api, acme, acme_manager, buyer, bill):
    invoice_id, number = bill
    client = api(acme_manager)
    r = client.post(
        "/api/v1/credit_note/",
        json={"customer": buyer, "invoice": invoice_id, "amount": "400.01", "reason": "Too much"},
    )
    assert r.status_code == 201, r.json
    pk = r.json["id"]
    r = client.post(f"/api/v1/credit_note/{pk}/issue")
    assert r.status_code == 422
    message = r.json["errors"]["invoice"][0]
    assert (
        message.startswith(f"{number} has CHF") and "400.00 due" in message and "400.01" in message
    )
    assert load(app, CreditNote, pk).status == "draft"


def test_a_loose_note_is_credit_and_voiding_takes_it_back(
    app, api, acme, acme_manager, buyer, bill
):
    client = api(acme_manager)
    pk = client.post(
        "/api/v1/credit_note/", json={"customer": buyer, "amount": "30", "reason": "Goodwill"}
    ).json["id"]
    r = client.post(f"/api/v1/credit_note/{pk}/issue")
    assert r.status_code == 200 and r.json["result"]["status"] == "issued"
    assert load(app, Customer, buyer).balance == D("370.00")
    assert client.post(f"/api/v1/credit_note/{pk}/issue").status_code == 409
    r = client.put(f"/api/v1/credit_note/{pk}", json={"amount": "1"})
    assert r.status_code == 409 and "Void it" in r.json["message"]
    assert client.post(f"/api/v1/credit_note/{pk}/void").status_code == 200
    assert load(app, Customer, buyer).balance == D("400.00")
    assert client.post(f"/api/v1/credit_note/{pk}/void").status_code == 409


def test_api_validation_errors_are_json(app, api, acme, acme_manager, buyer):
    r = api(acme_manager).post(
        "/api/v1/credit_note/", json={"customer": buyer, "amount": "abc", "reason": ""}
    )
    assert r.status_code in (400, 422)
    assert "amount" in r.json["errors"]
    r = api(acme_manager).post(
        "/api/v1/credit_note/", json={"customer": buyer, "amount": "-2", "reason": ""}
    )
    assert r.status_code == 422 and set(r.json["errors"]) == {"amount", "reason"}


def test_only_drafts_are_deleted_and_customers_with_notes_are_kept(
    app, api, acme, acme_admin, buyer
):
    client = api(acme_admin)
    draft = client.post(
        "/api/v1/credit_note/", json={"customer": buyer, "amount": "5", "reason": "Typo"}
    ).json["id"]
    issued = client.post(
        "/api/v1/credit_note/", json={"customer": buyer, "amount": "5", "reason": "Kept"}
    ).json["id"]
    client.post(f"/api/v1/credit_note/{issued}/issue")
    assert client.delete(f"/api/v1/credit_note/{issued}").status_code == 409
    r = client.delete(f"/api/v1/customer/{buyer}")
    assert r.status_code == 409 and "credit notes" in r.json["message"]
    assert client.delete(f"/api/v1/credit_note/{draft}").status_code == 200
    assert load(app, CreditNote, draft) is None and load(app, CreditNote, issued) is not None


def test_members_read_credit_notes_only(app, browser, api, acme, acme_manager, acme_member, buyer):
    pk = (
        api(acme_manager)
        .post("/api/v1/credit_note/", json={"customer": buyer, "amount": "5", "reason": "Read me"})
        .json["id"]
    )
    b = browser(acme_member)
    assert b.get(f"/credit-notes/show/{pk}").status_code == 200
    assert b.post(f"/credit-notes/issue/{pk}").status_code == 403
    assert (
        b.post("/credit-notes/add", {"customer": buyer, "amount": "1", "reason": "x"}).status_code
        == 403
    )
    client = api(acme_member)
    assert client.get("/api/v1/credit_note/").json["count"] == 1
    assert client.post(f"/api/v1/credit_note/{pk}/issue").status_code == 403
    assert client.post(f"/api/v1/credit_note/{pk}/void").status_code == 403
    assert load(app, CreditNote, pk).status == "draft"
