"""Operator commands: flask crm create-tenant / create-user / seed-demo."""

from crm.extensions import db
from crm.models import CrmUser, Customer, Tenant


def test_create_tenant_and_user(app, runner):
    result = runner.invoke(args=["crm", "create-tenant", "Initech"])
    assert result.exit_code == 0, result.output
    assert "Created tenant Initech" in result.output
    result = runner.invoke(
        args=[
            "crm",
            "create-user",
            "--tenant",
            "Initech",
            "--role",
            "Manager",
            "--username",
            "peter",
            "--password",
            "tps-report-1",
            "--email",
            "peter@initech.example",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.query(CrmUser).filter_by(username="peter").one()
        tenant = db.session.query(Tenant).filter_by(name="Initech").one()
        assert user.tenant_id == tenant.id
        assert [r.name for r in user.roles] == ["Manager"]
        db.session.remove()
    client = app.test_client()
    from tests.conftest import Browser

    Browser(client).login("peter", "tps-report-1")
    assert client.get("/customers/list/").status_code == 200


def test_duplicate_tenant_is_refused(app, runner):
    runner.invoke(args=["crm", "create-tenant", "Initech"])
    result = runner.invoke(args=["crm", "create-tenant", "Initech"])
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_unknown_tenant_or_role_exit_with_1(app, runner):
    runner.invoke(args=["crm", "create-tenant", "Initech"])
    base = [
        "crm",
        "create-user",
        "--username",
        "u1",
        "--password",
        "long-enough-1",
        "--email",
        "u1@x.example",
    ]
    result = runner.invoke(args=base + ["--tenant", "Nowhere", "--role", "Admin"])
    assert result.exit_code == 1 and "no tenant called" in result.output
    result = runner.invoke(args=base + ["--tenant", "Initech", "--role", "Overlord"])
    assert result.exit_code == 1 and "Unknown role" in result.output
    result = runner.invoke(
        args=base[:-1] + ["not-an-email", "--tenant", "Initech", "--role", "Member"]
    )
    assert result.exit_code == 1 and "email" in result.output


def test_seed_demo_is_idempotent(app, runner):
    first = runner.invoke(args=["crm", "seed-demo", "--customers", "12"])
    assert first.exit_code == 0, first.output
    assert "northwind-admin" in first.output
    with app.app_context():
        counts = (
            db.session.query(Tenant).count(),
            db.session.query(CrmUser).count(),
            db.session.query(Customer).execution_options(all_tenants=True).count(),
        )
        db.session.remove()
    second = runner.invoke(args=["crm", "seed-demo", "--customers", "12"])
    assert second.exit_code == 0
    with app.app_context():
        again = (
            db.session.query(Tenant).count(),
            db.session.query(CrmUser).count(),
            db.session.query(Customer).execution_options(all_tenants=True).count(),
        )
        db.session.remove()
    assert counts == again == (2, 6, 24)
