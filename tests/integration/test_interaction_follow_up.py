"""An interaction's follow-up date makes one task, linked to the interaction, its customer
and deal, for the follow-up assignee (default: whoever logged it)."""

import datetime as dt

from sqlalchemy import select

from crm.extensions import db
from crm.models import Interaction, Task
from tests.factories import customer, load
from tests.factories.pipeline import deal

NEXT_WEEK = dt.date.today() + dt.timedelta(days=7)


def _tasks(app):
    with app.app_context():
        rows = db.session.scalars(select(Task).execution_options(all_tenants=True)).all()
        found = [
            (t.id, t.title, t.due_date, t.assignee_id, t.customer_id, t.deal_id, t.description)
            for t in rows
        ]
        db.session.remove()
    return found


def _interaction_id(app):
    with app.app_context():
        pk = db.session.scalar(select(Interaction.id).execution_options(all_tenants=True))
        db.session.remove()
    return pk


def _form(customer_id, **fields):
    body = {
        "customer": str(customer_id),
        "kind": "call",
        "summary": "Asked for a new quote",
        "follow_up": "Send the revised quote",
    }
    body.update(fields)
    return body


def test_a_follow_up_date_makes_one_task_and_editing_makes_no_second(
    app, acme, acme_manager, browser
):
    buyer = customer(app, acme, "Hansen Tools")
    b = browser(acme_manager)
    answer = b.post("/interactions/add", _form(buyer, follow_up_on=NEXT_WEEK.isoformat()))
    assert answer.status_code == 302
    ((task_id, title, due, assignee, customer_id, deal_id, description),) = _tasks(app)
    assert title == "Follow up: Asked for a new quote"
    assert (due, assignee, customer_id, deal_id) == (NEXT_WEEK, acme_manager.id, buyer, None)
    assert description == "Send the revised quote"
    pk = _interaction_id(app)
    assert load(app, Interaction, pk).follow_up_task_id == task_id

    edited = _form(
        buyer, summary="Asked for a new quote (again)", follow_up_on=NEXT_WEEK.isoformat()
    )
    assert b.post(f"/interactions/edit/{pk}", edited).status_code == 302
    assert [t[0] for t in _tasks(app)] == [task_id]

    moved = NEXT_WEEK + dt.timedelta(days=3)
    assert (
        b.post(f"/interactions/edit/{pk}", _form(buyer, follow_up_on=moved.isoformat())).status_code
        == 302
    )
    ((same_id, _, due, *_),) = _tasks(app)
    assert (same_id, due) == (task_id, moved)


def test_no_follow_up_date_makes_no_task(app, acme, acme_manager, browser):
    buyer = customer(app, acme, "Hansen Tools")
    assert browser(acme_manager).post("/interactions/add", _form(buyer)).status_code == 302
    assert _tasks(app) == []


def test_the_api_makes_the_follow_up_task_for_the_chosen_user_on_the_deal(
    app, acme, acme_manager, acme_member, api
):
    buyer = customer(app, acme, "Hansen Tools")
    deal_id = deal(app, acme, customer_id=buyer)
    client = api(acme_manager)
    answer = client.post(
        "/api/v1/interaction/",
        json={
            "customer": buyer,
            "deal": deal_id,
            "kind": "meeting",
            "summary": "Site visit",
            "follow_up_on": NEXT_WEEK.isoformat(),
            "follow_up_assignee": acme_member.id,
        },
    )
    assert answer.status_code == 201, answer.json
    ((task_id, _, due, assignee, customer_id, task_deal, _),) = _tasks(app)
    assert (due, assignee, customer_id, task_deal) == (NEXT_WEEK, acme_member.id, buyer, deal_id)
    shown = client.get(f"/api/v1/interaction/{answer.json['id']}").json["result"]
    assert shown["follow_up_on"] == NEXT_WEEK.isoformat()
    assert shown["follow_up_task"]["id"] == task_id
    assert shown["follow_up_assignee"]["id"] == acme_member.id
    again = client.put(f"/api/v1/interaction/{answer.json['id']}", json={"summary": "Site visit 2"})
    assert again.status_code == 200 and len(_tasks(app)) == 1
