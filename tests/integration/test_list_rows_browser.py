"""In headless Chromium: a list row's delete button asks with FAB's confirmation dialog
(one listener for every row, crm.js) and, confirmed, deletes that row's record."""

import pytest

from crm.models import Customer
from tests import factories
from tests.browser_support import chromium, live_server, signed_in
from tests.factories import load


@pytest.mark.browser
def test_a_rows_delete_button_asks_then_deletes_that_record(app, acme, acme_admin):
    keep = factories.customer(app, acme, "Keeper Ltd")
    gone = factories.customer(app, acme, "Goner Ltd")
    errors = []
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_admin.username)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{base}/customers/list/")
        page.click(f'a[data-delete="/customers/delete/{gone}"]')
        modal = page.locator("#modal-confirm")
        modal.wait_for(state="visible")
        question = modal.inner_text()
        with page.expect_navigation():
            page.click("#modal-confirm-ok")
        listed = " ".join(page.locator("table.crm-rows tbody").all_inner_texts())
        said = " ".join(page.locator(".alert").all_inner_texts())
    assert "Are you sure you want to delete this item?" in question
    assert not errors
    assert load(app, Customer, gone) is None
    assert load(app, Customer, keep) is not None
    assert "Keeper Ltd" in listed and "Goner Ltd" not in listed
    assert "Customer Goner Ltd deleted" in said  # back on the list, told what happened
