"""In headless Chromium, under the CSP: the customer search narrows the rows as the user
types (no Enter, no page load), and a view is saved from the Views menu and picked again."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser_support import chromium, live_server, signed_in

pytestmark = pytest.mark.browser


def _names(page):
    return page.locator("table.crm-rows tbody tr td:not(.crm-crud) a").all_inner_texts()


def test_search_as_you_type_then_save_and_pick_a_view(app, acme, acme_manager):
    for name in ("Zephyr Trading", "Zenith Supplies", "Brightwater Ltd"):
        factories.customer(app, acme, name)
    errors = []
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{base}/customers/list/")
        assert set(_names(page)) == {"Zephyr Trading", "Zenith Supplies", "Brightwater Ltd"}
        page.evaluate("window.crmSamePage = true")  # gone if the page were loaded again
        page.locator("input[name=_flt_0_search_text]").press_sequentially("zeph", delay=40)
        expect(page.locator("table.crm-rows tbody tr")).to_have_count(1)
        assert _names(page) == ["Zephyr Trading"]
        assert page.evaluate("window.crmSamePage") is True
        assert "_flt_0_search_text=zeph" in page.url
        assert page.evaluate("document.activeElement.name") == "_flt_0_search_text"

        # Only the Name column, then save the view from the Views menu.
        page.click(".crm-column-chooser summary")
        for box in page.locator(".crm-column-chooser input[type=checkbox]").all():
            if box.get_attribute("value") != "name":
                box.uncheck()
        page.click(".crm-columns-apply")
        page.wait_for_load_state("networkidle")
        assert page.locator("table.crm-rows thead th").all_inner_texts()[-1].strip() == "Name"
        page.click(".crm-views-menu .dropdown-toggle")
        page.click(".crm-save-view-open")
        page.fill("#crm-view-name", "Zephyr only")
        page.click("button.crm-save-view")
        page.wait_for_load_state("networkidle")
        assert "View: Zephyr only" in page.inner_text(".crm-views-menu .dropdown-toggle")

        # Back to the plain list, then pick the view from the menu.
        page.goto(f"{base}/customers/list/")
        assert len(_names(page)) == 3
        page.click(".crm-views-menu .dropdown-toggle")
        page.click(".crm-views-menu a.crm-saved-view:has-text('Zephyr only')")
        page.wait_for_load_state("networkidle")
        assert _names(page) == ["Zephyr Trading"]
        assert re.search(r"_view=\d+", page.url)
        headers = [h.strip() for h in page.locator("table.crm-rows thead th").all_inner_texts()]
        assert [h for h in headers if h] == ["Name"]
    assert errors == []
