"""Dates and amounts typed as the user's language writes them: the forms (FAB's generated
inputs, the hand-declared ones, the forms built by hand) and the importer.

German writes 31.03.2026 and 1.234,56; ISO dates (what date pickers post) and plain
numbers (how forms show stored amounts) still work; anything else comes back with the
form and the accepted forms as examples, never a 500."""

import datetime as dt
import io
import re
import time
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from crm.models import Contract, CreditNote, Customer, CustomFieldValue, Payment, SalesOrder, Task
from crm.services.bulk.data_fields import DataField
from crm.services.bulk.imports.validate import RowChecker
from crm.services.core.validation import FieldInvalid
from tests import factories
from tests.factories import books, form_errors
from tests.integration import import_files

SETTINGS = {
    "kanban_page_size": "20",
    "default_deal_currency": "EUR",
    "credit_check_on": "both",
    "show_activity_timeline": "y",
    "timezone": "UTC",
}


def speaking(browser, user, language):
    """A signed-in client whose user picked ``language`` in the navbar."""
    b = browser(user)
    response = b.post(f"/language/{language}", {"next": "/"})
    assert response.status_code == 302
    return b


@pytest.fixture
def buyer(app, acme):
    return factories.customer(app, acme, "Locale Buyer GmbH", currency="EUR")


def _contract(b, buyer, **fields):
    return b.post(
        "/contracts/add",
        {
            "customer": buyer,
            "title": "Wartung",
            "value": "0",
            "start_date": "2026-01-01",
            "status": "active",
            **fields,
        },
    )


def _only(app, acme, model):
    with books(app, acme) as s:
        rows = s.query(model).all()
        assert len(rows) <= 1, rows
        return rows[0] if rows else None


# --- FAB's own forms: a hand-declared date input and a generated amount ------------------


def test_a_german_contract_takes_german_dates_and_amounts(app, browser, acme, acme_manager, buyer):
    b = speaking(browser, acme_manager, "de")
    r = _contract(b, buyer, value="12.500,50", start_date="01.04.2026", end_date="31.03.27")
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    contract = _only(app, acme, Contract)
    assert (contract.value, contract.start_date, contract.end_date) == (
        D("12500.50"),
        dt.date(2026, 4, 1),
        dt.date(2027, 3, 31),
    )


def test_iso_dates_and_plain_amounts_still_work_in_german_and_the_edit_form_reads_back(
    app, browser, acme, acme_manager, buyer
):
    b = speaking(browser, acme_manager, "de")
    r = _contract(b, buyer, value="1234.50", start_date="2026-03-31", end_date="")
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    contract = _only(app, acme, Contract)
    assert (contract.value, contract.start_date, contract.end_date) == (
        D("1234.50"),
        dt.date(2026, 3, 31),
        None,
    )
    # The edit form shows the stored values plainly; sent back unchanged they stay the same.
    page = b.get(f"/contracts/edit/{contract.id}").get_data(as_text=True)
    value = re.search(r'name="value"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="value"', page)
    shown = value.group(1) or value.group(2)
    assert shown == "1234.50" and 'value="2026-03-31"' in page
    r = b.post(
        f"/contracts/edit/{contract.id}",
        {
            "customer": buyer,
            "title": "Wartung",
            "value": shown,
            "start_date": "2026-03-31",
            "end_date": "",
            "status": "active",
        },
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    assert _only(app, acme, Contract).value == D("1234.50")


@pytest.mark.parametrize(
    "field, typed, examples",
    [
        ("start_date", "31.13.2026", ("2025-03-31", "31.03.2025")),
        ("start_date", "bald", ("2025-03-31", "31.03.2025")),
        ("value", "zwölf", ("1234.56", "1.234,56")),
        ("value", "12,34.5", ("1234.56", "1.234,56")),
    ],
)
def test_a_value_german_cannot_read_comes_back_with_the_accepted_forms(
    app, browser, acme, acme_manager, buyer, field, typed, examples
):
    b = speaking(browser, acme_manager, "de")
    r = _contract(b, buyer, **{field: typed})
    assert r.status_code == 200
    errors = form_errors(r.get_data(as_text=True))
    assert any(all(example in e for example in examples) for e in errors), errors
    assert _only(app, acme, Contract) is None


def test_english_reads_its_short_dates_month_first(app, browser, acme, acme_manager, buyer):
    b = speaking(browser, acme_manager, "en")
    r = _contract(b, buyer, value="1,234.56", start_date="3/31/2026", end_date="04/01/2026")
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    contract = _only(app, acme, Contract)
    assert (contract.value, contract.start_date, contract.end_date) == (
        D("1234.56"),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 1),
    )
    r = _contract(b, buyer, title="Day first", start_date="31/03/2026")
    assert r.status_code == 200
    assert any("03/31/2025" in e for e in form_errors(r.get_data(as_text=True)))


def test_french_from_the_browser_with_spaces_in_the_amount(app, browser, acme, acme_manager, buyer):
    b = browser(acme_manager)  # no pick: the browser's Accept-Language speaks
    r = b.post(
        "/credit-notes/add",
        {"customer": buyer, "amount": "1 234,56", "reason": "Retard", "issue_date": "15/04/2026"},
        headers={"Accept-Language": "fr-FR,fr;q=0.9"},
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    note = _only(app, acme, CreditNote)
    assert (note.amount, note.issue_date) == (D("1234.56"), dt.date(2026, 4, 15))


def test_a_german_credit_note(app, browser, acme, acme_manager, buyer):
    b = speaking(browser, acme_manager, "de")
    r = b.post(
        "/credit-notes/add",
        {
            "customer": buyer,
            "amount": "1.234,56",
            "reason": "Verspätet",
            "issue_date": "15.04.2026",
        },
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    note = _only(app, acme, CreditNote)
    assert (note.amount, note.issue_date) == (D("1234.56"), dt.date(2026, 4, 15))


# --- a date input FAB generates (its date picker) -----------------------------------------


def _task(**fields):
    return {"title": "Anrufen", "priority": "normal", "status": "open", **fields}


def test_the_generated_task_due_date_reads_german_and_keeps_what_was_typed(
    app, browser, acme, acme_manager
):
    b = speaking(browser, acme_manager, "de")
    page = b.get("/tasks/add").get_data(as_text=True)
    assert 'data-provide="datepicker"' in page  # FAB's date picker is still the widget
    r = b.post("/tasks/add", _task(due_date="bald"))
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert any("31.03.2025" in e for e in form_errors(html)), form_errors(html)
    assert 'value="bald"' in html  # shown again as typed
    assert _only(app, acme, Task) is None
    assert b.post("/tasks/add", _task(due_date="31.03.2026")).status_code == 302
    assert _only(app, acme, Task).due_date == dt.date(2026, 3, 31)
    task = _only(app, acme, Task)
    # Shown again as the locale writes it, the form the picker writes and the hint shows.
    assert 'value="31.03.2026"' in b.get(f"/tasks/edit/{task.id}").get_data(as_text=True)
    assert b.post(f"/tasks/edit/{task.id}", _task(due_date="2026-04-30")).status_code == 302
    assert _only(app, acme, Task).due_date == dt.date(2026, 4, 30)


# --- forms built by hand: payments, sales orders, custom fields ----------------------------


def test_a_german_payment(app, browser, acme, acme_manager, buyer):
    b = speaking(browser, acme_manager, "de")
    r = b.post(
        f"/payments/add?customer={buyer}",
        {"payment_date": "02.03.2026", "amount": "1.234,56", "method": "bank_transfer"},
    )
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    payment = _only(app, acme, Payment)
    assert (payment.amount, payment.payment_date) == (D("1234.56"), dt.date(2026, 3, 2))


def test_a_german_sales_order_and_its_edit_form_read_back_unchanged(
    app, browser, acme, acme_manager
):
    customer = factories.buyer(app, acme)
    b = speaking(browser, acme_manager, "de")
    data = {
        "customer": str(customer),
        "number": "",
        "order_date": "31.03.2026",
        "currency": "",
        "discount_rate": "",
        "payment_term": "",
        "billing_address": "",
        "shipping_address": "",
        "reference": "",
        "notes": "",
        "line-description": ["Widget", ""],
        "line-quantity": ["2", ""],
        "line-unit_price": ["1.234,50", ""],
        "line-discount_rate": ["2,5", ""],
        "line-tax_rate": ["19", ""],
    }
    r = b.post("/sales_orders/add", data)
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    order = _only(app, acme, SalesOrder)
    with books(app, acme) as s:
        line = s.get(SalesOrder, order.id).lines[0]
        assert (line.quantity, line.unit_price, line.discount_rate) == (
            D("2"),
            D("1234.50"),
            D("2.50"),
        )
    assert order.order_date == dt.date(2026, 3, 31)
    # The edit form's stored values (quantity 2.000, price 1234.50) save back as they were.
    page = b.get(f"/sales_orders/edit/{order.id}").get_data(as_text=True)
    shown = {
        key: re.findall(rf'name="line-{key}" value="([^"]*)"', page)[0]
        for key in ("description", "quantity", "unit_price", "discount_rate", "tax_rate")
    }
    assert shown["unit_price"] == "1234.50"
    # the date picker holds the day as the German picker writes it
    header = re.search(r'id="order_date" name="order_date" type="text" value="([^"]*)"', page)
    header = header.group(1) if header else None
    assert header == "31.03.2026", header
    r = b.post(
        f"/sales_orders/edit/{order.id}",
        {**data, "order_date": header, **{f"line-{k}": [v, ""] for k, v in shown.items()}},
    )
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    with books(app, acme) as s:
        line = s.get(SalesOrder, order.id).lines[0]
        assert (line.quantity, line.unit_price) == (D("2"), D("1234.50"))


def test_a_custom_date_field_reads_german_day_first(app, browser, acme, acme_admin, db_session):
    admin = browser(acme_admin)
    r = admin.post(
        "/custom-fields/add",
        {
            "label": "Since",
            "name": "since",
            "field_type": "date",
            "position": "1",
            "is_active": "y",
        },
    )
    assert r.status_code == 302
    pk = factories.customer(app, acme)
    b = speaking(browser, acme_admin, "de")
    assert b.post(f"/customers/custom-fields/{pk}", {"cf_since": "01.04.2019"}).status_code == 302
    with db_session() as s:
        assert s.scalar(select(CustomFieldValue.value)) == "2019-04-01"  # not 4 January


# --- imports -------------------------------------------------------------------------

SINCE = DataField("since", "Since", "date", entity="customers")


@pytest.mark.parametrize(
    "locale, typed, expected",
    [
        ("de", "03/04/2025", dt.date(2025, 4, 3)),
        ("de", "31.03.25", dt.date(2025, 3, 31)),
        ("fr", "03/04/2025", dt.date(2025, 4, 3)),
        ("es", "3/4/25", dt.date(2025, 4, 3)),
        ("hi", "03/04/2025", dt.date(2025, 4, 3)),
        ("en", "03/04/2025", dt.date(2025, 4, 3)),  # generic English: day first, as before
        (None, "03/04/2025", dt.date(2025, 4, 3)),
        ("en_US", "03/04/2025", dt.date(2025, 3, 4)),  # only a month-first locale reads March 4
        ("de", "2025-04-03", dt.date(2025, 4, 3)),
        ("en_US", "2025-04-03", dt.date(2025, 4, 3)),
    ],
)
def test_an_import_reads_ambiguous_dates_in_the_users_locale(
    app, acme, db_session, locale, typed, expected
):
    with db_session() as s:
        checker = RowChecker(s, acme.id, "customers", {"Email": "email"}, ["Email"], locale=locale)
        assert checker._cell(SINCE, typed, {}) == expected


def test_an_import_refuses_a_date_its_locale_does_not_write(app, acme, db_session):
    with db_session() as s:
        checker = RowChecker(s, acme.id, "customers", {"Email": "email"}, ["Email"], locale="en_US")
        with pytest.raises(FieldInvalid):
            checker._cell(SINCE, "31/03/2025", {})
        german = RowChecker(s, acme.id, "customers", {"Email": "email"}, ["Email"], locale="de")
        with pytest.raises(FieldInvalid):
            german._cell(SINCE, "03/31/2025", {})


def _upload_and_run(b, path):
    with open(path, "rb") as handle:
        response = b.client.post(
            "/import/",
            data={
                "entity": "customers",
                "csrf_token": b.token,
                "file": (io.BytesIO(handle.read()), path.name),
            },
            content_type="multipart/form-data",
        )
    run_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    page = b.get(f"/import/preview/{run_id}").get_data(as_text=True)
    b.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    for _ in range(600):
        status = b.get(f"/import/status/{run_id}").json
        if status["status"] != "running":
            return page, status
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


@pytest.mark.parametrize("language, limit", [("de", D("1500.00")), ("en", D("1.50"))])
def test_a_screen_import_reads_ambiguous_amounts_in_the_users_language(
    app, acme, acme_admin, browser, tmp_path, db_session, language, limit
):
    path = import_files.csv_file(
        tmp_path / "kunden.csv",
        [
            ["Name", "Email", "Credit limit", "Discount"],
            ["Müller", "mueller@x.example", "1.500", "2,5"],
        ],
    )
    page, status = _upload_and_run(speaking(browser, acme_admin, language), path)
    assert (status["status"], status["created"], status["failed"]) == ("done", 1, 0), status
    with db_session() as s:
        assert s.execute(select(Customer.credit_limit, Customer.discount_rate)).one() == (
            limit,
            D("2.50"),
        )


def test_the_import_command_reads_in_the_tenants_default_language(
    app, acme, acme_admin, browser, runner, tmp_path, db_session
):
    response = browser(acme_admin).post("/crm-settings/", {**SETTINGS, "default_locale": "de"})
    assert response.status_code == 302
    path = import_files.csv_file(
        tmp_path / "kunden.csv",
        [["Name", "Email", "Credit limit"], ["Müller", "mueller@x.example", "1,234"]],
    )
    result = runner.invoke(args=["crm", "import", "customers", str(path), "--tenant", acme.name])
    assert result.exit_code == 0, result.output
    with db_session() as s:
        assert s.scalar(select(Customer.credit_limit)) == D("1.23")  # 1,234 is German for 1.234
