"""How long the nightly health refresh (`flask crm refresh-health`) takes on a large tenant.

Builds a fresh database through the migrations with dashboard.py's loader (200,000
customers, 1,000,000 deals, 2,000,000 interactions — which set each customer's
last_interaction_at —, 500,000 invoices of every status, leads and tasks, and a small
other tenant), adds 50,000 contracts and 100,000 support tickets, then times
``crm.services.insight.health.refresh_health`` for the tenant (target < 60 s) and checks its
answer: every customer of the tenant scored, none of the other tenant's, and a sample
of customers recomputed one by one with the formula.

    .venv/bin/python benchmarks/health.py                        # SQLite in a temp dir
    .venv/bin/python benchmarks/health.py --scale 0.1
    .venv/bin/python benchmarks/health.py --sqlite /tmp/health.sqlite3 [--reuse]
    .venv/bin/python benchmarks/health.py --postgres postgresql://postgres@127.0.0.1:5432/h_bench

Not a test: run it on demand. ``--postgres`` drops that database's public schema.
"""

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import dashboard  # noqa: E402  (the large tenant)
import list_customers as bench  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402

from app import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402

TARGET = 60.0
EXTRA = {"contracts": 50_000, "tickets": 100_000}


def log(message):
    print(message, flush=True)


def load_insight(conn, tenant_id, sizes, seed=5):
    from crm.models import Contract, Customer, SupportTicket

    rng = random.Random(seed)
    customers = conn.execute(
        select(Customer.id, Customer.currency).where(Customer.tenant_id == tenant_id)
    ).all()
    today = dashboard.TODAY
    now = dashboard.NOW

    def contracts():
        for n in range(1, sizes["contracts"] + 1):
            customer_id, currency = rng.choice(customers)
            start = today - dt.timedelta(days=rng.randrange(900))
            end = rng.choice((None, start + dt.timedelta(days=365), start + dt.timedelta(days=730)))
            yield {
                "tenant_id": tenant_id,
                "number": f"CT-{n:07d}",
                "customer_id": customer_id,
                "title": "Support",
                "value": Decimal(rng.randrange(100, 200_000)),
                "currency": currency,
                "start_date": start,
                "end_date": end,
                "status": rng.choices(
                    ("active", "draft", "expired", "terminated"), weights=(70, 10, 15, 5)
                )[0],
                "created_at": now,
                "updated_at": now,
            }

    def tickets():
        for n in range(sizes["tickets"]):
            opened = now - dt.timedelta(seconds=rng.randrange(400 * 86400))
            status = rng.choices(("open", "pending", "closed"), weights=(15, 5, 80))[0]
            yield {
                "tenant_id": tenant_id,
                "customer_id": rng.choice(customers)[0],
                "subject": f"Ticket {n}",
                "status": status,
                "priority": rng.choice(("low", "normal", "high", "urgent")),
                "opened_at": opened,
                "closed_at": opened if status == "closed" else None,
                "created_at": opened,
                "updated_at": opened,
            }

    dashboard._insert(conn, Contract.__table__, contracts(), "contracts")
    dashboard._insert(conn, SupportTicket.__table__, tickets(), "tickets")


def seed(url, documents, sizes):
    tenant_id = dashboard.seed(url, documents, sizes)
    engine = create_engine(url)
    with engine.begin() as conn:
        load_insight(conn, tenant_id, sizes)
        other_id = conn.execute(
            text("SELECT id FROM crm_tenant WHERE name = :n"), {"n": bench.OTHER_TENANT}
        ).scalar()
        load_insight(conn, other_id, dict.fromkeys(sizes, 1000))
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("ANALYZE")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    engine.dispose()
    return tenant_id


def check(app, tenant_id):
    """Every customer of the tenant scored (and no other's); a sample agrees with the formula
    applied to figures read one customer at a time."""
    from crm.models import Contract, Customer, Invoice, SupportTicket
    from crm.services.insight import health

    today = dashboard.TODAY
    with app.app_context():
        s = db.session
        unscored = s.scalar(
            select(func.count())
            .select_from(Customer)
            .where(Customer.tenant_id == tenant_id, Customer.health_score.is_(None))
        )
        others = s.scalar(
            select(func.count())
            .select_from(Customer)
            .where(Customer.tenant_id != tenant_id, Customer.health_score.isnot(None))
        )
        assert unscored == 0 and others == 0, (unscored, others)
        ids = s.scalars(
            select(Customer.id).where(Customer.tenant_id == tenant_id).order_by(Customer.id)
        ).all()
        for customer_id in random.Random(1).sample(ids, 200):
            c = s.get(Customer, customer_id)
            statuses = s.execute(
                select(Invoice.status, Invoice.due_date).where(Invoice.customer_id == customer_id)
            ).all()
            paid = sum(1 for st, _ in statuses if st == "paid")
            late = [due for st, due in statuses if st in ("issued", "partly_paid") and due < today]
            value = s.scalar(
                select(func.coalesce(func.sum(Contract.value), 0)).where(
                    Contract.customer_id == customer_id,
                    Contract.status == "active",
                    Contract.start_date <= today,
                    (Contract.end_date.is_(None)) | (Contract.end_date >= today),
                )
            )
            tickets = s.scalar(
                select(func.count())
                .select_from(SupportTicket)
                .where(
                    SupportTicket.customer_id == customer_id,
                    SupportTicket.status.in_(("open", "pending")),
                )
            )
            last = c.last_interaction_at
            days = None if last is None else (today - health._as_date(last)).days
            expected = health.score_customer(
                days, paid, len(late), (today - min(late)).days if late else 0, value, tickets
            )
            assert (c.health_score, c.health_band, c.health_factors) == expected, (
                customer_id,
                expected,
            )
        bands = dict(
            s.execute(
                select(Customer.health_band, func.count())
                .where(Customer.tenant_id == tenant_id)
                .group_by(Customer.health_band)
            ).all()
        )
        db.session.remove()
    log(
        f"checked: all {len(ids):,} customers scored, none of the other tenant; 200 sampled "
        f"customers match the formula. Bands: {bands}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL (its public schema is dropped)")
    parser.add_argument("--sqlite", help="SQLite file to build (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="measure the database already there")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of every table's size")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    sizes = {k: max(100, int(v * args.scale)) for k, v in {**dashboard.SIZES, **EXTRA}.items()}
    tmp = tempfile.mkdtemp(prefix="crm-health-")
    documents = os.path.join(tmp, "documents")
    try:
        if args.postgres:
            url = args.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
        else:
            url = "sqlite:///" + (args.sqlite or os.path.join(tmp, "health.sqlite3"))
        if args.reuse:
            engine = create_engine(url)
            with engine.connect() as conn:
                tenant_id = conn.execute(
                    text("SELECT id FROM crm_tenant WHERE name = :n"), {"n": bench.TENANT}
                ).scalar()
            engine.dispose()
        else:
            if args.postgres:
                bench.reset_postgres(url)
            elif os.path.exists(url[len("sqlite:///") :]):
                os.remove(url[len("sqlite:///") :])
            bench.build_schema(url, documents)
            started = time.perf_counter()
            tenant_id = seed(url, documents, sizes)
            log(f"data loaded in {time.perf_counter() - started:.0f} s")

        from crm.services.insight import health

        app = create_app(bench.bench_config(url, documents))
        times = []
        for _ in range(args.runs):
            with app.app_context():
                started = time.perf_counter()
                updated = health.refresh_health(db.session, tenant_id)
                times.append(time.perf_counter() - started)
                db.session.remove()
            log(
                f"refresh_health: {updated:,} customers in {times[-1]:.1f} s (target < {TARGET:.0f} s)"
            )
        check(app, tenant_id)
        log(f"slowest {max(times):.1f} s — {'OK' if max(times) < TARGET else 'OVER TARGET'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
