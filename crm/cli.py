"""Operator commands: ``flask crm ...``. Each one calls a service."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from crm.extensions import db
from crm.security.roles import role_names
from crm.services.accounts import tenants
from crm.services.core.errors import CrmError

crm_cli = AppGroup("crm", help="Ledgerline CRM operator commands.")


def _fail(message):
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _refused(exc):
    """A service's refusal as the commands report it (its transaction is rolled back)."""
    _fail(
        exc.message
        if not exc.errors
        else "; ".join(
            f"{field}: {', '.join(map(str, msgs))}" for field, msgs in exc.errors.items()
        )
    )


@crm_cli.command("create-tenant")
@click.argument("name")
def create_tenant(name):
    """Create an organisation with the default reference data."""
    try:
        tenant = tenants.create_tenant(db.session, name)
    except CrmError as exc:
        _refused(exc)
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
        user = tenants.create_user(
            current_app.appbuilder.sm,
            tenant,
            role,
            username,
            password,
            email,
            first_name,
            last_name,
        )
    except CrmError as exc:
        _refused(exc)
    click.echo(f"Created {role} {user.username} for {tenant.name}.")


@crm_cli.command("sync-roles")
def sync_roles():
    """Give the roles the permissions of every screen and endpoint (after an upgrade)."""
    current_app.appbuilder.add_permissions(update_perms=True)
    click.echo("Roles and permissions are up to date.")


@crm_cli.command("seed-demo")
@click.option("--customers", default=300, show_default=True, help="Customers per tenant.")
def seed_demo(customers):
    """Two demo tenants with admin, manager and member logins and realistic customers."""
    from crm.services.demo import records as demo

    logins = demo.seed(current_app.appbuilder.sm, customers_per_tenant=customers)
    click.echo("Demo logins (password for all: %s):" % demo.DEMO_PASSWORD)
    for tenant_name, role, username in logins:
        click.echo(f"  {tenant_name:<20} {role:<8} {username}")


@crm_cli.command("refresh-health")
@click.option(
    "--tenant", "tenant_name", default=None, help="Only this organisation (default: all)."
)
def refresh_health(tenant_name):
    """Recompute every customer's health score (run nightly from cron)."""
    from crm.services.insight import health

    try:
        tenant_id = tenants.find_tenant(db.session, tenant_name).id if tenant_name else None
        count = health.refresh_health(db.session, tenant_id)
    except CrmError as exc:
        _refused(exc)
    click.echo(f"Refreshed the health score of {count} customers.")


@crm_cli.command("worker")
@click.option(
    "--workers", type=int, default=None, help="Jobs run at once (threads); default CRM_JOB_WORKERS."
)
def worker(workers):
    """Run background jobs: the task queue's consumer, until stopped (Ctrl-C or SIGTERM)."""
    from crm import jobs

    jobs.run_consumer(
        current_app._get_current_object(), workers or current_app.config["CRM_JOB_WORKERS"]
    )


@crm_cli.command("export")
@click.argument("entity", type=click.Choice(["customers", "companies", "leads"]))
@click.option("--tenant", "tenant_name", required=True, help="Name of the organisation.")
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True
)
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, writable=True), help="File to write."
)
def export(entity, tenant_name, fmt, out):
    """Write a tenant's customers, companies or leads with the import's columns."""
    from crm.security.tenancy import tenant_scope
    from crm.services.bulk.exports import export_entity

    try:
        tenant = tenants.find_tenant(db.session, tenant_name)
        with tenant_scope(tenant.id):
            count = export_entity(db.session, entity, fmt, out)
    except CrmError as exc:
        _refused(exc)
    except OSError as exc:
        _fail(f"{out}: {exc.strerror or exc}")
    click.echo(f"Exported {count} {entity} of {tenant.name} to {out}.")


@crm_cli.command("statement")
@click.option("--tenant", "tenant_name", required=True, help="Name of the organisation.")
@click.option("--customer", "code", required=True, help="The customer's code, e.g. C000123.")
@click.option("--from", "date_from", required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "date_to", required=True, help="Last day, YYYY-MM-DD.")
@click.option(
    "--format", "fmt", type=click.Choice(["pdf", "xlsx"]), default="pdf", show_default=True
)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="File to write.")
def statement(tenant_name, code, date_from, date_to, fmt, out):
    """Write a customer's statement of account as PDF or Excel."""
    from crm.services.statements.files import write_statement

    try:
        tenant = tenants.find_tenant(db.session, tenant_name)
        lines = write_statement(db.session, tenant.id, code, date_from, date_to, fmt, out)
    except CrmError as exc:
        _refused(exc)
    except OSError as exc:
        _fail(f"{out}: {exc.strerror or exc}")
    click.echo(f"Wrote the statement of {code} ({lines} transactions) to {out}.")


@crm_cli.command("import")
@click.argument("entity", type=click.Choice(["customers", "companies", "leads"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--tenant", "tenant_name", required=True, help="Name of the organisation.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--all-or-nothing", is_flag=True, help="Write nothing if any row fails.")
@click.option(
    "--error-report",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the failed rows and their errors to this .xlsx file.",
)
@click.option(
    "--encoding", help="A text file's encoding (e.g. utf-8, cp1252); detected when left out."
)
@click.option(
    "--map",
    "overrides",
    multiple=True,
    metavar="HEADING=FIELD",
    help='Map a column to a field (repeatable; overrides the guess; "Heading=" leaves it out).',
)
def import_file(
    entity, path, tenant_name, dry_run, all_or_nothing, error_report, encoding, overrides
):
    """Import customers, companies or leads from .xlsx, .xls, .ods or .csv; exit 1 if a row failed."""
    from crm.services.bulk.imports.cli_import import import_from_cli
    from crm.services.bulk.imports.file_limits import ImportLimits

    try:
        tenant = tenants.find_tenant(db.session, tenant_name)
        failed = import_from_cli(
            db.session,
            tenant,
            entity,
            path,
            dry_run,
            all_or_nothing,
            error_report,
            click.echo,
            overrides,
            limits=ImportLimits.from_config(current_app.config),
            encoding=encoding,
            languages=tuple(current_app.config["LANGUAGES"]),
        )
    except CrmError as exc:
        _refused(exc)
    if failed:
        sys.exit(1)


@crm_cli.command("import-resume")
@click.argument("run_id", type=int)
@click.option("--tenant", "tenant_name", required=True, help="Name of the organisation.")
@click.option(
    "--error-report",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the failed rows and their errors to this .xlsx file.",
)
def import_resume(run_id, tenant_name, error_report):
    """Resume a failed or cancelled import from its first row not written; exit 1 if a row failed."""
    from crm.services.bulk.imports.cli_import import resume_from_cli

    try:
        tenant = tenants.find_tenant(db.session, tenant_name)
        failed = resume_from_cli(db.session, tenant, run_id, error_report, click.echo)
    except CrmError as exc:
        _refused(exc)
    if failed:
        sys.exit(1)
