"""The statement of account: its figures, and the same figures in the PDF and the Excel file."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from crm.extensions import db
from crm.models import Customer
from crm.security.tenancy import tenant_scope
from crm.services.core.errors import ValidationFailed
from crm.services.ledger import arithmetic as ledger
from crm.services.statements.pdf import render_pdf
from crm.services.statements.statement import build_statement
from crm.services.statements.xlsx import render_xlsx
from tests import factories

D = Decimal


@pytest.fixture
def nordlicht(app, acme):
    return factories.customer_with_ledger(app, acme)


def statement_of(app, tenant, customer_id, date_from="2026-01-01", date_to="2026-03-31"):
    with app.app_context(), tenant_scope(tenant.id):
        customer = db.session.get(Customer, customer_id)
        statement = build_statement(db.session, customer, date_from, date_to)
        closing_by_ledger = ledger.balance_of(db.session, customer_id, until=statement.date_to)
        pdf, xlsx = render_pdf(statement), render_xlsx(statement)
        db.session.remove()
    return statement, closing_by_ledger, pdf, xlsx


def pdf_pages(data):
    """Each page's text, runs of whitespace (cell and line breaks) as one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_the_statement_runs_from_the_opening_to_the_closing_balance(app, acme, nordlicht):
    statement, closing_by_ledger, _, _ = statement_of(app, acme, nordlicht)
    assert statement.tenant_name == "Acme Trading"
    assert statement.customer_name == "Nordlicht GmbH"
    assert "Köln" in statement.billing_address and "50667" in statement.billing_address
    assert statement.tax_number == "DE-TAX-4711"
    assert statement.opening_balance == D("600.00")
    assert [(line.number, line.debit, line.credit, line.balance) for line in statement.lines] == [
        ("INV-000002", D("250.00"), D("0.00"), D("850.00")),
        ("PAY-000002", D("0.00"), D("600.00"), D("250.00")),
        ("CN-000001", D("0.00"), D("50.00"), D("200.00")),
        ("PAY-000003", D("0.00"), D("30.00"), D("170.00")),
    ]
    assert statement.closing_balance == closing_by_ledger == D("170.00")
    assert (statement.total_debit, statement.total_credit) == (D("250.00"), D("680.00"))


def test_aging_at_the_end_of_the_period_leaves_later_payments_out(app, acme, nordlicht):
    """On 31 January INV-000001 still had 600.00 open (PAY-000002 came on 1 February),
    22 days past due; INV-000002 was not yet due. Today both stand differently."""
    statement, closing, _, _ = statement_of(app, acme, nordlicht, "2026-01-01", "2026-01-31")
    assert statement.aging == {
        "current": D("250.00"),
        "days_1_30": D("600.00"),
        "days_31_60": D("0.00"),
        "days_61_90": D("0.00"),
        "over_90": D("0.00"),
        "total": D("850.00"),
    }
    assert statement.unallocated_credit == D("0.00")
    assert statement.closing_balance == closing == D("850.00")


def test_aging_counts_credit_notes_and_unallocated_payments(app, acme, nordlicht):
    statement, _, _, _ = statement_of(app, acme, nordlicht)
    # INV-000002: 250 - 50 credited, due 14 February: 45 days past due on 31 March.
    assert statement.aging["days_31_60"] == D("200.00")
    assert statement.aging["total"] == D("200.00")
    assert statement.unallocated_credit == D("30.00")
    assert statement.aging["total"] - statement.unallocated_credit == statement.closing_balance


def test_aging_up_to_today_agrees_with_the_ledger(app, acme, nordlicht):
    today = dt.date.today()
    statement, _, _, _ = statement_of(app, acme, nordlicht, "2026-01-01", today.isoformat())
    with app.app_context(), tenant_scope(acme.id):
        now = ledger.aging(db.session, nordlicht, as_of=today)
        credit = ledger.unallocated_credit(db.session, nordlicht)
        db.session.remove()
    assert statement.aging == now
    assert statement.unallocated_credit == credit
    assert statement.closing_balance == D("670.00")  # INV-000004 (500.00) is in this period


@pytest.mark.parametrize(
    "date_from, date_to, field",
    [
        ("2026-04-01", "2026-03-31", "to"),
        ("31/01/2026", "2026-03-31", "from"),
        ("", "2026-03-31", "from"),
        ("2026-01-01", None, "to"),
    ],
)
def test_a_bad_period_is_refused_naming_the_field(app, acme, nordlicht, date_from, date_to, field):
    with app.app_context(), tenant_scope(acme.id):
        customer = db.session.get(Customer, nordlicht)
        with pytest.raises(ValidationFailed) as refused:
            build_statement(db.session, customer, date_from, date_to)
        db.session.remove()
    assert list(refused.value.errors) == [field]


def test_the_pdf_reads_back_with_the_opening_a_transaction_and_the_closing_balance(
    app, acme, nordlicht
):
    _, _, pdf, _ = statement_of(app, acme, nordlicht)
    [page] = pdf_pages(pdf)
    assert "Acme Trading" in page and "Statement of account" in page
    assert "Nordlicht GmbH" in page and "Köln" in page and "DE-TAX-4711" in page
    assert "Jan 1, 2026 Opening balance €600.00" in page
    assert "Jan 15, 2026 Invoice INV-000002 due Feb 14, 2026 €250.00 €850.00" in page
    assert "Feb 1, 2026 Payment PAY-000002 Wire 88 €600.00 €250.00" in page
    assert "Mar 31, 2026 Closing balance €250.00 €680.00 €170.00" in page
    assert "INV-000003" not in page  # void
    assert "INV-000004" not in page  # after the period
    assert "Page 1 of 1" in page


def test_a_long_statement_breaks_across_pages_with_the_header_repeated(app, acme):
    pk = factories.customer(app, acme, "Großhandel Süd AG", currency="EUR")
    start = dt.date(2026, 1, 1)
    for n in range(1, 151):
        issued = start + dt.timedelta(days=n)
        factories.saved_invoice(
            app,
            acme,
            pk,
            "10.00",
            number=f"INV-{n:06d}",
            issue_date=issued,
            due_date=issued + dt.timedelta(days=30),
        )
    _, _, pdf, _ = statement_of(app, acme, pk, "2026-01-01", "2026-12-31")
    pages = pdf_pages(pdf)
    assert len(pages) >= 3
    table_pages = [text for text in pages if "INV-" in text]
    assert len(table_pages) >= 3
    for text in table_pages:
        assert "Date Type Number Description Debit Credit Balance" in text
    for number, text in enumerate(pages, start=1):
        assert text.endswith(f"Page {number} of {len(pages)}")
    everything = "\n".join(pages)
    assert all(f"INV-{n:06d}" in everything for n in (1, 75, 150))
    assert "Closing balance €1,500.00 €0.00 €1,500.00" in table_pages[-1]


def test_the_excel_statement_has_the_same_figures_formatted(app, acme, nordlicht):
    _, _, _, xlsx = statement_of(app, acme, nordlicht)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows.index(["Date", "Type", "Number", "Description", "Debit", "Credit", "Balance"])
    assert sheet.freeze_panes == f"A{header + 2}"
    assert sheet.cell(header + 1, 1).font.b
    opening, *lines, closing = rows[header + 1 :]
    assert opening[3] == "Opening balance" and opening[6] == 600
    assert lines[0][:3] == [dt.datetime(2026, 1, 15), "Invoice", "INV-000002"]
    assert (lines[0][4], lines[0][6]) == (250, 850)
    assert [line[2] for line in lines] == ["INV-000002", "PAY-000002", "CN-000001", "PAY-000003"]
    assert closing[3] == "Closing balance" and closing[4:7] == [250, 680, 170]
    balance_cell = sheet.cell(header + 2 + len(lines), 7)
    assert balance_cell.value == 170 and "€" in balance_cell.number_format
    assert "#,##0.00" in balance_cell.number_format
    assert sheet.cell(header + 3, 1).number_format == "yyyy-mm-dd"
    assert rows[0][0] == "Acme Trading"
    assert ["Tax number", "DE-TAX-4711"] == rows[6][:2]


def test_aging_on_a_past_day_counts_only_what_was_on_the_books(app, acme):
    """A payment made on 10 January for an invoice issued on 1 February was credit on
    31 January; a credit note issued in March did not yet settle anything in February."""
    pk = factories.customer(app, acme, "Früh Zahler KG", currency="EUR")
    later = factories.saved_invoice(
        app, acme, pk, "300.00", number="INV-000010", issue_date="2026-02-01", due_date="2026-02-28"
    )
    factories.payment(
        app,
        acme,
        pk,
        "100.00",
        number="PAY-000010",
        paid="2026-01-10",
        allocations={later: "100.00"},
    )
    factories.credit_note(
        app, acme, pk, "50.00", number="CN-000010", issued="2026-03-05", invoice_id=later
    )

    january, _, _, _ = statement_of(app, acme, pk, "2026-01-01", "2026-01-31")
    assert january.aging["total"] == D("0.00")
    assert january.unallocated_credit == D("100.00")
    assert january.closing_balance == D("-100.00")

    february, _, _, _ = statement_of(app, acme, pk, "2026-02-01", "2026-02-28")
    assert february.opening_balance == D("-100.00")
    assert (february.aging["current"], february.aging["total"]) == (D("200.00"), D("200.00"))
    assert february.unallocated_credit == D("0.00")

    march, _, _, _ = statement_of(app, acme, pk, "2026-03-01", "2026-03-31")
    assert march.aging["days_31_60"] == D("150.00")  # 31 days past the due date
    assert march.aging["total"] - march.unallocated_credit == march.closing_balance == D("150.00")


def test_an_overpaid_invoice_leaves_the_excess_as_credit(app, acme):
    pk = factories.customer(app, acme, "Over Payer SA", currency="EUR")
    invoice = factories.saved_invoice(
        app, acme, pk, "80.00", number="INV-000020", issue_date="2026-01-05", due_date="2026-02-04"
    )
    factories.payment(
        app,
        acme,
        pk,
        "100.00",
        number="PAY-000020",
        paid="2026-01-20",
        allocations={invoice: "100.00"},
    )
    statement, closing, _, _ = statement_of(app, acme, pk, "2026-01-01", "2026-01-31")
    assert statement.aging["total"] == D("0.00")
    assert statement.unallocated_credit == D("20.00")
    assert statement.closing_balance == closing == D("-20.00")
