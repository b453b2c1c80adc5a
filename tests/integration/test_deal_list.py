"""The deal list: the columns a salesperson scans, filters by owner, pipeline, stage and
expected close date, sorting and paging."""

import datetime as dt
import re

import pytest

from tests import factories
from tests.conftest import make_user


@pytest.fixture
def seller(app, acme):
    return make_user(app, acme, "Manager", "acme-seller")


def listed(b, query=""):
    response = b.get("/deals/list/" + query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html, [t for t in ("Alpha", "Bravo", "Charlie", "Delta") if f">{t}<" in html]


@pytest.fixture
def four_deals(app, acme, seller):
    other = factories.pipeline(app, acme)
    customer = factories.customer(app, acme, "Listed Buyer")
    company = factories.company(app, acme, "Listed Holding")
    factories.deal(
        app,
        acme,
        "Alpha",
        stage="Proposal",
        value="300",
        assigned_to_id=seller.id,
        expected_close_date=dt.date(2030, 1, 10),
        customer_id=customer,
        company_id=company,
    )
    factories.deal(
        app, acme, "Bravo", stage="Won", value="100", expected_close_date=dt.date(2030, 2, 1)
    )
    factories.deal(
        app,
        acme,
        "Charlie",
        pipeline_id=other.id,
        value="200",
        assigned_to_id=seller.id,
        expected_close_date=dt.date(2030, 3, 15),
    )
    factories.deal(app, acme, "Delta", stage="Proposal", value="50")
    return other


def test_the_list_shows_stage_badges_and_linked_records(app, acme, acme_admin, browser, four_deals):
    html, shown = listed(browser(acme_admin))
    assert shown == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert (
        '<span class="label crm-stage-badge" style="background:#9b59b6">Sales · Proposal</span>'
        in html
    )
    assert "Sales · Won ✓" in html and "Enterprise · Intro" in html
    for text in ("Listed Buyer", "Listed Holding", "€300.00", "Jan 10, 2030", "Manager Acme"):
        assert text in html, text


def test_filters_by_owner_pipeline_stage_and_close_date_range(
    app, acme, acme_admin, browser, seller, four_deals
):
    b = browser(acme_admin)
    sales = factories.sales(app, acme)
    assert listed(b, f"?owner={seller.id}")[1] == ["Alpha", "Charlie"]
    assert listed(b, f"?pipeline={four_deals.id}")[1] == ["Charlie"]
    assert listed(b, f"?stage={sales.stages['Proposal']}")[1] == ["Alpha", "Delta"]
    assert listed(b, "?close_from=2030-02-01&close_to=2030-03-15")[1] == ["Bravo", "Charlie"]
    assert listed(b, f"?owner={seller.id}&close_to=2030-02-01")[1] == ["Alpha"]
    html, shown = listed(b, "?close_from=soon")
    assert html.count("is not a date") == 1 and len(shown) == 4


def test_sorting_by_value(app, acme, acme_admin, browser, four_deals):
    html, _ = listed(browser(acme_admin), "?_oc_DealView=value&_od_DealView=asc")
    order = re.findall(r">(Alpha|Bravo|Charlie|Delta)<", html)
    assert order == ["Delta", "Bravo", "Charlie", "Alpha"]


def test_the_list_is_paged(app, acme, acme_admin, browser):
    for n in range(30):
        factories.deal(app, acme, f"Deal {n:02d}")
    b = browser(acme_admin)
    first = b.get("/deals/list/?_oc_DealView=title&_od_DealView=asc").get_data(as_text=True)
    second = b.get("/deals/list/?_oc_DealView=title&_od_DealView=asc&page_DealView=1").get_data(
        as_text=True
    )
    assert "Deal 00" in first and "Deal 24" in first and "Deal 25" not in first
    assert "Deal 25" in second and "Deal 29" in second and "Deal 00" not in second
