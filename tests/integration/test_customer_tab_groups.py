"""A customer's page groups its tabs: Overview, People and places, Sales, Money, Documents,
Activity (``TAB_GROUPS``)."""

import re

import pytest

from crm.views.customers.customer_tabs import OWN_TAB_LABELS, TAB_GROUPS
from tests import factories
from tests.browser_support import chromium, live_server, signed_in


def test_every_tab_of_the_customer_page_is_in_exactly_one_group(app):
    grouped = [tab for _, _, tabs in TAB_GROUPS for tab in tabs]
    view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == "CustomerView")
    on_the_page = {type(v).__name__ for v in view._related_views} | set(OWN_TAB_LABELS)
    assert len(grouped) == len(set(grouped))
    assert set(grouped) == on_the_page


def test_the_page_shows_the_groups_with_their_tabs(app, acme, acme_admin, browser):
    pk = factories.customer(app, acme, "Grouped GmbH")
    html = browser(acme_admin).get(f"/customers/show/{pk}").get_data(as_text=True)
    groups = re.findall(r'data-tab-group="(\w+)"', html)
    assert groups == ["overview", "people", "sales", "money", "documents", "activity"]
    sales = html[html.index('data-tab-group="sales"') : html.index('data-tab-group="money"')]
    assert 'href="#DealView"' in sales and 'href="#InvoiceView"' not in sales


@pytest.mark.browser
def test_a_tab_opens_from_its_group(app, acme, acme_admin):
    pk = factories.customer(app, acme, "Grouped GmbH")
    factories.deal(app, acme, "Grouped deal", customer_id=pk)
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_admin.username)
        page.evaluate("() => localStorage.clear()")
        page.goto(f"{base}/customers/show/{pk}")
        assert page.locator("#Home").is_visible()
        page.click("[data-tab-group=sales]")
        page.click('a[href="#DealView"]')
        page.locator("#DealView table").wait_for()
        assert "Grouped deal" in page.inner_text("#DealView")
        assert not page.locator("#Home").is_visible()
