"""Permission answers and the menu of a user whose roles are all built-in are kept for the
process by the roles' names; the permissions of roles stored in the database (Admin's)
while the permission version stays the same (crm/security/manager.py). The user's roles
and the version are read on every request, so a role given or taken in one web worker
applies on the next request served by any other."""

from sqlalchemy import select

from app import create_app
from config import TestConfig
from crm.extensions import db
from crm.models import CrmUser
from crm.security import permission_version
from tests.conftest import Browser
from tests.factories import counted

IMPORT_LINK = 'href="/import/'


def _worker(app):
    """Another web worker of the same installation: its own app over the same database."""
    keys = ("SQLALCHEMY_DATABASE_URI", "CRM_DOCUMENT_DIR", "CRM_JOB_DIR", "CRM_CACHE_DIR")
    return create_app(type("Worker", (TestConfig,), {key: app.config[key] for key in keys}))


def _give_role(app, user, role_name):
    with app.app_context():
        found = db.session.scalar(select(CrmUser).where(CrmUser.id == user.id))
        found.roles = [app.appbuilder.sm.find_role(role_name)]
        db.session.commit()
        db.session.remove()


def _can_add_customers(browser):
    return browser.get("/customers/add").status_code == 200


def test_a_role_taken_in_one_worker_applies_on_the_next_request_in_another(app, acme_manager):
    other = _worker(app)
    try:
        manager = Browser(other.test_client()).login(acme_manager.username)
        assert IMPORT_LINK in manager.get("/customers/list/").get_data(as_text=True)
        assert _can_add_customers(manager)

        _give_role(app, acme_manager, "Member")

        assert IMPORT_LINK not in manager.get("/customers/list/").get_data(as_text=True)
        assert not _can_add_customers(manager)

        _give_role(app, acme_manager, "Manager")

        assert IMPORT_LINK in manager.get("/customers/list/").get_data(as_text=True)
        assert _can_add_customers(manager)
    finally:
        with other.app_context():
            db.engine.dispose()


def test_users_of_different_roles_in_one_process_keep_their_own_answers(
    app, browser, acme_manager, acme_member
):
    manager, member = browser(acme_manager), browser(acme_member)
    for _ in range(2):
        assert IMPORT_LINK in manager.get("/customers/list/").get_data(as_text=True)
        assert IMPORT_LINK not in member.get("/customers/list/").get_data(as_text=True)
        assert _can_add_customers(manager)
        assert not _can_add_customers(member)


def _change(app, grant, role_name, permission, view_menu):
    """As FAB's role editing and ``flask fab security-cleanup`` do: through the manager."""
    with app.app_context():
        sm = app.appbuilder.sm
        change = sm.add_permission_role if grant else sm.del_permission_role
        change(sm.find_role(role_name), sm.find_permission_view_menu(permission, view_menu))
        db.session.remove()


def _version(app):
    with app.app_context():
        found = permission_version.current(db.session)
        db.session.remove()
    return found


def test_a_permission_taken_from_admin_in_one_worker_applies_in_another(
    app, acme_admin, db_session
):
    other = _worker(app)
    admin = Browser(other.test_client()).login(acme_admin.username)
    try:
        for _ in range(2):  # the second request answers from the pairs kept
            assert admin.get("/customers/list/").status_code == 200
        before = _version(app)

        _change(app, False, "Admin", "can_read", "Customer")

        assert _version(app) != before
        assert admin.get("/customers/list/").status_code == 403
    finally:
        _change(app, True, "Admin", "can_read", "Customer")
        with other.app_context():
            db.engine.dispose()
    assert admin.get("/customers/list/").status_code == 200


def test_changing_a_role_changes_the_version_in_the_same_transaction(app):
    before = _version(app)
    with app.app_context():
        role = app.appbuilder.sm.find_role("Admin")
        role.name = "Admin"  # touched, unchanged: still a change to check
        db.session.add(role)
        db.session.flush()
        assert permission_version.current(db.session) != before
        db.session.rollback()
        db.session.remove()
    assert _version(app) == before


def test_an_admins_next_page_reads_the_version_not_the_permissions(app, browser, acme_admin):
    admin = browser(acme_admin)
    assert admin.get("/customers/list/").status_code == 200
    with counted(app) as statements:
        assert admin.get("/customers/list/").status_code == 200
    assert [s for s in statements if "crm_permission_version" in s]
    assert not [s for s in statements if "ab_permission_view_role" in s]
