#!/usr/bin/env python
"""How fast statements of account render and go out by e-mail.

1. PDF: a statement of 400 transactions (several pages, DejaVu Sans embedded) rendered
   with ``render_pdf``; median and p90 of 20 runs after 3 warm-ups (target < 100 ms).
   The Excel file of the same statement is timed alongside.
2. Batch: 1,000 customers, each with a primary contact and 6 documents, in a fresh
   SQLite database built through the migrations; ``send_statements`` mails all of them
   (PDF attached) to an aiosmtpd sink on loopback over one SMTP connection
   (target < 2 minutes). Checks every customer was sent and the sink got 1,000 messages.

    .venv/bin/python benchmarks/statements.py [--customers 1000] [--lines 400]

Not a test: run it on demand.
"""

import argparse
import datetime as dt
import io
import os
import socket
import statistics
import sys
import tempfile
import time
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import list_customers as bench  # noqa: E402  (schema helpers)
from aiosmtpd.controller import Controller  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from app import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402

PDF_TARGET_MS = 100
BATCH_TARGET_S = 120


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def timed(fn, runs, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1]


def long_statement(lines):
    from crm.services.statements.statement import Statement, StatementLine

    rows, balance, day = [], Decimal("1200.00"), dt.date(2026, 1, 1)
    for n in range(lines):
        day += dt.timedelta(days=n % 2)
        if n % 3:
            row = StatementLine(
                day,
                "invoice",
                f"INV-{n:06d}",
                f"Order Nº {n} – Lieferung Köln",
                day + dt.timedelta(days=30),
                Decimal("149.90"),
                Decimal("0.00"),
            )
        else:
            row = StatementLine(
                day,
                "payment",
                f"PAY-{n:06d}",
                "Überweisung",
                None,
                Decimal("0.00"),
                Decimal("250.00"),
            )
        balance += row.debit - row.credit
        row.balance = balance
        rows.append(row)
    buckets = {
        "current": Decimal("800.00"),
        "days_1_30": Decimal("300.00"),
        "days_31_60": Decimal("0.00"),
        "days_61_90": Decimal("0.00"),
        "over_90": Decimal("100.00"),
    }
    buckets["total"] = sum(buckets.values())
    return Statement(
        tenant_name="Ledgerline Demo GmbH",
        customer_id=1,
        customer_name="Müller & Søn Ltd",
        customer_code="C000001",
        billing_address="Hauptstraße 1\n50667 Köln\nDE",
        tax_number="DE123456789",
        currency="EUR",
        date_from=dt.date(2026, 1, 1),
        date_to=day,
        opening_balance=Decimal("1200.00"),
        closing_balance=balance,
        total_debit=sum(r.debit for r in rows),
        total_credit=sum(r.credit for r in rows),
        unallocated_credit=Decimal("0.00"),
        aging=buckets,
        lines=rows,
    )


def seed(app, customers):
    from crm.models import Contact, Customer, Invoice, Payment
    from crm.security.tenancy import tenant_scope
    from crm.services.accounts import tenants

    with app.app_context():
        tenant = tenants.create_tenant(db.session, "Statement Bench Ltd")
        with tenant_scope(tenant.id):
            for n in range(customers):
                customer = Customer(
                    name=f"Customer {n:05d}",
                    code=f"C{n:06d}",
                    email=f"c{n}@bench.example",
                    currency="EUR",
                    search_text=f"customer {n:05d}",
                )
                customer.contacts = [
                    Contact(name=f"Buyer {n}", email=f"buyer{n}@bench.example", is_primary=True)
                ]
                db.session.add(customer)
                db.session.flush()
                for k in range(4):
                    issued = dt.date(2026, 1 + k, 5)
                    db.session.add(
                        Invoice(
                            customer_id=customer.id,
                            number=f"INV-{n:05d}{k}",
                            issue_date=issued,
                            due_date=issued + dt.timedelta(days=30),
                            status="issued",
                            total=Decimal("480.00"),
                            subtotal=Decimal("480.00"),
                            amount_paid=0,
                        )
                    )
                for k in range(2):
                    db.session.add(
                        Payment(
                            customer_id=customer.id,
                            number=f"PAY-{n:05d}{k}",
                            payment_date=dt.date(2026, 2 + k, 20),
                            amount=Decimal("300.00"),
                        )
                    )
                if n % 200 == 199:
                    db.session.commit()
            db.session.commit()
        tenant_id = tenant.id
        db.session.remove()
    return tenant_id


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=400)
    args = parser.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="crm-statements-")
    url = "sqlite:///" + os.path.join(tmp, "bench.sqlite3")
    bench.build_schema(url, os.path.join(tmp, "documents"))
    config = bench.bench_config(url, os.path.join(tmp, "documents"))
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    config.CRM_SMTP_HOST, config.CRM_SMTP_PORT = "127.0.0.1", controller.port
    app = create_app(config)

    from crm.services.statements.pdf import render_pdf
    from crm.services.statements.xlsx import render_xlsx

    with app.app_context():
        statement = long_statement(args.lines)
        pages = len(PdfReader(io.BytesIO(render_pdf(statement))).pages)
        pdf_median, pdf_p90 = timed(lambda: render_pdf(statement), runs=20)
        xlsx_median, xlsx_p90 = timed(lambda: render_xlsx(statement), runs=20)
    print(
        f"PDF, {args.lines} lines, {pages} pages: median {pdf_median:.1f} ms, "
        f"p90 {pdf_p90:.1f} ms (target < {PDF_TARGET_MS} ms)"
    )
    print(f"Excel, {args.lines} lines: median {xlsx_median:.1f} ms, p90 {xlsx_p90:.1f} ms")

    from crm.models import Customer
    from crm.security.tenancy import tenant_scope
    from crm.services.core import mailer
    from crm.services.statements.mail import send_statements

    start = time.perf_counter()
    tenant_id = seed(app, args.customers)
    print(f"seeded {args.customers} customers in {time.perf_counter() - start:.1f} s")
    with app.app_context(), tenant_scope(tenant_id):
        ids = list(db.session.scalars(db.select(Customer.id).order_by(Customer.id)))
        settings = mailer.SmtpSettings.from_config(app.config)
        start = time.perf_counter()
        results = send_statements(db.session, ids, "2026-01-01", "2026-06-30", settings=settings)
        elapsed = time.perf_counter() - start
        db.session.remove()
    controller.stop()
    sent = sum(r.sent for r in results)
    failed = [r for r in results if not r.sent]
    assert sent == args.customers and sink.count == args.customers, (sent, sink.count, failed[:3])
    print(
        f"batch of {args.customers} statements by SMTP: {elapsed:.1f} s "
        f"({elapsed / args.customers * 1000:.1f} ms each; target < {BATCH_TARGET_S} s); "
        f"sink received {sink.count}"
    )


if __name__ == "__main__":
    main()
