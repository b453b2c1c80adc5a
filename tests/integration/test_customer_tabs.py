"""A customer's page draws its header and Details tab; the other tabs are fragments fetched
when shown, each scoped to the tenant and masked like the page."""

import datetime as dt

import pytest

from crm.extensions import db
from crm.models import Note
from crm.security.tenancy import tenant_scope
from crm.services.pipeline import interactions
from tests import factories
from tests.browser_support import chromium, live_server, signed_in
from tests.conftest import make_user
from tests.integration.test_masking_walk import IBAN, leaks, masked_books as masked_books
from tests.integration.test_query_counts import counted

HISTORY = 500


def with_history(app, tenant, customer_id, n):
    """``n`` interactions and ``n`` notes of the customer, in one transaction."""
    with app.app_context(), tenant_scope(tenant.id):
        now = dt.datetime.now(dt.timezone.utc)
        for i in range(n):
            interactions.log_interaction(
                db.session, customer_id, f"Call {i}", occurred_at=now - dt.timedelta(hours=i)
            )
            db.session.add(Note(tenant_id=tenant.id, customer_id=customer_id, body=f"Note {i}"))
        db.session.commit()
        db.session.remove()


def statements_of_page(app, client, url):
    client.get(url)
    with counted(app) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return statements, response.get_data(as_text=True)


def test_the_customer_page_runs_as_many_statements_with_500_interactions_and_notes_as_with_none(
    app, acme, acme_admin, browser
):
    quiet = factories.customer(app, acme, "Quiet GmbH")
    busy = factories.customer(app, acme, "Busy GmbH")
    with_history(app, acme, busy, HISTORY)
    b = browser(acme_admin)
    quiet_statements, _ = statements_of_page(app, b, f"/customers/show/{quiet}")
    busy_statements, html = statements_of_page(app, b, f"/customers/show/{busy}")
    assert len(busy_statements) == len(quiet_statements)
    assert "Call 1" not in html and "Note 1" not in html  # in their tabs, fetched when shown
    tabs = factories.tab_urls(html)
    assert f"/customers/tab/{busy}/InteractionView" in tabs
    assert f"/customers/tab/{busy}/NoteView" in tabs
    assert f"/customers/tab/{busy}/Timeline" in tabs


def test_each_tab_lists_the_customers_own_rows_a_page_at_a_time(app, acme, acme_admin, browser):
    pk = factories.customer(app, acme, "Busy GmbH")
    other = factories.customer(app, acme, "Other GmbH")
    with_history(app, acme, pk, 30)
    factories.interaction(app, acme, other, "Not this customer's call")
    b = browser(acme_admin)
    first = b.get(f"/customers/tab/{pk}/InteractionView").get_data(as_text=True)
    assert "Call 0" in first and "Call 29" not in first
    assert "Not this customer" not in first
    second = b.get(f"/customers/tab/{pk}/InteractionView?page_InteractionView=1")
    assert "Call 29" in second.get_data(as_text=True)
    notes = b.get(f"/customers/tab/{pk}/NoteView").get_data(as_text=True)
    assert notes.count("Note ") == 25 and "Call 0" not in notes  # a page of the 30
    timeline = b.get(f"/customers/tab/{pk}/Timeline")
    assert timeline.status_code == 200 and "crm-timeline" in timeline.get_data(as_text=True)


def test_the_documents_tab_offers_the_upload_form_to_who_may_add(
    app, acme, acme_admin, acme_member, browser
):
    pk = factories.customer(app, acme)
    url = f"/customers/tab/{pk}/DocumentView"
    assert f"/documents/upload/{pk}" in browser(acme_admin).get(url).get_data(as_text=True)
    assert f"/documents/upload/{pk}" not in browser(acme_member).get(url).get_data(as_text=True)


def test_a_tab_of_another_tenants_customer_answers_404(app, acme, globex, acme_admin, browser):
    theirs = factories.customer(app, globex, "Globex Buyer")
    factories.interaction(app, globex, theirs, "Globex secret call")
    ours = factories.customer(app, acme)
    b = browser(acme_admin)
    for tab in factories.tab_urls(b.get(f"/customers/show/{ours}").get_data(as_text=True)):
        response = b.get(tab.replace(f"/{ours}/", f"/{theirs}/"))
        assert response.status_code == 404, tab
        assert "Globex secret call" not in response.get_data(as_text=True)


def test_an_unknown_tab_answers_404(app, acme, acme_admin, browser):
    pk = factories.customer(app, acme)
    assert browser(acme_admin).get(f"/customers/tab/{pk}/AuditView").status_code == 404


def test_a_tab_needs_the_right_to_read_customers(app, acme, acme_admin):
    pk = factories.customer(app, acme)
    response = app.test_client().get(f"/customers/tab/{pk}/InteractionView")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["Admin", "Member"])
def test_tabs_mask_figures_for_a_member_as_the_page_did(
    app,
    acme,
    browser,
    masked_books,
    role,  # noqa: F811 (the fixture imported above)
):
    user = make_user(app, acme, role, f"tab-{role.lower()}")
    html = factories.with_tabs(browser(user), f"/customers/show/{masked_books['Customer']}")
    found = set(leaks(html))
    if role == "Admin":
        assert {"IBAN", "invoice", "payment", "credit note", "order", "balance"} <= found
    else:
        assert found == set() and IBAN not in html


@pytest.mark.browser
def test_a_tab_loads_when_shown_and_its_pager_stays_on_the_customer_page(app, acme, acme_admin):
    pk = factories.customer(app, acme, "Busy GmbH")
    with_history(app, acme, pk, 30)
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_admin.username)
        page.evaluate("() => localStorage.clear()")
        page.goto(f"{base}/customers/show/{pk}")
        page.click("[data-tab-group=activity]")
        page.click('a[href="#InteractionView"]')
        page.locator("#InteractionView table").wait_for()
        first = page.inner_text("#InteractionView")
        pager = page.locator('#InteractionView a[href*="page_InteractionView=1"]').first
        href = pager.get_attribute("href")
        pager.click()
        page.wait_for_load_state("networkidle")
        page.locator("#InteractionView table").wait_for()
        second = page.inner_text("#InteractionView")
    assert "Call 0" in first and "Call 29" not in first
    assert href.startswith(f"/customers/show/{pk}?")
    assert "Call 29" in second
