"""Deals through the REST API: the form's rules on create and edit, PUT /deal/<id>/stage with
the board's stage rule, and the role matrix."""

import datetime as dt

import pytest

from tests import factories

TODAY = dt.date.today().isoformat()


@pytest.fixture
def sales(app, acme):
    return factories.sales(app, acme)


def test_a_deal_posted_without_a_stage_starts_in_the_default_stage(
    app, acme, acme_manager, api, sales
):
    customer = factories.customer(app, acme, "Franc Buyer", currency="CHF")
    r = api(acme_manager).post(
        "/api/v1/deal/",
        json={
            "title": "Kiosk rollout",
            "value": "1999.90",
            "pipeline": sales.id,
            "customer": customer,
            "expected_close_date": "2030-06-30",
            "probability": 60,
        },
    )
    assert r.status_code == 201, r.json
    deal = factories.load_deal(app, r.json["id"])
    assert (deal.stage_name, str(deal.value), deal.currency, deal.probability) == (
        "Lead",
        "1999.90",
        "CHF",
        60,
    )
    shown = api(acme_manager).get(f"/api/v1/deal/{deal.id}").json["result"]
    assert (shown["stage"]["name"], shown["pipeline"]["name"], shown["customer"]["name"]) == (
        "Lead",
        "Sales",
        "Franc Buyer",
    )


def test_posted_deals_are_checked_like_the_form(app, acme, acme_manager, api, sales):
    other = factories.pipeline(app, acme)
    client = api(acme_manager)
    r = client.post(
        "/api/v1/deal/",
        json={
            "title": "",
            "value": -3,
            "probability": 120,
            "pipeline": sales.id,
            "stage": other.stages["Intro"],
        },
    )
    assert r.status_code == 422
    assert set(r.json["errors"]) == {"title", "value", "probability", "stage"}
    r = client.post("/api/v1/deal/", json={"title": "No pipeline"})
    assert r.status_code == 422 and "pipeline" in r.json["message"]
    assert client.get("/api/v1/deal/").json["count"] == 0


def test_a_put_that_changes_the_stage_follows_the_stage_rule(app, acme, acme_manager, api, sales):
    pk = factories.deal(app, acme, stage="Negotiation")
    client = api(acme_manager)
    r = client.put(
        f"/api/v1/deal/{pk}", json={"stage": sales.stages["Lost"], "lost_reason": "Price"}
    )
    assert r.status_code == 200, r.json
    deal = factories.load_deal(app, pk)
    assert (deal.stage_name, deal.actual_close_date.isoformat(), deal.lost_reason) == (
        "Lost",
        TODAY,
        "Price",
    )
    client.put(f"/api/v1/deal/{pk}", json={"stage": sales.stages["Qualified"]})
    deal = factories.load_deal(app, pk)
    assert (deal.actual_close_date, deal.lost_reason) == (None, None)


def test_a_put_may_not_leave_the_stage_in_another_pipeline(app, acme, acme_manager, api, sales):
    other = factories.pipeline(app, acme)
    pk = factories.deal(app, acme, stage="Proposal")
    r = api(acme_manager).put(f"/api/v1/deal/{pk}", json={"pipeline": other.id})
    assert r.status_code == 422 and "stage" in r.json["message"]
    assert factories.load_deal(app, pk).pipeline_id == sales.id


# --- PUT /api/v1/deal/<id>/stage --------------------------------------------------------------


def test_the_stage_endpoint_wins_loses_and_reopens(app, acme, acme_manager, api, sales):
    pk = factories.deal(app, acme, stage="Proposal")
    client = api(acme_manager)
    r = client.put(f"/api/v1/deal/{pk}/stage", json={"stage_id": sales.stages["Won"]})
    assert r.status_code == 200, r.json
    assert (r.json["result"]["stage"]["name"], r.json["result"]["actual_close_date"]) == (
        "Won",
        TODAY,
    )
    r = client.put(
        f"/api/v1/deal/{pk}/stage",
        json={"stage_id": sales.stages["Lost"], "lost_reason": "Merged with another deal"},
    )
    assert (r.json["result"]["actual_close_date"], r.json["result"]["lost_reason"]) == (
        TODAY,
        "Merged with another deal",
    )
    r = client.put(f"/api/v1/deal/{pk}/stage", json={"stage_id": sales.stages["Lead"]})
    assert (r.json["result"]["actual_close_date"], r.json["result"]["lost_reason"]) == (None, None)


def test_the_stage_endpoint_refuses_other_pipelines_and_bad_bodies(
    app, acme, acme_manager, api, sales
):
    other = factories.pipeline(app, acme)
    pk = factories.deal(app, acme, stage="Proposal")
    client = api(acme_manager)
    r = client.put(f"/api/v1/deal/{pk}/stage", json={"stage_id": other.stages["Signed"]})
    assert r.status_code == 422 and "another pipeline" in r.json["errors"]["stage"][0]
    assert client.put(f"/api/v1/deal/{pk}/stage", json={"stage_id": 999999}).status_code == 404
    assert client.put(f"/api/v1/deal/{pk}/stage", json={"stage_id": "won"}).status_code == 422
    assert client.put(f"/api/v1/deal/{pk}/stage", json=[1]).status_code == 400
    r = client.put(
        f"/api/v1/deal/{pk}/stage",
        json={"stage_id": sales.stages["Lost"], "lost_reason": "x" * 300},
    )
    assert r.status_code == 422 and "lost_reason" in r.json["message"]
    assert factories.load_deal(app, pk).stage_name == "Proposal"


# --- roles ----------------------------------------------------------------------------------


def test_members_read_but_cannot_write(app, acme, acme_member, api, sales):
    pk = factories.deal(app, acme, stage="Proposal")
    client = api(acme_member)
    assert client.get("/api/v1/deal/").status_code == 200
    assert client.get(f"/api/v1/deal/{pk}").status_code == 200
    assert (
        client.post("/api/v1/deal/", json={"title": "X", "pipeline": sales.id}).status_code == 403
    )
    assert client.put(f"/api/v1/deal/{pk}", json={"title": "Y"}).status_code == 403
    assert (
        client.put(f"/api/v1/deal/{pk}/stage", json={"stage_id": sales.stages["Won"]}).status_code
        == 403
    )
    assert client.delete(f"/api/v1/deal/{pk}").status_code == 403
    assert factories.load_deal(app, pk).stage_name == "Proposal"


def test_managers_write_but_cannot_delete_admins_can(
    app, acme, acme_manager, acme_admin, api, sales
):
    pk = factories.deal(app, acme)
    manager = api(acme_manager)
    assert (
        manager.post("/api/v1/deal/", json={"title": "New", "pipeline": sales.id}).status_code
        == 201
    )
    assert (
        manager.put(f"/api/v1/deal/{pk}/stage", json={"stage_id": sales.stages["Won"]}).status_code
        == 200
    )
    assert manager.delete(f"/api/v1/deal/{pk}").status_code == 403
    assert factories.load_deal(app, pk) is not None
    assert api(acme_admin).delete(f"/api/v1/deal/{pk}").status_code == 200
    assert factories.load_deal(app, pk) is None


def test_a_deal_with_tasks_is_not_deleted(app, acme, acme_admin, api):
    pk = factories.deal(app, acme)
    factories.task(app, acme, deal_id=pk)
    r = api(acme_admin).delete(f"/api/v1/deal/{pk}")
    assert r.status_code == 409 and "1 tasks" in r.json["message"]
