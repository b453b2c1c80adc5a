"""Lead statuses: one default, delete refusals and board order, on screen and through the API."""

import re

from crm.models import LeadStatus
from tests import factories, pipeline_settings_support as support


def status_ids(app, acme):
    return support.ids(app, acme, LeadStatus)


def test_the_list_shows_statuses_in_board_order_with_drag_handles(app, acme, acme_admin, browser):
    html = browser(acme_admin).get("/lead-statuses/list/").get_data(as_text=True)
    names = re.findall(r'<tr data-id="\d+">.*?<td>(\w+)</td>', html, re.S)
    assert names == ["New", "Contacted", "Qualified", "Converted", "Lost"]
    assert 'class="crm-sortable"' in html and "crm-drag" in html and "reorder.js" in html
    assert '<meta name="csrf-token" content="' in html


def test_making_another_status_the_default_moves_the_flag_on_screen(app, acme, acme_admin, browser):
    pk = status_ids(app, acme)["Contacted"]
    r = browser(acme_admin).post(
        f"/lead-statuses/edit/{pk}", {"name": "Contacted", "colour": "#9b59b6", "is_default": "y"}
    )
    assert r.status_code == 302
    assert support.defaults_of(app, acme, LeadStatus) == ["Contacted"]
    new_id = status_ids(app, acme)["New"]
    assert support.audit_actions(app, acme, "lead_status", new_id) == ["create", "update"]


def test_a_new_default_status_added_through_the_api_moves_the_flag(app, acme, acme_admin, api):
    r = api(acme_admin).post(
        "/api/v1/lead_status/", json={"name": "Hot", "colour": "#E74C3C", "is_default": True}
    )
    assert r.status_code == 201, r.json
    assert support.defaults_of(app, acme, LeadStatus) == ["Hot"]
    assert support.load(app, LeadStatus, r.json["id"]).colour == "#e74c3c"


def test_the_default_cannot_be_unchecked_on_screen_or_by_api(app, acme, acme_admin, browser, api):
    pk = status_ids(app, acme)["New"]
    r = browser(acme_admin).post(f"/lead-statuses/edit/{pk}", {"name": "New", "colour": "#3498db"})
    assert r.status_code == 200
    assert "There must be a default status" in support.flashes(r.get_data(as_text=True))
    r = api(acme_admin).put(f"/api/v1/lead_status/{pk}", json={"is_default": False})
    assert r.status_code == 422
    assert "There must be a default status" in r.json["errors"]["is_default"][0]
    assert support.defaults_of(app, acme, LeadStatus) == ["New"]


def test_duplicate_names_are_refused_ignoring_case(app, acme, acme_admin, browser, api):
    r = browser(acme_admin).post("/lead-statuses/add", {"name": "  qualified "})
    assert "“qualified” already exists" in support.flashes(r.get_data(as_text=True))
    r = api(acme_admin).post("/api/v1/lead_status/", json={"name": "QUALIFIED"})
    assert r.status_code == 422 and "name" in r.json["message"]
    assert len(status_ids(app, acme)) == 5


def test_the_default_status_cannot_be_deleted(app, acme, acme_admin, browser, api):
    pk = status_ids(app, acme)["New"]
    r = browser(acme_admin).post(f"/lead-statuses/delete/{pk}", follow_redirects=True)
    assert "“New” is the default status and cannot be deleted" in support.flashes(
        r.get_data(as_text=True)
    )
    r = api(acme_admin).delete(f"/api/v1/lead_status/{pk}")
    assert r.status_code == 409 and "default status" in r.json["message"]
    assert "New" in status_ids(app, acme)


def test_a_status_leads_use_cannot_be_deleted_and_the_message_counts_them(
    app, acme, acme_admin, browser, api
):
    factories.lead(app, acme, "One", status="Contacted")
    factories.lead(app, acme, "Two", status="Contacted")
    pk = status_ids(app, acme)["Contacted"]
    r = browser(acme_admin).post(f"/lead-statuses/delete/{pk}", follow_redirects=True)
    assert "“Contacted” is the status of 2 leads" in support.flashes(r.get_data(as_text=True))
    r = api(acme_admin).delete(f"/api/v1/lead_status/{pk}")
    assert r.status_code == 409 and "2 leads" in r.json["message"]
    assert "Contacted" in status_ids(app, acme)


def test_an_unused_status_is_deleted(app, acme, acme_admin, api):
    pk = status_ids(app, acme)["Qualified"]
    assert api(acme_admin).delete(f"/api/v1/lead_status/{pk}").status_code == 200
    assert "Qualified" not in status_ids(app, acme)
    assert support.audit_actions(app, acme, "lead_status", pk)[-1] == "delete"


def test_dragging_saves_the_board_order(app, acme, acme_admin, browser):
    b = browser(acme_admin)
    ids = status_ids(app, acme)
    order = [ids[n] for n in ("Qualified", "New", "Contacted", "Lost", "Converted")]
    r = b.client.post(
        "/lead-statuses/reorder", json={"ids": order}, headers={"X-CSRFToken": b.token}
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    assert [n for (n,) in support.rows(app, acme, LeadStatus, "name")] == [
        "Qualified",
        "New",
        "Contacted",
        "Lost",
        "Converted",
    ]
    html = b.get("/lead-statuses/list/").get_data(as_text=True)
    assert re.findall(r'<tr data-id="(\d+)">', html) == [str(i) for i in order]


def test_the_reorder_endpoint_needs_the_csrf_token_and_every_status(app, acme, acme_admin, browser):
    b = browser(acme_admin)
    before = support.rows(app, acme, LeadStatus, "name")
    ids = list(status_ids(app, acme).values())
    assert b.client.post("/lead-statuses/reorder", json={"ids": ids[::-1]}).status_code == 400
    r = b.client.post(
        "/lead-statuses/reorder", json={"ids": ids[1:]}, headers={"X-CSRFToken": b.token}
    )
    assert r.status_code == 422 and "exactly once" in r.json["message"]
    assert support.rows(app, acme, LeadStatus, "name") == before


def test_the_api_reorders_statuses(app, acme, acme_admin, api):
    ids = status_ids(app, acme)
    order = [ids[n] for n in ("Lost", "Converted", "Qualified", "Contacted", "New")]
    r = api(acme_admin).post("/api/v1/lead_status/reorder", json={"ids": order})
    assert r.status_code == 200
    assert r.json["result"][0] == {"id": ids["Lost"], "position": 0}
    listed = api(acme_admin).get("/api/v1/lead_status/").json["result"]
    assert [s["name"] for s in listed] == ["Lost", "Converted", "Qualified", "Contacted", "New"]
    assert api(acme_admin).post("/api/v1/lead_status/reorder", json={"ids": "x"}).status_code == 422


def test_a_narrowed_list_offers_no_dragging(app, acme, acme_admin, browser):
    html = browser(acme_admin).get("/lead-statuses/list/?_flt_0_name=New").get_data(as_text=True)
    assert 'class="crm-sortable"' not in html
    assert "show the whole list unfiltered" in html
