"""FAB's permission sync runs when the web server starts and on ``flask crm sync-roles``,
not on every command: ``flask crm ...`` prints no "Refused to delete permission view"."""

import os
import subprocess
import sys

from flask_appbuilder.security.sqla.models import PermissionView, Role

from crm.extensions import db

HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _flask(app, *args):
    env = {
        **os.environ,
        "CRM_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CRM_SECRET_KEY": app.config["SECRET_KEY"],
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=HERE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_crm_command_prints_no_permission_sync_on_stderr(app):
    result = _flask(app, "crm", "create-tenant", "Initech")
    assert result.returncode == 0, result.stderr
    assert "Created tenant Initech" in result.stdout
    assert "Refused to delete permission view" not in result.stderr
    assert "permission" not in result.stderr.lower()


def _admin_can_add_imports():
    admin = db.session.query(Role).filter_by(name="Admin").one()
    return any(
        pv.view_menu.name == "Import" and pv.permission.name == "can_add"
        for pv in admin.permissions
    )


def test_sync_roles_gives_the_admin_role_every_screens_permission_again(app, runner):
    with app.app_context():
        admin = db.session.query(Role).filter_by(name="Admin").one()
        admin.permissions = [
            pv
            for pv in admin.permissions
            if not (pv.view_menu.name == "Import" and pv.permission.name == "can_add")
        ]
        db.session.commit()
        assert not _admin_can_add_imports()
        db.session.remove()
    result = runner.invoke(args=["crm", "sync-roles"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _admin_can_add_imports()
        assert db.session.query(PermissionView).count() > 100
        db.session.remove()
