"""In headless Chromium with no network beyond localhost: the dashboard's charts draw
(every canvas has painted pixels) from the vendored Chart.js, and a screenshot is kept
under tests/artifacts/."""

import datetime as dt
import pathlib
from decimal import Decimal

import pytest

from tests import factories
from tests.browser_support import chromium, live_server
from tests.conftest import PASSWORD
from tests.factories import books, invoice
from tests.integration.test_dashboard import add_deal

ARTIFACTS = pathlib.Path(__file__).resolve().parents[1] / "artifacts"
CHARTS = (
    "deals_by_month",
    "leads_by_source",
    "tasks_by_status",
    "open_deals",
    "customers_by_health",
    "receivables",
)

# For each canvas: how many pixels are not fully transparent.
PAINTED = """() => Array.from(document.querySelectorAll('canvas[data-chart]')).map(c => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) painted++; }
  return [c.dataset.chart, c.width, c.height, painted];
})"""


@pytest.mark.browser
def test_the_dashboard_draws_every_chart_offline(app, acme, acme_admin):
    customer = factories.customer(app, acme, "Chart Buyer")
    factories.lead(app, acme, "Chart lead")
    with books(app, acme) as s:
        from crm.models import Task

        for title, stage, value in (
            ("Open one", "Proposal", "100"),
            ("Won one", "Won", "250"),
            ("Lost one", "Lost", "50"),
        ):
            add_deal(s, acme, title, stage, Decimal(value))
        s.add(
            Task(
                tenant_id=acme.id,
                title="Chart task",
                status="open",
                due_date=dt.date.today() + dt.timedelta(days=2),
            )
        )
        invoice(s, customer, total="400", due_date=dt.date.today() - dt.timedelta(days=20))
        s.commit()

    outside = []
    with live_server(app) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1800})

        def only_localhost(route):
            if route.request.url.startswith(base):
                return route.continue_()
            outside.append(route.request.url)
            return route.abort()

        context.route("**/*", only_localhost)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", acme_admin.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form[name=login] [type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.url.rstrip("/").endswith("/dashboard"), page.url  # the home page
        page.wait_for_function(
            "() => window.crmDashboardCharts && Object.keys(window.crmDashboardCharts).length === 6"
        )
        painted = page.evaluate(PAINTED)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        # The numbers are there as a table too.
        page.locator("#chart-receivables summary").click()
        table = page.locator("#chart-receivables table").inner_text()
        context.close()

    assert errors == []
    assert outside == []
    assert [row[0] for row in painted] == list(CHARTS)
    for key, width, height, count in painted:
        assert width > 0 and height > 0, key
        assert count > 500, (key, count)  # axes, bars or slices, not a blank canvas
    assert "€400.00" in table and "1–30 days" in table
