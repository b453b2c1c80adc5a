"""Every form POST needs its CSRF token; a GET never changes data."""

from crm.models import Customer
from tests import factories
from tests.factories import load


def test_post_without_token_is_refused(app, browser, acme, acme_admin, db_session):
    b = browser(acme_admin)
    r = b.post(
        "/customers/add",
        {"kind": "company", "name": "Forged", "email": "f@f.example", "currency": "EUR"},
        csrf=False,
    )
    assert r.status_code == 400
    with db_session() as s:
        assert s.query(Customer).count() == 0


def test_delete_by_get_does_not_delete(app, browser, acme, acme_admin):
    pk = factories.customer(app, acme, "Still Here")
    b = browser(acme_admin)
    b.get(f"/customers/delete/{pk}")
    assert load(app, Customer, pk) is not None
    assert b.post(f"/customers/delete/{pk}", csrf=False).status_code == 400
    assert load(app, Customer, pk) is not None


def test_archive_and_bulk_actions_need_the_token(app, browser, acme, acme_admin):
    pk = factories.customer(app, acme, "Still Active")
    company = factories.company(app, acme)
    b = browser(acme_admin)
    assert b.post(f"/customers/archive/{pk}", csrf=False).status_code == 400
    assert (
        b.post(
            "/companies/action_post", {"action": "archive", "rowid": company}, csrf=False
        ).status_code
        == 400
    )
    assert load(app, Customer, pk).is_active is True


def test_login_form_needs_the_token(app, acme_admin):
    client = app.test_client()
    r = client.post(
        "/login/", data={"username": acme_admin.username, "password": "correct-horse-1"}
    )
    assert r.status_code == 400


def test_api_uses_bearer_tokens_not_csrf(app, api, acme_admin):
    r = api(acme_admin).post(
        "/api/v1/customer/", json={"name": "Via API", "email": "api@x.example"}
    )
    assert r.status_code == 201
