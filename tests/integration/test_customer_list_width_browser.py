"""In headless Chromium at 1,400 x 900: the customer list fits the window, its last column
(Health) inside the viewport without scrolling sideways, in English and in German."""

import datetime as dt
from decimal import Decimal

import pytest

from tests import factories
from tests.browser_support import chromium, live_server, signed_in

pytestmark = pytest.mark.browser

# A full row as customers have them: long names and emails, figures in every column.
WIDE_ROWS = [
    ("Kühne Internationale Logistik und Spedition GmbH", "buchhaltung.rechnungseingang", 91),
    ("Northwind Wholesale Distribution Partners Ltd", "accounts.payable.department", 55),
    ("Bengal Jute and Textile Exporters Private Ltd", "finance.controller.office", 12),
]


def _wide_customers(app, acme):
    for name, mailbox, score in WIDE_ROWS:
        factories.customer(
            app,
            acme,
            name,
            email=f"{mailbox}@{name.split()[0].lower()}-example-company.com",
            phone="+49 30 123456789",
            city="Mönchengladbach-Rheydt",
            country="DE",
            balance=Decimal("1234567.89"),
            order_total=Decimal("98765432.10"),
            last_order_date=dt.date(2026, 11, 30),
            health_score=score,
        )


def _right_edges(page):
    return page.evaluate(
        """() => {
          const last = document.querySelector('table.crm-rows thead tr').lastElementChild;
          return {
            header: last.textContent.trim(),
            widths: Array.from(document.querySelector('table.crm-rows thead tr').children)
              .map(c => [c.textContent.trim(), Math.round(c.getBoundingClientRect().width)]),
            right: last.getBoundingClientRect().right,
            viewport: document.documentElement.clientWidth,
            scrollWidth: document.documentElement.scrollWidth,
            // the table's wrapper scrolls sideways rather than the page: it must not need to
            wrapperOverflow: (w => w.scrollWidth - w.clientWidth)(
              document.querySelector('table.crm-rows').parentElement),
            health: Array.from(document.querySelectorAll('table.crm-rows .crm-health'))
              .map(b => b.getBoundingClientRect().right),
          };
        }"""
    )


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_customer_list_fits_a_1400px_window(app, acme, acme_admin, language):
    _wide_customers(app, acme)
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_admin.username)
        page.set_viewport_size({"width": 1400, "height": 900})
        if language == "de":
            page.goto(f"{base}/customers/list/")
            page.evaluate(
                "fetch('/language/de', {method: 'POST', headers: {'Content-Type':"
                " 'application/x-www-form-urlencoded'}, body: 'next=/&csrf_token=' +"
                " encodeURIComponent(document.querySelector('[name=csrf_token]').value)})"
            )
        page.goto(f"{base}/customers/list/")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("table.crm-rows .crm-health").count() == len(WIDE_ROWS)
        edges = _right_edges(page)
    assert edges["right"] <= edges["viewport"], edges
    assert all(right <= edges["viewport"] for right in edges["health"]), edges
    assert edges["scrollWidth"] <= edges["viewport"], edges
    assert edges["wrapperOverflow"] <= 0, edges
