"""How long the duplicate finder and the form's hint check take on a large tenant.

Builds a fresh database through the migrations with list_customers.py's loader
(realistic names, emails and phones; --customers for the measured tenant), then
times ``duplicates.candidate_pairs`` (what every finder page computes) and
``duplicates.hints`` for a few typed names, as the tenant. Prints the pairs found
per signal, the time and the number of name comparisons made against all pairs.

    .venv/bin/python benchmarks/duplicates.py                       # SQLite, 100,000 customers
    .venv/bin/python benchmarks/duplicates.py --customers 1000000
    .venv/bin/python benchmarks/duplicates.py --postgres postgresql://postgres@127.0.0.1:5432/bench_dupes

Not a test: run it on demand.
"""

import argparse
import collections
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import list_customers as bench  # noqa: E402  (schema and bulk loader)

from app import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.security.tenancy import tenant_scope  # noqa: E402
from crm.services.customers import duplicates  # noqa: E402

TYPED_NAMES = ("Schmidt", "Müller Logistik GmbH", "Garcia Trading", "Zz unmatched name")


def log(message):
    print(message, flush=True)


def measure(url, documents, tenant_id, runs):
    app = create_app(bench.bench_config(url, documents))
    with app.app_context(), tenant_scope(tenant_id):
        session = db.session
        blocks = list(duplicates._name_blocks(session))
        compared = sum(len(b) * (len(b) - 1) // 2 for b in blocks)
        total = session.execute(
            db.text("SELECT count(*) FROM crm_customer WHERE tenant_id = :t"), {"t": tenant_id}
        ).scalar()
        times, pairs = [], []
        for _ in range(runs):
            started = time.perf_counter()
            pairs = duplicates.candidate_pairs(session)
            times.append(time.perf_counter() - started)
        by_signal = collections.Counter(s for p in pairs for s in p.reasons)
        log(f"customers in tenant      {total:,}")
        log(
            f"name blocks              {len(blocks):,} (largest {max(map(len, blocks), default=0):,})"
        )
        log(f"name comparisons         {compared:,} of {total * (total - 1) // 2:,} possible pairs")
        log(f"pairs found              {len(pairs):,}  by signal: {dict(by_signal)}")
        log(
            f"candidate_pairs          median {statistics.median(times):.2f} s, max {max(times):.2f} s "
            f"({runs} runs)"
        )
        for name in TYPED_NAMES:
            started = time.perf_counter()
            found = duplicates.hints(
                session, name=name, email=f"{name.split()[0].lower()}@example.com"
            )
            log(
                f"hints({name!r:26})  {1000 * (time.perf_counter() - started):.0f} ms, "
                f"{len(found['matches'])} matches"
            )
        db.session.remove()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL (its public schema is dropped)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="crm-duplicates-")
    documents = os.path.join(tmp, "documents")
    try:
        if args.postgres:
            url = args.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
            bench.reset_postgres(url)
        else:
            url = "sqlite:///" + os.path.join(tmp, "duplicates.sqlite3")
        bench.build_schema(url, documents)
        tenant_id = bench.seed(url, documents, args.customers)
        measure(url, documents, tenant_id, args.runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
