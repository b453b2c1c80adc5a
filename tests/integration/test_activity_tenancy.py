"""Interactions and tasks of another tenant: every route answers 404 for their ids,
lookups refuse their customers, bodies cannot point at their records, lists never show them."""

import re

import pytest

from crm.extensions import db
from crm.models import Interaction, Task
from tests import factories
from tests.conftest import make_user
from tests.factories import deal, interaction, lead, task

SECRET = "Globex secret"


@pytest.fixture
def globex_activity(app, globex):
    """A Globex customer with a contact, deal, lead, interaction and task; {name: id}."""
    user = make_user(app, globex, "Member", "globex-member")
    customer = factories.customer(app, globex, f"{SECRET} buyer")
    return {
        "customer": customer,
        "contact": factories.contact(app, globex, customer, f"{SECRET} contact"),
        "deal": deal(app, globex, f"{SECRET} deal", customer_id=customer),
        "lead": lead(app, globex, f"{SECRET} lead"),
        "company": factories.company(app, globex, f"{SECRET} company"),
        "interaction": interaction(app, globex, customer, f"{SECRET} call"),
        "task": task(app, globex, f"{SECRET} task", customer_id=customer, assignee_id=user.id),
        "user": user.id,
    }


def _counts(app):
    with app.app_context():
        counts = [
            db.session.query(m).execution_options(all_tenants=True).count()
            for m in (Interaction, Task)
        ]
        snapshot = [
            (t.status, t.title) for t in db.session.query(Task).execution_options(all_tenants=True)
        ]
        db.session.remove()
    return counts, snapshot


def _routes(app, prefixes):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(prefixes) and "pk" in rule.arguments:
            yield rule


def test_every_interaction_and_task_route_answers_404_for_another_tenants_id(
    app, acme, acme_admin, browser, api, globex_activity
):
    before = _counts(app)
    b, client = browser(acme_admin), api(acme_admin)
    checked = set()
    for rule in _routes(
        app, ("/interactions/", "/tasks/", "/api/v1/interaction/", "/api/v1/task/")
    ):
        kind = "interaction" if "interaction" in rule.rule else "task"
        names = {"pk": str(globex_activity[kind]), "name": "muldelete", "filename": "x"}
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m, names=names: names[m.group(1)], rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if url.startswith("/api/"):
                response = getattr(client, method.lower())(
                    url, json={"title": "hijack", "summary": "hijack"}
                )
            elif method == "GET":
                response = b.get(url)
            else:
                response = b.post(url, {"title": "hijack", "summary": "hijack", "status": "done"})
            assert response.status_code == 404, f"{method} {url} -> {response.status_code}"
            checked.add(rule.endpoint)
    for endpoint in (
        "InteractionView.show",
        "InteractionView.edit",
        "InteractionView.delete",
        "TaskView.show",
        "TaskView.edit",
        "TaskView.delete",
        "TaskView.mark_done",
        "TaskView.reopen",
        "TaskApi.mark_done",
        "TaskApi.reopen",
        "TaskApi.put",
        "InteractionApi.get",
        "InteractionApi.delete",
    ):
        assert endpoint in checked, endpoint
    assert _counts(app) == before


def test_lookups_refuse_another_tenants_customer_and_show_only_own_records(
    app, acme, acme_member, browser, globex_activity
):
    factories.customer(app, acme, "Acme buyer")
    b = browser(acme_member)
    for url in ("/interactions/lookup_deals", "/interactions/lookup_contacts"):
        assert b.get(f"{url}?customer={globex_activity['customer']}").status_code == 404
    for url in (
        "/tasks/lookup_deals",
        "/tasks/lookup_leads",
        "/tasks/lookup_deals?q=globex",
        "/tasks/lookup_leads?q=secret",
    ):
        response = b.get(url)
        assert response.status_code == 200 and response.json["results"] == [], url


def test_bodies_cannot_point_at_another_tenants_records(
    app, acme, acme_manager, api, browser, globex_activity
):
    mine = factories.customer(app, acme, "Acme buyer")
    before = _counts(app)
    client = api(acme_manager)
    g = globex_activity
    for body, field in (
        ({"customer": g["customer"], "summary": "x"}, "customer"),
        ({"customer": mine, "summary": "x", "deal": g["deal"]}, "deal"),
        ({"customer": mine, "summary": "x", "contact": g["contact"]}, "contact"),
    ):
        r = client.post("/api/v1/interaction/", json=body)
        assert r.status_code == 422 and field in r.json["errors"], (body, r.json)
    for field in ("customer", "company", "deal", "lead", "assignee"):
        key = "user" if field == "assignee" else field
        r = client.post("/api/v1/task/", json={"title": "x", field: g[key]})
        assert r.status_code == 422 and field in r.json["errors"], (field, r.json)
    b = browser(acme_manager)
    for url, body in (
        ("/interactions/add", {"customer": g["customer"], "kind": "call", "summary": "x"}),
        (
            "/interactions/add",
            {"customer": mine, "kind": "call", "summary": "x", "deal": g["deal"]},
        ),
        (f"/interactions/add?_flt_0_customer={g['customer']}", {"kind": "call", "summary": "x"}),
        ("/tasks/add", {"title": "x", "priority": "normal", "status": "open", "lead": g["lead"]}),
        (
            "/tasks/add",
            {"title": "x", "priority": "normal", "status": "open", "assignee": g["user"]},
        ),
    ):
        assert b.post(url, body).status_code == 200, url  # re-rendered with the refusal
    assert _counts(app) == before


def test_lists_and_my_tasks_show_only_own_records(
    app, acme, acme_admin, browser, api, globex_activity
):
    b = browser(acme_admin)
    for page in (
        "/interactions/list/",
        "/tasks/list/",
        "/my-tasks/",
        "/tasks/add",
        "/interactions/add",
    ):
        html = b.get(page).get_data(as_text=True)
        assert SECRET not in html and "globex-member" not in html, page
    client = api(acme_admin)
    for resource in ("interaction", "task", "task/mine"):
        body = client.get(
            f"/api/v1/{resource}/" if "/" not in resource else f"/api/v1/{resource}"
        ).json
        assert body["result"] == [], resource
