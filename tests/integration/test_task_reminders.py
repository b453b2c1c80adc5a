"""Task reminders: the default from the assignee's preference, and the periodic send (in-app
notification + e-mail over real SMTP), exactly once, to this tenant's assignee only."""

import datetime as dt
import threading

from sqlalchemy import select

from crm.extensions import db
from crm.jobs.reminders import send_reminders
from crm.models import CrmUser, Notification, Task
from crm.security.tenancy import tenant_scope
from crm.services.settings.preferences import save_settings
from tests.factories import customer, load, task
from tests.integration.test_statement_mail import smtp_server as smtp_server  # the fixture

UTC = dt.timezone.utc
NOW = dt.datetime.now(UTC).replace(microsecond=0)
TODAY = NOW.date()


def prefer(app, user, **values):
    """Set a user's reminder preferences (reminder_days_before, reminder_time, locale, …)."""
    with app.app_context():
        row = db.session.get(CrmUser, user.id)
        for key, value in values.items():
            setattr(row, key, value)
        db.session.commit()
        db.session.remove()


def tenant_prefers(app, tenant, **values):
    with app.app_context(), tenant_scope(tenant.id):
        save_settings(db.session, values)
        db.session.remove()


def notifications_of(app, user_id):
    with app.app_context():
        rows = db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .execution_options(all_tenants=True)
        ).all()
        found = [(n.message, n.link, n.tenant_id) for n in rows]
        db.session.remove()
    return found


def as_utc(value):
    return None if value is None else value.replace(tzinfo=value.tzinfo or UTC)


def test_a_reminder_due_in_the_past_fires_once_in_the_app_and_by_email(
    app, acme, acme_manager, smtp_server
):
    buyer = customer(app, acme, "Hansen Tools")
    pk = task(
        app,
        acme,
        "Call Hansen about the quote",
        assignee_id=acme_manager.id,
        customer_id=buyer,
        due_date=TODAY,
        remind_at=NOW - dt.timedelta(minutes=5),
    )

    assert send_reminders(app) == [pk]
    assert send_reminders(app) == []  # the second run finds it sent

    assert notifications_of(app, acme_manager.id) == [
        (
            f"Reminder: Call Hansen about the quote (due {TODAY:%b} {TODAY.day}, {TODAY.year})",
            f"/tasks/show/{pk}",
            acme.id,
        )
    ]
    (mail,) = smtp_server.messages()
    assert mail["To"] == "acme-manager@example.com"
    assert mail["Subject"] == "Reminder: Call Hansen about the quote"
    body = mail.get_content()
    assert "Hansen Tools" in body
    assert f"http://localhost:5000/tasks/show/{pk}" in body
    assert as_utc(load(app, Task, pk).reminded_at) is not None


def test_a_reminder_not_yet_due_a_finished_task_or_a_cleared_reminder_sends_nothing(
    app, acme, acme_manager, smtp_server
):
    task(app, acme, "Later", assignee_id=acme_manager.id, remind_at=NOW + dt.timedelta(hours=1))
    task(
        app,
        acme,
        "Done already",
        assignee_id=acme_manager.id,
        status="done",
        remind_at=NOW - dt.timedelta(hours=1),
    )
    task(app, acme, "No reminder", assignee_id=acme_manager.id)
    assert send_reminders(app) == []
    assert smtp_server.messages() == [] and notifications_of(app, acme_manager.id) == []


def test_two_consumers_at_the_same_minute_send_each_reminder_once(
    app, acme, acme_manager, smtp_server
):
    ids = [
        task(app, acme, f"Task {n}", assignee_id=acme_manager.id, remind_at=NOW) for n in range(4)
    ]
    results = []
    start = threading.Barrier(2)

    def consumer():
        start.wait()
        results.append(send_reminders(app, now=NOW + dt.timedelta(seconds=1)))

    threads = [threading.Thread(target=consumer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results[0] + results[1]) == sorted(ids)
    assert len(smtp_server.messages()) == 4
    assert len(notifications_of(app, acme_manager.id)) == 4


def test_a_failed_email_keeps_the_in_app_notification_and_is_not_sent_twice(
    app, acme, acme_manager, monkeypatch
):
    from tests.integration.test_statement_mail import free_port

    monkeypatch.setitem(app.config, "CRM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "CRM_SMTP_PORT", free_port())  # nobody listens
    pk = task(app, acme, "Chase", assignee_id=acme_manager.id, remind_at=NOW)
    assert send_reminders(app) == [pk]
    assert len(notifications_of(app, acme_manager.id)) == 1
    assert send_reminders(app) == []  # logged, not retried
    assert len(notifications_of(app, acme_manager.id)) == 1


def test_another_tenants_reminders_never_reach_this_tenants_users(
    app, acme, globex, acme_manager, globex_admin, smtp_server
):
    mine = task(app, acme, "Acme's", assignee_id=acme_manager.id, remind_at=NOW)
    theirs = task(app, globex, "Globex's", assignee_id=globex_admin.id, remind_at=NOW)
    assert sorted(send_reminders(app)) == sorted([mine, theirs])
    assert [n[2] for n in notifications_of(app, acme_manager.id)] == [acme.id]
    assert [n[0] for n in notifications_of(app, acme_manager.id)][0].startswith("Reminder: Acme's")
    assert [n[2] for n in notifications_of(app, globex_admin.id)] == [globex.id]
    assert sorted(m["To"] for m in smtp_server.messages()) == [
        "acme-manager@example.com",
        "globex-admin@example.com",
    ]


def test_a_task_pointing_at_another_tenants_user_is_not_reminded(
    app, acme, globex, globex_admin, smtp_server
):
    """Written around the rules (the form and API refuse such an assignee): still nothing
    crosses tenants, because the send joins the assignee on the task's tenant."""
    with app.app_context(), tenant_scope(acme.id):
        row = Task(tenant_id=acme.id, title="Stray", assignee_id=globex_admin.id, remind_at=NOW)
        db.session.add(row)
        db.session.commit()
        db.session.remove()
    assert send_reminders(app) == []
    assert smtp_server.messages() == [] and notifications_of(app, globex_admin.id) == []


def test_the_email_is_in_the_assignees_language(app, acme, acme_manager, smtp_server):
    prefer(app, acme_manager, locale="de")
    due = dt.date(2027, 3, 20)
    task(app, acme, "Angebot", assignee_id=acme_manager.id, due_date=due, remind_at=NOW)
    send_reminders(app)
    (mail,) = smtp_server.messages()
    assert "20.03.2027" in mail.get_content()  # German dates; English writes Mar 20, 2027


# --- the default reminder -------------------------------------------------------------


def test_a_due_date_without_a_reminder_gets_the_assignees_default_in_the_tenants_timezone(
    app, acme, acme_manager
):
    tenant_prefers(app, acme, timezone="Europe/Berlin")
    prefer(app, acme_manager, reminder_days_before=2, reminder_time="08:30")
    pk = task(app, acme, "Renewal", assignee_id=acme_manager.id, due_date=dt.date(2027, 7, 10))
    saved = load(app, Task, pk)
    # 8 July 2027, 08:30 in Berlin (summer time, UTC+2)
    assert as_utc(saved.remind_at) == dt.datetime(2027, 7, 8, 6, 30, tzinfo=UTC)
    assert saved.remind_auto is True


def test_changing_the_due_date_moves_a_default_reminder_but_not_one_set_by_hand(
    app, acme, acme_manager, api
):
    prefer(app, acme_manager, reminder_days_before=1, reminder_time="09:00")
    client = api(acme_manager)
    auto = client.post(
        "/api/v1/task/",
        json={"title": "Auto", "assignee": acme_manager.id, "due_date": "2027-05-10"},
    ).json["id"]
    manual = client.post(
        "/api/v1/task/",
        json={
            "title": "Manual",
            "assignee": acme_manager.id,
            "due_date": "2027-05-10",
            "remind_at": "2027-05-01T12:00:00+00:00",
        },
    ).json["id"]
    for pk in (auto, manual):
        assert client.put(f"/api/v1/task/{pk}", json={"due_date": "2027-06-10"}).status_code == 200
    assert as_utc(load(app, Task, auto).remind_at) == dt.datetime(2027, 6, 9, 9, 0, tzinfo=UTC)
    assert as_utc(load(app, Task, manual).remind_at) == dt.datetime(2027, 5, 1, 12, 0, tzinfo=UTC)


def test_a_cleared_reminder_stays_cleared_and_no_preference_means_no_default(
    app, acme, acme_manager, acme_admin, api
):
    prefer(app, acme_manager, reminder_days_before=0, reminder_time="07:00")
    client = api(acme_manager)
    pk = client.post(
        "/api/v1/task/",
        json={"title": "Quiet", "assignee": acme_manager.id, "due_date": "2027-05-10"},
    ).json["id"]
    assert as_utc(load(app, Task, pk).remind_at) == dt.datetime(2027, 5, 10, 7, 0, tzinfo=UTC)
    assert client.put(f"/api/v1/task/{pk}", json={"remind_at": None}).status_code == 200
    assert client.put(f"/api/v1/task/{pk}", json={"due_date": "2027-05-20"}).status_code == 200
    assert load(app, Task, pk).remind_at is None

    prefer(app, acme_admin, reminder_days_before=None)
    none = task(app, acme, "No default", assignee_id=acme_admin.id, due_date=TODAY)
    assert load(app, Task, none).remind_at is None


def test_a_moved_reminder_is_sent_again(app, acme, acme_manager, api, smtp_server):
    client = api(acme_manager)
    pk = client.post(
        "/api/v1/task/",
        json={"title": "Twice", "assignee": acme_manager.id, "remind_at": NOW.isoformat()},
    ).json["id"]
    assert send_reminders(app) == [pk]
    later = (NOW + dt.timedelta(minutes=10)).isoformat()
    assert client.put(f"/api/v1/task/{pk}", json={"remind_at": later}).status_code == 200
    assert load(app, Task, pk).reminded_at is None
    assert send_reminders(app, now=NOW + dt.timedelta(minutes=11)) == [pk]
    assert len(smtp_server.messages()) == 2


def test_the_api_accepts_and_returns_remind_at(app, acme, acme_manager, api):
    client = api(acme_manager)
    answer = client.post(
        "/api/v1/task/",
        json={"title": "Timed", "assignee": acme_manager.id, "remind_at": "2027-01-02T10:15:00Z"},
    )
    assert answer.status_code == 201, answer.json
    shown = client.get(f"/api/v1/task/{answer.json['id']}").json["result"]
    assert dt.datetime.fromisoformat(shown["remind_at"]) == dt.datetime(
        2027, 1, 2, 10, 15, tzinfo=UTC
    )
    assert shown["reminded_at"] is None
    refused = client.post("/api/v1/task/", json={"title": "Bad", "remind_at": "soon"})
    assert refused.status_code == 422 and "remind_at" in refused.json["errors"]


def test_the_form_reads_and_shows_the_reminder_in_the_tenants_timezone(
    app, acme, acme_manager, browser
):
    tenant_prefers(app, acme, timezone="Europe/Berlin")
    b = browser(acme_manager)
    answer = b.post(
        "/tasks/add",
        {
            "title": "Form reminder",
            "priority": "normal",
            "status": "open",
            "assignee": str(acme_manager.id),
            "remind_at": "2027-01-15T10:00",
        },
    )
    assert answer.status_code == 302
    with app.app_context():
        pk = db.session.scalar(
            select(Task.id).where(Task.title == "Form reminder").execution_options(all_tenants=True)
        )
        db.session.remove()
    # 10:00 in Berlin in winter is 09:00 UTC
    assert as_utc(load(app, Task, pk).remind_at) == dt.datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
    page = b.get(f"/tasks/edit/{pk}").get_data(as_text=True)
    assert 'value="2027-01-15T10:00"' in page
