"""In headless Chromium: the dashboard's "Closing this month" figure leads to the deals
list holding exactly the deals behind it; the report page is kept as a screenshot."""

import pathlib

import pytest

from tests.browser_support import chromium, live_server, signed_in
from tests.integration.test_forecast import ann, bob, pipeline_of_deals  # noqa: F401 (fixtures)

ARTIFACTS = pathlib.Path(__file__).resolve().parents[1] / "artifacts"


@pytest.mark.browser
def test_a_forecast_card_opens_its_deals(app, acme_member, pipeline_of_deals):  # noqa: F811
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_member.username)
        page.goto(f"{base}/dashboard/")
        page.locator("#card-forecast-this_month a.crm-money", has_text="€1,333.33").click()
        page.wait_for_load_state("networkidle")
        listed = page.content()
        filters = page.locator(".crm-deal-filters").inner_text()
        page.goto(f"{base}/forecast/")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "forecast.png"), full_page=True)
    assert ">Last day<" in listed and ">Unowned<" in listed
    for other in ("Dollars", "First of next", "Won already", "Far away"):
        assert f">{other}<" not in listed
    assert "Open deals only" in filters and "EUR" in filters
