"""The database of benchmarks/load.py: list_customers.py's tenants and customers, kanban.py's
deals, the simulated users, and customers with a contact and invoices for the statement batch."""

import csv
import datetime as dt
import time
from decimal import Decimal

import kanban
import list_customers as bench
from sqlalchemy import create_engine, text

from app import create_app
from crm.extensions import db

USER_PREFIX = "load-user-"
CLERK = "load-clerk"
STATEMENT_MAIL_HOST = "statement-load.example"
IMPORT_MAIL_HOST = "import-load.example"
SELLERS = 8
log = bench.log


def tenant_id(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT id FROM crm_tenant WHERE name = :n"), {"n": bench.TENANT}
        ).scalar()
    engine.dispose()
    return found


def reusable(url, users, batch):
    """Whether the database at ``url`` was built by this script with enough users and
    statement customers for this run."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            have_users = conn.execute(
                text("SELECT count(*) FROM ab_user WHERE username LIKE :p"),
                {"p": USER_PREFIX + "%"},
            ).scalar()
            have_batch = len(batch_ids(conn, batch))
    except Exception:
        return False
    finally:
        engine.dispose()
    return have_users >= users and have_batch >= batch


def batch_ids(conn, count):
    """Ids of the customers whose primary contact receives the batch's statements."""
    return (
        conn.execute(
            text(
                "SELECT customer_id FROM crm_contact WHERE email LIKE :host AND is_primary "
                "ORDER BY customer_id LIMIT :n"
            ),
            {"host": f"%@{STATEMENT_MAIL_HOST}", "n": count},
        )
        .scalars()
        .all()
    )


def customer_count(url, tenant):
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM crm_customer WHERE tenant_id = :t"), {"t": tenant}
        ).scalar()
    engine.dispose()
    return count


def build(url, documents, customers, users, deals, batch):
    """A fresh database at ``url`` (its public schema is dropped)."""
    kanban.ensure_postgres_database(url)
    bench.reset_postgres(url)
    started = time.perf_counter()
    bench.build_schema(url, documents)
    log(f"schema migrated in {time.perf_counter() - started:.1f} s")
    bench.seed(url, documents, customers)
    started = time.perf_counter()
    dropped = _drop_invalid_numbers(url)
    log(f"{dropped:,} generated phone or tax numbers the customer rules refuse, left out")
    _people_deals_and_statements(url, documents, users, deals, batch)
    log(
        f"{users} users, {deals:,} deals and {batch} statement customers in "
        f"{time.perf_counter() - started:.1f} s"
    )


def _drop_invalid_numbers(url):
    """Blanks the generated phone and tax numbers the customer rules refuse (random digits
    rarely make a valid number or VAT checksum), so any customer's edit form saves as
    served. The search text keeps them: it only decides which customers a search finds."""
    from crm.services.core.validation import FieldInvalid, clean_phone, clean_tax_number

    engine = create_engine(url)
    fixes = []
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.id, c.phone, c.tax_regime, c.tax_number FROM crm_customer c "
                "JOIN crm_tenant t ON t.id = c.tenant_id WHERE t.name = :n"
            ),
            {"n": bench.TENANT},
        ).all()
    for pk, phone, regime, number in rows:
        fix = {"id": pk, "phone": phone, "tax_regime": regime, "tax_number": number}
        try:
            clean_phone(phone)
        except FieldInvalid:
            fix["phone"] = None
        try:
            clean_tax_number(regime, number)
        except FieldInvalid:
            fix["tax_regime"] = fix["tax_number"] = None
        if fix != {"id": pk, "phone": phone, "tax_regime": regime, "tax_number": number}:
            fixes.append(fix)
    with engine.begin() as conn:
        for start in range(0, len(fixes), 5_000):
            conn.execute(
                text(
                    "UPDATE crm_customer SET phone = :phone, tax_regime = :tax_regime, "
                    "tax_number = :tax_number WHERE id = :id"
                ),
                fixes[start : start + 5_000],
            )
    engine.dispose()
    return len(fixes)


def _people_deals_and_statements(url, documents, users, deals, batch):
    from crm.models import Contact, Invoice, Payment
    from crm.security.tenancy import tenant_scope
    from crm.services.accounts import tenants

    app = create_app(bench.bench_config(url, documents))
    sm = app.appbuilder.sm
    with app.app_context():
        tenant = tenants.find_tenant(db.session, bench.TENANT)
        people = [(CLERK, "Admin")] + [(f"{USER_PREFIX}{n}", "Manager") for n in range(users)]
        people += [(f"load-seller-{n}", "Manager") for n in range(SELLERS)]
        owners = []
        for username, role in people:
            user = tenants.create_user(
                sm,
                tenant,
                role,
                username,
                bench.PASSWORD,
                f"{username}@example.com",
                "Load",
                username.rsplit("-", 1)[-1],
            )
            owners.append(user.id)
        tenant_pk = tenant.id
        db.session.remove()
        with db.engine.begin() as conn:
            kanban.load_deals(conn, tenant_pk, deals, owners[-SELLERS:], "", seed=11)
            ids = (
                conn.execute(
                    text(
                        "SELECT id FROM crm_customer WHERE tenant_id = :t AND is_active "
                        "ORDER BY id LIMIT :n"
                    ),
                    {"t": tenant_pk, "n": batch},
                )
                .scalars()
                .all()
            )
        with tenant_scope(tenant_pk):
            for n, customer_id in enumerate(ids):
                db.session.add(
                    Contact(
                        customer_id=customer_id,
                        name=f"Accounts {n}",
                        email=f"accounts{n}@{STATEMENT_MAIL_HOST}",
                        is_primary=True,
                    )
                )
                for k in range(2):
                    issued = dt.date(2026, 1 + k, 5)
                    db.session.add(
                        Invoice(
                            customer_id=customer_id,
                            number=f"LOAD-{customer_id}-{k}",
                            issue_date=issued,
                            due_date=issued + dt.timedelta(days=30),
                            status="issued",
                            total=Decimal("480.00"),
                            subtotal=Decimal("480.00"),
                            amount_paid=0,
                        )
                    )
                db.session.add(
                    Payment(
                        customer_id=customer_id,
                        number=f"LOADPAY-{customer_id}",
                        payment_date=dt.date(2026, 2, 20),
                        amount=Decimal("300.00"),
                    )
                )
            db.session.commit()
        db.session.remove()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
        db.engine.dispose()


def write_import_csv(path, rows, run_mark):
    """A customers CSV of ``rows`` new customers (emails unique to this run)."""
    countries = ("DE", "FR", "NL", "GB", "IT", "SE")
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Name", "Email", "Currency", "Billing city", "Billing country"])
        for i in range(1, rows + 1):
            writer.writerow(
                [
                    f"Load Import {run_mark} {i} Ltd",
                    f"buyer{i}.{run_mark}@{IMPORT_MAIL_HOST}",
                    "EUR",
                    "Springfield",
                    countries[i % len(countries)],
                ]
            )
