"""The sales forecast: open deals by expected close month, per currency and owner, at full
value and weighted by stage probability — on the report, the dashboard, the API and in xlsx,
each figure linking to the deals list showing exactly the deals behind it."""

import datetime as dt
import html as html_lib
import io
import re

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import event

from crm.extensions import db
from tests import factories
from tests.conftest import make_user

STAGES = (
    ("Intro", {"probability": 10}),
    ("Offer", {"probability": 50}),
    ("Closing", {"probability": 90}),
    ("Signed", {"is_won": True, "probability": 100}),
    ("Dropped", {"is_lost": True}),
)


def _month_after(first):
    return (first + dt.timedelta(days=32)).replace(day=1)


# The tenant's timezone is UTC unless changed (CRM setting "timezone").
THIS = dt.datetime.now(dt.timezone.utc).date().replace(day=1)
NEXT = _month_after(THIS)
LAST_OF_THIS = NEXT - dt.timedelta(days=1)
SIX_AHEAD = THIS
for _ in range(6):
    SIX_AHEAD = _month_after(SIX_AHEAD)
QUARTER = THIS.replace(month=(THIS.month - 1) // 3 * 3 + 1)
NEXT_IN_QUARTER = NEXT.year == QUARTER.year and NEXT.month < QUARTER.month + 3


@pytest.fixture
def ann(app, acme):
    return make_user(app, acme, "Manager", "ann")  # shown as "Manager Acme"


@pytest.fixture
def bob(app, acme):
    return make_user(app, acme, "Member", "bob")  # shown as "Member Acme"


@pytest.fixture
def pipeline_of_deals(app, acme, globex, ann, bob):
    """Deals either side of the month boundary in EUR and USD, stages at 10/50/90 %, a won
    and a lost one, one beyond the report's months and one of another tenant."""
    factories.pipeline(app, acme, name="Forecast", stages=STAGES)

    def deal(title, stage, value, close, **fields):
        return factories.deal(
            app,
            acme,
            title,
            stage=stage,
            pipeline="Forecast",
            value=value,
            expected_close_date=close,
            **fields,
        )

    usd = factories.customer(app, acme, "Dollar Buyer", currency="USD")
    deal("Last day", "Intro", "1000", LAST_OF_THIS, assigned_to_id=ann.id)
    deal("First of next", "Offer", "2000", NEXT, assigned_to_id=bob.id)
    deal("Dollars", "Closing", "500.50", LAST_OF_THIS, assigned_to_id=bob.id, customer_id=usd)
    deal("Unowned", "Offer", "333.33", THIS)
    deal("Won already", "Signed", "7000", LAST_OF_THIS, assigned_to_id=ann.id)
    deal("Lost already", "Dropped", "9000", NEXT, assigned_to_id=ann.id)
    deal("Far away", "Intro", "50", SIX_AHEAD, assigned_to_id=ann.id)
    factories.deal(app, globex, "Elsewhere", value="999", expected_close_date=LAST_OF_THIS)


def periods(payload):
    return {period["key"]: period for period in payload["periods"]}


def figures(lines):
    return [(line["currency"], line["count"], line["value"], line["weighted"]) for line in lines]


THIS_MONTH = [("EUR", 2, "1333.33", "266.67"), ("USD", 1, "500.50", "450.45")]
NEXT_MONTH = [("EUR", 1, "2000.00", "1000.00")]


def test_the_forecast_matches_the_hand_computed_figures(app, acme_admin, api, pipeline_of_deals):
    """EUR this month: 1000 at 10 % and 333.33 at 50 % = 266.665, rounded half up once."""
    response = api(acme_admin).get("/api/v1/forecast/")
    assert response.status_code == 200, response.get_data(as_text=True)
    found = periods(response.json)
    assert figures(found["this_month"]["currencies"]) == THIS_MONTH
    assert (found["this_month"]["from"], found["this_month"]["to"]) == (
        THIS.isoformat(),
        LAST_OF_THIS.isoformat(),
    )
    assert figures(found["next_month"]["currencies"]) == NEXT_MONTH
    quarter = [("EUR", 3, "3333.33", "1266.67"), THIS_MONTH[1]] if NEXT_IN_QUARTER else THIS_MONTH
    assert figures(found["this_quarter"]["currencies"]) == quarter
    months = [key for key in found if re.fullmatch(r"\d{4}-\d\d", key)]
    assert months[0] == THIS.strftime("%Y-%m") and len(months) == 6
    assert figures(found[NEXT.strftime("%Y-%m")]["currencies"]) == NEXT_MONTH
    assert all(not found[key]["currencies"] for key in months[2:])  # "Far away" is beyond


def test_the_forecast_is_split_per_owner(app, acme_admin, ann, bob, api, pipeline_of_deals):
    found = periods(api(acme_admin).get("/api/v1/forecast/").json)
    owners = [
        (line["owner_id"], line["owner"], line["currency"], line["count"], line["value"])
        for line in found["this_month"]["owners"]
    ]
    assert owners == [
        (ann.id, "Manager Acme", "EUR", 1, "1000.00"),
        (bob.id, "Member Acme", "USD", 1, "500.50"),
        (None, None, "EUR", 1, "333.33"),
    ]
    mine = periods(api(acme_admin).get(f"/api/v1/forecast/?owner={bob.id}").json)
    assert figures(mine["this_month"]["currencies"]) == [("USD", 1, "500.50", "450.45")]
    assert figures(mine["next_month"]["currencies"]) == NEXT_MONTH


def test_a_bad_owner_is_a_clear_400(app, acme_admin, api):
    response = api(acme_admin).get("/api/v1/forecast/?owner=abc")
    assert response.status_code == 400
    assert "owner" in response.json["message"]


def test_every_figure_is_read_in_one_grouped_query(app, acme_admin, browser, pipeline_of_deals):
    b = browser(acme_admin)
    statements = []
    with app.app_context():
        engine = db.engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        assert b.get("/forecast/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    deal_reads = [s for s in statements if "FROM crm_deal" in s]
    assert len(deal_reads) == 1 and "GROUP BY" in deal_reads[0]


def _link(page, period_key, row_header):
    """The link of a row of a period's table on the report page."""
    section = re.search(rf'id="forecast-{period_key}".*?</section>', page, re.S).group(0)
    row = re.search(
        rf'<th scope="row">{re.escape(row_header)}</th>(?:<td>[A-Z]{{3}}</td>)?\s*'
        r'<td class="text-right crm-forecast-count"><a href="([^"]+)"',
        section,
    )
    return html_lib.unescape(row.group(1))


def _listed(b, url):
    response = b.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    titles = (
        "Last day",
        "First of next",
        "Dollars",
        "Unowned",
        "Won already",
        "Lost already",
        "Far away",
    )
    return sorted(t for t in titles if f">{html_lib.escape(t)}<" in page)


def test_each_figure_links_to_exactly_its_deals(app, acme_member, bob, browser, pipeline_of_deals):
    b = browser(acme_member)
    page = b.get("/forecast/").get_data(as_text=True)
    assert _listed(b, _link(page, "this_month", "EUR")) == ["Last day", "Unowned"]
    assert _listed(b, _link(page, "this_month", "USD")) == ["Dollars"]
    assert _listed(b, _link(page, "next_month", "EUR")) == ["First of next"]
    assert _listed(b, _link(page, "next_month", "Member Acme")) == ["First of next"]
    assert _listed(b, _link(page, "this_month", "Member Acme")) == ["Dollars"]


def test_the_xlsx_holds_the_same_figures(app, acme_member, browser, pipeline_of_deals):
    response = browser(acme_member).get("/forecast/xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.data))
    assert book.sheet_names == ["Forecast", "By owner"]
    rows = book.get_sheet_by_name("Forecast").to_python()
    assert rows[0] == ["Period", "Currency", "Deals", "Value", "Weighted value"]
    this_month = [row[1:] for row in rows[1:] if row[0] == "Closing this month"]
    assert this_month == [["EUR", 2, 1333.33, 266.67], ["USD", 1, 500.5, 450.45]]
    next_month = [row[1:] for row in rows[1:] if row[0] == "Closing next month"]
    assert next_month == [["EUR", 1, 2000.0, 1000.0]]
    owners = book.get_sheet_by_name("By owner").to_python()
    assert ["Closing this month", "Unassigned", "EUR", 1, 333.33, 166.67] in owners


def test_the_dashboard_shows_the_forecast_cards(app, acme_member, browser, pipeline_of_deals):
    """A Member reads the dashboard, so the forecast too: deal values are not masked."""
    b = browser(acme_member)
    data = b.get("/dashboard/data?fresh=1").json
    cards = {period["key"]: period for period in data["forecast"]}
    assert list(cards) == ["this_month", "next_month", "this_quarter"]
    assert figures(cards["this_month"]["currencies"]) == THIS_MONTH
    eur = cards["this_month"]["currencies"][0]["link"]
    assert _listed(b, eur) == ["Last day", "Unowned"]
    page = b.get("/dashboard/?fresh=1").get_data(as_text=True)
    card = re.search(r'id="card-forecast-this_month".*?</div>\s*</div>\s*</div>', page, re.S)
    assert "€1,333.33" in card.group(0) and "€266.67" in card.group(0)
    assert "$500.50" in card.group(0) and "$450.45" in card.group(0)


def test_a_member_reads_the_report_and_the_api(app, acme_member, api, browser, pipeline_of_deals):
    page = browser(acme_member).get("/forecast/")
    assert page.status_code == 200
    assert "€1,333.33" in page.get_data(as_text=True)
    assert 'href="/forecast/"' in page.get_data(as_text=True)  # the menu entry
    assert api(acme_member).get("/api/v1/forecast/").status_code == 200


def test_another_tenant_sees_none_of_these_deals(app, globex_admin, api, pipeline_of_deals):
    found = periods(api(globex_admin).get("/api/v1/forecast/").json)
    assert figures(found["this_month"]["currencies"]) == [("EUR", 1, "999.00", "99.90")]
