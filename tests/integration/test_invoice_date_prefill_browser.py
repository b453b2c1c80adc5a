"""In headless Chromium, in German: choosing a customer with payment terms on a stand-alone
invoice fills the due date as the form's date picker writes it (07.12.2026, not the ISO
2026-12-07), and the invoice is saved with that day."""

import datetime as dt

import pytest

from crm.models import Invoice
from tests import factories
from tests.browser_support import chromium, live_server, signed_in

pytestmark = pytest.mark.browser


def _speak_german(page, base):
    page.evaluate(
        "fetch('/language/de', {method: 'POST', headers: {'Content-Type':"
        " 'application/x-www-form-urlencoded'}, body: 'next=/&csrf_token=' +"
        " encodeURIComponent(document.querySelector('[name=csrf_token]').value)})"
    )


def test_german_due_date_from_the_terms_shows_and_saves_as_that_day(app, acme, acme_manager):
    from playwright.sync_api import expect

    factories.buyer(app, acme, "Rheinland Einkauf", days=30)
    due = dt.date.today() + dt.timedelta(days=30)
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        page.goto(f"{base}/invoices/add")
        _speak_german(page, base)
        page.goto(f"{base}/invoices/add")
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.input_value("#due_date") == ""
        picker = page.locator(".crm-date:has(#due_date)")
        assert picker.get_attribute("data-date-format") == "dd.mm.yyyy"
        page.click("select[name=customer] + .select2 .select2-selection")
        page.keyboard.type("Rheinland")
        page.wait_for_selector(".select2-results__option:not(.loading-results)")
        page.click(".select2-results__option")
        expect(page.locator("#due_date")).to_have_value(due.strftime("%d.%m.%Y"))
        issue = page.input_value("#issue_date")
        assert issue in ("", dt.date.today().strftime("%d.%m.%Y"))
        page.fill("input[name=line-description]", "Jutesäcke")
        page.fill("input[name=line-quantity]", "3")
        page.fill("input[name=line-unit_price]", "10")
        page.click("#crm-document-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/invoices/show/" in page.url, page.inner_text(".crm-form-errors, .alert")
        pk = int(page.url.rstrip("/").rsplit("/", 1)[1])
    assert factories.load(app, Invoice, pk).due_date == due
