"""A tenant's Admin manages that tenant's users only."""
from crm.extensions import db
from crm.models import CrmUser
from tests.conftest import make_user


def test_admin_adds_a_user_who_joins_the_admins_tenant(app, browser, acme, acme_admin):
    b = browser(acme_admin)
    with app.app_context():
        manager_role = app.appbuilder.sm.find_role("Manager").id
        db.session.remove()
    r = b.post("/users/add", {"first_name": "New", "last_name": "Hire", "username": "newhire",
                              "email": "newhire@acme.example", "active": "y", "roles": manager_role,
                              "password": "Str0ng!Passw0rd", "conf_password": "Str0ng!Passw0rd"})
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
