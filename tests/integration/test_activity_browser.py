"""In a real browser: logging an interaction from a customer's tab with the deal picker
offering only that customer's deals, and finishing an overdue task from My tasks
(in place, the button turning into its undo)."""

import datetime as dt

import pytest

from crm.models import Interaction, Task
from tests import factories
from tests.browser_support import chromium, live_server, signed_in
from tests.factories import deal, load, task

pytestmark = pytest.mark.browser


def test_log_an_interaction_from_the_customer_tab(app, acme, acme_manager, db_session):
    customer = factories.customer(app, acme, "Browser Buyer")
    other = factories.customer(app, acme, "Someone Else")
    mine = deal(app, acme, "Browser renewal", customer_id=customer)
    deal(app, acme, "Not this one", customer_id=other)
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        page.goto(f"{base}/customers/show/{customer}")
        page.click("[data-tab-group=activity]")
        page.click("a[href='#InteractionView']")
        page.click("#InteractionView a.crm-log-interaction")
        page.wait_for_selector("select[name=deal]", state="attached")
        assert f"_flt_0_customer={customer}" in page.url
        page.click("select[name=deal] + .select2 .select2-selection")
        page.wait_for_selector(".select2-results__option:not(.loading-results)")
        offered = page.locator(".select2-results__option").all_inner_texts()
        assert offered == ["Browser renewal · Browser Buyer"]
        page.click(".select2-results__option")
        page.fill("textarea[name=summary]", "Agreed the renewal terms")
        page.click("form:not(.navbar-language-form) button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/customers/show/" in page.url
    with db_session() as s:
        (saved,) = s.query(Interaction).all()
        assert (saved.customer_id, saved.deal_id, saved.summary) == (
            customer,
            mine,
            "Agreed the renewal terms",
        )


def test_finish_an_overdue_task_from_my_tasks(app, acme, acme_manager):
    yesterday = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)
    pk = task(app, acme, "Chase the signature", assignee_id=acme_manager.id, due_date=yesterday)
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        page.goto(f"{base}/my-tasks/")
        row = page.locator(f"tr[data-task='{pk}']")
        assert row.get_attribute("class") == "crm-overdue"
        assert row.evaluate("r => getComputedStyle(r).color") == "rgb(192, 57, 43)"
        with page.expect_response(lambda r: r.url.endswith(f"/api/v1/task/{pk}/done")) as done:
            row.locator("button[title='Mark done']").click()
        assert done.value.status == 200
        # Done in place, its button now the undo; the next visit lists open tasks only.
        row.locator("button[title='Reopen']").wait_for()
        assert "crm-task-finished" in row.get_attribute("class")
        page.reload()
        assert page.locator(f"tr[data-task='{pk}']").count() == 0
    assert load(app, Task, pk).status == "done"
