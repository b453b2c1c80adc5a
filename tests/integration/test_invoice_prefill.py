"""A new invoice takes payment terms (and so its due date), billing address, currency and
the number of the customer's tax registration used on invoices, wherever it is made:
Finance → Invoices, the customer's Invoices tab, the API, an order. What is typed wins."""

import datetime as dt

import pytest

from crm.models import Invoice
from tests import factories
from tests.factories import form_errors

GSTIN = "27AAPFU0939F1ZV"
PAN = "AAPFU0939F"


@pytest.fixture
def indian_buyer(app, acme, acme_admin, api):
    """A customer on 14-day terms, billed in Berlin, with a GSTIN (used on invoices) and a PAN."""
    pk = factories.buyer(app, acme, days=14, tax_regime="GSTIN", tax_number=GSTIN)
    r = api(acme_admin).post(
        "/api/v1/tax_registration/", json={"customer": pk, "regime": "PAN", "number": PAN}
    )
    assert r.status_code == 201, r.json
    return pk


def _line(**cells):
    line = {**factories.WIDGETS, **cells}
    return {f"line-{k}": v for k, v in line.items()}


def test_a_stand_alone_invoice_from_finance_invoices_is_prefilled(
    app, acme, acme_manager, browser, indian_buyer
):
    b = browser(acme_manager)
    assert b.get("/invoices/add").status_code == 200  # no customer chosen yet
    form = {
        "customer": indian_buyer,
        "number": "",
        "issue_date": "2026-03-01",
        "payment_term": "",
        "due_date": "",
        "currency": "",
        "billing_address": "",
        "tax_number": "",
        "reference": "",
        "notes": "",
        **_line(),
    }
    r = b.post("/invoices/add", form)
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    invoice = factories.load(app, Invoice, int(r.headers["Location"].rsplit("/", 1)[1]))
    assert invoice.due_date == dt.date(2026, 3, 15)
    assert invoice.payment_term_id is not None and invoice.currency == "EUR"
    assert "Berlin" in invoice.billing_address and invoice.tax_number == GSTIN
    page = b.get(f"/invoices/show/{invoice.id}").get_data(as_text=True)
    assert GSTIN in page and "Berlin" in page


def test_typed_values_win_over_the_prefill(app, acme, acme_manager, browser, indian_buyer):
    form = {
        "customer": indian_buyer,
        "issue_date": "2026-03-01",
        "due_date": "2026-03-05",
        "billing_address": "PO Box 9",
        "tax_number": PAN,
        **_line(),
    }
    r = browser(acme_manager).post("/invoices/add", form)
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    invoice = factories.load(app, Invoice, int(r.headers["Location"].rsplit("/", 1)[1]))
    assert (invoice.due_date, invoice.billing_address, invoice.tax_number) == (
        dt.date(2026, 3, 5),
        "PO Box 9",
        PAN,
    )


def test_the_api_prefills_a_stand_alone_invoice(app, acme, acme_manager, api, indian_buyer):
    r = api(acme_manager).post(
        "/api/v1/invoice/",
        json={"customer": indian_buyer, "issue_date": "2026-03-01", "tax_number": ""},
    )
    assert r.status_code == 201, r.json
    result = r.json["result"]
    assert result["due_date"] == "2026-03-15" and result["payment_term"]["days"] == 14
    assert "Berlin" in result["billing_address"] and result["tax_number"] == GSTIN


def test_the_invoice_registration_decides_the_number(app, acme, acme_manager, api, indian_buyer):
    client = api(acme_manager)
    listed = client.get(
        f"/api/v1/tax_registration/?q=(filters:!((col:customer,opr:rel_o_m,value:{indian_buyer})))"
    ).json["result"]
    pan = next(row["id"] for row in listed if row["regime"] == "PAN")
    assert (
        client.put(f"/api/v1/tax_registration/{pan}", json={"for_invoices": True}).status_code
        == 200
    )
    r = client.post("/api/v1/invoice/", json={"customer": indian_buyer, "issue_date": "2026-03-01"})
    assert r.json["result"]["tax_number"] == PAN


def test_an_invoice_from_an_order_takes_the_registration_too(
    app, acme, acme_manager, api, indian_buyer
):
    order = factories.quote(app, acme, indian_buyer)
    client = api(acme_manager)
    client.post(f"/api/v1/sales_order/{order}/confirm")
    r = client.post(f"/api/v1/sales_order/{order}/invoice")
    invoice = factories.load(app, Invoice, r.json["id"])
    assert invoice.tax_number == GSTIN and "Berlin" in invoice.billing_address
    assert invoice.due_date == dt.date.today() + dt.timedelta(days=14)


def test_the_form_asks_for_the_prefill_of_the_chosen_customer(
    app, acme, globex, acme_manager, acme_member, browser, indian_buyer
):
    b = browser(acme_manager)
    values = b.get(f"/invoices/prefill?customer={indian_buyer}").get_json()
    # as the form's date picker writes it in English (static/document_prefill.js fills it in)
    assert values["due_date"] == (dt.date.today() + dt.timedelta(days=14)).strftime("%m/%d/%Y")
    assert "Berlin" in values["billing_address"] and values["tax_number"] == GSTIN
    other = factories.customer(app, globex, "Not Yours Ltd")
    assert b.get(f"/invoices/prefill?customer={other}").status_code == 404
    assert b.get("/invoices/prefill?customer=abc").status_code in (400, 404)
    assert browser(acme_member).get(f"/invoices/prefill?customer={indian_buyer}").status_code == 403
