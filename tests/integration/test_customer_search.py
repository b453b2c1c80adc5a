"""One search box finds customers by name, company, tax number, email and phone."""

import pytest

from crm.extensions import db
from crm.models import Customer
from crm.security.tenancy import tenant_scope
from crm.services.customers import customers
from tests import factories


@pytest.fixture
def book(app, acme):
    parent = factories.company(app, acme, "Vandelay Industries")
    factories.customer(
        app,
        acme,
        "Kramerica Ltd",
        email="ck@kramerica.example",
        phone="+12125550143",
        tax_regime="VAT",
        tax_number="DE136695976",
        company_id=parent,
    )
    factories.customer(app, acme, "Pendant Publishing", email="elaine@pendant.example")
    factories.customer(app, acme, "Ab", email="ab@short.example")
    return parent


def _found(b, query):
    return factories.customers_found(b, query, ("Kramerica Ltd", "Pendant Publishing", "Ab Ltd"))


@pytest.mark.parametrize(
    "query",
    ["kramer", "KRAMERICA", "vandelay", "136695976", "ck@kram", "2125550143", "kramerica ltd"],
)
def test_search_matches_any_field(app, browser, acme_member, book, query):
    assert _found(browser(acme_member), query) == {"Kramerica Ltd"}


def test_short_terms_and_no_match(app, browser, acme_member, book):
    b = browser(acme_member)
    html = b.get("/customers/list/?_flt_0_search_text=ab").get_data(as_text=True)
    assert "ab@short.example" in html
    assert _found(b, "nothing-like-this") == set()


def test_index_follows_renames_and_company_changes(app, browser, api, acme, acme_manager, book):
    with app.app_context(), tenant_scope(acme.id):
        customer = db.session.query(Customer).filter_by(name="Pendant Publishing").one()
        customer.name = "Peterman Catalog"
        customers.prepare(db.session, customer)
        db.session.commit()
        db.session.remove()
    r = api(acme_manager).put(f"/api/v1/company/{book}", json={"name": "Kruger Industrial"})
    assert r.status_code == 200
    b = browser(acme_manager)
    assert "elaine@pendant.example" in b.get(
        "/customers/list/?_flt_0_search_text=peterman"
    ).get_data(as_text=True)
    assert "ck@kramerica.example" in b.get("/customers/list/?_flt_0_search_text=kruger").get_data(
        as_text=True
    )
    assert _found(b, "vandelay") == set()


def test_api_search_filter(app, api, acme_member, book):
    r = api(acme_member).get(
        "/api/v1/customer/?q=(filters:!((col:search_text,opr:srch,value:vandelay)))"
    )
    assert r.status_code == 200, r.json
    assert [c["name"] for c in r.json["result"]] == ["Kramerica Ltd"]


def test_filters_for_type_segment_and_group(app, browser, acme, acme_member):
    group = factories.group(app, acme)
    factories.customer(app, acme, "Grouped Person", kind="individual", customer_group_id=group)
    factories.customer(app, acme, "Loose Company")
    b = browser(acme_member)
    html = b.get("/customers/list/?_flt_0_kind=individual").get_data(as_text=True)
    assert "Grouped Person" in html and "Loose Company" not in html
    html = b.get(f"/customers/list/?_flt_0_customer_group={group}").get_data(as_text=True)
    assert "Grouped Person" in html and "Loose Company" not in html


def test_lists_deeper_than_the_cap_say_so(app, browser, acme, acme_member, monkeypatch):
    for n in range(4):
        factories.customer(app, acme, f"Capped {n}")
    monkeypatch.setitem(app.config, "CRM_LIST_MAX_DEPTH", 3)
    html = browser(acme_member).get("/customers/list/").get_data(as_text=True)
    assert "More than 3 customers match" in html
    monkeypatch.setitem(app.config, "CRM_SEARCH_MAX_DEPTH", 2)
    html = (
        browser(acme_member)
        .get("/customers/list/?_flt_0_search_text=capped")
        .get_data(as_text=True)
    )
    assert "More than 2 customers match" in html


def test_the_search_finds_customers_by_their_city(app, browser, acme, acme_member):
    """The city is the main address's; a new or changed address changes what finds it."""
    kramerica = factories.customer(app, acme, "Kramerica Ltd")
    factories.customer(app, acme, "Pendant Publishing")
    address = factories.address(app, acme, kramerica, city="Scranton")
    b = browser(acme_member)
    assert _found(b, "scranton") == {"Kramerica Ltd"}
    assert _found(b, "kramerica scran") == {"Kramerica Ltd"}
    with app.app_context(), tenant_scope(acme.id):
        from crm.models import Address
        from crm.services.customers import addresses

        moved = db.session.get(Address, address)
        moved.city = "Stamford"
        addresses.refresh_location_of(db.session, moved)
        db.session.commit()
        db.session.remove()
    assert _found(b, "scranton") == set()
    assert _found(b, "stamford") == {"Kramerica Ltd"}
