"""Documents and payments refuse more lines or allocations than the configured limits,
before any other work, with a message on screens and a 422 in the API."""

import datetime as dt

import pytest

from crm.models import Invoice, Payment, SalesOrder
from crm.services.ledger import payments
from tests import factories
from tests.factories import books, invoice as ledger_invoice, saved_invoice
from tests.integration.test_sales_orders import form

LINE = {"description": "Widget", "quantity": "1", "unit_price": "1.00"}


def count(db_session, model):
    with db_session() as s:
        return s.query(model).count()


@pytest.mark.parametrize("resource, model", [("sales_order", SalesOrder), ("invoice", Invoice)])
def test_the_api_refuses_a_document_with_50000_lines(
    app, api, acme, acme_manager, db_session, resource, model
):
    customer = factories.buyer(app, acme)
    r = api(acme_manager).post(
        f"/api/v1/{resource}/", json={"customer": customer, "lines": [LINE] * 50_000}
    )
    assert r.status_code == 422
    assert r.json["errors"]["lines"] == [
        "50000 lines were sent; a document holds at most 500. Split it into several documents."
    ]
    assert count(db_session, model) == 0


def test_the_api_refuses_an_edit_past_the_configured_limit(
    app, api, acme, acme_manager, monkeypatch
):
    monkeypatch.setitem(app.config, "CRM_MAX_DOCUMENT_LINES", 2)
    customer = factories.buyer(app, acme)
    client = api(acme_manager)
    pk = client.post("/api/v1/sales_order/", json={"customer": customer, "lines": [LINE] * 2}).json[
        "id"
    ]
    r = client.put(f"/api/v1/sales_order/{pk}", json={"lines": [LINE] * 3})
    assert r.status_code == 422 and "at most 2" in r.json["errors"]["lines"][0]
    assert len(client.get(f"/api/v1/sales_order/{pk}").json["result"]["lines"]) == 2


def test_the_order_form_refuses_too_many_lines(
    app, browser, acme, acme_manager, db_session, monkeypatch
):
    monkeypatch.setitem(app.config, "CRM_MAX_DOCUMENT_LINES", 3)
    customer = factories.buyer(app, acme)
    r = browser(acme_manager).post("/sales_orders/add", form(customer, [LINE] * 4))
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "4 lines were sent; a document holds at most 3." in html
    assert count(db_session, SalesOrder) == 0


@pytest.fixture
def buyer(app, acme):
    return factories.customer(app, acme, "Paying Buyer Ltd", currency="EUR")


def test_the_api_refuses_a_payment_with_200000_allocations(
    app, api, acme, acme_manager, buyer, db_session
):
    invoice = saved_invoice(app, acme, buyer, "300.00")
    rows = [{"invoice": invoice, "amount": "0.01"}] * 200_000
    client = api(acme_manager)
    r = client.post(
        "/api/v1/payment/", json={"customer": buyer, "amount": "2000", "allocations": rows}
    )
    assert r.status_code == 422
    assert r.json["errors"]["allocations"] == [
        "200000 allocations were sent; a payment takes at most 1000 at once."
    ]
    assert count(db_session, Payment) == 0
    pk = client.post("/api/v1/payment/", json={"customer": buyer, "amount": "10"}).json["id"]
    r = client.post(f"/api/v1/payment/{pk}/allocate", json={"allocations": rows})
    assert r.status_code == 422 and "at most 1000" in r.json["errors"]["allocations"][0]


def test_the_payment_screens_refuse_too_many_allocations(
    app, browser, acme, acme_manager, buyer, db_session, monkeypatch
):
    monkeypatch.setitem(app.config, "CRM_MAX_ALLOCATIONS", 1)
    first, second = (
        saved_invoice(app, acme, buyer, "300.00"),
        saved_invoice(app, acme, buyer, "120.50"),
    )
    b = browser(acme_manager)
    r = b.post(
        f"/payments/add?customer={buyer}",
        {
            "payment_date": "2026-01-05",
            "amount": "400",
            "method": "bank_transfer",
            "reference": "",
            f"alloc_{first}": "300.00",
            f"alloc_{second}": "100",
            "notes": "",
        },
    )
    assert "2 allocations were sent; a payment takes at most 1 at once." in r.get_data(as_text=True)
    assert count(db_session, Payment) == 0


@pytest.mark.parametrize(
    "kind, make", [("sales_orders", factories.quote), ("invoices", factories.draft_invoice)]
)
def test_a_long_document_shows_its_lines_a_page_at_a_time(
    app, browser, acme, acme_manager, kind, make
):
    customer = factories.buyer(app, acme)
    pk = make(
        app,
        acme,
        customer,
        lines=[
            {"description": f"Part {n:03}", "quantity": "1", "unit_price": "1"}
            for n in range(1, 251)
        ],
    )
    b = browser(acme_manager)
    first = b.get(f"/{kind}/show/{pk}").get_data(as_text=True)
    assert "Part 001" in first and "Part 100" in first and "Part 101" not in first
    assert "Lines page 1 of 3" in first and "lines_page=1" in first
    last = b.get(f"/{kind}/show/{pk}?lines_page=2").get_data(as_text=True)
    assert "Part 201" in last and "Part 250" in last and "Part 200" not in last
    assert "€250.00" in last  # the totals are the whole document's


def test_a_payment_with_many_allocations_shows_them_a_page_at_a_time(
    app, browser, acme, acme_manager, buyer
):
    """Earliest due invoice first: here the last one made is due first."""
    with books(app, acme) as s:
        bills = [
            ledger_invoice(
                s, buyer, total="1.00", due_date=dt.date(2026, 1, 1) + dt.timedelta(days=250 - n)
            )
            for n in range(1, 251)
        ]
        numbers = [bill.number for bill in reversed(bills)]
        payment = payments.record_payment(
            s, buyer, "250", allocations=[(bill, "1.00") for bill in bills], max_allocations=250
        )
        pk = payment.id
    b = browser(acme_manager)
    first = b.get(f"/payments/show/{pk}").get_data(as_text=True)
    assert numbers[0] in first and numbers[99] in first and numbers[100] not in first
    assert "Allocations page 1 of 3" in first and "allocations_page=1" in first
    last = b.get(f"/payments/show/{pk}?allocations_page=2").get_data(as_text=True)
    assert numbers[200] in last and numbers[249] in last and numbers[199] not in last
