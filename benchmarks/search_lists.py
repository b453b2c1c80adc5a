#!/usr/bin/env python
"""How fast the company, contact, lead, deal and invoice lists answer a search.

Builds a database through the app's migrations, loads N rows of each list into one tenant
(plus a few of another tenant, which must never show up), signs in through the login form
and times, through the Flask test client, each list's first page for a common and a rare
word: the indexed search box (``_flt_0_search_text``, ``q`` for leads) and FAB's
unindexed "contains" filter on the list's main column (what the search widget offered
before). Prints the median and p90 per case and the median time spent executing SQL.

    .venv/bin/python benchmarks/search_lists.py --sqlite /tmp/lists.sqlite3
    .venv/bin/python benchmarks/search_lists.py \
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench   # drops that public schema!
    --rows N     rows of each list (default 100,000)
    --reuse      keep the database the previous run built
    --runs N     timed requests per case (default 10)

Not a test: run it on demand.
"""

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from list_customers import (  # noqa: E402
    PASSWORD,
    USERNAME,
    SqlLog,
    bench_config,
    build_schema,
    html_login,
    log,
    percentile,
    reset_postgres,
)
from sqlalchemy import create_engine, insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.models import Company, Contact, Customer, Deal, Invoice, Lead, LeadStatus, Stage  # noqa: E402

TENANT = "Search Bench Trading"
OTHER_TENANT = "Other Search Tenant"
OTHER_ROWS = 1_000
BATCH = 10_000
CUSTOMERS = 10_000  # the contacts' and invoices' customers
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "be", "do", "fu", "go", "ha", "ji")
COMMON = [a + b + c for a in SYLLABLES[:5] for b in SYLLABLES[5:10] for c in SYLLABLES[10:]][:40]
RARE = [a + b + c + d for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES[:5] for d in "xyz"]
# (list, URL, search box parameter, main column for FAB's contains filter)
LISTS = (
    ("companies", "/companies/list/", "_flt_0_search_text", "name"),
    ("contacts", "/contacts/list/", "_flt_0_search_text", "name"),
    ("leads", "/leads/list/", "q", "title"),
    ("deals", "/deals/list/", "_flt_0_search_text", "title"),
    ("invoices", "/invoices/list/", "_flt_0_search_text", "number"),
)
CONTAINS = 2  # FAB's FilterContains among the string filters
# A fragment from the middle of a word: about 1 row in 40 ("common"), 1 in 3,000 ("rare").
TERMS = {"common": COMMON[7][1:], "rare": RARE[1234][1:]}


def words(rng):
    return f"{rng.choice(COMMON)} {rng.choice(RARE)}"


def rows_for(model, rng, tenant_id, n, refs):
    """``n`` rows of ``model`` whose searched text holds a common and a rare word."""
    day = dt.date(2026, 1, 1)
    for i in range(n):
        text_ = words(rng)
        if model is Company:
            yield {"tenant_id": tenant_id, "name": f"{text_} {i} GmbH", "industry": "Trade"}
        elif model is Contact:
            yield {
                "tenant_id": tenant_id,
                "customer_id": rng.choice(refs["customers"]),
                "name": f"{text_.title()} {i}",
                "email": f"c{i}@example.com",
            }
        elif model is Lead:
            yield {
                "tenant_id": tenant_id,
                "title": f"Lead {i}",
                "contact_name": text_.title(),
                "contact_email": f"lead{tenant_id}-{i}@example.com",
                "company_name": f"Company {i}",
                "status_id": refs["status"],
            }
        elif model is Deal:
            yield {
                "tenant_id": tenant_id,
                "title": f"{text_} rollout {i}",
                "pipeline_id": refs["pipeline"],
                "stage_id": refs["stage"],
            }
        elif model is Invoice:
            yield {
                "tenant_id": tenant_id,
                "number": f"INV-{tenant_id}-{i:06d}",
                "reference": text_,
                "customer_id": rng.choice(refs["customers"]),
                "issue_date": day + dt.timedelta(days=i % 365),
                "due_date": day + dt.timedelta(days=i % 365 + 30),
            }


def load(conn, rng, tenant_id, n):
    stage = conn.execute(
        select(Stage.id, Stage.pipeline_id)
        .where(Stage.tenant_id == tenant_id)
        .order_by(Stage.id)
        .limit(1)
    ).one()
    status = conn.scalar(
        select(LeadStatus.id).where(LeadStatus.tenant_id == tenant_id).order_by(LeadStatus.id)
    )
    customers = [
        {
            "tenant_id": tenant_id,
            "name": f"Customer {tenant_id}-{i}",
            "code": f"B{tenant_id}-{i:06d}",
            "email": f"customer{tenant_id}-{i}@example.com",
            "search_text": f"customer {tenant_id}-{i}",
        }
        for i in range(min(CUSTOMERS, n))
    ]
    conn.execute(insert(Customer.__table__), customers)
    refs = {
        "customers": conn.scalars(select(Customer.id).where(Customer.tenant_id == tenant_id)).all(),
        "status": status,
        "pipeline": stage.pipeline_id,
        "stage": stage.id,
    }
    for model in (Company, Contact, Lead, Deal, Invoice):
        batch = []
        for row in rows_for(model, rng, tenant_id, n, refs):
            batch.append(row)
            if len(batch) == BATCH:
                conn.execute(insert(model.__table__), batch)
                batch = []
        if batch:
            conn.execute(insert(model.__table__), batch)


def seed(url, documents, rows):
    from crm.services.accounts import tenants

    app = create_app(bench_config(url, documents))
    with app.app_context():
        ids = []
        for name, user in ((TENANT, USERNAME), (OTHER_TENANT, "other-search-admin")):
            tenant = tenants.create_tenant(db.session, name)
            tenants.create_user(
                app.appbuilder.sm, tenant, "Admin", user, PASSWORD, f"{user}@example.com", "B", "A"
            )
            ids.append(tenant.id)
        db.session.remove()
        engine = db.engine
        started = time.perf_counter()
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA synchronous=OFF")
            load(conn, random.Random(2), ids[1], OTHER_ROWS)
            load(conn, random.Random(1), ids[0], rows)
        log(f"inserted {rows:,} rows of each list in {time.perf_counter() - started:.1f} s")
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE)")
        engine.dispose()


def already_loaded(url, rows):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return (
                conn.execute(
                    text(
                        "SELECT count(*) FROM crm_deal d JOIN crm_tenant t ON t.id = d.tenant_id "
                        "WHERE t.name = :name"
                    ),
                    {"name": TENANT},
                ).scalar()
                == rows
            )
    except Exception:
        return False
    finally:
        engine.dispose()


def cases():
    for name, url, box, column in LISTS:
        for kind, term in TERMS.items():
            yield f"{name} {kind} search box", f"{url}?{box}={term}"
            yield f"{name} {kind} contains filter", f"{url}?_flt_{CONTAINS}_{column}={term}"


def measure(url, documents, runs):
    app = create_app(bench_config(url, documents))
    client = app.test_client()
    html_login(client)
    with app.app_context():
        sql_log = SqlLog(db.engine)
    results = []
    for label, path in cases():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert "Other Search Tenant" not in response.get_data(as_text=True)
        timings, in_db = [], []
        for _ in range(runs):
            sql_log.total = 0.0
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            in_db.append(sql_log.total)
        results.append(
            (label, statistics.median(timings), percentile(timings, 0.9), statistics.median(in_db))
        )
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite")
    parser.add_argument("--postgres")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args(argv)
    scratch = tempfile.mkdtemp(prefix="crm-search-bench-")
    documents = os.path.join(scratch, "documents")
    if args.postgres:
        url = args.postgres
    else:
        path = args.sqlite or os.path.join(scratch, "bench.sqlite3")
        url = f"sqlite:///{path}"
    try:
        if not (args.reuse and already_loaded(url, args.rows)):
            if args.postgres:
                reset_postgres(url)
            elif os.path.exists(path):
                os.remove(path)
            build_schema(url, documents)
            seed(url, documents, args.rows)
        results = measure(url, documents, args.runs)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    database = "PostgreSQL" if args.postgres else "SQLite"
    log(f"\n{database}, {args.rows:,} rows of each list in one tenant, terms {TERMS}")
    log(f"{'case':<36} {'median ms':>10} {'p90 ms':>8} {'SQL ms':>8} {'SQL %':>6}")
    for label, median, p90, sql in results:
        log(f"{label:<36} {median:>10.1f} {p90:>8.1f} {sql:>8.1f} {100 * sql / median:>5.0f}%")


if __name__ == "__main__":
    main()
