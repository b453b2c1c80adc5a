"""A tenant's Admin manages that tenant's users only."""

from crm.extensions import db
from crm.models import CrmUser
from tests.conftest import make_user


def test_admin_adds_a_user_who_joins_the_admins_tenant(app, browser, acme, acme_admin):
    b = browser(acme_admin)
    with app.app_context():
        manager_role = app.appbuilder.sm.find_role("Manager").id
        db.session.remove()
    r = b.post(
        "/users/add",
        {
            "first_name": "New",
            "last_name": "Hire",
            "username": "newhire",
            "email": "newhire@acme.example",
            "active": "y",
            "roles": manager_role,
            "password": "Str0ng!Passw0rd",
            "conf_password": "Str0ng!Passw0rd",
        },
    )
    assert r.status_code == 302
    with app.app_context():
        user = db.session.query(CrmUser).filter_by(username="newhire").one()
        assert user.tenant_id == acme.id
        db.session.remove()


def test_user_list_shows_own_tenant_only(app, browser, acme, globex, acme_admin):
    make_user(app, globex, "Manager", "globex-manager")
    make_user(app, acme, "Member", "acme-member")
    html = browser(acme_admin).get("/users/list/").get_data(as_text=True)
    assert "acme-member" in html and "globex-manager" not in html


def test_roles_are_read_only_on_screen(app, browser, acme_admin):
    b = browser(acme_admin)
    assert b.get("/roles/list/").status_code == 200
    assert b.get("/roles/add").status_code == 403
    assert b.get("/groups/list/").status_code == 404


def _add_user(app, b, username, email):
    with app.app_context():
        role = app.appbuilder.sm.find_role("Member").id
        db.session.remove()
    return b.post(
        "/users/add",
        {
            "first_name": "New",
            "last_name": "Hire",
            "username": username,
            "email": email,
            "active": "y",
            "roles": role,
            "password": "Str0ng!Passw0rd",
            "conf_password": "Str0ng!Passw0rd",
        },
    )


def _said_plainly(html, message):
    return (
        message in html
        and "INSERT" not in html
        and "pbkdf2" not in html
        and "Globex Industries" not in html
        and "IntegrityError" not in html
    )


def test_username_of_another_tenant_is_taken_without_saying_whose(
    app, browser, acme_admin, globex_admin
):
    response = _add_user(app, browser(acme_admin), "Globex-Admin", "someone@acme.example")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _said_plainly(html, "This username is taken.")
    with app.app_context():
        assert db.session.query(CrmUser).filter_by(email="someone@acme.example").count() == 0
        db.session.remove()


def test_email_of_another_tenant_is_taken_without_saying_whose(
    app, browser, acme_admin, globex_admin
):
    response = _add_user(app, browser(acme_admin), "someone", "globex-admin@example.com")
    assert response.status_code == 200
    assert _said_plainly(response.get_data(as_text=True), "This email is taken.")


def test_editing_a_user_keeps_its_own_username(app, browser, acme_admin, acme_member):
    with app.app_context():
        role = app.appbuilder.sm.find_role("Member").id
        db.session.remove()
    response = browser(acme_admin).post(
        f"/users/edit/{acme_member.id}",
        {
            "first_name": "Renamed",
            "last_name": "Member",
            "username": acme_member.username,
            "email": "acme-member@example.com",
            "active": "y",
            "roles": role,
        },
    )
    assert response.status_code == 302


def test_cli_says_the_username_or_email_is_taken(app, runner, globex_admin):
    runner.invoke(args=["crm", "create-tenant", "Initech"])
    base = [
        "crm",
        "create-user",
        "--tenant",
        "Initech",
        "--role",
        "Member",
        "--password",
        "long-enough-1",
    ]
    result = runner.invoke(
        args=base + ["--username", "globex-admin", "--email", "x@initech.example"]
    )
    assert result.exit_code == 1 and "This username is taken." in result.output
    assert "Globex Industries" not in result.output
    result = runner.invoke(
        args=base + ["--username", "milton", "--email", "globex-admin@example.com"]
    )
    assert result.exit_code == 1 and "This email is taken." in result.output


def test_a_user_saved_meanwhile_with_the_same_username_gets_the_plain_message(
    app, browser, acme_admin, globex_admin, monkeypatch
):
    """Two admins saving one username at once: the form check passed for both, the
    database refuses the second, and the screen still shows no SQL."""
    from crm.security.user_views import LoginNameFree

    monkeypatch.setattr(LoginNameFree, "__call__", lambda self, form, field: None)
    b = browser(acme_admin)
    response = _add_user(app, b, "globex-admin", "someone@acme.example")
    assert response.status_code == 302
    html = b.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert _said_plainly(html, "This username is taken.")
