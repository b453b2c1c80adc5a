"""Payments through the screens and the API: recording one with its allocations, allocating
credit later, removing an allocation, voiding; refusals with the figures; roles and deletes."""

from decimal import Decimal as D

import pytest

from crm.models import AuditEntry, Customer, Invoice, Payment
from tests import factories
from tests.factories import books, form_errors, load, read, saved_invoice


@pytest.fixture
def buyer(app, acme):
    return factories.customer(app, acme, "Paying Buyer Ltd", currency="EUR")


@pytest.fixture
def bills(app, acme, buyer):
    """Two open invoices of the buyer: (id, number) of 300.00 and of 120.50."""
    ids = saved_invoice(app, acme, buyer, "300.00"), saved_invoice(app, acme, buyer, "120.50")
    return tuple((pk, read(app, acme, Invoice, pk, "number")) for pk in ids)


def payment_count(app):
    with app.app_context():
        from crm.extensions import db

        count = db.session.query(Payment).execution_options(all_tenants=True).count()
        db.session.remove()
    return count


# --- the form -------------------------------------------------------------------------------


def test_the_form_lists_open_invoices_and_records_the_allocations(
    app, browser, acme, acme_manager, buyer, bills
):
    (first, first_no), (second, second_no) = bills
    b = browser(acme_manager)
    page = b.get(f"/payments/add?customer={buyer}").get_data(as_text=True)
    assert first_no in page and second_no in page and "€120.50" in page
    r = b.post(
        f"/payments/add?customer={buyer}",
        {
            "payment_date": "2026-03-02",
            "amount": "500.00",
            "method": "cheque",
            "reference": "CHQ 991",
            f"alloc_{first}": "300.00",
            f"alloc_{second}": "100",
            "notes": "",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    shown = b.get(r.headers["Location"]).get_data(as_text=True)
    assert "CHQ 991" in shown and first_no in shown and "€100.00" in shown
    assert "Unallocated credit" in shown and "€100.00" in shown
    assert load(app, Invoice, first).status == "paid"
    assert (load(app, Invoice, second).status, load(app, Invoice, second).amount_paid) == (
        "partly_paid",
        D("100.00"),
    )
    assert load(app, Customer, buyer).balance == D("-79.50")


def test_over_allocating_is_refused_with_the_figures_and_nothing_is_saved(
    app, browser, acme, acme_manager, buyer, bills
):
    (first, first_no), _ = bills
    b = browser(acme_manager)
    r = b.post(
        f"/payments/add?customer={buyer}",
        {
            "payment_date": "2026-03-02",
            "amount": "400.00",
            "method": "bank_transfer",
            f"alloc_{first}": "350.00",
        },
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert f"{first_no} has €300.00 due: €350.00 cannot be allocated to it." in html
    assert 'value="350.00"' in html and 'value="400.00"' in html  # the input is kept
    assert payment_count(app) == 0


def test_bad_amount_and_date_are_shown_next_to_their_fields(
    app, browser, acme, acme_manager, buyer
):
    r = browser(acme_manager).post(
        f"/payments/add?customer={buyer}",
        {"payment_date": "31/02/2026", "amount": "12,34.5.6", "method": "bank_transfer"},
    )
    html = r.get_data(as_text=True)
    assert "is not an amount" in html and "YYYY-MM-DD" in html
    assert payment_count(app) == 0


def test_credit_is_allocated_later_and_an_allocation_can_be_removed(
    app, browser, acme, acme_manager, buyer, bills
):
    (first, first_no), (second, _) = bills
    b = browser(acme_manager)
    r = b.post(
        f"/payments/add?customer={buyer}",
        {"payment_date": "2026-03-02", "amount": "200.00", "method": "bank_transfer"},
    )
    pk = int(r.headers["Location"].rstrip("/").split("/")[-1])
    assert f"alloc_{first}" in b.get(f"/payments/show/{pk}").get_data(as_text=True)
    b.post(f"/payments/allocate/{pk}", {f"alloc_{first}": "150.00"})
    assert (load(app, Invoice, first).amount_paid, load(app, Customer, buyer).balance) == (
        D("150.00"),
        D("220.50"),
    )
    r = b.post(f"/payments/allocate/{pk}", {f"alloc_{second}": "60.00"}, follow_redirects=True)
    assert "only €50.00 of the payment is unallocated" in r.get_data(as_text=True)
    b.post(f"/payments/unallocate/{pk}", {"invoice_id": first})
    assert (load(app, Invoice, first).status, load(app, Invoice, first).amount_paid) == (
        "issued",
        D("0.00"),
    )
    with books(app, acme) as s:
        trail = [
            (e.action, e.summary)
            for e in s.query(AuditEntry)
            .filter_by(entity="payment", entity_id=pk)
            .order_by(AuditEntry.id)
        ]
    assert trail == [
        ("create", "PAY-000001"),
        ("allocate", f"{first_no}: €150.00"),
        ("unallocate", f"{first_no}: €150.00"),
    ]


def test_voiding_a_payment_reopens_its_invoices(app, browser, acme, acme_manager, buyer, bills):
    (first, _), _ = bills
    with books(app, acme) as s:
        from crm.services.ledger import payments

        pk = payments.record_payment(s, buyer, "300.00", allocations=[(first, "300.00")]).id
    b = browser(acme_manager)
    assert load(app, Invoice, first).status == "paid"
    b.post(f"/payments/void/{pk}")
    assert (load(app, Payment, pk).status, load(app, Invoice, first).status) == ("void", "issued")
    assert load(app, Customer, buyer).balance == D("420.50")
    r = b.post(f"/payments/void/{pk}", follow_redirects=True)
    assert "already void" in r.get_data(as_text=True)


def test_the_customer_page_has_a_payments_tab(app, browser, acme, acme_manager, buyer):
    with books(app, acme) as s:
        from crm.services.ledger import payments

        number = payments.record_payment(s, buyer, "75.00", reference="Tab check").number
    html = factories.with_tabs(browser(acme_manager), f"/customers/show/{buyer}")
    assert ">Payments<" in html and number in html


def test_a_customer_with_payments_is_archived_not_deleted(
    app, browser, api, acme, acme_admin, buyer
):
    with books(app, acme) as s:
        from crm.services.ledger import payments

        pk = payments.record_payment(s, buyer, "75.00").id
    r = browser(acme_admin).post(f"/customers/delete/{buyer}", follow_redirects=True)
    assert "1 payments" in r.get_data(as_text=True) and load(app, Customer, buyer) is not None
    r = api(acme_admin).delete(f"/api/v1/payment/{pk}")
    assert r.status_code == 409 and "Void it instead" in r.json["message"]
    assert load(app, Payment, pk) is not None


# --- the API --------------------------------------------------------------------------------


def test_the_api_records_a_payment_with_nested_allocations(
    app, api, acme, acme_manager, buyer, bills
):
    (first, first_no), (second, _) = bills
    client = api(acme_manager)
    r = client.post(
        "/api/v1/payment/",
        json={
            "customer": buyer,
            "amount": "350.25",
            "payment_date": "2026-03-05",
            "method": "cash",
            "allocations": [
                {"invoice": first, "amount": "300.00"},
                {"invoice": second, "amount": 50},
            ],
        },
    )
    assert r.status_code == 201, r.json
    result = r.json["result"]
    assert (result["amount"], result["currency"], result["unallocated"]) == (
        "350.25",
        "EUR",
        "0.25",
    )
    assert [(a["invoice"]["number"], a["amount"]) for a in result["allocations"]] == [
        (first_no, "300.00"),
        (bills[1][1], "50.00"),
    ]
    shown = client.get(f"/api/v1/payment/{r.json['id']}").json["result"]
    assert shown["allocations"] == result["allocations"]
    assert load(app, Customer, buyer).balance == D("70.25")


def test_api_validation_errors_name_each_field(app, api, acme, globex, acme_manager, buyer, bills):
    other = factories.customer(app, globex, "Other Tenant Buyer")
    foreign = saved_invoice(app, globex, other, "10.00")
    client = api(acme_manager)
    r = client.post(
        "/api/v1/payment/",
        json={"customer": buyer, "amount": "-5", "payment_date": "yesterday", "method": "barter"},
    )
    assert r.status_code == 422
    assert set(r.json["errors"]) == {"payment_date"}
    r = client.post(
        "/api/v1/payment/", json={"customer": buyer, "amount": "-5", "method": "barter"}
    )
    assert r.status_code == 422 and set(r.json["errors"]) == {"amount", "method"}
    r = client.post(
        "/api/v1/payment/",
        json={
            "customer": buyer,
            "amount": "10",
            "allocations": [{"invoice": foreign, "amount": "10"}],
        },
    )
    assert (
        r.status_code == 422
        and f"Invoice {foreign} does not exist." in r.json["errors"]["allocations"]
    )
    r = client.post("/api/v1/payment/", json={"customer": other, "amount": "10"})
    assert r.status_code == 422 and "customer" in r.json["message"]
    assert (
        client.post(
            "/api/v1/payment/", data="not json", content_type="application/json"
        ).status_code
        == 422
    )
    assert payment_count(app) == 0


def test_api_allocate_unallocate_and_void(app, api, acme, acme_manager, buyer, bills):
    (first, _), _ = bills
    client = api(acme_manager)
    pk = client.post("/api/v1/payment/", json={"customer": buyer, "amount": "100"}).json["id"]
    r = client.post(
        f"/api/v1/payment/{pk}/allocate", json={"allocations": [{"invoice": first, "amount": "80"}]}
    )
    assert r.status_code == 200 and r.json["result"]["unallocated"] == "20.00"
    assert load(app, Invoice, first).status == "partly_paid"
    r = client.post(
        f"/api/v1/payment/{pk}/allocate", json={"allocations": [{"invoice": first, "amount": "30"}]}
    )
    assert r.status_code == 422 and "only €20.00" in r.json["errors"]["allocations"][0]
    r = client.post(f"/api/v1/payment/{pk}/unallocate", json={"invoice": first})
    assert r.status_code == 200 and r.json["result"]["allocations"] == []
    assert client.post(f"/api/v1/payment/{pk}/void").status_code == 200
    assert client.post(f"/api/v1/payment/{pk}/void").status_code == 409
    r = client.put(f"/api/v1/payment/{pk}", json={"reference": "late edit"})
    assert r.status_code == 409


def test_api_edit_keeps_the_amount_above_what_is_allocated(
    app, api, acme, acme_manager, buyer, bills
):
    (first, _), _ = bills
    client = api(acme_manager)
    pk = client.post(
        "/api/v1/payment/",
        json={
            "customer": buyer,
            "amount": "100",
            "allocations": [{"invoice": first, "amount": "90"}],
        },
    ).json["id"]
    r = client.put(f"/api/v1/payment/{pk}", json={"amount": "80"})
    assert r.status_code == 422 and "€90.00" in r.json["errors"]["amount"][0]
    r = client.put(f"/api/v1/payment/{pk}", json={"amount": "150", "reference": "Wire 7"})
    assert r.status_code == 200, r.json
    assert load(app, Customer, buyer).balance == D("270.50")


# --- roles ----------------------------------------------------------------------------------


def test_members_read_payments_but_cannot_record_or_change_them(
    app, browser, api, acme, acme_member, buyer, bills
):
    (first, _), _ = bills
    with books(app, acme) as s:
        from crm.services.ledger import payments

        pk = payments.record_payment(s, buyer, "50.00").id
    b = browser(acme_member)
    assert b.get("/payments/list/").status_code == 200
    assert b.get(f"/payments/show/{pk}").status_code == 200
    assert "Void payment" not in b.get(f"/payments/show/{pk}").get_data(as_text=True)
    assert b.get(f"/payments/add?customer={buyer}").status_code == 403
    assert b.post(f"/payments/add?customer={buyer}", {"amount": "5"}).status_code == 403
    assert b.post(f"/payments/allocate/{pk}", {f"alloc_{first}": "5"}).status_code == 403
    assert b.post(f"/payments/void/{pk}").status_code == 403
    client = api(acme_member)
    assert client.get(f"/api/v1/payment/{pk}").status_code == 200
    assert (
        client.post("/api/v1/payment/", json={"customer": buyer, "amount": "5"}).status_code == 403
    )
    assert client.post(f"/api/v1/payment/{pk}/void").status_code == 403
    assert load(app, Payment, pk).status == "received" and payment_count(app) == 1


def test_the_edit_form_refuses_an_amount_below_what_is_allocated(
    app, browser, acme, acme_manager, buyer, bills
):
    (first, _), _ = bills
    with books(app, acme) as s:
        from crm.services.ledger import payments

        pk = payments.record_payment(s, buyer, "100.00", allocations=[(first, "90.00")]).id
    b = browser(acme_manager)
    form = {
        "payment_date": "2026-03-01",
        "amount": "80.00",
        "method": "cash",
        "reference": "",
        "notes": "",
    }
    r = b.post(f"/payments/edit/{pk}", form)
    assert any(
        "€90.00 of this payment is allocated" in e for e in form_errors(r.get_data(as_text=True))
    )
    assert load(app, Payment, pk).amount == D("100.00")
    r = b.post(f"/payments/edit/{pk}", {**form, "amount": "130.00"})
    assert r.status_code == 302
    assert (load(app, Payment, pk).amount, load(app, Customer, buyer).balance) == (
        D("130.00"),
        D("290.50"),
    )


def test_another_tenants_customer_and_ledger_stay_out_of_reach(
    app, browser, api, acme, globex, acme_admin
):
    other = factories.customer(app, globex, "Globex Secret Payer")
    foreign_invoice = saved_invoice(app, globex, other, "10.00")
    with books(app, globex) as s:
        from crm.services.ledger import payments

        payments.record_payment(
            s,
            other,
            "10.00",
            reference="Globex secret remittance",
            allocations=[(foreign_invoice, "10.00")],
        )
    b = browser(acme_admin)
    assert b.get(f"/payments/add?customer={other}").status_code == 404
    assert b.post(f"/payments/add?customer={other}", {"amount": "1"}).status_code == 404
    assert b.get(f"/credit-notes/lookup_invoices?customer={other}").status_code == 404
    assert b.get("/payments/add?customer=99999999999999999999999").status_code == 404
    for page in ("/payments/list/", "/credit-notes/list/", "/contracts/list/"):
        assert "Globex" not in b.get(page).get_data(as_text=True)
    client = api(acme_admin)
    assert client.get("/api/v1/payment/").json["count"] == 0
    assert payment_count(app) == 1
