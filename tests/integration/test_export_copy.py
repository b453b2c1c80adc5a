"""On PostgreSQL a csv export of customers, companies or leads is written by the database
(COPY ... TO STDOUT): read back as csv, its rows are those the Python writer writes from
the same records, cell for cell, awkward text included; the tenant and the list's search
still scope it, and a masked export keeps to the Python writer."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from crm.extensions import db
from crm.security.tenancy import tenant_scope
from crm.services.bulk import export_copy, exports
from tests import factories
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="COPY is PostgreSQL's")

AWKWARD = [
    "=SUM(A1:A2)",
    "+49 30 123",
    "-minus",
    "@handle",
    "\tTabbed",
    "\rReturn",
    'Quote "marks", commas',
    "Two\nlines",
    "Ünïcödé 北京",
    "",
    " padded ",
]


def csv_rows(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def export(app, tenant, entity, monkeypatch, copied, query=None):
    """The entity's csv export, by COPY (``copied``) or by the Python writer; the rows."""
    used = []
    real = export_copy.copy_rows

    def spy(*args):
        used.append(True)
        return real(*args)

    monkeypatch.setattr(export_copy, "copy_rows", spy)
    if not copied:
        monkeypatch.setattr(export_copy, "plan", lambda *args: None)
    with app.app_context(), tenant_scope(tenant.id):
        out = io.BytesIO()
        written = exports.export_entity(
            db.session, entity, "csv", out, query=query() if query else None
        )
        db.session.remove()
    monkeypatch.undo()
    assert used == ([True] if copied else [])
    rows = csv_rows(out.getvalue())
    assert written == len(rows) - 1
    return rows


def test_customers_by_copy_are_the_python_writers_rows(app, acme, globex, monkeypatch):
    for i, text in enumerate(AWKWARD):
        pk = factories.customer(
            app,
            acme,
            f"Customer {i}",
            notes=text,
            industry=text or None,
            credit_limit=Decimal(i * 1000) + Decimal("0.5"),
            balance=Decimal(-i),
            credit_hold=i % 2 == 0,
            last_order_date=dt.date(2026, 1 + i, 9) if i % 3 else None,
        )
        factories.contact(app, acme, pk, name=f"Person {i}", role=text, is_primary=True)
        factories.address(app, acme, pk, line2=text)
    factories.customer(app, acme, "=cmd|' /C calc'!A0", email="cmd@example.com")
    factories.customer(app, globex, "Globex Secret Ltd")
    copied = export(app, acme, "customers", monkeypatch, copied=True)
    assert copied == export(app, acme, "customers", monkeypatch, copied=False)
    assert len(copied) == len(AWKWARD) + 2
    head = copied[0]
    by_name = {row[0]: dict(zip(head, row)) for row in copied[1:]}
    assert "'=cmd|' /C calc'!A0" in by_name and "Globex Secret Ltd" not in by_name
    first = by_name["Customer 0"]
    assert (first["Notes"], first["Credit limit"], first["Balance"], first["Credit hold"]) == (
        "'=SUM(A1:A2)",
        "0.50",
        "0.00",
        "True",
    )
    assert by_name["Customer 7"]["Notes"] == "Two\nlines"
    assert by_name["Customer 2"]["Notes"] == "'-minus"
    assert by_name["Customer 2"]["Balance"] == "-2.00"
    assert (by_name["Customer 2"]["Last order date"], by_name["Customer 3"]["Last order date"]) == (
        "2026-03-09",
        "",
    )


@pytest.mark.parametrize("entity", ["companies", "leads"])
def test_companies_and_leads_by_copy_are_the_python_writers_rows(app, acme, monkeypatch, entity):
    for i, text in enumerate(AWKWARD):
        if entity == "companies":
            factories.company(app, acme, f"Company {i}", description=text)
        else:
            factories.lead(app, acme, f"Lead {i}", value=Decimal(i) / 4, description=text)
    copied = export(app, acme, entity, monkeypatch, copied=True)
    assert len(copied) == len(AWKWARD) + 1
    assert copied == export(app, acme, entity, monkeypatch, copied=False)


def test_a_searched_query_keeps_its_parameters(app, acme, monkeypatch):
    from sqlalchemy import select

    from crm.models import Customer

    for name in ("Alpha O'Brien", "Beta Ltd", "Alpha Two"):
        factories.customer(app, acme, name)

    def query():
        return select(Customer).where(Customer.name.ilike("alpha%")).order_by(Customer.name.desc())

    copied = export(app, acme, "customers", monkeypatch, copied=True, query=query)
    assert [row[0] for row in copied[1:]] == ["Alpha Two", "Alpha O'Brien"]


def test_a_masked_export_is_written_by_the_python_writer(app, acme, acme_member, browser):
    factories.customer(app, acme, "Limited Ltd", credit_limit=Decimal("5000"))
    client = browser(acme_member)
    response = client.get("/customers/export?format=csv")
    assert response.status_code == 200, response.status_code
    rows = csv_rows(response.data)
    assert dict(zip(rows[0], rows[1]))["Credit limit"] == "hidden"
