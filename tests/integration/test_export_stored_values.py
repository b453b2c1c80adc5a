"""A csv export reads money, flags and dates as the database stores them and prints them as
the values SQLAlchemy reads would print (on SQLite and on PostgreSQL); exports read ahead
in a second thread without losing or repeating rows, and a failed read is reported."""

import csv
import io
from decimal import Decimal

import pytest

from crm.extensions import db
from crm.security.tenancy import tenant_scope
from crm.services.bulk import exports
from crm.services.core.read_ahead import read_ahead
from tests import factories


def csv_rows(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def both_ways(app, tenant, entity):
    """(the export's csv, a csv written from the values SQLAlchemy reads), as rows."""
    with app.app_context(), tenant_scope(tenant.id):
        exported = io.BytesIO()
        exports.export_entity(db.session, entity, "csv", exported)
        statement = exports.entity_select(entity)
        kinds = [exports.kind_of(c.type) for c in statement.selected_columns]
        headers = [str(c.label) for c in exports.entity_columns(entity)]
        plain = io.BytesIO()
        exports.write_file(
            "csv", plain, headers, exports._row_chunks(db.session, statement), kinds=kinds
        )
        db.session.remove()
    return csv_rows(exported.getvalue()), csv_rows(plain.getvalue())


def test_customers_money_flags_and_dates_print_as_read(app, acme):
    factories.customer(
        app,
        acme,
        "Held Ltd",
        credit_limit=Decimal("1234.5"),
        discount_rate=Decimal("7.25"),
        credit_hold=True,
    )
    factories.customer(app, acme, "Plain Ltd", credit_limit=Decimal("0.5"))
    factories.customer(app, acme, "Empty Ltd")
    exported, plain = both_ways(app, acme, "customers")
    assert exported == plain
    head = exported[0]
    by_name = {row[0]: dict(zip(head, row)) for row in exported[1:]}
    held = by_name["Held Ltd"]
    assert (held["Credit limit"], held["Discount %"], held["Credit hold"]) == (
        "1234.50",
        "7.25",
        "True",
    )
    assert by_name["Plain Ltd"]["Credit limit"] == "0.50"
    assert (by_name["Empty Ltd"]["Credit limit"], by_name["Empty Ltd"]["Credit hold"]) == (
        "",
        "False",
    )


def test_leads_values_print_as_read(app, acme):
    factories.lead(app, acme, "Kiosk roll-out", value=Decimal("99.9"))
    factories.lead(app, acme, "No value yet")
    exported, plain = both_ways(app, acme, "leads")
    assert exported == plain
    head = exported[0]
    values = {row[head.index("Title")]: row[head.index("Value")] for row in exported[1:]}
    assert values == {"Kiosk roll-out": "99.90", "No value yet": ""}


def test_reading_ahead_keeps_every_chunk_in_order():
    chunks = [[i] * 3 for i in range(50)]
    assert list(read_ahead(iter(chunks), depth=2)) == chunks


def test_a_failed_read_is_raised_to_the_caller_and_the_reader_stops():
    closed = []

    def chunks():
        try:
            yield [1]
            raise RuntimeError("the database went away")
        finally:
            closed.append(True)

    seen = []
    with pytest.raises(RuntimeError, match="went away"):
        for chunk in read_ahead(chunks()):
            seen.append(chunk)
    assert seen == [[1]] and closed == [True]


def test_stopping_early_stops_the_reader():
    closed = []

    def chunks():
        try:
            for i in range(1000):
                yield [i]
        finally:
            closed.append(True)

    reader = read_ahead(chunks(), depth=2)
    assert next(reader) == [0]
    reader.close()
    assert closed == [True]
