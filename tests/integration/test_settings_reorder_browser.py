"""In headless Chromium: dragging settings rows by their handle saves the new order."""

import pytest

from crm.models import LeadStatus
from tests import pipeline_settings_support as support
from tests.browser_support import chromium, live_server, signed_in

pytestmark = pytest.mark.browser


def _names(page):
    return page.locator("tbody.crm-sortable tr td:nth-child(3)").all_inner_texts()


def test_dragging_a_status_row_saves_the_board_order(app, acme, acme_admin):
    ids = support.ids(app, acme, LeadStatus)
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_admin.username)
        page.goto(f"{base}/lead-statuses/list/")
        handle = page.locator(f'tr[data-id="{ids["Lost"]}"] .crm-drag')
        target = page.locator(f'tr[data-id="{ids["New"]}"]')
        with page.expect_response(lambda r: r.url.endswith("/lead-statuses/reorder")) as saved:
            handle.drag_to(target, target_position={"x": 40, "y": 3})
        assert saved.value.status == 200
        page.locator(".crm-reorder-alert.alert-success").wait_for()
        page.reload()
        assert [n.strip() for n in _names(page)] == [
            "Lost",
            "New",
            "Contacted",
            "Qualified",
            "Converted",
        ]
    assert [n for (n,) in support.rows(app, acme, LeadStatus, "name")] == [
        "Lost",
        "New",
        "Contacted",
        "Qualified",
        "Converted",
    ]


def test_a_refused_order_puts_the_rows_back_and_says_why(app, acme, acme_admin, api):
    """A status added elsewhere while the page is open: the page's order misses it."""
    ids = support.ids(app, acme, LeadStatus)
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_admin.username)
        page.goto(f"{base}/lead-statuses/list/")
        assert api(acme_admin).post("/api/v1/lead_status/", json={"name": "Hot"}).status_code == 201
        with page.expect_response(lambda r: r.url.endswith("/lead-statuses/reorder")) as saved:
            page.locator(f'tr[data-id="{ids["Lost"]}"] .crm-drag').drag_to(
                page.locator(f'tr[data-id="{ids["New"]}"]'), target_position={"x": 40, "y": 3}
            )
        assert saved.value.status == 422
        alert = page.locator(".crm-reorder-alert.alert-danger")
        alert.wait_for()
        assert "reload the page" in alert.inner_text()
        assert [n.strip() for n in _names(page)] == [
            "New",
            "Contacted",
            "Qualified",
            "Converted",
            "Lost",
        ]
    assert [n for (n,) in support.rows(app, acme, LeadStatus, "name")] == [
        "New",
        "Contacted",
        "Qualified",
        "Converted",
        "Lost",
        "Hot",
    ]
