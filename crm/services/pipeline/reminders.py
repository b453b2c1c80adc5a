"""Task reminders: when a task's assignee is reminded, and sending the reminders due.

* A task saved with a due date and no reminder gets the assignee's default: their
  ``reminder_days_before`` days before the due date at their ``reminder_time``, in the
  tenant's timezone (crm.services.accounts.user_settings). Such a reminder
  (``remind_auto``) moves with the due date and the assignee; one set or cleared by hand
  stays as it was set.
* A reminder that moves is sent again (``reminded_at`` is cleared).
* Every minute (crm.jobs.reminders) the reminders due of open and in-progress tasks are
  sent: each is claimed with one conditional UPDATE, so however many consumers run, one
  sends it. Claim and in-app notification commit together; the e-mail goes after, and a
  failed e-mail is logged, not retried (the in-app notification stands).
"""

import datetime as dt
import logging
import smtplib
from collections.abc import Collection
from typing import Any, cast

import pytz
from flask_babel import force_locale, gettext
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, joinedload

from crm.formatting import day
from crm.models import CrmUser, Task
from crm.models.base import utcnow
from crm.security.tenancy import tenant_scope
from crm.services.accounts import notifications
from crm.services.accounts.user_settings import reminder_clock
from crm.services.core import mailer
from crm.services.core.related import stored
from crm.services.core.transaction import transaction, transactional
from crm.services.settings.preferences import get_setting

log = logging.getLogger(__name__)
TASK_LINK = "/tasks/show/{id}"
OPEN_STATUSES = ("open", "in_progress")
# Reminders sent in one run at most; the next minute's run takes the rest.
BATCH = 500


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """An aware UTC datetime; a naive one (SQLite hands them back so) is UTC already."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def _same_minute(a: dt.datetime | None, b: dt.datetime | None) -> bool:
    """Forms send reminder times to the minute; a moment kept to the second is unchanged."""
    a, b = as_utc(a), as_utc(b)
    if a is None or b is None:
        return a is b
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def default_remind_at(
    session: Session, due_date: dt.date | None, assignee: Any
) -> dt.datetime | None:
    """The assignee's default reminder of a task due on ``due_date`` (UTC), or None."""
    if due_date is None or assignee is None or assignee.reminder_days_before is None:
        return None
    zone = pytz.timezone(get_setting(session, "timezone"))
    local = dt.datetime.combine(
        due_date - dt.timedelta(days=assignee.reminder_days_before),
        reminder_clock(assignee.reminder_time),
    )
    return as_utc(zone.localize(local))


def apply_reminder(session: Session, task: Any) -> None:
    """Set ``task.remind_at`` by the rules above (called by crm.services.pipeline.tasks.prepare,
    once the task's assignee and due date are checked)."""
    task.remind_at = as_utc(task.remind_at)
    old = as_utc(stored(session, task, "remind_at"))
    if task.id is None:
        task.remind_auto = task.remind_at is None
    elif not _same_minute(task.remind_at, old):
        task.remind_auto = False  # set or cleared by hand
    else:
        task.remind_at = old
    if task.remind_auto:
        task.remind_at = default_remind_at(session, task.due_date, task.assignee)
    if not _same_minute(task.remind_at, old):
        task.reminded_at = None


def due_reminders(session: Session, now: dt.datetime, limit: int = BATCH) -> list[tuple[int, int]]:
    """(task id, tenant id) of reminders due and not sent, of open tasks whose assignee is
    an active user of the task's tenant, across every tenant."""
    rows = session.execute(
        select(Task.id, Task.tenant_id)
        .join(CrmUser, (CrmUser.id == Task.assignee_id) & (CrmUser.tenant_id == Task.tenant_id))
        .where(
            Task.remind_at <= now,
            Task.reminded_at.is_(None),
            Task.status.in_(OPEN_STATUSES),
            CrmUser.active.is_(True),
        )
        .order_by(Task.remind_at, Task.id)
        .limit(limit)
        .execution_options(all_tenants=True)
    )
    return [(row[0], row[1]) for row in rows]


def language_of(session: Session, user: Any, languages: Collection[str]) -> str:
    """The language the user reads the CRM in: theirs, else the tenant's default."""
    if user.locale in languages:
        return cast(str, user.locale)
    return cast(str, get_setting(session, "default_locale"))


def _reminder_text(task: Any, link: str) -> tuple[str, str, str]:
    """(notification, subject, body) of a task's reminder, in the current locale."""
    due = day(task.due_date) if task.due_date else gettext("no due date")
    about = ", ".join(
        str(record) for record in (task.customer, task.deal, task.lead) if record is not None
    )
    notification = gettext("Reminder: %(title)s (due %(due)s)", title=task.title, due=due)
    subject = gettext("Reminder: %(title)s", title=task.title)
    body = gettext(
        "Hello %(name)s,\n\nthis is your reminder of the task “%(title)s”.\n\n"
        "Due: %(due)s\nFor: %(about)s\n\nOpen it: %(link)s\n",
        name=str(task.assignee),
        title=task.title,
        due=due,
        about=about or "—",
        link=link,
    )
    return notification, subject, body


@transactional
def claim(session: Session, task_id: int, now: dt.datetime) -> bool:
    """Mark the task's reminder sent unless someone did already; True to the one who did."""
    # A bulk UPDATE is not tenant-filtered by the hook: the id names this tenant's row.
    result = session.execute(
        update(Task)
        .where(Task.id == task_id, Task.reminded_at.is_(None), Task.remind_at <= now)
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount == 1


def send_reminder(
    session: Session,
    task_id: int,
    now: dt.datetime,
    *,
    settings: mailer.SmtpSettings,
    base_url: str,
    languages: Collection[str],
) -> bool:
    """Claim one task's reminder and, if it is ours, notify its assignee in the app and
    by e-mail; True when this call sent it. Runs as the task's tenant."""
    with transaction(session):
        if not claim(session, task_id, now):
            return False
        task = session.scalar(
            select(Task)
            .where(Task.id == task_id)
            .options(joinedload(Task.assignee), joinedload(Task.customer), joinedload(Task.deal))
        )
        assert task is not None
        link = TASK_LINK.format(id=task.id)
        with force_locale(language_of(session, task.assignee, languages)):
            note, subject, body = _reminder_text(task, base_url.rstrip("/") + link)
        notifications.notify(session, task.tenant_id, task.assignee_id, note, link)
        to = task.assignee.email
    try:
        with mailer.connection(settings) as smtp:
            smtp.send_message(mailer.message(settings, to, subject, body))
    except (OSError, smtplib.SMTPException) as exc:
        log.warning(
            "reminder of task %s not e-mailed to %s: %s", task_id, to, mailer.describe_failure(exc)
        )
    return True


def send_due(
    session: Session,
    *,
    settings: mailer.SmtpSettings,
    base_url: str,
    languages: Collection[str],
    now: dt.datetime | None = None,
) -> list[int]:
    """Send every reminder due at ``now`` (default: now) that no one sent yet; the ids of
    the tasks this call reminded."""
    now = now or utcnow()
    with transaction(session):
        due = due_reminders(session, now)
    sent = []
    for task_id, tenant_id in due:
        with tenant_scope(tenant_id):
            if send_reminder(
                session, task_id, now, settings=settings, base_url=base_url, languages=languages
            ):
                sent.append(task_id)
    return sent
