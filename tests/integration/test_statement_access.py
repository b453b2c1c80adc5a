"""Statements through the API, the command line and the customer's statement page, and who
may read them."""

import io

import openpyxl
import pytest
from pypdf import PdfReader

from tests import factories

PERIOD = "from=2026-01-01&to=2026-03-31"


@pytest.fixture
def nordlicht(app, acme):
    return factories.customer_with_ledger(app, acme)


def pdf_text(data):
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_the_api_returns_the_statement_as_pdf_or_excel(app, acme_manager, api, nordlicht):
    client = api(acme_manager)
    r = client.get(f"/api/v1/customer/{nordlicht}/statement?{PERIOD}&format=pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert "statement-C000001-2026-01-01-2026-03-31.pdf" in r.headers["Content-Disposition"]
    assert "Mar 31, 2026 Closing balance €250.00 €680.00 €170.00" in pdf_text(r.data)
    r = client.get(f"/api/v1/customer/{nordlicht}/statement?{PERIOD}&format=xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    values = [
        c.value
        for row in openpyxl.load_workbook(io.BytesIO(r.data)).active.iter_rows()
        for c in row
    ]
    assert "INV-000002" in values and "Closing balance" in values
    paths = client.get("/api/v1/_openapi").json["paths"]
    assert "from" in str(paths["/api/v1/customer/{customer_pk}/statement"]["get"]["parameters"])


@pytest.mark.parametrize(
    "query, field",
    [
        ("", "from"),
        ("from=2026-01-01", "to"),
        ("from=yesterday&to=2026-03-31", "from"),
        ("from=2026-04-01&to=2026-03-31", "to"),
        (f"{PERIOD}&format=docx", "format"),
    ],
)
def test_the_api_names_a_bad_or_missing_parameter(app, acme_manager, api, nordlicht, query, field):
    r = api(acme_manager).get(f"/api/v1/customer/{nordlicht}/statement?{query}")
    assert r.status_code == 422
    assert field in r.json["message"]


def test_another_tenants_customer_is_404_and_members_without_financials_are_refused(
    app, acme_member, globex_admin, api, browser, nordlicht
):
    assert (
        api(globex_admin).get(f"/api/v1/customer/{nordlicht}/statement?{PERIOD}").status_code == 404
    )
    assert browser(globex_admin).get(f"/statements/{nordlicht}").status_code == 404
    r = api(acme_member).get(f"/api/v1/customer/{nordlicht}/statement?{PERIOD}")
    assert r.status_code == 403 and "financial figures" in r.json["message"]
    r = browser(acme_member).get(f"/statements/{nordlicht}?{PERIOD}")
    assert r.status_code == 403 and "financial figures" in r.get_data(as_text=True)


def test_the_statement_page_previews_and_links_the_downloads(app, acme_admin, browser, nordlicht):
    b = browser(acme_admin)
    customer_page = b.get(f"/customers/show/{nordlicht}").get_data(as_text=True)
    assert f'href="/statements/{nordlicht}"' in customer_page
    html = b.get(f"/statements/{nordlicht}?{PERIOD}").get_data(as_text=True)
    assert "INV-000002" in html and "€170.00" in html and "anna@nordlicht.example" in html
    assert "INV-000004" not in html
    r = b.get(f"/statements/{nordlicht}/download?{PERIOD}&format=xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    r = b.get(f"/statements/{nordlicht}?from=2026-05-01&to=2026-03-31")
    assert "The last day must not be before the first day." in r.get_data(as_text=True)


def test_the_command_writes_the_statement_file(app, acme, runner, nordlicht, tmp_path):
    out = tmp_path / "statement.pdf"
    result = runner.invoke(
        args=[
            "crm",
            "statement",
            "--tenant",
            "Acme Trading",
            "--customer",
            "C000001",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--format",
            "pdf",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Jan 1, 2026 Opening balance €600.00" in pdf_text(out.read_bytes())
    xlsx = tmp_path / "statement.xlsx"
    result = runner.invoke(
        args=[
            "crm",
            "statement",
            "--tenant",
            "Acme Trading",
            "--customer",
            "C000001",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--format",
            "xlsx",
            "--out",
            str(xlsx),
        ]
    )
    assert (
        result.exit_code == 0 and openpyxl.load_workbook(xlsx).active["A1"].value == "Acme Trading"
    )


@pytest.mark.parametrize(
    "tenant, code, date_from, message",
    [
        ("Nobody Ltd", "C000001", "2026-01-01", "There is no tenant called"),
        ("Acme Trading", "C999999", "2026-01-01", "There is no customer with the code"),
        ("Acme Trading", "C000001", "2026-13-01", "from:"),
    ],
)
def test_the_command_explains_what_is_wrong(
    app, acme, runner, nordlicht, tmp_path, tenant, code, date_from, message
):
    out = tmp_path / "s.pdf"
    result = runner.invoke(
        args=[
            "crm",
            "statement",
            "--tenant",
            tenant,
            "--customer",
            code,
            "--from",
            date_from,
            "--to",
            "2026-03-31",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists()
