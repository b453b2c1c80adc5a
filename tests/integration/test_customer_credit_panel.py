"""The credit panel on a customer's page: balance, credit limit, available credit, the
over-limit warning, credit hold, aging buckets, unallocated credit, total order value and
last order date — in the customer's currency, and masked for users without financials."""

import datetime as dt
import html as html_lib
import re
from decimal import Decimal

from flask_babel import format_date

from crm.extensions import db
from crm.models import Customer
from crm.security.tenancy import tenant_scope
from crm.services.ledger.credit_position import credit_summary
from tests import factories
from tests.factories import MASKED

TODAY = dt.date.today()


def panel(html):
    """{css class: text} of the credit panel's cells, and its aging rows [(label, amount)]."""
    start = html.index('id="credit-panel"')
    body = html[start : html.index("</table>", html.index("crm-aging", start)) + 8]
    cells = {
        m.group(1): html_lib.unescape(m.group(2).strip())
        for m in re.finditer(r'<td class="crm-([\w-]+)">(.*?)</td>', body, re.S)
    }
    aging_part = body[body.index("crm-aging") :]
    aging = [
        (html_lib.unescape(a.strip()), html_lib.unescape(b.strip()))
        for a, b in re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", aging_part, re.S)
    ]
    return cells, aging, body


def _books(app, tenant):
    pk = factories.customer(
        app, tenant, "Panel Partners", currency="GBP", credit_limit=Decimal("2000")
    )
    factories.saved_invoice(app, tenant, pk, "300.00")  # not yet due
    part_paid = factories.saved_invoice(app, tenant, pk, "500.00", days_overdue=10)
    factories.payment(app, tenant, pk, "100.00", allocations={part_paid: "100.00"})
    factories.saved_invoice(app, tenant, pk, "250.00", days_overdue=75)
    factories.saved_invoice(app, tenant, pk, "120.00", days_overdue=200)
    factories.payment(app, tenant, pk, "40.00")  # not allocated
    factories.order(app, tenant, pk, "900.00", order_date=TODAY - dt.timedelta(days=3))
    factories.order(app, tenant, pk, "100.00", order_date=TODAY - dt.timedelta(days=20))
    factories.order(app, tenant, pk, "5000.00", status="quote")  # not placed
    return pk


def test_manager_sees_the_credit_position_in_the_customers_currency(
    app, acme, browser, acme_manager
):
    pk = _books(app, acme)
    cells, aging, _ = panel(
        browser(acme_manager).get(f"/customers/show/{pk}").get_data(as_text=True)
    )
    # invoiced 1,170.00 - paid 140.00 = 1,030.00
    assert cells["balance"] == "£1,030.00"
    assert cells["credit-limit"] == "£2,000.00"
    assert cells["available-credit"] == "£970.00"
    assert cells["unallocated-credit"] == "£40.00"
    assert cells["order-total"] == "£1,000.00"
    with app.test_request_context():
        assert cells["last-order"] == format_date(TODAY - dt.timedelta(days=3))
    assert aging == [
        ("Not yet due", "£300.00"),
        ("1–30 days", "£400.00"),
        ("31–60 days", "£0.00"),
        ("61–90 days", "£250.00"),
        ("Over 90 days", "£120.00"),
        ("Total due", "£1,070.00"),
    ]


def test_over_limit_warning_and_credit_hold_badge(app, acme, browser, acme_manager, acme_member):
    pk = factories.customer(
        app, acme, "Stretched Ltd", currency="EUR", credit_limit=Decimal("100"), credit_hold=True
    )
    factories.saved_invoice(app, acme, pk, "150.00")
    manager = browser(acme_manager).get(f"/customers/show/{pk}").get_data(as_text=True)
    cells, _, body = panel(manager)
    assert cells["available-credit"] == "-€50.00"
    assert "crm-over-limit" in body and "above the credit limit" in body
    assert "Credit hold" in body
    member_body = panel(browser(acme_member).get(f"/customers/show/{pk}").get_data(as_text=True))[2]
    assert "crm-over-limit" not in member_body and "above the credit limit" not in member_body
    assert "Credit hold" in member_body  # a status, not a figure


def test_within_limit_and_without_limit_no_warning(app, acme, browser, acme_manager):
    within = factories.customer(app, acme, "Careful Co", credit_limit=Decimal("1000"))
    factories.saved_invoice(app, acme, within, "1000.00")  # at the limit is not over it
    unlimited = factories.customer(app, acme, "Open Books")
    factories.saved_invoice(app, acme, unlimited, "99999.00")
    b = browser(acme_manager)
    for pk in (within, unlimited):
        cells, _, body = panel(b.get(f"/customers/show/{pk}").get_data(as_text=True))
        assert "crm-over-limit" not in body
    assert cells["credit-limit"] == "No limit" and cells["available-credit"] == "—"


def test_member_sees_the_panel_masked(app, acme, browser, acme_member):
    pk = _books(app, acme)
    cells, aging, body = panel(
        browser(acme_member).get(f"/customers/show/{pk}").get_data(as_text=True)
    )
    for key in ("balance", "credit-limit", "available-credit", "unallocated-credit", "order-total"):
        assert cells[key] == MASKED, key
    assert [amount for _, amount in aging] == [MASKED] * 6
    assert "£" not in body
    with app.test_request_context():
        assert cells["last-order"] == format_date(TODAY - dt.timedelta(days=3))


def test_credit_summary_figures(app, acme):
    pk = _books(app, acme)
    with app.app_context(), tenant_scope(acme.id):
        summary = credit_summary(db.session, db.session.get(Customer, pk))
        db.session.remove()
    assert summary.balance == Decimal("1030.00") and summary.currency == "GBP"
    assert summary.available_credit == Decimal("970.00") and not summary.over_limit
    assert summary.aging["days_1_30"] == Decimal("400.00")
    assert summary.aging["total"] == Decimal("1070.00")
    assert summary.unallocated_credit == Decimal("40.00")
    assert summary.order_total == Decimal("1000.00")
    assert summary.last_order_date == TODAY - dt.timedelta(days=3)
