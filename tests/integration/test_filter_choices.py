"""A list's relation filters load their choices when added, not with every list render;
an applied one still shows its value, and filtering by it works as before."""

import re

import pytest

from tests import factories
from tests.browser_support import chromium, live_server, signed_in


def _filter_fields(html):
    """The search widget's rendered fields, as FAB hands them to its filter script."""
    match = re.search(r"new AdminFilters\((.*?)\);", html, re.S)
    assert match, "no search widget on the page"
    return match.group(1)


@pytest.fixture
def groups(app, acme, globex):
    own = factories.group(app, acme, "Wholesale partners", code="WHL")
    factories.group(app, globex, "Globex secret group", code="GSG")
    factories.customer(app, acme, "Grouped Trader", customer_group_id=own)
    factories.customer(app, acme, "Ungrouped Trader")
    return own


def test_the_list_renders_relation_filters_without_their_choices(browser, acme_member, groups):
    html = browser(acme_member).get("/customers/list/").get_data(as_text=True)
    fields = _filter_fields(html)
    assert "/customers/filter_choices/customer_group" in fields
    assert "Wholesale partners" not in fields


def test_filter_choices_lists_the_tenants_rows_only(browser, acme_member, groups):
    r = browser(acme_member).get("/customers/filter_choices/customer_group")
    assert r.status_code == 200
    assert {"id": str(groups), "text": "Wholesale partners"} in r.json
    assert "Globex secret group" not in r.get_data(as_text=True)


def test_filter_choices_of_a_column_that_is_no_relation_filter_is_404(browser, acme_member):
    b = browser(acme_member)
    assert b.get("/customers/filter_choices/name").status_code == 404
    assert b.get("/customers/filter_choices/no_such_column").status_code == 404


def test_filter_choices_needs_a_signed_in_user(app, groups):
    r = app.test_client().get("/customers/filter_choices/customer_group")
    assert r.status_code == 302 and "/login/" in r.headers["Location"]


def test_an_applied_relation_filter_shows_its_value_and_filters(browser, acme_member, groups):
    html = (
        browser(acme_member)
        .get(f"/customers/list/?_flt_0_customer_group={groups}")
        .get_data(as_text=True)
    )
    assert "Grouped Trader" in html and "Ungrouped Trader" not in html
    fields = _filter_fields(html)
    assert "Wholesale partners" in fields
    assert "filter_choices/customer_group" not in fields


def _nonces(html):
    return set(re.findall(r'<script nonce="([^"]+)"', html))


def test_a_kept_widget_carries_each_pages_own_nonce_language_and_filters(
    app, browser, acme_member, groups
):
    """The widget is rendered once per list, language, columns and filter values: a
    second page gets the same fields with its own script nonce."""
    member = browser(acme_member)
    first = member.get("/customers/list/").get_data(as_text=True)
    second = member.get("/customers/list/").get_data(as_text=True)
    assert _filter_fields(first) == _filter_fields(second)
    (nonce,) = _nonces(second)
    assert nonce not in _nonces(first)
    assert (
        f'<script nonce="{nonce}">\n\t(function($) {{\n        const filter = new AdminFilters'
        in second
    )
    typed = member.get("/customers/list/?_flt_0_country=DE").get_data(as_text=True)
    assert '["country", "Starts with", ["DE"]]' in _filter_fields(typed)
    assert '"DE"' not in _filter_fields(second)
    german = member.get("/customers/list/", headers={"Accept-Language": "de"}).get_data(
        as_text=True
    )
    assert _filter_fields(german) != _filter_fields(second)


@pytest.mark.browser
def test_adding_a_relation_filter_in_the_browser_loads_its_choices_and_filters(
    app, acme_member, groups
):
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_member.username)
        page.goto(f"{base}/customers/list/")
        page.click('a[href="#accordion1_href"]')  # the collapsed "Search" panel
        page.click("#filter_form .dropdown-toggle")
        page.click('#filter_form a.filter[name="customer_group"]')
        select = page.locator('#filter_form select[name^="_flt_"][id="customer_group"]')
        option = select.locator(f'option[value="{groups}"]')
        option.wait_for(state="attached")
        assert option.inner_text() == "Wholesale partners"
        select.select_option(str(groups))
        with page.expect_navigation():
            page.click("#filter_form button[type=submit]")
        text = page.locator("body").inner_text()
    assert "Grouped Trader" in text and "Ungrouped Trader" not in text
