"""In-app notifications: written for a user, read and marked only by that user.

Every read here is scoped to the user asked for; the tenant hook adds the tenant.
Callers pass the signed-in user's id, so nobody sees or marks another's notifications.
"""

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from crm.models import ACTIVE_JOB_STATUSES, Job, Notification
from crm.models.base import utcnow
from crm.services.core.errors import NotFound
from crm.services.core.transaction import transactional

PAGE_SIZE = 25


def notify(
    session: Session, tenant_id: int, user_id: int, message: object, link: object = None
) -> Notification:
    """Queue a notification for ``user_id``; it is saved with the caller's transaction."""
    note = Notification(
        tenant_id=tenant_id,
        user_id=user_id,
        message=str(message)[:255],
        link=(link or None) and str(link)[:255],
    )
    session.add(note)
    return note


def unread_count(session: Session, user_id: int) -> int:
    """One indexed count (user_id, read_at), for the navbar badge."""
    return (
        session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def navbar_badges(session: Session, user_id: int) -> tuple[int, int]:
    """The navbar's two badges in one query: the user's queued and running jobs, and
    unread notifications (both indexed counts)."""
    running = (
        select(func.count(Job.id))
        .where(Job.user_id == user_id, Job.status.in_(ACTIVE_JOB_STATUSES))
        .scalar_subquery()
    )
    unread = (
        select(func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )
    row = session.execute(select(running, unread)).one()
    return int(row[0] or 0), int(row[1] or 0)


def list_own(
    session: Session,
    user_id: int,
    page: int = 0,
    per_page: int = PAGE_SIZE,
    unread_only: bool = False,
) -> tuple[int, Sequence[Notification]]:
    """(total, notifications of one page), newest first."""
    where = [Notification.user_id == user_id]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = session.scalar(select(func.count(Notification.id)).where(*where)) or 0
    rows = session.scalars(
        select(Notification)
        .where(*where)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset(max(page, 0) * per_page)
        .limit(per_page)
    ).all()
    return total, rows


def get_own(session: Session, user_id: int, notification_id: str | int) -> Notification:
    try:
        notification_id = int(notification_id)
    except (TypeError, ValueError):
        raise NotFound()
    note = session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user_id
        )
    )
    if note is None:
        raise NotFound()
    return note


@transactional
def mark_read(session: Session, user_id: int, notification_id: str | int) -> Notification:
    """Mark one of the user's notifications read; another user's (or tenant's) is NotFound."""
    note = get_own(session, user_id, notification_id)
    if note.read_at is None:
        note.read_at = utcnow()
    return note


@transactional
def mark_all_read(session: Session, user_id: int, tenant_id: int) -> int:
    """Mark every unread notification of the user read; returns how many."""
    # A bulk UPDATE is not tenant-filtered by the hook, so name the tenant here.
    result = session.execute(
        update(Notification)
        .where(
            Notification.tenant_id == tenant_id,
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount
