"""Assigning a lead notifies the assignee; each user sees and marks only their own notices."""

import re

from crm.extensions import db
from crm.models import Notification
from crm.security.tenancy import tenant_scope
from crm.services.accounts import notifications
from tests import factories
from tests.conftest import make_user


def _notes(app, user):
    with app.app_context():
        rows = [
            (n.message, n.link, n.read_at)
            for n in db.session.query(Notification)
            .filter_by(user_id=user.id)
            .order_by(Notification.id)
        ]
        db.session.remove()
    return rows


def _badge(html):
    match = re.search(r'class="badge crm-unread-count">(\d+)<', html)
    return int(match.group(1)) if match else 0


def test_assigning_on_create_notifies_the_assignee(app, acme, acme_manager, acme_member, browser):
    r = browser(acme_manager).post(
        "/leads/add", {"title": "Hot prospect", "assigned_to": acme_member.id}
    )
    assert r.status_code == 302
    notes = _notes(app, acme_member)
    assert len(notes) == 1
    message, link, read_at = notes[0]
    assert "Hot prospect" in message and read_at is None
    assert browser(acme_member).get(link).status_code == 200  # the link opens the lead


def test_changing_the_assignee_notifies_only_the_new_one(app, acme, acme_manager, acme_member, api):
    other = make_user(app, acme, "Member", "acme-other")
    pk = factories.lead(app, acme, "Passed around")
    client = api(acme_manager)
    assert client.put(f"/api/v1/lead/{pk}", json={"assigned_to": acme_member.id}).status_code == 200
    assert client.put(f"/api/v1/lead/{pk}", json={"title": "Renamed"}).status_code == 200
    assert len(_notes(app, acme_member)) == 1  # an edit that keeps the assignee says nothing
    assert client.put(f"/api/v1/lead/{pk}", json={"assigned_to": other.id}).status_code == 200
    assert len(_notes(app, other)) == 1 and len(_notes(app, acme_member)) == 1


def test_reassigning_in_the_edit_form_notifies(app, acme, acme_manager, acme_member, browser):
    pk = factories.lead(app, acme, "Handed over")
    r = browser(acme_manager).post(
        f"/leads/edit/{pk}", {"title": "Handed over", "assigned_to": acme_member.id}
    )
    assert r.status_code == 302
    assert [m for m, _, _ in _notes(app, acme_member)] == ["Lead assigned to you: Handed over"]


def test_assigning_a_lead_to_yourself_sends_nothing(app, acme, acme_manager, api):
    r = api(acme_manager).post(
        "/api/v1/lead/", json={"title": "Mine", "assigned_to": acme_manager.id}
    )
    assert r.status_code == 201
    assert _notes(app, acme_manager) == []


def test_a_refused_save_sends_nothing(app, acme, acme_manager, acme_member, api):
    r = api(acme_manager).post(
        "/api/v1/lead/",
        json={"title": "Bad", "contact_email": "nope", "assigned_to": acme_member.id},
    )
    assert r.status_code == 422
    assert _notes(app, acme_member) == []


def test_navbar_counts_unread_and_mark_read_clears_it(
    app, acme, acme_manager, acme_member, api, browser
):
    client = api(acme_manager)
    for title in ("One", "Two"):
        client.post("/api/v1/lead/", json={"title": title, "assigned_to": acme_member.id})
    b = browser(acme_member)
    assert _badge(b.get("/leads/list/").get_data(as_text=True)) == 2
    page = b.get("/notifications/").get_data(as_text=True)
    assert "Lead assigned to you: One" in page and "Lead assigned to you: Two" in page
    with app.app_context():
        first = (
            db.session.query(Notification.id)
            .filter_by(user_id=acme_member.id)
            .order_by(Notification.id)
            .first()[0]
        )
    r = b.post("/notifications/read", {"id": first, "open": "1"})
    assert r.status_code == 302 and r.location.startswith("/leads/show/")
    assert _badge(b.get("/leads/list/").get_data(as_text=True)) == 1
    assert b.post("/notifications/read", {"all": "1"}).status_code == 302
    html = b.get("/leads/list/").get_data(as_text=True)
    assert _badge(html) == 0 and "fa-bell" in html
    assert all(read_at is not None for _, _, read_at in _notes(app, acme_member))


def test_the_badge_costs_one_query(app, acme, acme_member, browser):
    """The navbar's count is one indexed query per page, whatever the page renders."""
    from sqlalchemy import event

    b = browser(acme_member)
    statements = []

    def record(conn, cursor, statement, *args):
        if "crm_notification" in statement:
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        b.get("/leads/list/")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 1 and "count(" in statements[0].lower()


def test_nobody_reads_or_marks_another_users_notifications(
    app, acme, globex, acme_manager, acme_member, browser, api
):
    globex_user = make_user(app, globex, "Member", "globex-member")
    with app.app_context():
        with tenant_scope(acme.id):
            mine = notifications.notify(db.session, acme.id, acme_member.id, "For the member")
            colleague = notifications.notify(
                db.session, acme.id, acme_manager.id, "For the manager"
            )
        with tenant_scope(globex.id):
            foreign = notifications.notify(db.session, globex.id, globex_user.id, "For Globex")
        db.session.commit()
        ids = (mine.id, colleague.id, foreign.id)
        db.session.remove()
    mine, colleague, foreign = ids
    client = api(acme_member)
    listed = client.get("/api/v1/notification/").json
    assert [n["message"] for n in listed["result"]] == ["For the member"]
    for pk in (colleague, foreign):
        assert client.get(f"/api/v1/notification/{pk}").status_code == 404
        assert client.post(f"/api/v1/notification/{pk}/read").status_code == 404
        assert browser(acme_member).post("/notifications/read", {"id": pk}).status_code == 404
    r = client.post(f"/api/v1/notification/{mine}/read")
    assert r.status_code == 200 and r.json["result"]["read_at"] and r.json["unread"] == 0
    assert client.post("/api/v1/notification/read").json["marked"] == 0
    with app.app_context():
        unread = {n.id: n.read_at for n in db.session.query(Notification)}
    assert unread[colleague] is None and unread[foreign] is None
    assert "For the manager" not in browser(acme_member).get("/notifications/").get_data(
        as_text=True
    )


def test_notifications_api_has_no_write_routes(app, acme, acme_admin, api):
    client = api(acme_admin)
    assert (
        client.post("/api/v1/notification/", json={"message": "x", "user_id": 1}).status_code == 405
    )
    assert client.delete("/api/v1/notification/1").status_code == 405
