"""In headless Chromium: a Manager types a tag that does not exist yet into the customer
form, confirms it with Enter, saves, and the customer carries the new tag."""

import pytest

from crm.extensions import db
from crm.models import Customer
from tests import factories
from tests.browser_support import chromium, live_server, signed_in

pytestmark = pytest.mark.browser


def _tags(app, pk):
    with app.app_context():
        names = sorted(t.name for t in db.session.get(Customer, pk).tags)
        db.session.remove()
    return names


def test_a_manager_types_a_new_tag_and_saves_it(app, acme, acme_manager):
    pk = factories.customer(app, acme, "Tagged By Hand Ltd")
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        page.goto(f"{base}/customers/edit/{pk}")
        box = page.locator("select[data-crm-tags] + .select2 .select2-search__field")
        box.click()
        box.type("Trade fair 2027")
        page.keyboard.press("Enter")
        chosen = page.locator("select[data-crm-tags] + .select2 .select2-selection__choice")
        assert "Trade fair 2027" in chosen.all_inner_texts()[0]
        with page.expect_navigation():
            page.locator("#model_form [type=submit]").first.click()
        assert "Tagged By Hand Ltd saved" in page.locator(".alert").all_inner_texts()[0]
    assert _tags(app, pk) == ["Trade fair 2027"]
