"""In headless Chromium: a GSTIN and a PAN added to one customer from its page, then a
stand-alone invoice whose due date, billing address and tax number fill in as soon as
the customer is chosen."""

import datetime as dt

import pytest

from crm.models import Invoice
from tests import factories
from tests.browser_support import chromium, live_server, signed_in

pytestmark = pytest.mark.browser

GSTIN = "27AAPFU0939F1ZV"
PAN = "AAPFU0939F"


def _add_registration(page, base, customer, regime, number):
    page.goto(f"{base}/customers/show/{customer}")
    page.click("[data-tab-group=money]")
    page.click("a[href='#TaxRegistrationView']")
    page.click("#TaxRegistrationView a[href*='/tax-registrations/add']")
    page.wait_for_selector("select[name=regime]", state="attached")
    page.select_option("select[name=regime]", regime, force=True)
    page.fill("input[name=number]", number)
    page.click("form:not(.navbar-language-form) button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_registrations_then_a_prefilled_stand_alone_invoice(app, acme, acme_manager):
    from playwright.sync_api import expect

    customer = factories.buyer(app, acme, "Bengal Browser Buyers", days=14)
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        _add_registration(page, base, customer, "GSTIN", GSTIN)
        _add_registration(page, base, customer, "PAN", PAN)
        page.goto(f"{base}/customers/show/{customer}")
        page.click("[data-tab-group=money]")
        page.click("a[href='#TaxRegistrationView']")
        tab = page.locator("#TaxRegistrationView")
        tab.get_by_text(PAN, exact=True).wait_for()
        assert GSTIN in tab.inner_text()

        page.goto(f"{base}/invoices/add")
        assert page.input_value("#due_date") == "" and page.input_value("#billing_address") == ""
        page.click("select[name=customer] + .select2 .select2-selection")
        page.keyboard.type("Bengal")
        page.wait_for_selector(".select2-results__option:not(.loading-results)")
        page.click(".select2-results__option")
        due = dt.date.today() + dt.timedelta(days=14)
        expect(page.locator("#due_date")).to_have_value(due.strftime("%m/%d/%Y"))
        assert "Berlin" in page.input_value("#billing_address")
        assert page.input_value("#tax_number") == GSTIN
        page.fill("input[name=line-description]", "Jute sacks")
        page.fill("input[name=line-quantity]", "3")
        page.fill("input[name=line-unit_price]", "10")
        page.click("#crm-document-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/invoices/show/" in page.url
        shown = page.inner_text("body")
        assert "Berlin" in shown and GSTIN in shown
        pk = int(page.url.rstrip("/").rsplit("/", 1)[1])
    invoice = factories.load(app, Invoice, pk)
    assert invoice.due_date == due and invoice.tax_number == GSTIN
