"""Contracts through the screens and the API: the rules, the active value the health score
reads, deletes, roles."""

import datetime as dt
from decimal import Decimal as D

import pytest

from crm.models import Contract, Customer
from crm.services.ledger import contracts
from tests import factories
from tests.factories import books, form_errors, load


@pytest.fixture
def buyer(app, acme):
    return factories.customer(app, acme, "Contracted Buyer Inc", currency="USD")


def test_a_contract_is_added_on_the_form_in_the_customers_currency(
    app, browser, acme, acme_manager, buyer
):
    b = browser(acme_manager)
    r = b.post(
        "/contracts/add",
        {
            "customer": buyer,
            "title": "Support 2026",
            "value": "12000",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "status": "active",
        },
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    with books(app, acme) as s:
        contract = s.query(Contract).one()
        assert (contract.number, contract.currency, contract.value) == (
            "CT-000001",
            "USD",
            D("12000.00"),
        )
    html = factories.with_tabs(b, f"/customers/show/{buyer}")
    assert ">Contracts<" in html and "Support 2026" in html
    assert "$12,000.00" in b.get("/contracts/list/").get_data(as_text=True)


def test_form_refusals_show_next_to_the_fields(app, browser, acme, acme_manager, buyer):
    b = browser(acme_manager)
    r = b.post(
        "/contracts/add",
        {"customer": buyer, "title": "", "start_date": "2026-05-01", "status": "draft"},
    )
    assert form_errors(r.get_data(as_text=True)) == ["This field is required."]
    r = b.post(
        "/contracts/add",
        {
            "customer": buyer,
            "title": "Backwards",
            "value": "-1",
            "start_date": "2026-05-01",
            "end_date": "2026-04-30",
            "status": "active",
        },
    )
    errors = form_errors(r.get_data(as_text=True))
    assert "A contract's value is zero or more." in errors
    assert "The contract cannot end before it starts (2026-05-01)." in errors


def test_api_validation_errors_are_json(app, api, acme, acme_manager, buyer):
    client = api(acme_manager)
    r = client.post(
        "/api/v1/contract/",
        json={
            "customer": buyer,
            "title": "Bad",
            "value": "-3",
            "start_date": "2026-02-01",
            "end_date": "2026-01-01",
            "status": "signed",
        },
    )
    assert r.status_code == 422
    assert set(r.json["errors"]) == {"value", "end_date", "status"}
    r = client.post(
        "/api/v1/contract/", json={"customer": buyer, "title": "Fine", "start_date": "2026-02-01"}
    )
    assert r.status_code == 201, r.json
    shown = client.get(f"/api/v1/contract/{r.json['id']}").json["result"]
    assert (shown["status"], shown["value"], shown["currency"], shown["number"]) == (
        "draft",
        "0.00",
        "USD",
        "CT-000001",
    )


def test_active_contract_value_counts_running_active_contracts_only(app, acme, buyer):
    today = dt.date(2026, 6, 15)
    with books(app, acme) as s:
        for title, value, status, start, end in [
            ("Running", "1000", "active", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
            ("Open-ended", "250.50", "active", dt.date(2025, 1, 1), None),
            ("Ended", "999", "active", dt.date(2025, 1, 1), dt.date(2026, 6, 14)),
            ("Future", "999", "active", dt.date(2026, 6, 16), None),
            ("Draft", "999", "draft", dt.date(2026, 1, 1), None),
            ("Stopped", "999", "terminated", dt.date(2026, 1, 1), None),
        ]:
            contract = Contract(
                customer_id=buyer,
                title=title,
                value=value,
                status=status,
                start_date=start,
                end_date=end,
            )
            contracts.prepare(s, contract)
            s.add(contract)
            s.flush()
        s.commit()
        assert contracts.active_contract_value(s, buyer, as_of=today) == D("1250.50")


def test_only_drafts_are_deleted_and_customers_with_contracts_are_kept(
    app, api, acme, acme_admin, buyer
):
    client = api(acme_admin)
    draft = client.post(
        "/api/v1/contract/", json={"customer": buyer, "title": "Idea", "start_date": "2026-01-01"}
    ).json["id"]
    active = client.post(
        "/api/v1/contract/",
        json={"customer": buyer, "title": "Signed", "start_date": "2026-01-01", "status": "active"},
    ).json["id"]
    assert client.delete(f"/api/v1/contract/{active}").status_code == 409
    r = client.delete(f"/api/v1/customer/{buyer}")
    assert r.status_code == 409 and "contracts" in r.json["message"]
    assert client.delete(f"/api/v1/contract/{draft}").status_code == 200
    assert load(app, Customer, buyer) is not None and load(app, Contract, active) is not None


def test_members_read_contracts_only(app, browser, api, acme, acme_manager, acme_member, buyer):
    pk = (
        api(acme_manager)
        .post(
            "/api/v1/contract/",
            json={"customer": buyer, "title": "Read me", "start_date": "2026-01-01"},
        )
        .json["id"]
    )
    b = browser(acme_member)
    assert "Read me" in b.get("/contracts/list/").get_data(as_text=True)
    assert b.post(f"/contracts/edit/{pk}", {"title": "Changed"}).status_code == 403
    client = api(acme_member)
    assert client.get(f"/api/v1/contract/{pk}").status_code == 200
    assert client.put(f"/api/v1/contract/{pk}", json={"title": "Changed"}).status_code == 403
    assert (
        client.post(
            "/api/v1/contract/", json={"customer": buyer, "title": "X", "start_date": "2026-01-01"}
        ).status_code
        == 403
    )
    assert load(app, Contract, pk).title == "Read me"
