"""Automation rules end to end, through the API and the task queue (immediate mode): they
run after the user's save committed, act through the services, log every run, stop
loops, keep tenants apart and are for Admins only."""

import datetime as dt

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import AuditEntry, AutomationRule, AutomationRun, CrmUser, Lead, Notification, Task
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


def test_round_robin_gives_new_leads_to_three_users_in_turn(app, api, acme, acme_admin, sellers):
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


def test_an_admin_builds_a_rule_from_rows_of_selects(app, browser, acme, acme_admin, sellers):
    page = browser(acme_admin).get("/automation/add")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="conditions-0-op"' in html and 'name="actions-0-type"' in html
    assert "automation_builder.js" in html
    won = factories.sales(app, acme).stages["Won"]

    client = browser(acme_admin)
    r = client.post(
        "/automation/add",
        data={
            "name": "Won deals",
            "is_active": "y",
            "entity": "deal",
            "trigger": "changed",
            "position": "1",
            "conditions-0-op": "stage_entered",
            "conditions-0-field": "title",
            "conditions-0-value": "",
            "conditions-0-value_ref": str(won),
            "conditions-1-op": "greater_than",
            "conditions-1-field": "value",
            "conditions-1-value": "1000",
            "conditions-1-value_ref": "",
            "conditions-2-op": "",
            "actions-0-type": "create_task",
            "actions-0-title": "Kick-off call",
            "actions-0-due_in_days": "2",
            "actions-0-assignee": "user",
            "actions-0-user_id": str(sellers[1].id),
            "actions-0-user_ids": [str(sellers[0].id)],  # another action's input: ignored
            "actions-1-type": "notify_users",
            "actions-1-user_ids": [str(sellers[0].id), str(sellers[2].id)],
            "actions-1-message": "",
            "actions-2-type": "",
        },
    )
    assert r.status_code == 302, factories.form_errors(r.get_data(as_text=True))
    [rule] = _rows(app, AutomationRule)
    assert rule.conditions == [
        {"op": "stage_entered", "value": won},
        {"field": "value", "op": "greater_than", "value": "1000"},
    ]
    assert rule.actions == [
        {
            "type": "create_task",
            "title": "Kick-off call",
            "description": None,
            "due_in_days": 2,
            "assignee": "user",
            "user_id": sellers[1].id,
        },
        {"type": "notify_users", "user_ids": [sellers[0].id, sellers[2].id], "message": None},
    ]
    edit = client.get(f"/automation/edit/{rule.id}").get_data(as_text=True)
    assert 'value="Kick-off call"' in edit
    assert f'<option value="{won}" selected>' in edit


def test_the_form_names_what_is_wrong(app, browser, acme, acme_admin, globex_admin):
    r = browser(acme_admin).post(
        "/automation/add",
        data={
            "name": "Broken",
            "entity": "lead",
            "trigger": "created",
            "position": "0",
            "conditions-0-op": "greater_than",
            "conditions-0-field": "title",
            "conditions-0-value": "x",
            "actions-0-type": "assign_owner",
            "actions-0-user_id": str(globex_admin.id),
        },
    )
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Title cannot be compared by size." in html
    assert "No such user in this organisation." in html
    assert _rows(app, AutomationRule) == []


def test_the_run_log_links_to_the_record(app, api, browser, acme, acme_admin):
    rule_id = _rule(
        api,
        acme_admin,
        name="Triage",
        entity="lead",
        trigger="created",
        actions=[{"type": "set_field", "field": "company_name", "value": "Triaged Ltd"}],
    )
    r = api(acme_admin).post("/api/v1/lead/", json={"title": "Inbound"})
    lead_id = r.json["id"]
    client = browser(acme_admin)
    overall = client.get("/automation-runs/list/").get_data(as_text=True)
    assert f'href="/leads/show/{lead_id}"' in overall and "Triage" in overall
    own = client.get(f"/automation/show/{rule_id}").get_data(as_text=True)
    assert f'href="/leads/show/{lead_id}"' in own
    [lead] = _rows(app, Lead)
    assert lead.company_name == "Triaged Ltd"
