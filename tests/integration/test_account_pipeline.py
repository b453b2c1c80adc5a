"""The account's pipeline on the account: a company's page lists its deals and open tasks
(its own and its customers'); a customer's page has a Deals tab; the tabs' tables do not
repeat the customer."""

import datetime as dt
import re
from decimal import Decimal

from tests import factories

CLOSE = dt.date(2027, 3, 31)


def _section(html, anchor):
    """The table that follows the heading ``anchor`` on the company's page."""
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</table>", start)] if "<table" in html[start:] else ""


def _headers(html):
    return [
        re.sub(r"<[^>]+>|\s+", " ", h).strip()
        for h in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)
    ]


def test_the_company_page_lists_its_deals_and_its_customers_deals(app, acme, acme_admin, browser):
    company = factories.company(app, acme, "Umbrella Holding")
    buyer = factories.customer(app, acme, "Umbrella Retail", company_id=company, currency="USD")
    own = factories.deal(
        app,
        acme,
        "Group licence",
        company_id=company,
        value=Decimal("12500"),
        expected_close_date=CLOSE,
        assigned_to_id=acme_admin.id,
    )
    through_customer = factories.deal(
        app, acme, "Shop fit-out", customer_id=buyer, value=Decimal("900")
    )
    factories.deal(app, acme, "Somebody else's deal", customer_id=factories.customer(app, acme))
    html = browser(acme_admin).get(f"/companies/show/{company}").get_data(as_text=True)
    deals = _section(html, "account-deals")
    assert (
        f'href="/deals/show/{own}"' in deals and f'href="/deals/show/{through_customer}"' in deals
    )
    assert "Somebody else" not in deals
    assert "€12,500.00" in deals and "$900.00" in deals  # each in its currency
    assert "Mar 31, 2027" in deals
    assert "Admin Acme" in deals  # the owner (make_user: first name the role, last the tenant)


def test_the_company_page_lists_open_tasks_only(app, acme, acme_admin, browser):
    company = factories.company(app, acme, "Umbrella Holding")
    factories.task(app, acme, "Call the buyer", company_id=company, due_date=CLOSE)
    factories.task(app, acme, "Already sent", company_id=company, status="done")
    factories.task(app, acme, "Not this company's task")
    html = browser(acme_admin).get(f"/companies/show/{company}").get_data(as_text=True)
    tasks = _section(html, "account-tasks")
    assert "Call the buyer" in tasks
    assert "Already sent" not in tasks and "Not this company" not in tasks


def test_a_company_without_deals_or_tasks_says_so(app, acme, acme_admin, browser):
    company = factories.company(app, acme, "Quiet Holding")
    html = browser(acme_admin).get(f"/companies/show/{company}").get_data(as_text=True)
    assert "No deals yet." in html and "No open tasks." in html


def test_another_tenants_deals_never_show_on_a_company_page(app, acme, globex, acme_admin, browser):
    company = factories.company(app, acme, "Umbrella Holding")
    theirs = factories.customer(app, globex, "Globex Buyer")
    factories.deal(app, globex, "Globex secret deal", customer_id=theirs)
    html = browser(acme_admin).get(f"/companies/show/{company}").get_data(as_text=True)
    assert "Globex secret deal" not in html


def test_the_customer_page_has_a_deals_tab_with_the_customers_deals(app, acme, acme_admin, browser):
    pk = factories.customer(app, acme, "Umbrella Retail")
    factories.deal(app, acme, "Shop fit-out", customer_id=pk, value=Decimal("900"))
    factories.deal(app, acme, "Other customer's deal", customer_id=factories.customer(app, acme))
    b = browser(acme_admin)
    tabs = factories.tab_urls(b.get(f"/customers/show/{pk}").get_data(as_text=True))
    assert f"/customers/tab/{pk}/DealView" in tabs
    tab = b.get(f"/customers/tab/{pk}/DealView").get_data(as_text=True)
    assert "Shop fit-out" in tab and "Other customer" not in tab
    assert "Customer" not in _headers(tab)
    assert "Stage" in _headers(tab)


def test_no_tab_repeats_the_customer_column(app, acme, acme_admin, browser):
    pk = factories.customer(app, acme, "Umbrella Retail")
    factories.contact(app, acme, pk)
    factories.task(app, acme, "Call the buyer", customer_id=pk)
    b = browser(acme_admin)
    for name in ("ContactView", "AddressView", "TaskView", "InteractionView", "InvoiceView"):
        headers = _headers(b.get(f"/customers/tab/{pk}/{name}").get_data(as_text=True))
        assert "Customer" not in headers, name
