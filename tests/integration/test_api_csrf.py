"""API writes the browser's session cookie authenticates need the page's CSRF token;
writes with an API access token (Authorization: Bearer) do not."""

import pytest

from crm.models import Customer, Payment
from tests import factories
from tests.factories import load


@pytest.fixture
def payment(app, api, acme, acme_manager):
    buyer = factories.customer(app, acme, "Paying Buyer Ltd", currency="EUR")
    return (
        api(acme_manager)
        .post("/api/v1/payment/", json={"customer": buyer, "amount": "100"})
        .json["id"]
    )


def csrf_headers(signed_in):
    return {"X-CSRFToken": signed_in.token}


def test_cookie_write_without_the_token_is_refused_as_json(app, browser, acme, acme_admin):
    pk = factories.customer(app, acme, "Still Active")
    b = browser(acme_admin)
    r = b.client.post(f"/api/v1/customer/{pk}/archive")
    assert r.status_code == 400 and r.is_json and "CSRF" in r.json["message"]
    assert load(app, Customer, pk).is_active is True


@pytest.mark.parametrize(
    "method, url, body",
    [
        ("post", "/api/v1/customer/", {"name": "Forged", "email": "forged@x.example"}),
        ("put", "/api/v1/customer/{pk}", {"name": "Renamed"}),
        ("delete", "/api/v1/customer/{pk}", None),
        ("post", "/api/v1/customer/{pk}/archive", None),
    ],
)
def test_every_state_changing_verb_needs_the_token(
    app, browser, acme, acme_admin, method, url, body
):
    pk = factories.customer(app, acme, "Untouched")
    b = browser(acme_admin)
    r = getattr(b.client, method)(url.format(pk=pk), json=body)
    assert r.status_code == 400 and r.is_json
    kept = load(app, Customer, pk)
    assert kept is not None and kept.name == "Untouched" and kept.is_active is True
    with app.app_context():
        from crm.extensions import db

        assert db.session.query(Customer).execution_options(all_tenants=True).count() == 1
        db.session.remove()


def test_a_wrong_token_is_refused(app, browser, acme, acme_manager, payment):
    b = browser(acme_manager)
    r = b.client.post(f"/api/v1/payment/{payment}/void", headers={"X-CSRFToken": "forged"})
    assert r.status_code == 400 and r.is_json
    assert load(app, Payment, payment).status != "void"


@pytest.mark.parametrize("header", ["X-CSRFToken", "X-CSRF-Token"])
def test_cookie_write_with_the_pages_token_passes(
    app, browser, acme, acme_manager, payment, header
):
    b = browser(acme_manager)
    r = b.client.post(f"/api/v1/payment/{payment}/void", headers={header: b.token})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert load(app, Payment, payment).status == "void"


def test_cookie_reads_need_no_token(app, browser, acme, acme_admin):
    factories.customer(app, acme, "Readable")
    r = browser(acme_admin).client.get("/api/v1/customer/")
    assert r.status_code == 200 and r.json["count"] == 1


def test_bearer_token_writes_need_no_csrf_token(app, api, acme, acme_manager, payment):
    assert api(acme_manager).post(f"/api/v1/payment/{payment}/void").status_code == 200
    assert load(app, Payment, payment).status == "void"


def test_a_forged_bearer_token_does_not_stand_in_for_the_csrf_token(
    app, browser, acme, acme_manager, payment
):
    b = browser(acme_manager)
    r = b.client.post(
        f"/api/v1/payment/{payment}/void", headers={"Authorization": "Bearer not-a-token"}
    )
    assert r.status_code == 400
    assert load(app, Payment, payment).status != "void"


def test_session_and_remember_cookies_are_lax_and_http_only(app, acme, acme_admin):
    client = app.test_client()
    page = client.get("/login/")
    cookie = page.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert (app.config["REMEMBER_COOKIE_SAMESITE"], app.config["REMEMBER_COOKIE_HTTPONLY"]) == (
        "Lax",
        True,
    )
