"""In a real browser: a customer with its primary contact and billing address entered in one
form, landing on its page; a company's page showing its deals and open tasks."""

import pytest

from crm.models import Address, Contact, Customer
from tests import factories
from tests.browser_support import chromium, live_server, signed_in

pytestmark = pytest.mark.browser


def test_enter_a_customer_with_contact_and_billing_address_in_one_form(
    app, acme_manager, db_session
):
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        page.goto(f"{base}/customers/add")
        shipping_city = page.locator("input[name=shipping_city]")
        assert not shipping_city.is_visible()  # until "Different shipping address" is ticked
        page.check("input[name=different_shipping]")
        assert shipping_city.is_visible()
        page.uncheck("input[name=different_shipping]")
        page.fill("input[name=name]", "Browser Kunde GmbH")
        page.fill("input[name=email]", "info@kunde.example")
        page.fill("input[name=contact_first_name]", "Jo")
        page.fill("input[name=contact_last_name]", "Buyer")
        page.fill("input[name=contact_email]", "jo@kunde.example")
        page.fill("input[name=billing_line1]", "Hauptstr. 1")
        page.fill("input[name=billing_postal_code]", "10115")
        page.fill("input[name=billing_city]", "Berlin")
        page.select_option("select[name=billing_country]", "DE")
        page.click("form#model_form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/customers/show/" in page.url
        assert "Customer Browser Kunde GmbH created" in page.locator(".alert-success").inner_text()
    with db_session() as s:
        customer = s.query(Customer).one()
        assert (customer.name, customer.city, customer.country) == (
            "Browser Kunde GmbH",
            "Berlin",
            "DE",
        )
        contact = s.query(Contact).one()
        assert (contact.customer_id, contact.name, contact.is_primary) == (
            customer.id,
            "Jo Buyer",
            True,
        )
        address = s.query(Address).one()
        assert (address.customer_id, address.kind, address.line1) == (
            customer.id,
            "billing",
            "Hauptstr. 1",
        )


def test_see_a_companys_deals_and_open_tasks(app, acme, acme_manager):
    company = factories.company(app, acme, "Umbrella Holding")
    buyer = factories.customer(app, acme, "Umbrella Retail", company_id=company)
    pk = factories.deal(app, acme, "Shop fit-out", customer_id=buyer)
    factories.task(app, acme, "Call the buyer", company_id=company)
    factories.task(app, acme, "Already sent", company_id=company, status="done")
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        page.goto(f"{base}/companies/show/{company}")
        deals = page.locator("table.crm-account-deals")
        assert "Shop fit-out" in deals.inner_text()
        tasks = page.locator("table.crm-account-tasks").inner_text()
        assert "Call the buyer" in tasks and "Already sent" not in tasks
        deals.get_by_role("link", name="Shop fit-out").click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(f"/deals/show/{pk}")
