"""Invoices: pre-fill from the customer, due date from the payment term, issue and void
rules, the order following its invoices, delete refusals, roles."""

import datetime as dt
from decimal import Decimal

from crm.extensions import db
from crm.models import Invoice, SalesOrder
from crm.security.tenancy import tenant_scope
from crm.services.ledger import sales_orders
from crm.services.ledger.arithmetic import refresh_invoice
from tests import factories


def test_new_invoice_takes_terms_address_and_tax_number_from_the_customer(
    app, acme, acme_manager, api
):
    customer = factories.buyer(app, acme, days=14, tax_number="DE136695976", tax_regime="other")
    r = api(acme_manager).post(
        "/api/v1/invoice/",
        json={"customer": customer, "issue_date": "2026-03-01", "lines": [factories.WIDGETS]},
    )
    assert r.status_code == 201, r.json
    invoice = r.json["result"]
    assert invoice["due_date"] == "2026-03-15" and invoice["payment_term"]["days"] == 14
    assert invoice["tax_number"] == "DE136695976" and "Berlin" in invoice["billing_address"]
    assert invoice["number"] == "INV-000001" and invoice["total"] == "240.00"
    r = api(acme_manager).put(
        f"/api/v1/invoice/{r.json['id']}",
        json={"tax_number": "OVERRIDE-1", "due_date": "2026-04-30", "billing_address": "PO Box 1"},
    )
    assert (
        r.json["result"]["tax_number"],
        r.json["result"]["due_date"],
        r.json["result"]["billing_address"],
    ) == ("OVERRIDE-1", "2026-04-30", "PO Box 1")


def test_due_date_before_issue_date_is_refused(app, acme, acme_manager, api):
    r = api(acme_manager).post(
        "/api/v1/invoice/",
        json={
            "customer": factories.buyer(app, acme),
            "issue_date": "2026-03-01",
            "due_date": "2026-02-01",
        },
    )
    assert r.status_code == 422 and "due_date" in r.json["message"]


def test_issue_counts_in_the_balance_and_freezes_the_invoice(app, acme, acme_manager, api):
    customer = factories.buyer(app, acme)
    pk = factories.draft_invoice(app, acme, customer)
    client = api(acme_manager)
    empty = factories.draft_invoice(app, acme, customer, lines=())
    r = client.post(f"/api/v1/invoice/{empty}/issue")
    assert r.status_code == 409 and "at least one line" in r.json["message"]
    assert client.post(f"/api/v1/invoice/{pk}/issue").json["result"]["status"] == "issued"
    assert factories.customer_figures(app, acme, customer)[0] == Decimal("240.00")
    assert client.put(f"/api/v1/invoice/{pk}", json={"notes": "x"}).status_code == 409
    assert api(acme_manager).delete(f"/api/v1/invoice/{pk}").status_code == 403  # no delete verb


def test_void_removes_it_from_the_balance_unless_money_is_allocated(app, acme, acme_admin, api):
    customer = factories.buyer(app, acme)
    pk = factories.draft_invoice(app, acme, customer, issue=True)
    client = api(acme_admin)
    r = client.delete(f"/api/v1/invoice/{pk}")
    assert r.status_code == 409 and "void it instead" in r.json["message"]
    assert client.post(f"/api/v1/invoice/{pk}/void").json["result"]["status"] == "void"
    assert factories.customer_figures(app, acme, customer)[0] == Decimal("0.00")
    r = client.post(f"/api/v1/invoice/{pk}/void")
    assert r.status_code == 409 and "cannot be voided" in r.json["message"]


def test_order_becomes_paid_when_its_invoices_are_paid(app, acme, acme_manager, api):
    customer = factories.buyer(app, acme)
    order = factories.quote(app, acme, customer)
    client = api(acme_manager)
    client.post(f"/api/v1/sales_order/{order}/confirm")
    invoice = client.post(f"/api/v1/sales_order/{order}/invoice").json["id"]
    client.post(f"/api/v1/invoice/{invoice}/issue")
    with app.app_context(), tenant_scope(acme.id):
        row = db.session.get(Invoice, invoice)
        row.status = "paid"  # as the payments' ledger refresh would set it
        sales_orders.sync_order_from_invoices(db.session, row.sales_order)
        db.session.commit()
        db.session.remove()
    assert factories.read(app, acme, SalesOrder, order, "status") == "paid"
    with app.app_context(), tenant_scope(acme.id):
        row = db.session.get(Invoice, invoice)
        refresh_invoice(db.session, row)  # nothing was really paid: back to issued
        sales_orders.sync_order_from_invoices(db.session, row.sales_order)
        db.session.commit()
        db.session.remove()
    assert factories.read(app, acme, SalesOrder, order, "status") == "invoiced"


def test_invoice_page_and_member_access(app, acme, acme_manager, acme_member, browser):
    customer = factories.buyer(app, acme)
    pk = factories.draft_invoice(app, acme, customer)
    page = browser(acme_manager).get(f"/invoices/show/{pk}").get_data(as_text=True)
    assert "INV-000001" in page and "Issue invoice" in page and "€240.00" in page
    b = browser(acme_member)
    page = b.get(f"/invoices/show/{pk}").get_data(as_text=True)
    assert "INV-000001" in page and "Issue invoice" not in page
    assert b.post(f"/invoices/issue/{pk}").status_code == 403
    assert b.get("/invoices/list/").status_code == 200


def test_invoice_form_due_date_follows_the_term(app, acme, acme_manager, browser):
    customer = factories.buyer(app, acme, days=14)
    b = browser(acme_manager)
    page = b.get(f"/invoices/add?customer={customer}").get_data(as_text=True)
    today = dt.date.today()
    assert (today + dt.timedelta(days=14)).strftime("%m/%d/%Y") in page


def test_customer_with_invoices_cannot_be_deleted(app, acme, acme_admin, api):
    customer = factories.buyer(app, acme)
    factories.draft_invoice(app, acme, customer)
    r = api(acme_admin).delete(f"/api/v1/customer/{customer}")
    assert r.status_code == 409 and "invoices" in r.json["message"]


def test_a_bad_line_is_refused_by_line_and_field_and_nothing_is_saved(app, acme, acme_manager, api):
    customer = factories.buyer(app, acme)
    client = api(acme_manager)
    r = client.post(
        "/api/v1/invoice/",
        json={
            "customer": customer,
            "lines": [
                factories.WIDGETS,
                factories.WIDGETS,
                {"description": "Bolts", "quantity": "-2", "unit_price": "1.00"},
            ],
        },
    )
    assert r.status_code == 422
    assert set(r.json["errors"]) == {"lines.2.quantity"}
    assert "more than 0" in r.json["errors"]["lines.2.quantity"][0]
    assert client.get("/api/v1/invoice/").json["count"] == 0
    assert factories.customer_figures(app, acme, customer)[0] == Decimal("0.00")


def test_put_replaces_the_lines_of_a_draft_and_answers_them_nested(app, acme, acme_manager, api):
    pk = factories.draft_invoice(app, acme, factories.buyer(app, acme))
    client = api(acme_manager)
    bolts = {"description": "Bolt", "quantity": "10", "unit_price": "1.50", "tax_rate": "10"}
    r = client.put(f"/api/v1/invoice/{pk}", json={"lines": [bolts, factories.WIDGETS]})
    assert r.status_code == 200, r.json
    assert [(line["description"], line["total"]) for line in r.json["result"]["lines"]] == [
        ("Bolt", "16.50"),
        ("Widget", "240.00"),
    ]
    assert r.json["result"]["total"] == "256.50"
    r = client.put(f"/api/v1/invoice/{pk}", json={"lines": [{**bolts, "unit_price": "x"}]})
    assert r.status_code == 422 and set(r.json["errors"]) == {"lines.0.unit_price"}
    kept = client.get(f"/api/v1/invoice/{pk}").json["result"]
    assert [line["description"] for line in kept["lines"]] == ["Bolt", "Widget"]
    assert client.put(f"/api/v1/invoice/{pk}", json={"notes": "no lines sent"}).status_code == 200
    assert len(client.get(f"/api/v1/invoice/{pk}").json["result"]["lines"]) == 2
