"""Automation rules end to end, through the API and the task queue (immediate mode): they
run after the user's save committed, act through the services, log every run, stop
loops, keep tenants apart and are for Admins only."""

import datetime as dt

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import AuditEntry, AutomationRun, CrmUser, Deal, Lead, Notification, Task
from crm.services.pipeline import tasks
from tests import factories
from tests.conftest import make_user


def _rows(app, model, *where):
    with app.app_context():
        rows = db.session.scalars(
            select(model).where(*where).order_by(model.id).execution_options(all_tenants=True)
        ).all()
        for row in rows:
            db.session.expunge(row)
        db.session.remove()
    return rows


def _rule(api, admin, **body):
    body.setdefault("name", "Rule")
    body.setdefault("conditions", [])
    r = api(admin).post("/api/v1/automation_rule/", json=body)
    assert r.status_code == 201, r.json
    return r.json["id"]


@pytest.fixture
def sellers(app, acme):
    return [make_user(app, acme, "Member", f"seller-{n}") for n in (1, 2, 3)]


def test_a_won_deal_gets_a_follow_up_task_due_in_three_days(
    app, api, acme, acme_admin, acme_manager
):
    rule_id = _rule(
        api,
        acme_admin,
        name="Hand over won deals",
        entity="deal",
        trigger="changed",
        conditions=[{"op": "deal_won"}],
        actions=[
            {
                "type": "create_task",
                "title": "Send the contract",
                "due_in_days": 3,
                "assignee": "owner",
            }
        ],
    )
    deal_id = factories.deal(app, acme, title="Rollout", assigned_to_id=acme_manager.id)
    assert _rows(app, Task) == []  # created, not won: the rule's condition does not hold
    won = factories.sales(app, acme).stages["Won"]

    r = api(acme_admin).put(f"/api/v1/deal/{deal_id}/stage", json={"stage_id": won})
    assert r.status_code == 200, r.json

    [task] = _rows(app, Task)
    assert task.title == "Send the contract"
    assert task.deal_id == deal_id
    assert task.assignee_id == acme_manager.id
    assert task.due_date == tasks.today() + dt.timedelta(days=3)
    [run] = _rows(app, AutomationRun)
    assert (run.rule_id, run.record_id, run.status, run.depth) == (rule_id, deal_id, "done", 0)
    [entry] = _rows(app, AuditEntry, AuditEntry.entity == "task")
    assert entry.username == "Automation: Hand over won deals"


def test_round_robin_gives_new_leads_to_three_users_in_turn(
    app, api, acme, acme_admin, sellers
):
    _rule(
        api,
        acme_admin,
        name="Share new leads",
        entity="lead",
        trigger="created",
        actions=[{"type": "round_robin", "user_ids": [u.id for u in sellers]}],
    )
    ids = []
    for n in range(4):
        r = api(acme_admin).post("/api/v1/lead/", json={"title": f"Lead {n}"})
        assert r.status_code == 201, r.json
        ids.append(r.json["id"])

    owners = {lead.id: lead.assigned_to_id for lead in _rows(app, Lead)}
    assert [owners[i] for i in ids] == [sellers[0].id, sellers[1].id, sellers[2].id, sellers[0].id]
    # Each new owner is told, as for any assignment.
    assert len(_rows(app, Notification, Notification.user_id == sellers[0].id)) == 2


def test_two_rules_that_would_ping_pong_stop(app, api, acme, acme_admin):
    probability = {"field": "probability", "op": "changed_to"}
    up = _rule(
        api,
        acme_admin,
        name="Up",
        entity="deal",
        trigger="changed",
        conditions=[{**probability, "value": 10}],
        actions=[{"type": "set_field", "field": "probability", "value": 20}],
    )
    down = _rule(
        api,
        acme_admin,
        name="Down",
        entity="deal",
        trigger="changed",
        conditions=[{**probability, "value": 20}],
        actions=[{"type": "set_field", "field": "probability", "value": 10}],
    )
    deal_id = factories.deal(app, acme, title="Rollout")

    r = api(acme_admin).put(f"/api/v1/deal/{deal_id}", json={"probability": 10})
    assert r.status_code == 200, r.json

    runs = [(run.rule_id, run.status, run.depth) for run in _rows(app, AutomationRun)]
    assert runs == [(up, "done", 0), (down, "done", 1), (up, "skipped", 2)]
    assert _rows(app, AutomationRun)[-1].message.startswith("Stopped: loop")
    assert factories.load_deal(app, deal_id).probability == 10


def test_a_chain_of_distinct_rules_stops_at_the_depth_limit(app, api, acme, acme_admin):
    ids = [
        _rule(
            api,
            acme_admin,
            name=f"Step {n}",
            entity="deal",
            trigger="changed",
            conditions=[{"field": "probability", "op": "changed_to", "value": n}],
            actions=[{"type": "set_field", "field": "probability", "value": n + 1}],
        )
        for n in range(1, 6)
    ]
    deal_id = factories.deal(app, acme, title="Rollout")
    api(acme_admin).put(f"/api/v1/deal/{deal_id}", json={"probability": 1})

    runs = [(run.rule_id, run.status) for run in _rows(app, AutomationRun)]
    assert runs == [(ids[0], "done"), (ids[1], "done"), (ids[2], "done"), (ids[3], "skipped")]
    assert factories.load_deal(app, deal_id).probability == 4


def test_a_failing_action_logs_a_failed_run_and_the_save_stands(
    app, api, acme, acme_admin, sellers
):
    rule_id = _rule(
        api,
        acme_admin,
        name="Give to seller 1",
        entity="lead",
        trigger="created",
        actions=[
            {"type": "create_task", "title": "Call back", "assignee": "owner"},
            {"type": "assign_owner", "user_id": sellers[0].id},
        ],
    )
    with app.app_context():
        db.session.get(CrmUser, sellers[0].id).active = False
        db.session.commit()
        db.session.remove()

    r = api(acme_admin).post("/api/v1/lead/", json={"title": "Saved anyway"})

    assert r.status_code == 201, r.json
    [lead] = _rows(app, Lead)
    assert lead.title == "Saved anyway" and lead.assigned_to_id is None
    assert _rows(app, Task) == []  # the rule's first action was undone with the second
    [run] = _rows(app, AutomationRun)
    assert (run.rule_id, run.status) == (rule_id, "failed")
    assert "can no longer sign in" in run.message


def test_another_tenants_rule_never_fires(app, api, acme, acme_admin, globex, globex_admin):
    globex_boss = make_user(app, globex, "Manager", "globex-boss")
    _rule(
        api,
        globex_admin,
        entity="lead",
        trigger="created",
        actions=[{"type": "notify_users", "user_ids": [globex_boss.id]}],
    )
    r = api(acme_admin).post("/api/v1/lead/", json={"title": "Acme's lead"})
    assert r.status_code == 201
    assert _rows(app, AutomationRun) == []
    assert _rows(app, Notification) == []


def test_a_rule_notifies_chosen_users_with_a_link(app, api, acme, acme_admin, acme_manager):
    _rule(
        api,
        acme_admin,
        name="Big deals",
        entity="deal",
        trigger="created",
        conditions=[{"field": "value", "op": "greater_than", "value": "10000"}],
        actions=[{"type": "notify_users", "user_ids": [acme_manager.id]}],
    )
    factories.deal(app, acme, title="Small", value="500")
    big = factories.deal(app, acme, title="Big", value="25000")
    [note] = _rows(app, Notification)
    assert note.user_id == acme_manager.id
    assert note.link == f"/deals/show/{big}"
    assert "Big deals" in note.message and "Big" in note.message


def test_a_rule_is_refused_with_every_problem_named(app, api, acme, acme_admin, globex_admin):
    r = api(acme_admin).post(
        "/api/v1/automation_rule/",
        json={
            "name": "Broken",
            "entity": "deal",
            "conditions": [
                {"field": "colour", "op": "equals", "value": "red"},
                {"field": "probability", "op": "equals", "value": "lots"},
            ],
            "actions": [
                {"type": "assign_owner", "user_id": globex_admin.id},
                {"type": "call_webhook", "endpoint_id": 999},
                {"type": "set_field", "field": "currency", "value": "USD"},
            ],
        },
    )
    assert r.status_code == 422, r.json
    conditions, actions = r.json["errors"]["conditions"], r.json["errors"]["actions"]
    assert "unknown field “colour”" in conditions[0]
    assert conditions[1].startswith("Condition 2:") and "whole number" in conditions[1]
    assert "No such user in this organisation" in actions[0]
    assert "webhooks" in actions[1]
    assert "unknown field “currency”" in actions[2]
    assert _rows(app, AutomationRun) == []


@pytest.mark.parametrize("persona", ["acme_manager", "acme_member"])
def test_only_admins_reach_automation(request, api, browser, persona):
    user = request.getfixturevalue(persona)
    assert api(user).get("/api/v1/automation_rule/").status_code == 403
    assert api(user).get("/api/v1/automation_run/").status_code == 403
    assert api(user).post("/api/v1/automation_rule/", json={}).status_code == 403
    assert browser(user).get("/automation/list/").status_code == 403
