"""A session cookie or token stops working once its user signs out, has the password
reset, or is deactivated; a refresh token works once."""

from crm.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-fresh-passphrase-7"


def _api_login(client, username, password=PASSWORD, refresh=False):
    response = client.post(
        "/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db", "refresh": refresh},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def _bearer(token):
    return {"Authorization": "Bearer " + token}


def _reset_password(admin_browser, user, password=NEW_PASSWORD):
    url = f"/resetpassword/form?pk={user.id}"
    response = admin_browser.post(url, {"password": password, "conf_password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def _set_active(app, admin_browser, user, active):
    with app.app_context():
        roles = app.appbuilder.sm.find_role(user.role).id
        db.session.remove()
    form = {
        "first_name": "Member",
        "last_name": "Acme",
        "username": user.username,
        "email": f"{user.username}@example.com",
        "roles": roles,
    }
    if active:
        form["active"] = "y"
    response = admin_browser.post(f"/users/edit/{user.id}", form)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_session_cookie_is_anonymous_after_sign_out(app, browser, acme_member):
    member = browser(acme_member)
    cookie = member.client.get_cookie("session").value
    assert member.get("/customers/list/").status_code == 200
    member.get("/logout/")
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    response = replay.get("/customers/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_sign_out_also_ends_api_tokens(app, browser, acme_member):
    tokens = _api_login(app.test_client(), acme_member.username)
    browser(acme_member).get("/logout/")
    response = app.test_client().get("/api/v1/customer/", headers=_bearer(tokens["access_token"]))
    assert response.status_code == 401


def test_cookie_and_token_refused_after_an_admin_resets_the_password(
    app, browser, acme_admin, acme_member
):
    member = browser(acme_member)
    tokens = _api_login(app.test_client(), acme_member.username, refresh=True)
    _reset_password(browser(acme_admin), acme_member)
    response = member.get("/customers/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    client = app.test_client()
    assert (
        client.get("/api/v1/customer/", headers=_bearer(tokens["access_token"])).status_code == 401
    )
    assert (
        client.post(
            "/api/v1/security/refresh", headers=_bearer(tokens["refresh_token"])
        ).status_code
        == 401
    )
    _api_login(client, acme_member.username, NEW_PASSWORD)


def test_changing_ones_own_password_keeps_this_session(app, browser, acme_member):
    member = browser(acme_member)
    other = browser(acme_member)
    response = member.post(
        "/resetmypassword/form", {"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert member.get("/customers/list/").status_code == 200
    assert other.get("/customers/list/").status_code == 302


def test_refresh_token_works_once(app, acme_member):
    client = app.test_client()
    first = _api_login(client, acme_member.username, refresh=True)["refresh_token"]
    response = client.post("/api/v1/security/refresh", headers=_bearer(first))
    assert response.status_code == 200
    second = response.json["refresh_token"]
    assert (
        client.get("/api/v1/customer/", headers=_bearer(response.json["access_token"])).status_code
        == 200
    )
    assert client.post("/api/v1/security/refresh", headers=_bearer(first)).status_code == 401
    assert client.post("/api/v1/security/refresh", headers=_bearer(second)).status_code == 200


def test_deactivated_users_token_and_session_are_refused(app, browser, acme_admin, acme_member):
    member = browser(acme_member)
    tokens = _api_login(app.test_client(), acme_member.username, refresh=True)
    admin = browser(acme_admin)
    _set_active(app, admin, acme_member, False)
    client = app.test_client()
    assert (
        client.get("/api/v1/customer/", headers=_bearer(tokens["access_token"])).status_code == 401
    )
    assert (
        client.post(
            "/api/v1/security/refresh", headers=_bearer(tokens["refresh_token"])
        ).status_code
        == 401
    )
    assert member.get("/customers/list/").status_code == 302


def test_reactivating_a_user_does_not_revive_old_tokens(app, browser, acme_admin, acme_member):
    member = browser(acme_member)
    tokens = _api_login(app.test_client(), acme_member.username)
    admin = browser(acme_admin)
    _set_active(app, admin, acme_member, False)
    _set_active(app, admin, acme_member, True)
    client = app.test_client()
    assert (
        client.get("/api/v1/customer/", headers=_bearer(tokens["access_token"])).status_code == 401
    )
    assert member.get("/customers/list/").status_code == 302
    _api_login(client, acme_member.username)
