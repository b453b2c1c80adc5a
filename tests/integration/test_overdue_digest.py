"""The morning digest of overdue tasks: at the tenant's digest hour in its timezone, to
each user with overdue open tasks who has not opted out, once a day, over real SMTP."""

import datetime as dt

from crm.jobs.reminders import send_digests
from tests.factories import customer, task
from tests.integration.test_statement_mail import smtp_server as smtp_server  # the fixture
from tests.integration.test_task_reminders import prefer, tenant_prefers

UTC = dt.timezone.utc
# 07:10 in Berlin (winter, UTC+1): the default digest hour there.
MORNING = dt.datetime(2027, 1, 20, 6, 10, tzinfo=UTC)
TODAY = dt.date(2027, 1, 20)


def _overdue(app, tenant, user, title, days=3, **fields):
    return task(
        app, tenant, title, assignee_id=user.id, due_date=TODAY - dt.timedelta(days=days), **fields
    )


def test_the_digest_lists_the_users_overdue_open_tasks_with_links(
    app, acme, acme_manager, smtp_server
):
    tenant_prefers(app, acme, timezone="Europe/Berlin")
    buyer = customer(app, acme, "Hansen Tools")
    late = _overdue(app, acme, acme_manager, "Send the contract", days=5, customer_id=buyer)
    later = _overdue(app, acme, acme_manager, "Call back", days=1, status="in_progress")
    _overdue(app, acme, acme_manager, "Finished", status="done")
    task(app, acme, "Due today", assignee_id=acme_manager.id, due_date=TODAY)

    assert send_digests(app, now=MORNING) == [acme_manager.id]

    (mail,) = smtp_server.messages()
    assert mail["To"] == "acme-manager@example.com"
    assert mail["Subject"] == "Your overdue tasks: 2"
    body = mail.get_content()
    assert body.index("Send the contract") < body.index("Call back")  # longest overdue first
    assert "(Hansen Tools" in body
    assert f"http://localhost:5000/tasks/show/{late}" in body
    assert f"http://localhost:5000/tasks/show/{later}" in body
    assert "Finished" not in body and "Due today" not in body
    assert "http://localhost:5000/my-settings/" in body


def test_the_digest_goes_once_a_day_and_only_at_the_digest_hour(
    app, acme, acme_manager, smtp_server
):
    tenant_prefers(app, acme, timezone="Europe/Berlin")
    _overdue(app, acme, acme_manager, "Late")
    assert send_digests(app, now=MORNING - dt.timedelta(hours=1)) == []  # 06:10 local
    assert send_digests(app, now=MORNING) == [acme_manager.id]
    assert send_digests(app, now=MORNING + dt.timedelta(minutes=5)) == []
    assert len(smtp_server.messages()) == 1
    assert send_digests(app, now=MORNING + dt.timedelta(days=1)) == [acme_manager.id]
    assert len(smtp_server.messages()) == 2


def test_no_digest_for_users_who_opted_out_or_have_nothing_overdue(
    app, acme, acme_manager, acme_admin, acme_member, smtp_server
):
    tenant_prefers(app, acme, timezone="Europe/Berlin")
    prefer(app, acme_manager, overdue_digest=False)
    _overdue(app, acme, acme_manager, "Ignored")
    task(app, acme, "Not yet", assignee_id=acme_admin.id, due_date=TODAY)
    _overdue(app, acme, acme_member, "Wanted")
    assert send_digests(app, now=MORNING) == [acme_member.id]
    assert [m["To"] for m in smtp_server.messages()] == ["acme-member@example.com"]


def test_each_tenant_has_its_own_hour_and_only_its_own_tasks(
    app, acme, globex, acme_manager, globex_admin, smtp_server
):
    tenant_prefers(app, acme, timezone="Europe/Berlin")
    tenant_prefers(app, globex, timezone="America/New_York")
    _overdue(app, acme, acme_manager, "Acme's late task")
    _overdue(app, globex, globex_admin, "Globex's late task")
    assert send_digests(app, now=MORNING) == [acme_manager.id]
    (mail,) = smtp_server.messages()
    assert "Acme's late task" in mail.get_content()
    assert "Globex's" not in mail.get_content()
    # 07:10 in New York (UTC-5)
    assert send_digests(app, now=MORNING + dt.timedelta(hours=6)) == [globex_admin.id]
    assert "Acme's" not in smtp_server.messages()[1].get_content()


def test_the_digest_is_in_the_users_language(app, acme, acme_manager, smtp_server):
    tenant_prefers(app, acme, timezone="Europe/Berlin")
    prefer(app, acme_manager, locale="de")
    _overdue(app, acme, acme_manager, "Angebot", days=2)
    send_digests(app, now=MORNING)
    assert "18.01.2027" in smtp_server.messages()[0].get_content()
