"""In a real browser, under the CSP: a call logged from a deal card in exactly two clicks,
a meeting from a customers list row (saved with Enter), the modal's field message for an
empty summary, and a task marked done from the task list and undone with the next click."""

import pytest

from crm.models import Interaction, Task
from tests import factories
from tests.browser_support import chromium, live_server, signed_in
from tests.factories import load

pytestmark = pytest.mark.browser

COUNT_CLICKS = """window.__clicks = 0;
document.addEventListener('click', function () { window.__clicks += 1; }, true);"""
REPORT_VIOLATIONS = """document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations = (window.__violations || []).concat([e.violatedDirective]);
});"""


def watched(page):
    """The page's console errors and uncaught exceptions, collected as it runs."""
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(COUNT_CLICKS)
    page.add_init_script(REPORT_VIOLATIONS)
    return errors


def typing_in_summary(page):
    """Wait for the modal to put the cursor in the summary."""
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id",
        arg="crm-quick-log-summary",
    )


def interactions_of(db_session):
    with db_session() as s:
        return [
            (i.kind, i.summary, i.customer_id, i.deal_id, i.lead_id)
            for i in s.query(Interaction).order_by(Interaction.id)
        ]


def test_log_a_call_from_a_deal_card_in_two_clicks(app, acme, acme_manager, db_session):
    customer = factories.customer(app, acme, "Card Buyer Ltd")
    deal = factories.deal(app, acme, "Card deal", customer_id=customer)
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        errors = watched(page)
        page.goto(f"{base}/deal-board/")
        card = page.locator(f'.crm-card[data-card-id="{deal}"]')
        card.wait_for()
        card.locator('button[data-quick-log="call"]').click()  # click 1
        typing_in_summary(page)
        page.keyboard.type("Agreed the delivery date")
        with page.expect_response(
            lambda r: r.url.endswith("/api/v1/interaction/") and r.request.method == "POST"
        ) as saved:
            page.locator(".crm-quick-log-save").click()  # click 2
        assert saved.value.status == 201, saved.value.text()
        page.locator(".crm-toast").wait_for()
        toast = page.locator(".crm-toast").inner_text()
        hint = card.locator(".crm-card-logged").inner_text()
        clicks = page.evaluate("window.__clicks")
        violations = page.evaluate("window.__violations || []")
    assert clicks == 2
    assert toast == "Call logged for Card deal."
    assert hint == "Call logged just now"
    assert (errors, violations) == ([], [])
    assert interactions_of(db_session) == [
        ("call", "Agreed the delivery date", customer, deal, None)
    ]


def test_log_a_meeting_from_a_customers_list_row_with_enter(app, acme, acme_manager, db_session):
    customer = factories.customer(app, acme, "Row Buyer Ltd")
    contact = factories.contact(app, acme, customer, "Rowena Contact")
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        errors = watched(page)
        page.goto(f"{base}/customers/list/")
        page.locator(f'button[data-quick-log="meeting"][data-customer="{customer}"]').click()
        typing_in_summary(page)
        title = page.locator(".crm-quick-log-record").inner_text()
        page.locator("#crm-quick-log [data-field=contact]").wait_for()  # the customer's contacts
        page.select_option("#crm-quick-log-contact", label="Rowena Contact")
        page.fill("#crm-quick-log-follow-up", "Send the minutes")
        page.focus("#crm-quick-log-summary")
        page.keyboard.type("Quarterly review")
        with page.expect_response(lambda r: r.url.endswith("/api/v1/interaction/")) as saved:
            page.keyboard.press("Enter")
        assert saved.value.status == 201, saved.value.text()
        page.locator(".crm-toast").wait_for()
        page.locator("#crm-quick-log").wait_for(state="hidden")
    assert title == "Row Buyer Ltd"
    assert errors == []
    assert interactions_of(db_session) == [("meeting", "Quarterly review", customer, None, None)]
    with db_session() as s:
        (saved,) = s.query(Interaction).all()
        assert (saved.contact_id, saved.follow_up) == (contact, "Send the minutes")


def test_an_empty_summary_is_named_under_its_field_in_the_modal(
    app, acme, acme_manager, db_session
):
    lead = factories.lead(app, acme, "Silent lead")
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        page.goto(f"{base}/leads/show/{lead}")
        page.locator(f'button[data-quick-log="note"][data-lead="{lead}"]').click()
        typing_in_summary(page)
        with page.expect_response(lambda r: r.url.endswith("/api/v1/interaction/")) as refused:
            page.locator(".crm-quick-log-save").click()
        assert refused.value.status == 422
        message = page.locator("[data-field=summary] .crm-field-error")
        message.wait_for()
        text = message.inner_text()
        still_open = page.locator("#crm-quick-log").is_visible()
        # Corrected, it is saved and the lead page lists it.
        page.fill("#crm-quick-log-summary", "Left a voicemail")
        page.locator(".crm-quick-log-save").click()
        page.locator("table[data-quick-log-rows] td", has_text="Left a voicemail").wait_for()
        count = page.locator("[data-quick-log-count]").inner_text()
    assert text == "Write a summary of what was said or done."
    assert still_open
    assert count == "1"
    assert interactions_of(db_session) == [("note", "Left a voicemail", None, None, lead)]


def test_mark_a_task_done_from_the_task_list_and_undo_it(app, acme, acme_manager):
    pk = factories.task(app, acme, "Book the demo", assignee_id=acme_manager.id)
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        errors = watched(page)
        page.goto(f"{base}/tasks/list/")
        form = page.locator(f'form.crm-task-action[data-done-api="/api/v1/task/{pk}/done"]')
        with page.expect_response(lambda r: r.url.endswith(f"/api/v1/task/{pk}/done")) as done:
            form.locator("button").click()
        assert done.value.status == 200
        form.locator("button[title='Reopen']").wait_for()
        done_status = load(app, Task, pk).status
        with page.expect_response(lambda r: r.url.endswith(f"/api/v1/task/{pk}/reopen")) as undo:
            form.locator("button").click()
        assert undo.value.status == 200
        form.locator("button[title='Mark done']").wait_for()
        still_on_list = page.url.endswith("/tasks/list/")
    assert done_status == "done"
    assert load(app, Task, pk).status == "open"
    assert still_on_list
    assert errors == []
