"""In a real browser: picking Deutsch in the navbar's language picker turns the customers
page German (its title and column headers as the German catalogue has them, the picker
showing DE), and after a reload it is still German."""

import pytest

from tests import factories
from tests.browser_support import chromium, live_server, signed_in
from tests.integration.test_localised_pages import LIST_COLUMNS, catalogue

GERMAN = "de"


def customers_page(page):
    """(picker label, list title, column headers) as the page shows them."""
    picker = page.locator("#language-picker-toggle").inner_text().strip()
    title = page.locator(".panel-title").first.inner_text().strip()
    headers = [
        text.strip() for text in page.locator("table thead th").all_inner_texts() if text.strip()
    ]
    return picker, title, headers


@pytest.mark.browser
def test_picking_deutsch_in_the_navbar_shows_the_customers_page_in_german(app, acme, acme_admin):
    factories.customer(app, acme, "Lokalhandel GmbH")
    title = catalogue(GERMAN, "Customers")
    columns = [catalogue(GERMAN, msgid) for msgid in LIST_COLUMNS]
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_admin.username)
        page.goto(f"{base}/customers/list/")
        picker, english_title, _ = customers_page(page)
        assert (picker, english_title) == ("EN", "Customers")

        page.locator("#language-picker-toggle").click()
        deutsch = page.locator('#language-picker button[data-language="de"]')
        deutsch.wait_for(state="visible")
        assert deutsch.inner_text().strip() == "Deutsch"
        with page.expect_navigation():
            deutsch.click()
        page.wait_for_load_state("networkidle")
        assert page.url == f"{base}/customers/list/"
        picked = customers_page(page)

        page.reload()
        page.wait_for_load_state("networkidle")
        reloaded = customers_page(page)

    for picker, shown_title, headers in (picked, reloaded):
        assert picker == "DE"
        assert shown_title == title
        assert headers[-len(columns) :] == columns
        english = [msgid for msgid, german in zip(LIST_COLUMNS, columns) if german != msgid]
        assert english and not set(english) & set(headers)
