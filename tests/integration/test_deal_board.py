"""The deal board: a pipeline's stages as columns with SQL totals, cards loaded a page at a
time, and drops that the server checks and records with the one stage rule."""

import datetime as dt
import re

import pytest
from sqlalchemy import event

from crm.extensions import db
from crm.models import CrmSetting
from tests import factories
from tests.conftest import make_user

TODAY = dt.date.today()


@pytest.fixture
def sales(app, acme):
    return factories.sales(app, acme)


def drop(b, deal_id, stage_id, reason=None, query=""):
    """What kanban.js sends when a card is dropped on a column."""
    body = {"id": str(deal_id), "column_id": str(stage_id)}
    if reason is not None:
        body["reason"] = reason
    return b.client.post(
        "/deal-board/move" + query,
        json=body,
        headers={"X-CSRFToken": b.token, "Accept": "application/json"},
    )


def header(html, stage_id):
    """(count, total) as a column header shows them."""
    column = re.search(rf'data-column-id="{stage_id}".*?</div>\s*</div>', html, re.S).group(0)
    count = re.search(r'crm-kanban-count">(\d+)<', column).group(1)
    total = re.search(r'crm-kanban-total text-muted">([^<]*)<', column).group(1)
    return int(count), total


# --- the page ---------------------------------------------------------------------------------


def test_the_board_offers_active_pipelines_default_first_and_stages_in_order(
    app, acme, acme_member, browser, sales
):
    factories.pipeline(app, acme, name="Partner channel")
    factories.pipeline(app, acme, name="Retired", is_active=False)
    b = browser(acme_member)
    html = b.get("/deal-board/").get_data(as_text=True)
    picker = re.search(r'<select[^>]*name="pipeline".*?</select>', html, re.S).group(0)
    assert re.findall(r">([^<>]+?)(?: \(default\))?</option>", picker) == [
        "Sales",
        "Partner channel",
    ]
    titles = re.findall(r'<h2 class="crm-kanban-title">([^<]+)</h2>', html)
    assert titles == ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
    lost = sales.stages["Lost"]
    assert re.search(rf'data-column-id="{lost}"[^>]*data-ask-label="[^"]+"', html)
    assert html.count("data-ask-label") == 1
    assert 'data-read-only="1"' in html  # a Member may look but not drag
    assert b.get("/deal-board/?pipeline=999999").status_code == 404


def test_an_inactive_pipeline_has_no_board(app, acme, acme_admin, browser):
    retired = factories.pipeline(app, acme, name="Retired", is_active=False)
    assert browser(acme_admin).get(f"/deal-board/?pipeline={retired.id}").status_code == 404


def test_column_totals_are_summed_and_weighted_in_one_grouped_query(
    app, acme, acme_admin, browser, sales
):
    """Weighted by the stage's probability: Proposal 50 %, Won 100 %."""
    usd = factories.customer(app, acme, "Yankee Buyer", currency="USD")
    factories.deal(app, acme, "A", stage="Proposal", value="100")
    factories.deal(app, acme, "B", stage="Proposal", value="250.50")
    factories.deal(app, acme, "C", stage="Proposal", value="40", customer_id=usd)
    factories.deal(app, acme, "D", stage="Won", value="1000")
    b = browser(acme_admin)
    statements = []
    with app.app_context():
        engine = db.engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        html = b.get("/deal-board/").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert header(html, sales.stages["Proposal"]) == (
        3,
        "€350.50 · $40.00 (weighted €175.25 · $20.00)",
    )
    assert header(html, sales.stages["Won"]) == (1, "€1,000.00 (weighted €1,000.00)")
    assert header(html, sales.stages["Lead"]) == (0, "€0.00")
    deal_reads = [s for s in statements if "FROM crm_deal" in s]
    assert len(deal_reads) == 1 and "GROUP BY" in deal_reads[0]


# --- cards, a page at a time --------------------------------------------------------------------


def test_a_long_column_is_loaded_a_page_at_a_time_newest_first(
    app, acme, acme_member, browser, sales
):
    ids = [factories.deal(app, acme, f"Deal {n}", value=n) for n in range(45)]
    b = browser(acme_member)
    url = f"/deal-board/cards/{sales.stages['Lead']}"
    pages, offset = [], 0
    while offset is not None:
        page = b.get(f"{url}?offset={offset}").json
        pages.append([card["id"] for card in page["cards"]])
        offset = page["next_offset"]
    assert [len(p) for p in pages] == [20, 20, 5]
    assert sum(pages, []) == sorted(ids, reverse=True)
    first = b.get(f"{url}?offset=0").json["cards"][0]
    assert "Deal 44" in first["html"] and "€44.00" in first["html"]


def test_the_page_size_comes_from_the_crm_settings(
    app, acme, acme_member, browser, sales, db_session
):
    for n in range(7):
        factories.deal(app, acme, f"Deal {n}")
    with db_session() as s:
        s.add(CrmSetting(tenant_id=acme.id, key="kanban_page_size", value=5))
        s.commit()
    page = browser(acme_member).get(f"/deal-board/cards/{sales.stages['Lead']}?offset=0").json
    assert (len(page["cards"]), page["next_offset"]) == (5, 5)


def test_owner_and_close_date_filters_apply_to_cards_and_totals(
    app, acme, acme_admin, browser, sales
):
    seller = make_user(app, acme, "Manager", "acme-seller")
    mine = factories.deal(
        app,
        acme,
        "Mine",
        value="10",
        assigned_to_id=seller.id,
        expected_close_date=dt.date(2030, 5, 1),
    )
    factories.deal(
        app,
        acme,
        "Mine later",
        value="20",
        assigned_to_id=seller.id,
        expected_close_date=dt.date(2031, 5, 1),
    )
    factories.deal(app, acme, "Theirs", value="40", expected_close_date=dt.date(2030, 5, 1))
    b = browser(acme_admin)
    query = f"owner={seller.id}&close_from=2030-01-01&close_to=2030-12-31"
    html = b.get(f"/deal-board/?{query}").get_data(as_text=True)
    assert header(html, sales.stages["Lead"]) == (1, "€10.00 (weighted €1.00)")
    cards_url = (
        re.search(rf'data-column-id="{sales.stages["Lead"]}" data-cards-url="([^"]+)"', html)
        .group(1)
        .replace("&amp;", "&")
    )
    assert [c["id"] for c in b.get(cards_url + "&offset=0").json["cards"]] == [mine]
    move_url = re.search(r'data-move-url="([^"]+)"', html).group(1).replace("&amp;", "&")
    moved = drop(b, mine, sales.stages["Qualified"], query=move_url[len("/deal-board/move") :]).json
    assert moved["columns"][str(sales.stages["Lead"])] == {"count": 0, "total": "€0.00"}
    assert moved["columns"][str(sales.stages["Qualified"])] == {
        "count": 1,
        "total": "€10.00 (weighted €2.50)",
    }


# --- drops ------------------------------------------------------------------------------------


def test_dropping_on_won_lost_and_back_sets_and_clears_the_close_date(
    app, acme, acme_manager, browser, sales
):
    pk = factories.deal(app, acme, "Fleet", stage="Negotiation", value="500")
    factories.deal(app, acme, "Other", stage="Won", value="100")
    b = browser(acme_manager)
    r = drop(b, pk, sales.stages["Won"])
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.json["columns"] == {
        str(sales.stages["Negotiation"]): {"count": 0, "total": "€0.00"},
        str(sales.stages["Won"]): {"count": 2, "total": "€600.00 (weighted €600.00)"},
    }
    assert "Fleet" in r.json["html"] and "€500.00" in r.json["html"]
    deal = factories.load_deal(app, pk)
    assert (deal.stage_name, deal.actual_close_date) == ("Won", TODAY)

    assert drop(b, pk, sales.stages["Lost"], "Budget frozen").status_code == 200
    deal = factories.load_deal(app, pk)
    assert (deal.stage_name, deal.actual_close_date, deal.lost_reason) == (
        "Lost",
        TODAY,
        "Budget frozen",
    )

    assert drop(b, pk, sales.stages["Proposal"]).status_code == 200
    deal = factories.load_deal(app, pk)
    assert (deal.stage_name, deal.actual_close_date, deal.lost_reason) == ("Proposal", None, None)


def test_a_drop_on_a_stage_of_another_pipeline_is_refused(app, acme, acme_admin, browser, sales):
    other = factories.pipeline(app, acme)
    pk = factories.deal(app, acme, stage="Proposal")
    r = drop(browser(acme_admin), pk, other.stages["Signed"])
    assert r.status_code == 422
    assert "another pipeline" in r.json["message"]
    deal = factories.load_deal(app, pk)
    assert (deal.stage_name, deal.pipeline_id, deal.actual_close_date) == (
        "Proposal",
        sales.id,
        None,
    )


def test_a_members_drop_is_refused_and_the_deal_stays(app, acme, acme_member, browser, sales):
    pk = factories.deal(app, acme, stage="Proposal")
    r = drop(browser(acme_member), pk, sales.stages["Won"])
    assert r.status_code == 403
    assert r.is_json and "not move deals" in r.json["message"]
    deal = factories.load_deal(app, pk)
    assert (deal.stage_name, deal.actual_close_date) == ("Proposal", None)


def test_a_drop_without_the_csrf_token_is_refused(app, acme, acme_admin, browser, sales):
    pk = factories.deal(app, acme)
    b = browser(acme_admin)
    r = b.client.post("/deal-board/move", json={"id": pk, "column_id": sales.stages["Won"]})
    assert r.status_code == 400
    assert factories.load_deal(app, pk).stage_name == "Lead"


def test_malformed_drops_get_clear_answers(app, acme, acme_admin, browser, sales):
    b = browser(acme_admin)
    r = b.client.post(
        "/deal-board/move",
        data="not json",
        content_type="application/json",
        headers={"X-CSRFToken": b.token},
    )
    assert r.status_code == 400 and r.json["message"]
    assert drop(b, "abc", sales.stages["Won"]).status_code == 404
    assert drop(b, factories.deal(app, acme), "abc").status_code == 404


def test_the_deal_screens_link_to_their_stages_for_those_who_manage_them(
    app, acme, acme_admin, acme_member, browser
):
    factories.deal(app, acme, title="Staged deal")
    admin = browser(acme_admin)
    board = admin.get("/deal-board/").get_data(as_text=True)
    link = re.search(r'class="btn btn-default crm-manage-stages" href="([^"]+)"', board)
    assert link is not None and link.group(1).startswith("/stages/list/")
    assert admin.get(link.group(1)).status_code == 200
    listing = admin.get("/deals/list/").get_data(as_text=True)
    assert 'crm-manage-stages" href="/pipelines/list/"' in listing
    member = browser(acme_member)
    for url in ("/deal-board/", "/deals/list/"):
        assert "crm-manage-stages" not in member.get(url).get_data(as_text=True), url
