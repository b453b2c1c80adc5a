"""Text that looks like a formula stays text in every workbook the product writes: the
statement, list exports, the dashboard's charts, the import's error report and templates.
A spreadsheet opened by a customer must never run what another user typed."""

import io
import pathlib

import openpyxl
import pytest

from crm.extensions import db
from crm.models import LeadSource
from crm.security.tenancy import tenant_scope
from crm.services.bulk.imports.report import error_report
from crm.services.bulk.imports.templates import template_workbook
from crm.services.bulk.imports.validate import RowResult
from tests import factories

PAYLOADS = ("=1+1", "+cmd", "-2+3", "@SUM(A1)")


def cells(data):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def assert_text_not_formulas(data, expected=PAYLOADS):
    found = cells(data)
    formulas = [c.coordinate for c in found if c.data_type == "f"]
    assert formulas == [], formulas
    texts = {c.value for c in found if c.data_type == "s"}
    assert set(expected) <= texts, set(expected) - texts


def test_the_statement_keeps_a_formula_looking_name_and_references_as_text(
    app, acme, acme_admin, api
):
    pk = factories.customer(app, acme, "=1+1", email="formula@example.com", currency="EUR")
    invoice = factories.saved_invoice(
        app, acme, pk, "100.00", number="-2+3", issue_date="2026-01-10", due_date="2026-02-09"
    )
    factories.payment(
        app,
        acme,
        pk,
        "40.00",
        number="PAY-1",
        paid="2026-01-20",
        allocations={invoice: "40.00"},
        reference="+cmd",
    )
    factories.payment(
        app, acme, pk, "10.00", number="PAY-2", paid="2026-01-21", reference="@SUM(A1)"
    )
    r = api(acme_admin).get(
        f"/api/v1/customer/{pk}/statement?from=2026-01-01&to=2026-03-31&format=xlsx"
    )
    assert r.status_code == 200
    assert_text_not_formulas(r.data)


@pytest.mark.parametrize("entity, url", [("customers", "/customers/export?format=xlsx")])
def test_a_list_export_keeps_formula_looking_text_as_text(
    app, acme, acme_admin, browser, entity, url
):
    for text in PAYLOADS:
        factories.customer(app, acme, text, email=f"c{PAYLOADS.index(text)}@example.com")
    r = browser(acme_admin).get(url)
    assert r.status_code == 200
    assert_text_not_formulas(r.data)


def test_the_dashboard_workbook_keeps_formula_looking_labels_as_text(
    app, acme, acme_admin, browser
):
    with app.app_context(), tenant_scope(acme.id):
        for text in PAYLOADS:
            db.session.add(LeadSource(tenant_id=acme.id, name=text))
        db.session.commit()
        ids = [s.id for s in db.session.query(LeadSource).filter(LeadSource.name.in_(PAYLOADS))]
        db.session.remove()
    for source in ids:
        factories.lead(app, acme, f"Lead {source}", source_id=source)
    r = browser(acme_admin).get("/dashboard/xlsx")
    assert r.status_code == 200
    assert_text_not_formulas(r.data)


def test_the_import_error_report_keeps_uploaded_cells_as_text(app):
    failed = [
        RowResult(number=n + 2, cells=[text, "x"], errors=[("Email", "not valid")])
        for n, text in enumerate(PAYLOADS)
    ]
    with app.test_request_context():
        data = error_report(["Name", "Email"], failed)
    assert_text_not_formulas(data)


@pytest.mark.parametrize("entity", ["customers", "companies", "leads"])
def test_import_templates_hold_no_formulas(app, entity):
    with app.test_request_context():
        data = template_workbook(entity)
    assert_text_not_formulas(data, expected=())


def test_every_workbook_is_opened_by_the_one_factory():
    """Opening xlsxwriter directly would skip the text-stays-text options."""
    root = pathlib.Path(__file__).resolve().parents[2] / "crm"
    direct = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "xlsxwriter.Workbook(" in p.read_text() and p.name != "workbooks.py"
    ]
    assert direct == []
