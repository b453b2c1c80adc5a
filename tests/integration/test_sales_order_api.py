"""Sales orders through the REST API: lines nested in body and response, numbering,
status actions, roles and tenancy."""

import datetime as dt
from decimal import Decimal

from crm.models import SalesOrder
from tests import factories


def test_post_prefills_from_the_customer_and_computes_totals(app, acme, acme_manager, api):
    customer = factories.buyer(app, acme, discount_rate=Decimal("10"), tax_number=None)
    r = api(acme_manager).post(
        "/api/v1/sales_order/",
        json={
            "customer": customer,
            "lines": [
                {"description": "Widget", "quantity": 3, "unit_price": "50.00", "tax_rate": 19},
                {
                    "description": "Setup",
                    "quantity": "1",
                    "unit_price": "99.99",
                    "discount_rate": 0,
                },
            ],
        },
    )
    assert r.status_code == 201, r.json
    order = r.json["result"]
    assert order["number"] == "SO-000001" and order["status"] == "quote"
    assert order["currency"] == "EUR" and order["discount_rate"] == "10.00"
    assert order["payment_term"]["days"] == 30
    assert "Berlin" in order["billing_address"] and "Hamburg" in order["shipping_address"]
    assert order["order_date"] == dt.date.today().isoformat()
    # 150.00 less 10% = 135.00, tax 19% = 25.65; 99.99 untaxed
    assert [line["total"] for line in order["lines"]] == ["160.65", "99.99"]
    assert (order["subtotal"], order["discount_total"], order["tax_total"], order["total"]) == (
        "249.99",
        "15.00",
        "25.65",
        "260.64",
    )
    assert api(acme_manager).get(f"/api/v1/sales_order/{r.json['id']}").json["result"] == order


def test_bad_lines_get_422_naming_each_line_and_field(app, acme, acme_manager, api):
    customer = factories.buyer(app, acme)
    r = api(acme_manager).post(
        "/api/v1/sales_order/",
        json={
            "customer": customer,
            "currency": "USD",
            "lines": [
                {"description": "", "quantity": 0, "unit_price": -1, "tax_rate": 120},
                {"description": "Fine", "quantity": 1, "unit_price": 5, "discount_rate": "x"},
            ],
        },
    )
    assert r.status_code == 422
    errors = r.json["errors"]
    assert set(errors) == {
        "currency",
        "lines.0.description",
        "lines.0.quantity",
        "lines.0.unit_price",
        "lines.0.tax_rate",
        "lines.1.discount_rate",
    }
    assert "EUR" in errors["currency"][0]
    assert api(acme_manager).get("/api/v1/sales_order/").json["count"] == 0


def test_numbers_are_unique_per_tenant(app, acme, globex, acme_manager, globex_admin, api):
    mine, theirs = factories.buyer(app, acme), factories.buyer(app, globex)
    factories.quote(app, acme, mine)
    assert (
        factories.quote(app, globex, theirs)
        and factories.read(app, globex, SalesOrder, factories.quote(app, globex, theirs), "number")
        == "SO-000002"
    )
    client = api(acme_manager)
    r = client.post("/api/v1/sales_order/", json={"customer": mine, "lines": [factories.WIDGETS]})
    assert r.json["result"]["number"] == "SO-000002"
    r = client.post(
        "/api/v1/sales_order/",
        json={"customer": mine, "number": "SO-000002", "lines": [factories.WIDGETS]},
    )
    assert r.status_code == 422 and "SO-000002 is already used" in r.json["errors"]["number"][0]
    r = client.post(
        "/api/v1/sales_order/",
        json={"customer": mine, "number": "WEB-7", "lines": [factories.WIDGETS]},
    )
    assert r.status_code == 201 and r.json["result"]["number"] == "WEB-7"


def test_status_actions_follow_the_order_life(app, acme, acme_manager, api):
    customer = factories.buyer(app, acme)
    pk = factories.quote(app, acme, customer)
    client = api(acme_manager)
    r = client.post(f"/api/v1/sales_order/{pk}/ship")
    assert r.status_code == 409 and "only a pending order can be shipped" in r.json["message"]
    r = client.post(f"/api/v1/sales_order/{pk}/confirm")
    assert r.status_code == 200 and r.json["result"]["status"] == "pending"
    assert factories.customer_figures(app, acme, customer) == (
        Decimal("0.00"),
        Decimal("240.00"),
        dt.date.today(),
    )
    r = client.put(f"/api/v1/sales_order/{pk}", json={"notes": "late change"})
    assert r.status_code == 409 and "only quotes can be changed" in r.json["message"]
    assert client.post(f"/api/v1/sales_order/{pk}/ship").json["result"]["status"] == "shipped"
    r = client.post(f"/api/v1/sales_order/{pk}/invoice")
    assert r.status_code == 201
    invoice = r.json["result"]
    assert invoice["status"] == "draft" and invoice["sales_order_id"] == pk
    assert invoice["total"] == "240.00" and len(invoice["lines"]) == 1
    assert client.get(f"/api/v1/sales_order/{pk}").json["result"]["status"] == "invoiced"
    r = client.post(f"/api/v1/sales_order/{pk}/invoice")
    assert r.status_code == 409 and "already invoiced" in r.json["message"]
    r = client.post(f"/api/v1/sales_order/{pk}/cancel")
    assert r.status_code == 409 and "can no longer be cancelled" in r.json["message"]


def test_cancelled_orders_leave_the_order_total(app, acme, acme_manager, api):
    customer = factories.buyer(app, acme)
    pk = factories.quote(app, acme, customer)
    client = api(acme_manager)
    client.post(f"/api/v1/sales_order/{pk}/confirm")
    assert client.post(f"/api/v1/sales_order/{pk}/cancel").json["result"]["status"] == "cancelled"
    assert factories.customer_figures(app, acme, customer) == (
        Decimal("0.00"),
        Decimal("0.00"),
        None,
    )


def test_put_replaces_lines_of_a_quote(app, acme, acme_manager, api):
    pk = factories.quote(app, acme, factories.buyer(app, acme))
    r = api(acme_manager).put(
        f"/api/v1/sales_order/{pk}",
        json={
            "reference": "PO-1",
            "lines": [{"description": "Bolt", "quantity": 10, "unit_price": 1}],
        },
    )
    assert r.status_code == 200
    assert r.json["result"]["reference"] == "PO-1"
    assert [(line["description"], line["total"]) for line in r.json["result"]["lines"]] == [
        ("Bolt", "10.00")
    ]
    r = api(acme_manager).put(f"/api/v1/sales_order/{pk}", json={"status": "paid"})
    assert r.status_code == 422 and "status" in r.json["message"]


def test_member_reads_but_cannot_write(app, acme, acme_member, api):
    customer = factories.buyer(app, acme)
    pk = factories.quote(app, acme, customer)
    client = api(acme_member)
    assert client.get(f"/api/v1/sales_order/{pk}").status_code == 200
    assert client.get("/api/v1/sales_order/").json["count"] == 1
    for method, url in (
        ("post", "/api/v1/sales_order/"),
        ("put", f"/api/v1/sales_order/{pk}"),
        ("delete", f"/api/v1/sales_order/{pk}"),
        ("post", f"/api/v1/sales_order/{pk}/confirm"),
        ("post", f"/api/v1/sales_order/{pk}/invoice"),
    ):
        r = getattr(client, method)(url, json={"customer": customer, "lines": []})
        assert r.status_code == 403, (method, url)
    assert factories.read(app, acme, SalesOrder, pk, "status") == "quote"


def test_delete_only_quotes_and_cancelled_orders(app, acme, acme_admin, api):
    customer = factories.buyer(app, acme)
    confirmed, quote = factories.quote(app, acme, customer), factories.quote(app, acme, customer)
    client = api(acme_admin)
    client.post(f"/api/v1/sales_order/{confirmed}/confirm")
    r = client.delete(f"/api/v1/sales_order/{confirmed}")
    assert r.status_code == 409 and "cancel it instead" in r.json["message"]
    assert client.delete(f"/api/v1/sales_order/{quote}").status_code == 200


def test_other_tenants_customer_and_orders_are_unknown(app, acme, globex, acme_manager, api):
    theirs = factories.buyer(app, globex, "Globex Own")
    their_order = factories.quote(app, globex, theirs)
    client = api(acme_manager)
    r = client.post("/api/v1/sales_order/", json={"customer": theirs, "lines": [factories.WIDGETS]})
    assert r.status_code == 422 and "customer" in r.json["message"]
    assert client.get(f"/api/v1/sales_order/{their_order}").status_code == 404
    assert client.post(f"/api/v1/sales_order/{their_order}/confirm").status_code == 404
    assert client.get("/api/v1/sales_order/").json["count"] == 0
