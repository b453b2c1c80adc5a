"""The lead Kanban board: columns, paged cards, and moves that follow the edit form's rules."""

import re

import pytest

from crm.extensions import db
from crm.models import CrmSetting, Lead, LeadStatus
from crm.security.tenancy import tenant_scope
from crm.services.pipeline import kanban
from crm.services.settings import preferences as crm_settings
from tests import factories


def _statuses(app, tenant):
    with app.app_context():
        ids = {s.name: s.id for s in db.session.query(LeadStatus).filter_by(tenant_id=tenant.id)}
        db.session.remove()
    return ids


def _status_of(app, pk):
    with app.app_context():
        name = db.session.get(Lead, pk).status.name
        db.session.remove()
    return name


def _move(b, lead_id, status_id):
    return b.client.post(
        "/lead-board/move",
        json={"id": lead_id, "column_id": status_id},
        headers={"X-CSRFToken": b.token},
    )


def test_board_shows_non_final_statuses_in_position_order(
    app, acme, acme_member, browser, db_session
):
    with db_session() as s, tenant_scope(acme.id):
        qualified = s.query(LeadStatus).filter_by(tenant_id=acme.id, name="Qualified").one()
        qualified.position = -1  # moved to the front by an Admin
        s.commit()
    factories.lead(app, acme, "Valued", value=1500)
    html = browser(acme_member).get("/lead-board/").get_data(as_text=True)
    columns = re.findall(
        r'data-column-id="\d+".*?<h2 class="crm-kanban-title">(.*?)</h2>', html, re.S
    )
    assert columns == ["Qualified", "New", "Contacted"]
    assert "Converted</b>" not in html and "Lost</b>" not in html
    assert "1,500.00" in html  # the New column's total


def test_cards_come_in_pages_newest_first(app, acme, acme_member, browser):
    per_page = crm_settings.DEFAULTS["kanban_page_size"]
    for n in range(per_page + 3):
        factories.lead(app, acme, f"Lead number {n}")
    new = _statuses(app, acme)["New"]
    b = browser(acme_member)
    page = b.get(f"/lead-board/cards/{new}").json
    assert len(page["cards"]) == per_page
    assert f"Lead number {per_page + 2}" in page["cards"][0]["html"]
    assert page["next_offset"] == per_page
    rest = b.get(f"/lead-board/cards/{new}?offset={page['next_offset']}").json
    assert len(rest["cards"]) == 3 and rest["next_offset"] is None


def test_the_page_size_follows_the_crm_setting(app, acme, acme_member, browser):
    with app.app_context(), tenant_scope(acme.id):
        crm_settings.save_settings(db.session, {"kanban_page_size": 5})
        db.session.remove()
    for n in range(6):
        factories.lead(app, acme, f"Lead number {n}")
    page = browser(acme_member).get(f"/lead-board/cards/{_statuses(app, acme)['New']}").json
    assert len(page["cards"]) == 5 and page["next_offset"] == 5


def test_cards_of_a_final_status_are_not_served(app, acme, acme_member, browser):
    lost = _statuses(app, acme)["Lost"]
    assert browser(acme_member).get(f"/lead-board/cards/{lost}").status_code == 404


def test_a_manager_moves_a_lead_and_the_move_persists(app, acme, acme_manager, browser):
    pk = factories.lead(app, acme, "Movable", value=250)
    ids = _statuses(app, acme)
    r = _move(browser(acme_manager), pk, ids["Contacted"])
    assert r.status_code == 200, r.get_data(as_text=True)
    assert _status_of(app, pk) == "Contacted"
    assert r.json["columns"][str(ids["Contacted"])] == {"count": 1, "total": "250.00"}
    assert r.json["columns"][str(ids["New"])]["count"] == 0
    assert "Movable" in r.json["html"]


def test_a_member_cannot_move_leads(app, acme, acme_member, browser):
    pk = factories.lead(app, acme, "Fixed")
    b = browser(acme_member)
    html = b.get("/lead-board/").get_data(as_text=True)
    assert 'data-read-only="1"' in html
    r = _move(b, pk, _statuses(app, acme)["Contacted"])
    assert r.status_code == 403
    assert r.is_json and r.json["message"]
    assert _status_of(app, pk) == "New"


def test_a_move_without_the_csrf_token_is_refused(app, acme, acme_manager, browser):
    pk = factories.lead(app, acme, "Protected")
    b = browser(acme_manager)
    r = b.client.post(
        "/lead-board/move", json={"id": pk, "column_id": _statuses(app, acme)["Contacted"]}
    )
    assert r.status_code == 400
    assert _status_of(app, pk) == "New"


def test_moving_to_lost_is_allowed_but_converted_needs_the_conversion(
    app, acme, acme_manager, browser
):
    ids = _statuses(app, acme)
    b = browser(acme_manager)
    pk = factories.lead(app, acme, "Closing")
    r = _move(b, pk, ids["Converted"])
    assert r.status_code == 422 and "Convert lead" in r.json["message"]
    assert _status_of(app, pk) == "New"
    assert _move(b, pk, ids["Lost"]).status_code == 200
    assert _status_of(app, pk) == "Lost"
    html = b.get(f"/lead-board/cards/{ids['New']}").json
    assert html["cards"] == []


def test_a_converted_lead_keeps_its_status(app, acme, acme_manager, browser, api):
    pk = factories.lead(app, acme, "Done deal", contact_email="done@example.com")
    assert api(acme_manager).post(f"/api/v1/lead/{pk}/convert", json={}).status_code == 201
    r = _move(browser(acme_manager), pk, _statuses(app, acme)["New"])
    assert r.status_code == 422 and "converted" in r.json["message"]
    assert _status_of(app, pk) == "Converted"


@pytest.mark.parametrize("body", [{"id": "x", "column_id": 1}, {"id": 99999, "column_id": 1}, []])
def test_bad_move_requests_get_json_4xx(app, acme, acme_manager, browser, body):
    b = browser(acme_manager)
    r = b.client.post("/lead-board/move", json=body, headers={"X-CSRFToken": b.token})
    assert r.status_code in (400, 404) and r.is_json and r.json["message"]


def test_an_over_large_page_size_is_clamped_as_on_the_deal_board(
    app, acme, acme_member, browser, db_session
):
    """A page size stored outside the app (here 1000) never makes a column load more than
    the boards' maximum: both boards read it through the same clamp."""
    with db_session() as s:
        s.add(CrmSetting(tenant_id=acme.id, key="kanban_page_size", value=1000))
        s.commit()
    for n in range(kanban.MAX_KANBAN_PAGE_SIZE + 1):
        factories.lead(app, acme, f"Lead number {n}")
    sales = factories.sales(app, acme)
    for n in range(kanban.MAX_KANBAN_PAGE_SIZE + 1):
        factories.deal(app, acme, f"Deal {n}")
    b = browser(acme_member)
    lead_page = b.get(f"/lead-board/cards/{_statuses(app, acme)['New']}").json
    deal_page = b.get(f"/deal-board/cards/{sales.stages['Lead']}").json
    assert len(lead_page["cards"]) == len(deal_page["cards"]) <= kanban.MAX_KANBAN_PAGE_SIZE
    assert lead_page["next_offset"] == deal_page["next_offset"] == len(lead_page["cards"])


def test_a_member_is_told_why_the_move_was_refused(app, acme, acme_member, browser):
    pk = factories.lead(app, acme, "Fixed")
    r = _move(browser(acme_member), pk, _statuses(app, acme)["Contacted"])
    assert r.status_code == 403 and "not move leads" in r.json["message"]


def test_signed_out_the_board_endpoints_answer_json_401(app, acme):
    client = app.test_client()
    r = client.get(f"/lead-board/cards/{_statuses(app, acme)['New']}")
    assert r.status_code == 401 and r.is_json and r.json["message"]
