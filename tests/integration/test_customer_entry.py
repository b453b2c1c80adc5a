"""A customer, its primary contact and its billing (and shipping) address entered in one
form or one API request, saved together or not at all."""

import re

from crm.models import Address, Contact, Customer
from tests.factories import form_errors

PROFILE = {
    "kind": "company",
    "name": "Acme GmbH",
    "email": "info@acme.example",
    "currency": "EUR",
    "discount_rate": "0",
}
CONTACT = {
    "contact_first_name": "Jo",
    "contact_last_name": "Buyer",
    "contact_email": "Jo@Acme.example",
    "contact_phone": "+49 30 1234567",
}
BILLING = {"billing_line1": "Hauptstr. 1", "billing_postal_code": "10115", "billing_city": "Berlin"}
BILLING_COUNTRY = {"billing_country": "DE"}


def _saved(db_session):
    with db_session() as s:
        everything = s.query(Customer).execution_options(all_tenants=True)
        return {
            "customers": [(c.name, c.city, c.country) for c in everything],
            "contacts": [
                (c.name, c.email, c.phone, c.is_primary)
                for c in s.query(Contact).execution_options(all_tenants=True)
            ],
            "addresses": sorted(
                (a.kind, a.line1, a.city, a.country, a.is_default)
                for a in s.query(Address).execution_options(all_tenants=True)
            ),
        }


def _row_of(html, field):
    """The form row that holds ``field``, with its messages."""
    return next(row for row in html.split("<tr>") if f'name="{field}"' in row)


def test_the_add_form_saves_customer_contact_and_billing_address_together(
    app, browser, acme_admin, db_session
):
    b = browser(acme_admin)
    r = b.post("/customers/add", {**PROFILE, **CONTACT, **BILLING, **BILLING_COUNTRY})
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    assert "/customers/show/" in r.headers["Location"]
    assert "Customer Acme GmbH created" in b.get(r.headers["Location"]).get_data(as_text=True)
    assert _saved(db_session) == {
        "customers": [("Acme GmbH", "Berlin", "DE")],
        "contacts": [("Jo Buyer", "Jo@acme.example", "+49301234567", True)],
        "addresses": [("billing", "Hauptstr. 1", "Berlin", "DE", True)],
    }


def test_the_add_form_shows_the_parts_in_their_own_sections(app, browser, acme_admin):
    html = browser(acme_admin).get("/customers/add").get_data(as_text=True)
    for section in ("Primary contact", "Billing address", "Shipping address"):
        assert section in html
    for field in ("contact_email", "billing_city", "different_shipping", "shipping_city"):
        assert f'name="{field}"' in html


def test_a_bad_contact_email_refuses_the_whole_save_at_that_field(
    app, browser, acme_admin, db_session
):
    r = browser(acme_admin).post(
        "/customers/add",
        {**PROFILE, **CONTACT, "contact_email": "not-an-email", **BILLING, **BILLING_COUNTRY},
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "not a valid email address" in _row_of(html, "contact_email")
    assert 'value="Acme GmbH"' in html and 'value="Berlin"' in html
    assert _saved(db_session) == {"customers": [], "contacts": [], "addresses": []}


def test_an_address_without_country_is_refused_at_its_field(app, browser, acme_admin, db_session):
    r = browser(acme_admin).post("/customers/add", {**PROFILE, **CONTACT, **BILLING})
    assert "country is required" in _row_of(r.get_data(as_text=True), "billing_country")
    assert _saved(db_session)["customers"] == []


def test_the_shipping_address_is_saved_only_when_ticked(app, browser, acme_admin, db_session):
    shipping = {"shipping_city": "Hamburg", "shipping_country": "DE"}
    b = browser(acme_admin)
    r = b.post("/customers/add", {**PROFILE, **BILLING, **BILLING_COUNTRY, **shipping})
    assert r.status_code == 302
    assert [a[0] for a in _saved(db_session)["addresses"]] == ["billing"]
    r = b.post(
        "/customers/add",
        {
            **PROFILE,
            "name": "Beta AG",
            "email": "info@beta.example",
            **shipping,
            "different_shipping": "y",
        },
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    saved = _saved(db_session)
    assert ("shipping", None, "Hamburg", "DE", True) in saved["addresses"]
    assert ("Beta AG", "Hamburg", "DE") in saved["customers"]


def test_a_customer_alone_still_saves(app, browser, acme_admin, db_session):
    r = browser(acme_admin).post("/customers/add", PROFILE)
    assert r.status_code == 302
    assert _saved(db_session) == {
        "customers": [("Acme GmbH", None, None)],
        "contacts": [],
        "addresses": [],
    }


API_BODY = {
    "kind": "company",
    "name": "Acme GmbH",
    "email": "info@acme.example",
    "currency": "EUR",
    "primary_contact": {"first_name": "Jo", "last_name": "Buyer", "email": "jo@acme.example"},
    "billing_address": {"line1": "Hauptstr. 1", "city": "Berlin", "country": "DE"},
    "shipping_address": {"city": "Hamburg", "country": "Germany"},
}


def test_the_api_creates_customer_contact_and_addresses_in_one_request(
    app, api, acme_admin, db_session
):
    r = api(acme_admin).post("/api/v1/customer/", json=API_BODY)
    assert r.status_code == 201, r.get_data(as_text=True)
    assert r.json["result"]["name"] == "Acme GmbH"
    assert _saved(db_session) == {
        "customers": [("Acme GmbH", "Berlin", "DE")],
        "contacts": [("Jo Buyer", "jo@acme.example", None, True)],
        "addresses": [
            ("billing", "Hauptstr. 1", "Berlin", "DE", True),
            ("shipping", None, "Hamburg", "DE", True),
        ],
    }


def test_the_api_refuses_a_bad_contact_email_and_saves_nothing(app, api, acme_admin, db_session):
    body = {**API_BODY, "primary_contact": {"first_name": "Jo", "email": "nope"}}
    r = api(acme_admin).post("/api/v1/customer/", json=body)
    assert r.status_code == 422
    assert re.search("not a valid email", str(r.json["errors"]["primary_contact.email"]))
    assert _saved(db_session) == {"customers": [], "contacts": [], "addresses": []}


def test_the_api_refuses_parts_of_the_wrong_shape(app, api, acme_admin, db_session):
    client = api(acme_admin)
    r = client.post("/api/v1/customer/", json={**API_BODY, "billing_address": "Berlin"})
    assert r.status_code == 422 and "billing_address" in r.json["errors"]
    r = client.post("/api/v1/customer/", json={**API_BODY, "primary_contact": {"age": 3}})
    assert r.status_code == 422 and "primary_contact.age" in r.json["errors"]
    r = client.post("/api/v1/customer/", json={**API_BODY, "billing_address": {"city": 5}})
    assert r.status_code == 422 and "billing_address.city" in r.json["errors"]
    assert _saved(db_session)["customers"] == []


def test_the_api_still_creates_a_customer_without_parts(app, api, acme_admin, db_session):
    body = {k: v for k, v in API_BODY.items() if not isinstance(v, dict)}
    r = api(acme_admin).post("/api/v1/customer/", json=body)
    assert r.status_code == 201
    assert _saved(db_session)["contacts"] == []
