"""How long the dashboard and the nightly health refresh take on a large tenant.

Builds a fresh database through the migrations (list_customers.py's loader for the
tenants, the admin and 200,000 customers), then loads in batched Core inserts
1,000,000 deals (three years of them, three currencies, every stage of the Sales
pipeline), 2,000,000 interactions, 500,000 invoices (every status), 50,000 leads and
100,000 tasks, and a few rows for another tenant. Then, as the tenant, it times:

* ``crm.charts.payloads.dashboard`` — every figure of the page (target < 500 ms);
* ``GET /dashboard/`` through the Flask test client, signed in through the login form
  (target < 500 ms);
* ``crm.services.insight.health.refresh_health`` for the tenant (target < 60 s), when present.

Prints the median and the slowest of the runs, and each figure's SQL time.

    .venv/bin/python benchmarks/dashboard.py                    # SQLite in a temp dir
    .venv/bin/python benchmarks/dashboard.py --scale 0.1        # a tenth of every table
    .venv/bin/python benchmarks/dashboard.py --sqlite /tmp/dash.sqlite3 [--reuse]
    .venv/bin/python benchmarks/dashboard.py --postgres postgresql://postgres@127.0.0.1:5432/bench

Not a test: run it on demand. ``--postgres`` drops that database's public schema.
"""

import argparse
import datetime as dt
import importlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import list_customers as bench  # noqa: E402  (schema, tenants, customers, login)
from sqlalchemy import create_engine, event, select, text  # noqa: E402

from app import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.security.tenancy import tenant_scope  # noqa: E402

SIZES = {
    "customers": 200_000,
    "deals": 1_000_000,
    "interactions": 2_000_000,
    "invoices": 500_000,
    "leads": 50_000,
    "tasks": 100_000,
}
TARGETS = {"service": 0.5, "page": 0.5, "refresh": 60.0}
BATCH = 20_000
CURRENCIES = ("EUR",) * 7 + ("USD",) * 2 + ("GBP",)
NOW = dt.datetime.now(dt.timezone.utc)
TODAY = NOW.date()


def log(message):
    print(message, flush=True)


def _batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(conn, table, rows, label):
    started, count = time.perf_counter(), 0
    for batch in _batches(rows):
        conn.execute(table.insert(), batch)
        count += len(batch)
    log(f"  {label:<14} {count:>10,} rows in {time.perf_counter() - started:6.1f} s")


def _moment(rng, days_back):
    return NOW - dt.timedelta(seconds=rng.randrange(days_back * 86400))


def load_activity(conn, tenant_id, owners, sizes, seed=3):
    """Deals, interactions, invoices, leads and tasks for one tenant, in Core batches."""
    from crm.models import (
        Customer,
        Deal,
        Interaction,
        Invoice,
        Lead,
        LeadSource,
        LeadStatus,
        Pipeline,
        Stage,
        Task,
    )

    rng = random.Random(seed)
    customers = conn.execute(
        select(Customer.id, Customer.currency).where(Customer.tenant_id == tenant_id)
    ).all()
    pipeline = conn.execute(
        select(Pipeline.id).where(Pipeline.tenant_id == tenant_id, Pipeline.name == "Sales")
    ).scalar()
    stages = conn.execute(
        select(Stage.id, Stage.is_won, Stage.is_lost)
        .where(Stage.pipeline_id == pipeline)
        .order_by(Stage.position)
    ).all()
    open_stages = [s.id for s in stages if not (s.is_won or s.is_lost)]
    won = [s.id for s in stages if s.is_won]
    lost = [s.id for s in stages if s.is_lost]
    stage_choices = open_stages * 15 + won * 25 + lost * 15  # 60 % open, 25 % won, 15 % lost
    sources = conn.execute(
        select(LeadSource.id).where(LeadSource.tenant_id == tenant_id)
    ).scalars().all() + [None]
    statuses = (
        conn.execute(select(LeadStatus.id).where(LeadStatus.tenant_id == tenant_id)).scalars().all()
    )
    owner_choices = owners + [None]

    def deals():
        for n in range(sizes["deals"]):
            created = _moment(rng, 3 * 365)
            customer_id, currency = rng.choice(customers)
            yield {
                "tenant_id": tenant_id,
                "title": f"Deal {n}",
                "value": Decimal(rng.randrange(10_000, 5_000_000)) / 100,
                "currency": currency,
                "pipeline_id": pipeline,
                "stage_id": rng.choice(stage_choices),
                "customer_id": customer_id,
                "assigned_to_id": rng.choice(owner_choices),
                "expected_close_date": (created + dt.timedelta(days=rng.randrange(10, 120))).date(),
                "created_at": created,
                "updated_at": created,
            }

    def interactions():
        for _ in range(sizes["interactions"]):
            yield {
                "tenant_id": tenant_id,
                "kind": rng.choice(("call", "email", "meeting")),
                "summary": "Follow-up",
                "occurred_at": _moment(rng, 2 * 365),
                "customer_id": rng.choice(customers)[0],
            }

    def invoices():
        for n in range(1, sizes["invoices"] + 1):
            customer_id, currency = rng.choice(customers)
            issued = TODAY - dt.timedelta(days=rng.randrange(720))
            total = Decimal(rng.randrange(5_000, 2_000_000)) / 100
            status = rng.choices(
                ("paid", "issued", "partly_paid", "void", "draft"), weights=(60, 20, 5, 5, 10)
            )[0]
            paid = (
                total
                if status == "paid"
                else (
                    (total / 2).quantize(Decimal("0.01")) if status == "partly_paid" else Decimal(0)
                )
            )
            stamp = dt.datetime.combine(issued, dt.time(9), tzinfo=dt.timezone.utc)
            yield {
                "tenant_id": tenant_id,
                "number": f"INV-{n:07d}",
                "customer_id": customer_id,
                "issue_date": issued,
                "due_date": issued + dt.timedelta(days=30),
                "status": status,
                "currency": currency,
                "subtotal": total,
                "discount_total": Decimal(0),
                "tax_total": Decimal(0),
                "total": total,
                "amount_paid": paid,
                "created_at": stamp,
                "updated_at": stamp,
            }

    def leads():
        for n in range(sizes["leads"]):
            created = _moment(rng, 3 * 365)
            yield {
                "tenant_id": tenant_id,
                "title": f"Lead {n}",
                "source_id": rng.choice(sources),
                "status_id": rng.choice(statuses),
                "assigned_to_id": rng.choice(owner_choices),
                "created_at": created,
                "updated_at": created,
            }

    def tasks():
        for n in range(sizes["tasks"]):
            created = _moment(rng, 3 * 365)
            yield {
                "tenant_id": tenant_id,
                "title": f"Task {n}",
                "status": rng.choice(("open", "in_progress", "done", "done", "cancelled")),
                "priority": "normal",
                "assignee_id": rng.choice(owner_choices),
                "due_date": TODAY + dt.timedelta(days=rng.randrange(-200, 200)),
                "customer_id": rng.choice(customers)[0],
                "created_at": created,
                "updated_at": created,
            }

    _insert(conn, Deal.__table__, deals(), "deals")
    _insert(conn, Interaction.__table__, interactions(), "interactions")
    _insert(conn, Invoice.__table__, invoices(), "invoices")
    _insert(conn, Lead.__table__, leads(), "leads")
    _insert(conn, Task.__table__, tasks(), "tasks")
    started = time.perf_counter()
    conn.execute(
        text(
            "UPDATE crm_customer SET last_interaction_at = (SELECT max(i.occurred_at) FROM "
            "crm_interaction i WHERE i.customer_id = crm_customer.id) WHERE tenant_id = :t"
        ),
        {"t": tenant_id},
    )
    elapsed = time.perf_counter() - started
    log(f"  {'last contact':<14} {len(customers):>10,} rows in {elapsed:6.1f} s")


def seed(url, documents, sizes):
    tenant_id = bench.seed(url, documents, sizes["customers"])
    app = create_app(bench.bench_config(url, documents))
    with app.app_context():
        from crm.models import CrmUser, Tenant

        owners = db.session.scalars(select(CrmUser.id).where(CrmUser.tenant_id == tenant_id)).all()
        other_id = db.session.scalar(select(Tenant.id).where(Tenant.name == bench.OTHER_TENANT))
        other_owner = db.session.scalars(
            select(CrmUser.id).where(CrmUser.tenant_id == other_id)
        ).all()
        engine = db.engine
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA cache_size=-1000000")
                conn.exec_driver_sql("PRAGMA synchronous=OFF")
            log("loading the measured tenant")
            load_activity(conn, tenant_id, owners, sizes)
            log("loading the other tenant")
            load_activity(conn, other_id, other_owner, {k: min(v, 2_000) for k, v in sizes.items()})
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE)")
        else:
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        db.session.remove()
        engine.dispose()
    return tenant_id


class SqlTimer:
    """Total time spent executing SQL, per statement."""

    def __init__(self, engine):
        self.total, self.count = 0.0, 0
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn, cursor, statement, params, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def after(self, conn, cursor, statement, params, context, executemany):
        self.total += time.perf_counter() - conn.info.pop("bench_started")
        self.count += 1

    def reset(self):
        self.total, self.count = 0.0, 0


def _report(label, times, target, sql=None):
    median, worst = statistics.median(times), max(times)
    verdict = "OK" if median < target else "SLOW"
    extra = f", SQL {1000 * sql:.0f} ms" if sql is not None else ""
    log(
        f"{label:<34} median {1000 * median:7.0f} ms, max {1000 * worst:7.0f} ms "
        f"(target < {1000 * target:.0f} ms{extra})  {verdict}"
    )


def measure_figures(app, tenant_id, runs):
    """Each figure's query alone (what to index when the total is slow)."""
    from crm.charts import queries

    flt = queries.DashboardFilter()
    figures = {
        "stages": lambda s: queries.stages(s),
        "company_counts": lambda s: queries.company_counts(s, flt),
        "customer_count": lambda s: queries.customer_count(s, flt),
        "lead_counts": lambda s: queries.lead_counts(s, flt),
        "deal_groups": lambda s: queries.deal_groups(s, flt),
        "task_groups": lambda s: queries.task_groups(s, flt),
        "deals_by_month": lambda s: queries.deals_by_month(s, flt),
        "leads_by_source": lambda s: queries.leads_by_source(s, flt),
        "customers_by_health": lambda s: queries.customers_by_health(s, flt),
        "receivables": lambda s: queries.receivables(s),
        "recent (4 lists)": lambda s: (
            queries.recent_companies(s, flt),
            queries.recent_customers(s, flt),
            queries.recent_deals(s, flt),
            queries.upcoming_tasks(s, flt),
        ),
    }
    with app.test_request_context(), tenant_scope(tenant_id):
        for name, run in figures.items():
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                run(db.session)
                times.append(time.perf_counter() - started)
            log(f"  {name:<22} median {1000 * statistics.median(times):6.1f} ms")
        db.session.remove()


def measure(url, documents, tenant_id, runs):
    from crm.charts import payloads
    from crm.charts.queries import DashboardFilter

    app = create_app(bench.bench_config(url, documents))
    with app.app_context():
        timer = SqlTimer(db.engine)
        counts = db.session.execute(
            text(
                "SELECT (SELECT count(*) FROM crm_customer WHERE tenant_id = :t), "
                "(SELECT count(*) FROM crm_deal WHERE tenant_id = :t), "
                "(SELECT count(*) FROM crm_interaction WHERE tenant_id = :t), "
                "(SELECT count(*) FROM crm_invoice WHERE tenant_id = :t)"
            ),
            {"t": tenant_id},
        ).one()
        db.session.remove()
    log(
        f"tenant: {counts[0]:,} customers, {counts[1]:,} deals, {counts[2]:,} interactions, "
        f"{counts[3]:,} invoices ({url.split(':')[0]})"
    )

    log("each figure's query:")
    measure_figures(app, tenant_id, max(3, runs // 2))

    times, sql = [], []
    with app.test_request_context(), tenant_scope(tenant_id):
        payloads.dashboard(db.session, DashboardFilter())  # warm-up
        for _ in range(runs):
            timer.reset()
            started = time.perf_counter()
            data = payloads.dashboard(db.session, DashboardFilter())
            times.append(time.perf_counter() - started)
            sql.append(timer.total)
        db.session.remove()
    cards = data["cards"]
    log(
        f"figures: deals {cards['deals']}, customers {cards['customers']['total']:,}, "
        f"revenue {cards['revenue']}"
    )
    _report("payloads.dashboard (service)", times, TARGETS["service"], statistics.median(sql))

    client = app.test_client()
    bench.html_login(client)
    page_times, page_sql = [], []
    response = client.get("/dashboard/")  # warm-up
    assert response.status_code == 200, response.status_code
    for _ in range(runs):
        timer.reset()
        started = time.perf_counter()
        response = client.get("/dashboard/")
        page_times.append(time.perf_counter() - started)
        page_sql.append(timer.total)
        assert response.status_code == 200
    _report("GET /dashboard/ (page)", page_times, TARGETS["page"], statistics.median(page_sql))

    try:
        health = importlib.import_module("crm.services.insight.health")
        refresh = health.refresh_health
    except (ImportError, AttributeError):
        log("refresh-health: crm.services.insight.health.refresh_health is not there yet; skipped")
        return
    with app.app_context(), tenant_scope(tenant_id):
        started = time.perf_counter()
        updated = refresh(db.session, tenant_id)
        elapsed = time.perf_counter() - started
        db.session.remove()
    _report(f"refresh_health ({updated:,} customers)", [elapsed], TARGETS["refresh"])
    with app.test_request_context(), tenant_scope(tenant_id):
        bands = next(
            c
            for c in payloads.dashboard(db.session, DashboardFilter())["charts"]
            if c["key"] == "customers_by_health"
        )
        counts = dict(zip(bands["labels"], bands["datasets"][0]["data"]))
        log(f"health bands after the refresh: {counts}")
        db.session.remove()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL (its public schema is dropped)")
    parser.add_argument("--sqlite", help="SQLite file to build (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="measure the database already there")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of every table's size")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    sizes = {k: max(100, int(v * args.scale)) for k, v in SIZES.items()}
    tmp = tempfile.mkdtemp(prefix="crm-dashboard-")
    documents = os.path.join(tmp, "documents")
    try:
        if args.postgres:
            url = args.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
        else:
            url = "sqlite:///" + (args.sqlite or os.path.join(tmp, "dashboard.sqlite3"))
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
        measure(url, documents, tenant_id, args.runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
