"""Operator commands: ``flask crm ...``. Each one calls a service."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from crm.extensions import db
from crm.security.roles import role_names
from crm.services import tenants
from crm.services.errors import CrmError

crm_cli = AppGroup("crm", help="Ledgerline CRM operator commands.")


def _fail(message):
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@crm_cli.command("create-tenant")
@click.argument("name")
def create_tenant(name):
    """Create an organisation with the default reference data."""
    try:
        tenant = tenants.create_tenant(db.session, name)
    except CrmError as exc:
        db.session.rollback()
        _fail(exc.message)
    click.echo(f"Created tenant {tenant.name} (id {tenant.id}).")


@crm_cli.command("create-user")
@click.option("--tenant", "tenant_name", required=True, help="Name of the user's organisation.")
@click.option("--role", required=True, help="One of: " + ", ".join(role_names()))
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--email", required=True)
@click.option("--first-name", default=None)
@click.option("--last-name", default=None)
def create_user(tenant_name, role, username, password, email, first_name, last_name):
    """Create a login for a tenant."""
    try:
        tenant = tenants.find_tenant(db.session, tenant_name)
        user = tenants.create_user(current_app.appbuilder.sm, tenant, role, username, password,
                                   email, first_name, last_name)
    except CrmError as exc:
        db.session.rollback()
        _fail(exc.message if not exc.errors else "; ".join(
            f"{field}: {', '.join(map(str, msgs))}" for field, msgs in exc.errors.items()))
    click.echo(f"Created {role} {user.username} for {tenant.name}.")


@crm_cli.command("seed-demo")
@click.option("--customers", default=300, show_default=True, help="Customers per tenant.")
def seed_demo(customers):
    """Two demo tenants with admin, manager and member logins and realistic customers."""
    from crm.services import demo

    logins = demo.seed(current_app.appbuilder.sm, customers_per_tenant=customers)
    click.echo("Demo logins (password for all: %s):" % demo.DEMO_PASSWORD)
    for tenant_name, role, username in logins:
        click.echo(f"  {tenant_name:<20} {role:<8} {username}")
