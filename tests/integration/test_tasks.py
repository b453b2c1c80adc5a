"""Tasks: status changes and completed_at, "My tasks" with overdue ones highlighted,
quick actions, the customer's Tasks tab, links to deals and role limits."""

import datetime as dt
import re

import pytest

from crm.extensions import db
from crm.models import Company, Customer, Task
from tests import factories
from tests.conftest import make_user
from tests.factories import deal, lead, load, task

TODAY = dt.datetime.now(dt.timezone.utc).date()


def _day(offset):
    return TODAY + dt.timedelta(days=offset)


def _task_ids(app):
    with app.app_context():
        ids = sorted(t.id for t in db.session.query(Task).execution_options(all_tenants=True))
        db.session.remove()
    return ids


def _rows(html, marker="<tr"):
    """(row html) of each table row that shows a task."""
    return [r for r in re.findall(r"<tr[^>]*>.*?</tr>", html, re.S) if "/tasks/" in r]


def _form(**fields):
    body = {"title": "Call back", "priority": "normal", "status": "open"}
    body.update({k: ("" if v is None else str(v)) for k, v in fields.items()})
    return body


# --- status and completed_at ------------------------------------------------------------


def test_done_sets_completed_at_and_reopening_clears_it(app, browser, acme, acme_manager):
    b = browser(acme_manager)
    assert b.post("/tasks/add", _form(title="Send the quote")).status_code == 302
    (pk,) = _task_ids(app)
    saved = load(app, Task, pk)
    assert (saved.status, saved.priority, saved.completed_at) == ("open", "normal", None)
    assert (
        b.post(f"/tasks/edit/{pk}", _form(title="Send the quote", status="in_progress")).status_code
        == 302
    )
    assert load(app, Task, pk).completed_at is None
    assert (
        b.post(f"/tasks/edit/{pk}", _form(title="Send the quote", status="done")).status_code == 302
    )
    done = load(app, Task, pk)
    assert done.status == "done" and done.completed_at is not None
    # Editing a done task keeps its completion time.
    assert (
        b.post(f"/tasks/edit/{pk}", _form(title="Sent the quote", status="done")).status_code == 302
    )
    assert load(app, Task, pk).completed_at == done.completed_at
    assert (
        b.post(f"/tasks/edit/{pk}", _form(title="Sent the quote", status="open")).status_code == 302
    )
    reopened = load(app, Task, pk)
    assert (reopened.status, reopened.completed_at) == ("open", None)


def test_a_finished_task_is_reopened_before_being_finished_another_way(
    app, browser, api, acme, acme_manager
):
    pk = task(app, acme, status="done")
    r = browser(acme_manager).post(f"/tasks/edit/{pk}", _form(status="cancelled"))
    assert r.status_code == 200 and "reopened before" in r.get_data(as_text=True)
    r = api(acme_manager).put(f"/api/v1/task/{pk}", json={"status": "cancelled"})
    assert r.status_code == 422 and list(r.json["errors"]) == ["status"]
    assert load(app, Task, pk).status == "done"


def test_quick_actions_mark_done_and_reopen(app, browser, acme, acme_manager):
    pk = task(app, acme, title="Quick one")
    b = browser(acme_manager)
    r = b.post(f"/tasks/done/{pk}", {"next": "/my-tasks/"})
    assert r.status_code == 302 and r.location.endswith("/my-tasks/")
    assert load(app, Task, pk).completed_at is not None
    r = b.post(f"/tasks/reopen/{pk}", {"next": "https://evil.example/"})
    assert r.status_code == 302 and r.location.endswith("/tasks/list/")  # not off-site
    assert (load(app, Task, pk).status, load(app, Task, pk).completed_at) == ("open", None)
    assert b.post(f"/tasks/done/{pk}", csrf=False).status_code == 400
    assert load(app, Task, pk).status == "open"


def test_quick_actions_in_the_api(app, api, acme, acme_manager):
    pk = task(app, acme)
    client = api(acme_manager)
    r = client.post(f"/api/v1/task/{pk}/done")
    assert r.status_code == 200 and r.json["result"]["status"] == "done"
    assert r.json["result"]["completed_at"]
    r = client.post(f"/api/v1/task/{pk}/reopen")
    assert r.status_code == 200 and r.json["result"]["completed_at"] is None


# --- My tasks and overdue -----------------------------------------------------------------


def test_my_tasks_shows_only_my_open_tasks_soonest_first_and_highlights_overdue(
    app, browser, acme, acme_manager, acme_member
):
    mine = acme_member.id
    task(app, acme, "Later", assignee_id=mine, due_date=_day(5))
    task(app, acme, "Overdue", assignee_id=mine, due_date=_day(-2), priority="high")
    task(app, acme, "Undated", assignee_id=mine)
    task(app, acme, "Due today", assignee_id=mine, due_date=_day(0), status="in_progress")
    task(app, acme, "Finished", assignee_id=mine, due_date=_day(-9), status="done")
    task(app, acme, "Dropped", assignee_id=mine, due_date=_day(-9), status="cancelled")
    task(app, acme, "Someone else's", assignee_id=acme_manager.id, due_date=_day(-1))
    task(app, acme, "Nobody's", due_date=_day(-1))
    html = browser(acme_member).get("/my-tasks/").get_data(as_text=True)
    rows = _rows(html)
    titles = [re.search(r'/tasks/show/\d+">([^<]+)<', r).group(1) for r in rows]
    assert titles == ["Overdue", "Due today", "Later", "Undated"]
    overdue = [t for t, r in zip(titles, rows) if 'class="crm-overdue"' in r]
    assert overdue == ["Overdue"]
    assert "/tasks/done/" not in html  # a Member cannot change tasks


def test_the_task_list_highlights_overdue_open_tasks_only(app, browser, acme, acme_member):
    task(app, acme, "Late and open", due_date=_day(-3))
    task(app, acme, "Late but done", due_date=_day(-3), status="done")
    task(app, acme, "On time", due_date=_day(3))
    html = browser(acme_member).get("/tasks/list/").get_data(as_text=True)
    highlighted = [
        re.search(r"<td>(Late[^<]*|On time)</td>", r).group(1)
        for r in re.findall(r"<tr[^>]*>.*?</tr>", html, re.S)
        if 'class="crm-overdue"' in r
    ]
    assert highlighted == ["Late and open"]
    # Open first by due date, finished last.
    order = [html.index(t) for t in ("Late and open", "On time", "Late but done")]
    assert order == sorted(order)


def test_the_api_lists_my_open_tasks(app, api, acme, acme_member, acme_manager):
    task(app, acme, "Mine", assignee_id=acme_member.id)
    task(app, acme, "Theirs", assignee_id=acme_manager.id)
    body = api(acme_member).get("/api/v1/task/mine").json
    assert [t["title"] for t in body["result"]] == ["Mine"] and body["more"] is False


def test_the_add_form_assigns_the_author_and_normal_priority_by_default(
    app, browser, acme, acme_manager
):
    html = browser(acme_manager).get("/tasks/add").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="assignee".*?</select>', html, re.S).group(0)
    assert re.search(rf'<option selected value="{acme_manager.id}">', select)
    assert '<option selected value="normal">' in html


def test_only_active_users_of_the_tenant_can_be_assigned(app, api, acme, globex, acme_manager):
    stranger = make_user(app, globex, "Member", "globex-member")
    client = api(acme_manager)
    r = client.post("/api/v1/task/", json={"title": "x", "assignee": stranger.id})
    assert r.status_code == 422 and "assignee" in r.json["errors"]
    leaver = make_user(app, acme, "Member", "acme-leaver")
    with app.app_context():
        app.appbuilder.sm.get_user_by_id(leaver.id).active = False
        db.session.commit()
        db.session.remove()
    r = client.post("/api/v1/task/", json={"title": "x", "assignee": leaver.id})
    assert r.status_code == 422 and "assignee" in r.json["errors"]
    assert _task_ids(app) == []


# --- links -----------------------------------------------------------------------------------


def test_the_customer_page_has_a_tasks_tab_that_adds_for_the_customer(
    app, browser, acme, acme_manager
):
    customer = factories.customer(app, acme, "Tasked Ltd")
    other = factories.customer(app, acme, "Other Ltd")
    task(app, acme, "For Tasked", customer_id=customer)
    task(app, acme, "For Other", customer_id=other)
    b = browser(acme_manager)
    html = factories.with_tabs(b, f"/customers/show/{customer}")
    tab = html[html.index('id="TaskView"') :]
    assert "For Tasked" in tab and "For Other" not in tab
    assert f"/tasks/add?_flt_0_customer={customer}" in tab
    r = b.post(f"/tasks/add?_flt_0_customer={customer}", _form(title="From the tab"))
    assert r.status_code == 302
    assert load(app, Task, max(_task_ids(app))).customer_id == customer


def test_a_deal_brings_its_customer_and_company_and_must_match_them(app, api, acme, acme_manager):
    company = factories.company(app, acme, "Parent Co")
    customer = factories.customer(app, acme, "Deal Customer", company_id=company)
    other = factories.customer(app, acme, "Other Customer")
    pk = deal(app, acme, "The deal", customer_id=customer, company_id=company)
    client = api(acme_manager)
    r = client.post("/api/v1/task/", json={"title": "Follow up", "deal": pk})
    assert r.status_code == 201, r.json
    saved = load(app, Task, r.json["id"])
    assert (saved.deal_id, saved.customer_id, saved.company_id) == (pk, customer, company)
    r = client.post("/api/v1/task/", json={"title": "Wrong", "deal": pk, "customer": other})
    assert r.status_code == 422 and "Other Customer" in r.json["errors"]["deal"][0]


def test_a_task_may_stand_alone_or_link_a_lead(app, api, acme, acme_manager):
    pk = lead(app, acme, "Trade show contact")
    client = api(acme_manager)
    assert client.post("/api/v1/task/", json={"title": "Personal to-do"}).status_code == 201
    r = client.post(
        "/api/v1/task/",
        json={
            "title": "Qualify",
            "lead": pk,
            "priority": "urgent",
            "due_date": _day(1).isoformat(),
        },
    )
    assert r.status_code == 201
    assert load(app, Task, r.json["id"]).lead_id == pk


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": ""}, "title"),
        ({"description": "no title"}, "title"),
        ({"title": "x", "priority": "asap"}, "priority"),
        ({"title": "x", "status": "blocked"}, "status"),
        ({"title": "x", "due_date": "tomorrow"}, "due_date"),
        ({"title": "x", "deal": 999999}, "deal"),
        ({"title": "x", "customer": 999999}, "customer"),
    ],
)
def test_the_api_refuses_bad_input_naming_the_field(app, api, acme, acme_manager, body, field):
    r = api(acme_manager).post("/api/v1/task/", json=body)
    assert r.status_code == 422, r.json
    assert field in r.json["errors"]


def test_an_archived_customer_or_inactive_company_is_not_newly_linked(app, api, acme, acme_manager):
    archived = factories.customer(app, acme, "Gone Ltd", is_active=False)
    dormant = factories.company(app, acme, "Dormant Co", is_active=False)
    client = api(acme_manager)
    r = client.post("/api/v1/task/", json={"title": "x", "customer": archived, "company": dormant})
    assert r.status_code == 422 and set(r.json["errors"]) == {"customer", "company"}


def test_records_with_tasks_cannot_be_deleted(app, browser, api, acme, acme_admin):
    customer = factories.customer(app, acme, "Busy Ltd")
    company = factories.company(app, acme, "Busy Holding")
    task(app, acme, customer_id=customer, company_id=company)
    r = api(acme_admin).delete(f"/api/v1/customer/{customer}")
    assert r.status_code == 409 and "1 tasks" in r.json["message"]
    r = browser(acme_admin).post(f"/companies/delete/{company}", follow_redirects=True)
    assert "1 tasks" in r.get_data(as_text=True)
    assert load(app, Customer, customer) is not None and load(app, Company, company) is not None


# --- pickers ---------------------------------------------------------------------------------


def test_deal_and_lead_lookups_put_open_ones_first(app, browser, acme, acme_member):
    customer = factories.customer(app, acme, "Buyer Ltd")
    deal(app, acme, "Alpha won", customer_id=customer, stage="Won")
    deal(app, acme, "Beta open", customer_id=customer)
    lead(app, acme, "Alpha lost", status="Lost")
    lead(app, acme, "Beta new", company_name="Beta Corp")
    b = browser(acme_member)
    deals = [r["text"] for r in b.get("/tasks/lookup_deals").json["results"]]
    assert deals == ["Beta open · Buyer Ltd", "Alpha won · Buyer Ltd"]
    leads = [r["text"] for r in b.get("/tasks/lookup_leads?q=beta").json["results"]]
    assert leads == ["Beta new · Beta Corp"]
    assert [r["text"] for r in b.get("/tasks/lookup_leads").json["results"]][-1] == "Alpha lost"


# --- roles -------------------------------------------------------------------------------------


def test_members_read_managers_add_edit_and_act_admins_delete(
    app, browser, api, acme, acme_member, acme_manager, acme_admin
):
    pk = task(app, acme)
    member, manager = browser(acme_member), browser(acme_manager)
    assert member.get("/tasks/list/").status_code == 200
    assert member.get("/my-tasks/").status_code == 200
    assert member.get(f"/tasks/show/{pk}").status_code == 200
    assert member.get("/tasks/add").status_code == 403
    assert member.post("/tasks/add", _form()).status_code == 403
    assert member.post(f"/tasks/done/{pk}").status_code == 403
    assert api(acme_member).post(f"/api/v1/task/{pk}/done").status_code == 403
    assert api(acme_member).put(f"/api/v1/task/{pk}", json={"title": "x"}).status_code == 403
    assert load(app, Task, pk).status == "open"
    assert manager.post(f"/tasks/done/{pk}").status_code == 302
    assert manager.post(f"/tasks/delete/{pk}").status_code == 403
    assert api(acme_manager).delete(f"/api/v1/task/{pk}").status_code == 403
    assert browser(acme_admin).post(f"/tasks/delete/{pk}").status_code == 302
    assert load(app, Task, pk) is None


def test_menu_shows_the_sales_entries(app, browser, acme, acme_member):
    html = browser(acme_member).get("/my-tasks/").get_data(as_text=True)
    for href in ("/interactions/list/", "/tasks/list/", "/my-tasks/"):
        assert f'href="{href}"' in html, href


def test_adding_a_task_from_a_deal_page_links_the_deal_and_its_customer(
    app, browser, api, acme, acme_manager
):
    customer = factories.customer(app, acme, "Deal Customer")
    pk = deal(app, acme, "The deal", customer_id=customer)
    b = browser(acme_manager)
    assert b.get(f"/tasks/add?_flt_0_deal={pk}").status_code == 200
    r = b.post(f"/tasks/add?_flt_0_deal={pk}", _form(title="Send the contract"))
    assert r.status_code == 302
    saved = load(app, Task, max(_task_ids(app)))
    assert (saved.deal_id, saved.customer_id) == (pk, customer)
    for resource in ("task", "interaction"):
        assert api(acme_manager).get(f"/api/v1/{resource}/_info").status_code == 200


def test_the_task_list_filters_by_status_priority_assignee_and_due_date(
    app, browser, acme, acme_member, acme_manager
):
    task(
        app,
        acme,
        "Open urgent mine",
        priority="urgent",
        assignee_id=acme_member.id,
        due_date=_day(2),
    )
    task(
        app,
        acme,
        "Done normal theirs",
        status="done",
        assignee_id=acme_manager.id,
        due_date=_day(-2),
    )
    b = browser(acme_member)

    def titles(query):
        html = b.get(f"/tasks/list/?{query}").get_data(as_text=True)
        return sorted(t for t in ("Open urgent mine", "Done normal theirs") if t in html)

    assert titles("_flt_3_status=done") == ["Done normal theirs"]
    assert titles("_flt_3_priority=urgent") == ["Open urgent mine"]
    assert titles(f"_flt_0_assignee={acme_member.id}") == ["Open urgent mine"]
    assert titles(f"_flt_1_due_date={_day(0).isoformat()}") == ["Open urgent mine"]  # due after
    search = b.get("/tasks/list/").get_data(as_text=True)
    # The search form offers the statuses as a choice (FAB ships its fields as escaped JSON).
    assert r"\u003coption value=\"in_progress\"\u003eIn progress\u003c/option\u003e" in search
