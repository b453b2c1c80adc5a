"""Bulk import and export speed: a generated customers .xlsx through the import service
(read + validate + upsert + audit, one transaction) and back out through the export service.

    .venv/bin/python benchmarks/import_export.py                  # SQLite in a temp dir, 100,000 rows
    .venv/bin/python benchmarks/import_export.py --rows 20000 --postgres postgresql://postgres@127.0.0.1:5432/bench_import
Target: import at least 20,000 rows/s. Prints the phases' times; checks the row counts.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import xlsxwriter  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402

COUNTRIES = ("DE", "FR", "GB", "ES", "IT", "NL")
PHONES = {
    "DE": "+49 30 1234%04d",
    "FR": "+33 1 4268%04d",
    "GB": "+44 20 7946%04d",
    "ES": "+34 91 123%04d",
    "IT": "+39 06 1234%04d",
    "NL": "+31 20 123%04d",
}


def write_file(path, rows):
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet()
    head = [
        "Name",
        "Email",
        "Phone",
        "Currency",
        "Discount %",
        "Credit limit",
        "Contact name",
        "Contact email",
        "Billing street",
        "Billing postcode",
        "Billing city",
        "Billing country",
    ]
    for col, value in enumerate(head):
        sheet.write_string(0, col, value)
    for i in range(1, rows + 1):
        country = COUNTRIES[i % len(COUNTRIES)]
        values = [
            f"Customer {i} Ltd",
            f"buyer{i}@customer{i % 997}.example",
            PHONES[country] % (i % 10000),
            "EUR",
            str(i % 20),
            f"{(i % 50) * 1000}.00",
            f"Person {i}",
            f"person{i}@customer{i % 997}.example",
            f"{i} High Street",
            f"{10000 + i % 80000}",
            "Springfield",
            country,
        ]
        for col, value in enumerate(values):
            sheet.write_string(i, col, value)
    workbook.close()


def _timed(check_rows, spent):
    """check_rows whose chunks record, in ``spent``, the seconds each took to produce."""

    def timed(*args, **kwargs):
        chunks = check_rows(*args, **kwargs)
        while True:
            started = time.perf_counter()
            try:
                results = next(chunks)
            except StopIteration:
                return
            finally:
                spent.append(time.perf_counter() - started)
            yield results

    timed.__wrapped__ = check_rows
    return timed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="database URL (its public schema is dropped)")
    parser.add_argument("--export-only", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--tenant", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_only:
        return export_only(args.export_only, args.tenant, args.tmp)
    tmp = tempfile.mkdtemp(prefix="crm-import-bench-")
    url = "sqlite:///" + os.path.join(tmp, "bench.sqlite3")
    if args.postgres:
        url = args.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    from flask_migrate import upgrade

    from app import create_app
    from config import TestConfig

    config = type("Bench", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    with create_app(config).app_context():
        upgrade()
    app = create_app(config)
    path = os.path.join(tmp, "customers.xlsx")
    started = time.perf_counter()
    write_file(path, args.rows)
    print(f"wrote {args.rows:,} rows to xlsx in {time.perf_counter() - started:.1f} s")

    from crm.extensions import db
    from crm.models import AuditEntry, Customer
    from crm.security.tenancy import tenant_scope
    from crm.services.accounts import tenants
    from crm.services.bulk.imports import commit, runs
    from crm.services.core.audit import acting_as

    with app.app_context():
        tenant = tenants.create_tenant(db.session, "Bench Imports")
        with open(path, "rb") as handle:
            content = handle.read()
        with tenant_scope(tenant.id), acting_as("bench"):
            # The upload reads the file once and keeps the table on the run.
            started = time.perf_counter()
            run = runs.create_run(
                db.session, "customers", "customers.xlsx", content, username="bench"
            )
            read_s = time.perf_counter() - started
            runs.begin(db.session, run, "valid_rows")
            validate_s = []
            commit.check_rows = _timed(commit.check_rows, validate_s)
            started = time.perf_counter()
            run = runs.execute(db.session, run)
            execute_s = time.perf_counter() - started
            import_s = read_s + execute_s
            commit.check_rows = commit.check_rows.__wrapped__
            assert run.status == "done", run.message
            assert run.created_count == args.rows, run.message
            count = db.session.scalar(select(func.count(Customer.id)))
            audits = db.session.scalar(
                select(func.count(AuditEntry.id)).where(
                    AuditEntry.entity.in_(("customer", "contact", "address"))
                )
            )
            assert count == args.rows and audits == 3 * args.rows, (count, audits)
            validate_total = sum(validate_s)
            write_s = execute_s - validate_total
            print(
                f"read at upload (calamine, table kept) {read_s:6.2f} s  "
                f"{args.rows / read_s:9,.0f} rows/s"
            )
            print(
                f"validate                {validate_total:6.2f} s  "
                f"{args.rows / validate_total:9,.0f} rows/s"
            )
            # The INSERTs run in a second thread while the next chunk is checked; this is
            # the importing thread's remaining time: building rows and audit entries,
            # waiting for the last statements, the commit.
            print(
                f"write (build + wait for queued INSERTs + commit) {write_s:6.2f} s  "
                f"{args.rows / write_s:9,.0f} rows/s"
            )
            print(
                f"import (read+validate+upsert+audit, one commit) "
                f"{import_s:6.2f} s  {args.rows / import_s:9,.0f} rows/s   target >= 20,000 rows/s"
            )
            # Importing the same file again: every row matched by email, nothing changed.
            run2 = runs.create_run(db.session, "customers", "again.xlsx", content, username="bench")
            runs.begin(db.session, run2, "valid_rows")
            started = time.perf_counter()
            run2 = runs.execute(db.session, run2)
            again_s = time.perf_counter() - started
            print(
                f"re-import (all matched) {again_s:6.2f} s  {args.rows / again_s:9,.0f} rows/s"
                f"   ({run2.message})"
            )
    # The exports run in a process of their own, so their peak memory is theirs alone
    # (this one still holds the imported file and the import's rows).
    subprocess.run(
        [
            sys.executable,
            os.path.abspath(__file__),
            "--export-only",
            url,
            "--tenant",
            "Bench Imports",
            "--tmp",
            tmp,
        ],
        check=True,
    )


def export_only(url, tenant_name, tmp):
    from app import create_app
    from config import TestConfig
    from crm.extensions import db
    from crm.models import Tenant
    from crm.security.tenancy import tenant_scope
    from crm.services.bulk.exports import export_entity

    app = create_app(type("Bench", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.name == tenant_name))
        with tenant_scope(tenant_id):
            targets = {"xlsx": ">= 15,000 rows/s, peak < 300 MB", "csv": ">= 100,000 rows/s"}
            for fmt in ("xlsx", "csv"):
                out = os.path.join(tmp, f"export.{fmt}")
                rss_before = _memory_mb("VmRSS")
                _reset_peak_memory()
                started = time.perf_counter()
                written = export_entity(db.session, "customers", fmt, out)
                export_s = time.perf_counter() - started
                print(
                    f"export {fmt:<4}             {export_s:6.2f} s  "
                    f"{written / export_s:9,.0f} rows/s  ({written:,} rows)  peak RSS "
                    f"{_memory_mb('VmHWM'):.0f} MB (before {rss_before:.0f} MB)"
                    f"   target {targets[fmt]}"
                )
            _time_writers_alone(db.session, tmp)


def _memory_mb(field):
    """The process's resident memory (VmRSS) or its peak (VmHWM) in MB (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak_memory():
    """Start VmHWM afresh, so it is the export's peak, not the import's (Linux)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def _time_writers_alone(session, tmp):
    """The export's writers on rows already read: how much of an export is the writing
    (for xlsx, mostly xlsxwriter's own per-cell work)."""
    from crm.services.bulk import exports
    from crm.services.bulk.export_writers import open_writer

    statement = exports.entity_select("customers")
    kinds = [exports.kind_of(c.type) for c in statement.selected_columns]
    chunks = list(exports._row_chunks(session, statement))
    rows = sum(len(chunk) for chunk in chunks)
    cells = sum(1 for chunk in chunks for row in chunk for v in row if v is not None and v != "")
    headers = [str(c.label) for c in exports.entity_columns("customers")]
    for fmt in ("xlsx", "csv"):
        with open(os.path.join(tmp, f"alone.{fmt}"), "wb") as out:
            started = time.perf_counter()
            writer = open_writer(fmt, out, headers, kinds=kinds)
            for chunk in chunks:
                writer.write_rows(chunk)
            writer.close()
            spent = time.perf_counter() - started
        print(
            f"  {fmt} writer alone (rows already read) {spent:6.2f} s  "
            f"{rows / spent:9,.0f} rows/s  {spent / cells * 1e6:.2f} µs per filled cell "
            f"({cells / rows:.0f} a row)"
        )


if __name__ == "__main__":
    main()
