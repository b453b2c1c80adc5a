"""Every list exports what it shows to xlsx and csv: its search, filters and sort, every row,
formulas never run, financial figures masked for those who may not see them."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from crm.extensions import db
from crm.models import Invoice
from crm.security.tenancy import tenant_scope
from crm.services.bulk.export_writers import FORMULA_PREFIXES
from crm.services.bulk.exports import export_entity
from tests import factories
from tests.conftest import make_user

TODAY = dt.date.today().isoformat()


def xlsx_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(response.data)).active


def values(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def csv_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def column(rows, heading):
    """The values under ``heading`` (header row excluded)."""
    index = rows[0].index(heading)
    return [row[index] for row in rows[1:]]


@pytest.fixture
def customers(app, acme):
    """Four Acme customers, one of them archived."""
    ids = {
        "Zephyr Ltd": factories.customer(app, acme, "Zephyr Ltd", credit_limit=Decimal("2500.00")),
        "Aurora Ångström AB": factories.customer(
            app, acme, "Aurora Ångström AB", phone="+46 8 123 456 78", balance=Decimal("-120.50")
        ),
        "Brightwater": factories.customer(app, acme, "Brightwater", industry="Shipping"),
        "Old Mill": factories.customer(app, acme, "Old Mill", is_active=False),
    }
    factories.contact(
        app, acme, ids["Zephyr Ltd"], name="Zoe Zephyr", email="zoe@zephyr.example", is_primary=True
    )
    factories.address(
        app, acme, ids["Zephyr Ltd"], kind="billing", city="Lyon", country="FR", is_default=True
    )
    return ids


# --- files -------------------------------------------------------------------------------


def test_the_xlsx_has_a_bold_frozen_filtered_header_and_typed_cells(
    app, acme, acme_admin, browser, customers
):
    sheet = xlsx_of(browser(acme_admin).get("/customers/export?format=xlsx"))
    header = list(next(sheet.iter_rows(max_row=1)))
    assert all(cell.font.b for cell in header)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{header[-1].column_letter}4"
    rows = values(sheet)
    assert column(rows, "Name") == ["Aurora Ångström AB", "Brightwater", "Zephyr Ltd"]  # list order
    limit = sheet.cell(row=4, column=rows[0].index("Credit limit") + 1)
    assert (limit.value, limit.data_type, limit.number_format) == (2500, "n", "#,##0.00")
    assert column(rows, "Contact email")[2] == "zoe@zephyr.example"
    assert column(rows, "Billing city")[2] == "Lyon"
    assert column(rows, "Phone")[0] == "+46812345678"  # text, not a formula or a number
    assert sheet.column_dimensions["A"].width >= len("Aurora Ångström AB")


def test_the_csv_is_utf8_with_a_bom_and_the_same_rows(app, acme, acme_admin, browser, customers):
    rows = csv_of(browser(acme_admin).get("/customers/export?format=csv"))
    assert rows[0][:4] == ["Name", "Code", "Type", "Email"]
    assert column(rows, "Name") == ["Aurora Ångström AB", "Brightwater", "Zephyr Ltd"]
    assert column(rows, "Credit limit") == ["", "", "2500.00"]
    # A phone number starts with "+": escaped like any formula-looking text.
    assert column(rows, "Phone")[0] == "'+46812345678"


def test_the_download_is_named_for_the_list_and_the_day(app, acme, acme_admin, browser, customers):
    response = browser(acme_admin).get("/customers/export?format=csv")
    assert (
        response.headers["Content-Disposition"] == f'attachment; filename="customers-{TODAY}.csv"'
    )


def test_an_unknown_format_is_a_clear_400(app, acme, acme_admin, browser):
    response = browser(acme_admin).get("/customers/export?format=pdf")
    assert response.status_code == 400
    assert "xlsx or csv" in response.get_data(as_text=True)


# --- what the list shows -------------------------------------------------------------------


def test_the_search_and_sort_of_the_list_are_exported(app, acme, acme_admin, browser, customers):
    client = browser(acme_admin)
    rows = csv_of(client.get("/customers/export?format=csv&_flt_0_search_text=ltd"))
    assert column(rows, "Name") == ["Zephyr Ltd"]
    rows = csv_of(
        client.get("/customers/export?format=csv&_oc_CustomerView=email&_od_CustomerView=desc")
    )
    assert column(rows, "Name") == ["Zephyr Ltd", "Brightwater", "Aurora Ångström AB"]
    rows = csv_of(client.get("/customers/export?format=csv&_flt_0_search_text=nothing-like-this"))
    assert rows == [rows[0]]
    rows = csv_of(client.get("/customers/export?format=csv&_flt_0_balance=credit"))
    assert column(rows, "Name") == ["Aurora Ångström AB"]


def test_the_archived_switch_exports_the_archived_customers(
    app, acme, acme_admin, browser, customers
):
    rows = csv_of(browser(acme_admin).get("/customers/export?format=csv&archived=1"))
    assert column(rows, "Name") == ["Old Mill"]


def test_the_export_menu_links_keep_the_lists_query(app, acme, acme_admin, browser, customers):
    html = (
        browser(acme_admin)
        .get("/customers/list/?_flt_0_search_text=ltd&archived=1")
        .get_data(as_text=True)
    )
    assert 'class="crm-export-xlsx"' in html and 'class="crm-export-csv"' in html
    assert "/customers/export?format=csv&amp;_flt_0_search_text=ltd&amp;archived=1" in html


def test_a_list_without_an_export_route_offers_no_export(app, acme, acme_admin, browser):
    client = browser(acme_admin)
    assert "crm-export" not in client.get("/audit/list/").get_data(as_text=True)
    assert client.get("/audit/export?format=csv").status_code == 404


def test_neither_the_page_nor_the_lists_depth_limit_the_export(
    app, acme, acme_admin, browser, monkeypatch
):
    monkeypatch.setitem(app.config, "CRM_LIST_MAX_DEPTH", 20)
    with app.app_context(), tenant_scope(acme.id):
        from crm.models import Company

        db.session.add_all([Company(tenant_id=acme.id, name=f"Company {i:03d}") for i in range(60)])
        db.session.commit()
        db.session.remove()
    rows = csv_of(browser(acme_admin).get("/companies/export?format=csv&page_CompanyView=2"))
    assert len(rows) == 61
    assert rows[0][:2] == ["Name", "Email"]  # the companies import's columns


def test_lead_search_and_filters_are_exported(app, acme, acme_admin, browser):
    factories.lead(app, acme, "Kiosk rollout", contact_email="kim@kiosk.example")
    factories.lead(app, acme, "Website redesign", status="Qualified")
    factories.lead(app, acme, "Kiosk spares", status="Qualified")
    client = browser(acme_admin)
    assert column(csv_of(client.get("/leads/export?format=csv&q=kiosk")), "Title") == [
        "Kiosk spares",
        "Kiosk rollout",
    ]  # newest first, like the list
    with app.app_context(), tenant_scope(acme.id):
        from crm.models import LeadStatus

        qualified = db.session.query(LeadStatus).filter_by(name="Qualified").one().id
        db.session.remove()
    rows = csv_of(client.get(f"/leads/export?format=csv&_flt_0_status={qualified}&q=kiosk"))
    assert column(rows, "Title") == ["Kiosk spares"]
    assert column(rows, "Status") == ["Qualified"]


def test_other_lists_export_their_own_columns_with_plain_values(app, acme, acme_admin, browser):
    sales = factories.sales(app, acme)
    customer = factories.customer(app, acme, "Franc Buyer", currency="CHF")
    factories.deal(
        app,
        acme,
        "Kiosk rollout",
        stage="Proposal",
        value=Decimal("1999.90"),
        customer_id=customer,
        expected_close_date=dt.date(2030, 6, 30),
    )
    factories.deal(app, acme, "Spare parts", stage="Lead", value=Decimal("5.00"))
    client = browser(acme_admin)
    sheet = xlsx_of(client.get(f"/deals/export?format=xlsx&stage={sales.stages['Proposal']}"))
    rows = values(sheet)
    assert rows[0] == [
        "Title",
        "Stage",
        "Company",
        "Customer",
        "Value",
        "Currency",
        "Expected close date",
        "Owner",
    ]
    assert rows[1][:2] == ["Kiosk rollout", "Sales · Proposal"]  # the badge's text, no markup
    assert rows[1][3].startswith("Franc Buyer")
    value, close = sheet.cell(row=2, column=5), sheet.cell(row=2, column=7)
    assert (value.value, value.data_type, value.number_format) == (1999.9, "n", "#,##0.00")
    assert (close.value, close.number_format) == (dt.datetime(2030, 6, 30), "yyyy-mm-dd")
    assert len(rows) == 2
    rows = csv_of(client.get("/deals/export?format=csv&_oc_DealView=value&_od_DealView=asc"))
    assert column(rows, "Title") == ["Spare parts", "Kiosk rollout"]
    assert column(rows, "Value") == ["5.00", "1999.90"]


def test_the_invoice_lists_filter_bar_applies_to_its_export(app, acme, acme_admin, browser):

    first = factories.customer(app, acme, "First Buyer")
    second = factories.customer(app, acme, "Second Buyer")
    wanted = factories.read(
        app, acme, Invoice, factories.saved_invoice(app, acme, first, Decimal("100.00")), "number"
    )
    factories.saved_invoice(app, acme, second, Decimal("200.00"))
    sheet = xlsx_of(browser(acme_admin).get(f"/invoices/export?format=xlsx&customer={first}"))
    rows = values(sheet)
    assert column(rows, "Number") == [wanted]
    total = sheet.cell(row=2, column=rows[0].index("Total") + 1)
    assert (total.value, total.data_type) == (100, "n")


def test_the_task_list_exports_in_its_own_order_with_labels(app, acme, acme_admin, browser):

    customer = factories.customer(app, acme, "Task Customer")
    factories.task(
        app, acme, "Later", due_date=dt.date(2030, 1, 2), priority="high", customer_id=customer
    )
    factories.task(app, acme, "Sooner", due_date=dt.date(2030, 1, 1))
    factories.task(app, acme, "Finished", due_date=dt.date(2029, 1, 1), status="done")
    factories.task(app, acme, "Undated")
    factories.task(app, acme, "Call Tom", due_date=dt.date(2029, 6, 1))  # no "e": filtered out
    rows = csv_of(browser(acme_admin).get("/tasks/export?format=csv&_flt_2_title=e"))
    # Open tasks first by due date, undated after them, finished ones last, like the list.
    assert column(rows, "Title") == ["Sooner", "Later", "Undated", "Finished"]
    assert column(rows, "Priority")[1] == "High" and column(rows, "Status")[3] == "Done"
    assert column(rows, "Customer")[1].startswith("Task Customer")
    assert column(rows, "Due date")[0] == "2030-01-01"


def test_a_settings_list_exports_the_chosen_pipelines_stages_in_order(
    app, acme, acme_admin, browser
):
    sales = factories.sales(app, acme)
    other = factories.pipeline(app, acme)
    client = browser(acme_admin)
    rows = csv_of(client.get(f"/stages/export?format=csv&pipeline={other.id}"))
    assert rows[0][:3] == ["Name", "Colour", "Probability (%)"]
    assert column(rows, "Name") == ["Intro", "Signed", "Dropped"]
    rows = csv_of(client.get("/stages/export?format=csv"))  # the default pipeline, like the list
    assert len(rows) - 1 == len(sales.stages)
    assert client.get("/stages/export?format=csv&pipeline=999999").status_code == 404


def test_a_negative_balance_is_a_number_cell(app, acme, acme_admin, browser, customers):
    sheet = xlsx_of(browser(acme_admin).get("/customers/export?format=xlsx"))
    balance = sheet.cell(row=2, column=values(sheet)[0].index("Balance") + 1)
    assert (balance.value, balance.data_type, balance.number_format) == (-120.5, "n", "#,##0.00")


# --- formulas never run ------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_formula_looking_text_is_escaped_in_csv_and_a_string_in_xlsx(
    app, acme, acme_admin, browser, prefix
):
    text = prefix + 'HYPERLINK("http://evil.example","x")'
    customer = factories.customer(app, acme, "Formula Ltd", notes=text)
    factories.contact(app, acme, customer, name="Plain Contact", role=text, is_primary=True)
    client = browser(acme_admin)
    rows = csv_of(client.get("/customers/export?format=csv"))
    assert column(rows, "Notes") == ["'" + text]
    assert column(rows, "Contact role") == ["'" + text]
    response = client.get("/customers/export?format=xlsx")
    sheet = xlsx_of(response)
    notes = sheet.cell(row=2, column=values(sheet)[0].index("Notes") + 1)
    assert notes.data_type == "s"  # a string cell, never a formula
    # calamine (the import's reader) decodes every escaped control character
    read = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.data)).get_sheet_by_index(0).to_python()
    )
    assert column(read, "Notes") == [text]


def test_formula_looking_list_values_are_escaped(app, acme, acme_admin, browser):
    customer = factories.customer(app, acme, "Plain Ltd")
    factories.contact(app, acme, customer, name="=1+2", role="@SUM(A1)")
    rows = csv_of(browser(acme_admin).get("/contacts/export?format=csv"))
    assert column(rows, "Name") == ["'=1+2"]


# --- financial figures, tenants and roles ----------------------------------------------------


def test_a_member_gets_credit_limits_hidden_a_manager_sees_them(
    app, acme, acme_manager, acme_member, browser, customers
):
    member = column(
        csv_of(browser(acme_member).get("/customers/export?format=csv")), "Credit limit"
    )
    assert member == ["hidden", "hidden", "hidden"]
    manager = column(
        csv_of(browser(acme_manager).get("/customers/export?format=csv")), "Credit limit"
    )
    assert manager == ["", "", "2500.00"]


def test_a_member_gets_account_numbers_masked(app, acme, acme_admin, acme_member, browser):
    customer = factories.customer(app, acme, "Banked Ltd")
    with app.app_context(), tenant_scope(acme.id):
        from crm.models import BankAccount

        db.session.add(
            BankAccount(
                tenant_id=acme.id,
                customer_id=customer,
                bank_name="Bank",
                account_holder="Banked Ltd",
                account_number="DE89370400440532013000",
            )
        )
        db.session.commit()
        db.session.remove()
    numbers = column(
        csv_of(browser(acme_member).get("/bank-accounts/export?format=csv")),
        "Account number / IBAN",
    )
    assert numbers == ["\u2022\u2022\u2022\u2022 3000"]
    numbers = column(
        csv_of(browser(acme_admin).get("/bank-accounts/export?format=csv")), "Account number / IBAN"
    )
    assert numbers == ["DE89370400440532013000"]


def test_another_tenants_rows_are_never_exported(app, acme, globex, acme_admin, browser, customers):
    factories.customer(app, globex, "Globex Secret Customer")
    for fmt in ("csv", "xlsx"):
        data = browser(acme_admin).get(f"/customers/export?format={fmt}&archived=").data
        assert b"Globex" not in data
    rows = csv_of(browser(acme_admin).get("/customers/export?format=csv&_flt_0_search_text=secret"))
    assert rows == [rows[0]]


@pytest.fixture
def lead_reader(app, acme):
    """A user whose only role reads leads (and nothing else); the role is removed after."""
    reader = make_user(app, acme, "Member", "lead-reader")
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.add_role("Lead reader")
        sm.add_permission_role(role, sm.find_permission_view_menu("can_read", "Lead"))
        sm.get_user_by_id(reader.id).roles = [role]
        sm.session.commit()
        db.session.remove()
    yield reader
    with app.app_context():  # roles outlive a test's data on PostgreSQL
        sm = app.appbuilder.sm
        role = sm.find_role("Lead reader")
        sm.get_user_by_id(reader.id).roles = []
        role.permissions = []
        sm.session.delete(role)
        sm.session.commit()
        db.session.remove()


def test_exporting_needs_read_on_the_entity(app, acme, browser, lead_reader):
    client = browser(lead_reader)
    assert client.get("/leads/export?format=csv").status_code == 200
    assert client.get("/customers/export?format=csv").status_code == 403
    anonymous = app.test_client().get("/customers/export?format=csv")
    assert anonymous.status_code == 302 and "/login/" in anonymous.headers["Location"]


# --- service and command line --------------------------------------------------------------------


def test_export_entity_writes_every_row_to_a_path(app, acme, customers, tmp_path):
    out = tmp_path / "customers.xlsx"
    with app.app_context(), tenant_scope(acme.id):
        count = export_entity(db.session, "customers", "xlsx", str(out))
        db.session.remove()
    assert count == 4  # the service exports archived customers too
    rows = values(openpyxl.load_workbook(out).active)
    assert sorted(column(rows, "Name")) == [
        "Aurora Ångström AB",
        "Brightwater",
        "Old Mill",
        "Zephyr Ltd",
    ]


def test_the_export_command_writes_a_tenants_file(app, acme, globex, customers, runner, tmp_path):
    factories.customer(app, globex, "Globex Secret Customer")
    out = tmp_path / "acme.csv"
    result = runner.invoke(
        args=[
            "crm",
            "export",
            "customers",
            "--tenant",
            "Acme Trading",
            "--format",
            "csv",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Exported 4 customers" in result.output
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert sorted(column(rows, "Name")) == [
        "Aurora Ångström AB",
        "Brightwater",
        "Old Mill",
        "Zephyr Ltd",
    ]


def test_the_export_command_refuses_an_unknown_tenant(app, runner, tmp_path):
    result = runner.invoke(
        args=["crm", "export", "leads", "--tenant", "Nobody Inc", "--out", str(tmp_path / "x.xlsx")]
    )
    assert result.exit_code == 1
    assert "There is no tenant called “Nobody Inc”" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.xlsx").exists()


# --- round trip: an exported file imports back unchanged -----------------------------------


@pytest.fixture
def full_customers(app, acme, acme_admin):
    """Customers with every kind of column the file has: references, contact, addresses."""
    with app.app_context(), tenant_scope(acme.id):
        from crm.models import PaymentTerm, Region, Segment

        term = db.session.query(PaymentTerm).order_by(PaymentTerm.id).first().id
        segment = db.session.query(Segment).order_by(Segment.id).first().id
        region = db.session.query(Region).order_by(Region.id).first().id
        db.session.remove()
    company = factories.company(app, acme, "Umbrella Holding")
    group = factories.group(app, acme, "Key accounts", "KEY")
    first = factories.customer(
        app,
        acme,
        "Müller & Söhne GmbH",
        phone="+49 30 1234567",
        website="https://mueller.example",
        industry="Machinery",
        currency="CHF",
        payment_term_id=term,
        discount_rate=Decimal("2.50"),
        payment_method="bank_transfer",
        credit_limit=Decimal("25000.00"),
        credit_hold=True,
        segment_id=segment,
        region_id=region,
        customer_group_id=group,
        company_id=company,
        owner_id=acme_admin.id,
        notes="=not a formula",
    )
    factories.contact(
        app,
        acme,
        first,
        name="Jana Müller",
        role="Buyer",
        email="jana@mueller.example",
        phone="+49 30 7654321",
        is_primary=True,
    )
    factories.address(
        app,
        acme,
        first,
        kind="billing",
        city="Zürich",
        country="CH",
        postal_code="8001",
        is_default=True,
    )
    factories.address(
        app, acme, first, kind="shipping", city="Basel", country="CH", is_default=True
    )
    factories.customer(app, acme, "Plain Individual", kind="individual")
    return first


def _import(runner, path, *extra):
    return runner.invoke(
        args=["crm", "import", "customers", str(path), "--tenant", "Acme Trading", *extra]
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_file_imports_back_unchanged(
    app, acme, acme_admin, browser, runner, tmp_path, full_customers, fmt
):
    response = browser(acme_admin).get(f"/customers/export?format={fmt}")
    assert response.status_code == 200
    path = tmp_path / f"customers.{fmt}"
    path.write_bytes(response.data)
    dry = _import(runner, path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "0 to create, 2 to update, 0 failed" in dry.output
    result = _import(runner, path)
    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated, 2 unchanged, 0 failed" in result.output
    again = browser(acme_admin).get(f"/customers/export?format={fmt}")
    assert again.data == response.data or values_of(fmt, again.data) == values_of(
        fmt, response.data
    )


def values_of(fmt, data):
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return values(openpyxl.load_workbook(io.BytesIO(data)).active)


def test_rows_past_a_sheets_last_row_go_on_in_another_sheet(
    app, acme, customers, tmp_path, monkeypatch
):
    """Excel sheets end at row 1,048,576; an export never drops the rows after it."""
    from crm.services.bulk.export_writers import XlsxExport

    monkeypatch.setattr(XlsxExport, "ROWS_PER_SHEET", 3)
    out = tmp_path / "customers.xlsx"
    with app.app_context(), tenant_scope(acme.id):
        assert export_entity(db.session, "customers", "xlsx", str(out)) == 4
        db.session.remove()
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Customers", "Customers (2)"]
    first, second = (values(sheet) for sheet in book.worksheets)
    assert first[0] == second[0]  # the header on every sheet
    assert len(first) == 4 and len(second) == 2
    assert book.worksheets[1].freeze_panes == "A2"
