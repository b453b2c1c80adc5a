"""The morning digest: each user is e-mailed their overdue open tasks, once a day, at the
tenant's ``digest_hour`` in its timezone (CRM settings).

Not sent to users who opted out (``ab_user.overdue_digest``) or have nothing overdue.
"Overdue" is due before the tenant's local today. A user's day is claimed with one
conditional UPDATE of ``digest_sent_on`` before the mail goes, so two consumers never
send it twice; a failed e-mail is logged, not retried that day.
"""

import datetime as dt
import logging
import smtplib
from collections.abc import Collection
from typing import Any, cast

import pytz
from flask_babel import force_locale, gettext
from sqlalchemy import CursorResult, exists, or_, select, update
from sqlalchemy.orm import Session, joinedload

from crm.formatting import day
from crm.models import CrmUser, Task, Tenant
from crm.models.base import utcnow
from crm.security.tenancy import tenant_scope
from crm.services.core import mailer
from crm.services.core.transaction import transaction, transactional
from crm.services.pipeline.reminders import OPEN_STATUSES, TASK_LINK, language_of
from crm.services.settings.preferences import get_setting

log = logging.getLogger(__name__)
# Tasks listed in one digest at most; the rest are counted.
LISTED = 50


def local_today(session: Session, now: dt.datetime) -> tuple[int, dt.date]:
    """(the tenant's local hour, its local date) at ``now``; runs as the tenant."""
    local = now.astimezone(pytz.timezone(get_setting(session, "timezone")))
    return local.hour, local.date()


def _overdue(user_id: Any, today: dt.date) -> Any:
    return (
        (Task.assignee_id == user_id)
        & Task.status.in_(OPEN_STATUSES)
        & Task.due_date.is_not(None)
        & (Task.due_date < today)
    )


def recipients(session: Session, today: dt.date) -> list[int]:
    """Ids of the tenant's active users who want the digest, have not had today's and have
    an overdue task."""
    return list(
        session.scalars(
            select(CrmUser.id)
            .where(
                CrmUser.active.is_(True),
                CrmUser.overdue_digest.is_(True),
                or_(CrmUser.digest_sent_on.is_(None), CrmUser.digest_sent_on < today),
                exists().where(_overdue(CrmUser.id, today) & (Task.tenant_id == CrmUser.tenant_id)),
            )
            .order_by(CrmUser.id)
        )
    )


def overdue_tasks(session: Session, user_id: int, today: dt.date) -> list[Any]:
    """The user's overdue tasks, longest overdue first."""
    return list(
        session.scalars(
            select(Task)
            .where(_overdue(user_id, today))
            .options(joinedload(Task.customer), joinedload(Task.deal))
            .order_by(Task.due_date, Task.id)
        )
    )


@transactional
def claim(session: Session, user_id: int, tenant_id: int, today: dt.date) -> bool:
    """Mark today's digest of the user sent unless someone did already."""
    # A bulk UPDATE is not tenant-filtered by the hook, so name the tenant here.
    result = session.execute(
        update(CrmUser)
        .where(
            CrmUser.id == user_id,
            CrmUser.tenant_id == tenant_id,
            or_(CrmUser.digest_sent_on.is_(None), CrmUser.digest_sent_on < today),
        )
        .values(digest_sent_on=today)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount == 1


def digest_text(user: Any, tasks: list[Any], base_url: str) -> tuple[str, str]:
    """(subject, body) of a user's digest, in the current locale."""
    lines = []
    for task in tasks[:LISTED]:
        about = ", ".join(str(r) for r in (task.customer, task.deal) if r is not None)
        lines.append(
            gettext("- %(title)s, due %(due)s", title=task.title, due=day(task.due_date))
            + (f" ({about})" if about else "")
            + f"\n  {base_url.rstrip('/')}{TASK_LINK.format(id=task.id)}"
        )
    if len(tasks) > LISTED:
        lines.append(gettext("… and %(count)d more.", count=len(tasks) - LISTED))
    subject = gettext("Your overdue tasks: %(count)d", count=len(tasks))
    body = gettext(
        "Hello %(name)s,\n\nthese tasks of yours are overdue:\n\n%(tasks)s\n\n"
        "You can stop this e-mail in your settings: %(settings)s\n",
        name=str(user),
        tasks="\n".join(lines),
        settings=base_url.rstrip("/") + "/my-settings/",
    )
    return subject, body


def send_digest(
    session: Session,
    user_id: int,
    today: dt.date,
    *,
    settings: mailer.SmtpSettings,
    base_url: str,
    languages: Collection[str],
) -> bool:
    """Claim and e-mail one user's digest; True when this call sent it."""
    with transaction(session):
        user = session.get(CrmUser, user_id)
        if user is None or not claim(session, user_id, user.tenant_id, today):
            return False
        tasks = overdue_tasks(session, user_id, today)
        with force_locale(language_of(session, user, languages)):
            subject, body = digest_text(user, tasks, base_url)
        to = user.email
    try:
        with mailer.connection(settings) as smtp:
            smtp.send_message(mailer.message(settings, to, subject, body))
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("overdue digest not e-mailed to %s: %s", to, mailer.describe_failure(exc))
    return True


def send_due(
    session: Session,
    *,
    settings: mailer.SmtpSettings,
    base_url: str,
    languages: Collection[str],
    now: dt.datetime | None = None,
) -> list[int]:
    """Send the digests due at ``now`` (default: now) in every tenant whose digest hour it
    is; the ids of the users this call sent one to."""
    now = now or utcnow()
    sent = []
    with transaction(session):
        tenant_ids = list(session.scalars(select(Tenant.id).order_by(Tenant.id)))
    for tenant_id in tenant_ids:
        with tenant_scope(tenant_id):
            with transaction(session):
                hour, today = local_today(session, now)
                due = hour == get_setting(session, "digest_hour")
                users = recipients(session, today) if due else []
            for user_id in users:
                if send_digest(
                    session,
                    user_id,
                    today,
                    settings=settings,
                    base_url=base_url,
                    languages=languages,
                ):
                    sent.append(user_id)
    return sent
