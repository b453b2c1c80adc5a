"""In headless Chromium: the list's Export menu downloads what the list shows."""

import csv
import io

import pytest

from tests import factories
from tests.browser_support import chromium, live_server, signed_in

pytestmark = pytest.mark.browser


def test_the_export_menu_downloads_the_searched_list_as_csv(app, acme, acme_manager, tmp_path):
    factories.customer(app, acme, "Zephyr Ltd")
    factories.customer(app, acme, "Brightwater")
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        page.goto(f"{base}/customers/list/")
        page.fill("input[name=_flt_0_search_text]", "zephyr")
        page.click(".crm-search button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.click(".crm-export .dropdown-toggle")
        link = page.locator(".crm-export a.crm-export-csv")
        assert link.is_visible()
        with page.expect_download() as download:
            link.click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
    assert saved.name.startswith("customers-") and saved.suffix == ".csv"
    rows = list(csv.reader(io.StringIO(saved.read_bytes().decode("utf-8-sig"), newline="")))
    assert [row[0] for row in rows] == ["Name", "Zephyr Ltd"]
