"""A permission taken from a role applies on that role's users' next request: the
permissions of roles stored in the database (Admin's, custom roles) are kept only while the
permission version read by every request stays the same, and the menu follows them.
Built-in roles, and two web workers: tests/integration/test_permission_answers_kept.py."""

import pytest

from crm.extensions import db
from tests.conftest import PASSWORD
from tests.factories import counted

CUSTOMERS_LINK = 'href="/customers/list/"'


def _change(app, grant, role_name, permission, view_menu):
    """As FAB's role editing and ``flask fab security-cleanup`` do: through the manager."""
    with app.app_context():
        sm = app.appbuilder.sm
        pvm = sm.find_permission_view_menu(permission, view_menu)
        assert pvm is not None, f"{permission} on {view_menu} does not exist"
        change = sm.add_permission_role if grant else sm.del_permission_role
        change(sm.find_role(role_name), pvm)
        db.session.remove()


@pytest.fixture
def revoke(app):
    """Take a permission from a role for one test; given back after it (roles are kept
    between tests)."""
    revoked = []

    def revoking(role_name, permission, view_menu):
        _change(app, False, role_name, permission, view_menu)
        revoked.append((role_name, permission, view_menu))

    yield revoking
    for args in revoked:
        _change(app, True, *args)


@pytest.fixture
def admin(browser, acme_admin):
    b = browser(acme_admin)
    page = b.get("/customers/list/")
    assert page.status_code == 200
    assert CUSTOMERS_LINK in b.get("/jobs/list/").get_data(as_text=True)
    return b


def test_a_revoked_permission_refuses_the_next_request(admin, revoke):
    revoke("Admin", "can_read", "Customer")
    assert admin.get("/customers/list/").status_code == 403
    assert admin.get("/customers/filter_choices/customer_group").status_code == 403


def test_a_revoked_menu_access_takes_the_entry_off_the_next_page(admin, revoke):
    revoke("Admin", "menu_access", "Customers")
    html = admin.get("/jobs/list/").get_data(as_text=True)
    assert CUSTOMERS_LINK not in html
    assert admin.get("/customers/list/").status_code == 200  # the screen itself still opens


def test_a_permission_given_to_public_and_taken_back_applies_on_the_next_request(app):
    """FAB asks whether an API endpoint is public on every request; the Public role's
    permissions are kept only under the permission version, never read per request."""
    anonymous = app.test_client()
    info = "/api/v1/customer/_info"
    assert anonymous.get(info).status_code == 401  # the answer is now kept
    _change(app, True, "Public", "can_read", "Customer")
    try:
        assert anonymous.get(info).status_code == 200
    finally:
        _change(app, False, "Public", "can_read", "Customer")
    assert anonymous.get(info).status_code == 401


def test_an_api_request_does_not_read_the_public_role(app, acme_manager):
    client = app.test_client()
    token = client.post(
        "/api/v1/security/login",
        json={"username": acme_manager.username, "password": PASSWORD, "provider": "db"},
    ).json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/customer/", headers=headers).status_code == 200
    with counted(app) as statements:
        assert client.get("/api/v1/customer/", headers=headers).status_code == 200
    assert not [s for s in statements if "FROM ab_role" in s], statements
