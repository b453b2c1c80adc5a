"""Stages: one default, one won and one lost per pipeline; delete refusals; moving a stage's
deals; the list per pipeline and its order."""

import datetime as dt
import re

from crm.models import Deal, Pipeline, Stage
from tests import factories, pipeline_settings_support as support


def stage_form(name, **flags):
    data = {"name": name, "colour": "#123456", "probability": "40"}
    data.update({flag: "y" for flag, on in flags.items() if on})
    return data


def test_the_stage_list_shows_one_pipeline_with_a_picker(app, acme, acme_admin, browser):
    partners = support.pipeline(app, acme, "Partners", ["Intro", "Pilot"])
    b = browser(acme_admin)
    html = b.get("/stages/list/").get_data(as_text=True)  # the default pipeline
    assert re.findall(r'<tr data-id="\d+">.*?<td>(\w+)</td>', html, re.S) == [
        "Lead",
        "Qualified",
        "Proposal",
        "Negotiation",
        "Won",
        "Lost",
    ]
    assert f'<option value="{partners}"' in html
    html = b.get(f"/stages/list/?pipeline={partners}").get_data(as_text=True)
    assert re.findall(r'<tr data-id="\d+">.*?<td>(\w+)</td>', html, re.S) == ["Intro", "Pilot"]
    assert f"/stages/add?_flt_0_pipeline={partners}" in html
    assert b.get("/stages/list/?pipeline=999999").status_code == 404


def test_a_stage_is_added_to_the_chosen_pipeline(app, acme, acme_admin, browser):
    partners = support.pipeline(app, acme, "Partners", ["Intro"])
    b = browser(acme_admin)
    assert b.get(f"/stages/add?_flt_0_pipeline={partners}").status_code == 200
    r = b.post(f"/stages/add?_flt_0_pipeline={partners}", stage_form("Pilot"))
    assert r.status_code == 302
    assert [s[0] for s in support.stages_of(app, acme, "Partners")] == ["Intro", "Pilot"]


def test_a_second_won_or_lost_stage_is_refused_on_screen_and_by_api(
    app, acme, acme_admin, browser, api
):
    sales = support.ids(app, acme, Pipeline)["Sales"]
    r = browser(acme_admin).post(
        f"/stages/add?_flt_0_pipeline={sales}", stage_form("Closed won", is_won=True)
    )
    assert r.status_code == 200
    assert "“Won” is already the won stage of this pipeline" in support.flashes(
        r.get_data(as_text=True)
    )
    r = api(acme_admin).post(
        "/api/v1/stage/", json={"pipeline": sales, "name": "Dropped", "is_lost": True}
    )
    assert r.status_code == 422
    assert "“Lost” is already the lost stage" in r.json["errors"]["is_lost"][0]
    assert len(support.stages_of(app, acme)) == 6


def test_a_stage_cannot_be_both_won_and_lost(app, acme, acme_admin, browser, api):
    pk = support.stage_id(app, acme, "Proposal")
    r = browser(acme_admin).post(
        f"/stages/edit/{pk}", stage_form("Proposal", is_won=True, is_lost=True)
    )
    assert "A stage cannot be both won and lost" in support.flashes(r.get_data(as_text=True))
    won = support.stage_id(app, acme, "Won")
    r = api(acme_admin).put(f"/api/v1/stage/{won}", json={"is_lost": True})
    assert r.status_code == 422 and "both won and lost" in r.json["errors"]["is_lost"][0]
    assert support.load(app, Stage, won).is_lost is False


def test_another_default_stage_takes_the_flag_on_screen_and_by_api(
    app, acme, acme_admin, browser, api
):
    pk = support.stage_id(app, acme, "Qualified")
    r = browser(acme_admin).post(f"/stages/edit/{pk}", stage_form("Qualified", is_default=True))
    assert r.status_code == 302
    assert [s[0] for s in support.stages_of(app, acme) if s[1]] == ["Qualified"]
    r = api(acme_admin).put(
        f"/api/v1/stage/{support.stage_id(app, acme, 'Proposal')}", json={"is_default": True}
    )
    assert r.status_code == 200
    assert [s[0] for s in support.stages_of(app, acme) if s[1]] == ["Proposal"]


def test_a_stage_keeps_its_pipeline(app, acme, acme_admin, api):
    partners = support.pipeline(app, acme, "Partners", ["Intro"])
    pk = support.stage_id(app, acme, "Proposal")
    r = api(acme_admin).put(f"/api/v1/stage/{pk}", json={"pipeline": partners})
    assert r.status_code == 422 and "pipeline" in r.json["errors"], r.json
    assert support.load(app, Stage, pk).pipeline_id != partners


def test_a_stage_with_deals_cannot_be_deleted_and_offers_to_move_them(
    app, acme, acme_admin, browser, api
):
    factories.deal(app, acme, "A", stage="Proposal")
    factories.deal(app, acme, "B", stage="Proposal")
    pk = support.stage_id(app, acme, "Proposal")
    r = browser(acme_admin).post(f"/stages/delete/{pk}", follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "“Proposal” has 2 deals and cannot be deleted" in support.flashes(html)
    assert f'href="/stages/move-deals/{pk}"' in html
    r = api(acme_admin).delete(f"/api/v1/stage/{pk}")
    assert r.status_code == 409 and "2 deals" in r.json["message"]
    assert support.load(app, Stage, pk) is not None


def test_the_default_stage_cannot_be_deleted_while_others_exist(
    app, acme, acme_admin, browser, api
):
    pk = support.stage_id(app, acme, "Lead")
    r = browser(acme_admin).post(f"/stages/delete/{pk}", follow_redirects=True)
    assert "“Lead” is the default stage of its pipeline" in support.flashes(
        r.get_data(as_text=True)
    )
    assert api(acme_admin).delete(f"/api/v1/stage/{pk}").status_code == 409
    lone = support.pipeline(app, acme, "Solo", ["Only"])
    only = support.stage_id(app, acme, "Only", "Solo")
    assert (
        api(acme_admin).put(f"/api/v1/stage/{only}", json={"is_default": True}).status_code == 200
    )
    assert api(acme_admin).delete(f"/api/v1/stage/{only}").status_code == 200
    assert support.stages_of(app, acme, "Solo") == [] and lone


def test_moving_the_deals_on_screen_empties_the_stage_for_deletion(app, acme, acme_admin, browser):
    first = factories.deal(app, acme, "A", stage="Negotiation")
    second = factories.deal(app, acme, "B", stage="Negotiation")
    source, target = support.stage_id(app, acme, "Negotiation"), support.stage_id(app, acme, "Won")
    b = browser(acme_admin)
    page = b.get(f"/stages/move-deals/{source}").get_data(as_text=True)
    assert "This stage has 2 deals" in page and f'<option value="{source}"' not in page
    r = b.post(f"/stages/move-deals/{source}", {"target": str(target)}, follow_redirects=True)
    assert "2 deals moved from “Negotiation” to “Won”" in support.flashes(r.get_data(as_text=True))
    for pk in (first, second):
        deal = support.load(app, Deal, pk)
        assert deal.stage_id == target and deal.actual_close_date == dt.date.today()
        assert support.audit_actions(app, acme, "deal", pk) == ["create", "update"]
    assert b.post(f"/stages/delete/{source}").status_code == 302
    assert support.load(app, Stage, source) is None


def test_deals_move_only_to_another_stage_of_the_same_pipeline(app, acme, acme_admin, browser, api):
    support.pipeline(app, acme, "Partners", ["Intro"])
    pk = factories.deal(app, acme, stage="Proposal")
    source = support.stage_id(app, acme, "Proposal")
    elsewhere = support.stage_id(app, acme, "Intro", "Partners")
    r = browser(acme_admin).post(f"/stages/move-deals/{source}", {"target": str(elsewhere)})
    assert r.status_code == 200 and "Not a valid choice" in r.get_data(as_text=True)
    client = api(acme_admin)
    r = client.post(f"/api/v1/stage/{source}/move_deals", json={"target": elsewhere})
    assert r.status_code == 422 and "same pipeline" in r.json["errors"]["target"][0]
    r = client.post(f"/api/v1/stage/{source}/move_deals", json={"target": source})
    assert r.status_code == 422
    assert support.load(app, Deal, pk).stage_id == source
    r = client.post(
        f"/api/v1/stage/{source}/move_deals",
        json={"target": support.stage_id(app, acme, "Qualified")},
    )
    assert r.status_code == 200 and r.json["moved"] == 1


def test_stages_are_reordered_within_their_pipeline(app, acme, acme_admin, browser, api):
    support.pipeline(app, acme, "Partners", ["Intro", "Pilot"])
    names = ["Lost", "Won", "Negotiation", "Proposal", "Qualified", "Lead"]
    ids = [support.stage_id(app, acme, n) for n in names]
    b = browser(acme_admin)
    r = b.client.post("/stages/reorder", json={"ids": ids}, headers={"X-CSRFToken": b.token})
    assert r.status_code == 200
    assert [s[0] for s in support.stages_of(app, acme)] == names
    assert [s[0] for s in support.stages_of(app, acme, "Partners")] == ["Intro", "Pilot"]
    mixed = ids + [support.stage_id(app, acme, "Intro", "Partners")]
    r = api(acme_admin).post("/api/v1/stage/reorder", json={"ids": mixed})
    assert r.status_code == 422
    assert [s[0] for s in support.stages_of(app, acme)] == names
