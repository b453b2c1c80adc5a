"""In headless Chromium: a date typed into a generated form's date picker, in the form its
hint shows, is saved as that day (the picker used to rewrite ``3/20/2027`` as ``9-02-16``
and ``Feb 15, 2027`` as another year's date)."""

import datetime as dt

import pytest

from crm.extensions import db
from crm.models import Task
from tests.browser_support import chromium, live_server, signed_in

pytestmark = pytest.mark.browser


def _due_dates(app, tenant):
    with app.app_context():
        found = [
            t.due_date
            for t in db.session.query(Task)
            .filter_by(tenant_id=tenant.id)
            .execution_options(all_tenants=True)
        ]
        db.session.remove()
    return found


def _type_date(page, text):
    field = page.locator("#due_date")
    field.click()
    field.fill("")
    field.press_sequentially(text)
    page.locator("#title").click()  # leave the field, as a user does
    return field.input_value()


def test_typed_dates_are_kept_as_typed_and_saved_as_that_day(app, acme, acme_manager):
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        page.goto(f"{base}/tasks/add")
        assert page.locator("html").get_attribute("lang") == "en"
        page.fill("#title", "Call back")
        assert _type_date(page, "3/20/2027") == "3/20/2027"
        page.locator("#model_form [type=submit]").first.click()
        page.wait_for_load_state("networkidle")
        assert _due_dates(app, acme) == [dt.date(2027, 3, 20)]

        page.goto(f"{base}/tasks/add")
        page.fill("#title", "Another call")
        assert _type_date(page, "Feb 15, 2027") == "Feb 15, 2027"
        page.locator("#model_form [type=submit]").first.click()
        page.wait_for_load_state("networkidle")
        # Refused beside the field with the accepted form, never read as another day.
        refusal = " ".join(page.locator(".alert-danger").all_inner_texts())
        assert "03/31/2025" in refusal
        assert page.locator("#due_date").input_value() == "Feb 15, 2027"
        assert _due_dates(app, acme) == [dt.date(2027, 3, 20)]

        # German: the picker writes and the form reads 20.03.2027.
        page.goto(f"{base}/tasks/add")
        page.evaluate(
            "fetch('/language/de', {method: 'POST', headers: {'Content-Type':"
            " 'application/x-www-form-urlencoded'}, body: 'next=/&csrf_token=' +"
            " encodeURIComponent(document.querySelector('[name=csrf_token]').value)})"
        )
        page.goto(f"{base}/tasks/add")
        assert page.locator("html").get_attribute("lang") == "de"
        page.fill("#title", "Rückruf")
        assert _type_date(page, "21.03.2027") == "21.03.2027"
        page.locator("#model_form [type=submit]").first.click()
        page.wait_for_load_state("networkidle")
        assert sorted(_due_dates(app, acme)) == [dt.date(2027, 3, 20), dt.date(2027, 3, 21)]
