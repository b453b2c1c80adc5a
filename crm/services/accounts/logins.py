"""Sign-in state of a user: the session/token version, refresh-token rotation, lockout.

Every session cookie and JWT carries the user's ``session_version``; raising it ends
them all. Sign-out raises it; so does any change of password and any deactivation.
"""

import datetime
import uuid
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, case, event, func, inspect, or_, select, update
from sqlalchemy.orm import Mapper, Session

from crm.models import CrmUser
from crm.services.core.transaction import transactional


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


@transactional
def sign_out_everywhere(session: Session, user_id: int) -> int | None:
    """End every session and token of the user; returns the new version."""
    session.execute(
        update(CrmUser)
        .where(CrmUser.id == user_id)
        .values(session_version=CrmUser.session_version + 1, refresh_jti=None)
        .execution_options(synchronize_session=False)
    )
    return current_version(session, user_id)


def current_version(session: Session, user_id: int) -> int | None:
    return session.scalar(
        select(CrmUser.session_version)
        .where(CrmUser.id == user_id)
        .execution_options(all_tenants=True)
    )


@event.listens_for(CrmUser, "before_update")
def _password_change_or_deactivation_signs_out(
    mapper: Mapper[Any], connection: Connection, user: CrmUser
) -> None:
    attrs = inspect(user).attrs
    deactivated = attrs.active.history.has_changes() and not user.active
    if attrs.password.history.has_changes() or deactivated:
        # In SQL: a sign-out in another session may have raised it meanwhile.
        user.session_version = CrmUser.session_version + 1
        user.refresh_jti = None


@transactional
def new_refresh_jti(session: Session, user_id: int) -> str:
    """Start a refresh-token chain at sign-in: the one jti that may be exchanged next."""
    jti = uuid.uuid4().hex
    session.execute(
        update(CrmUser)
        .where(CrmUser.id == user_id)
        .values(refresh_jti=jti)
        .execution_options(synchronize_session=False)
    )
    return jti


@transactional
def rotate_refresh_jti(session: Session, user_id: int, used_jti: str | None) -> str | None:
    """The next jti if ``used_jti`` is the live one, else None (used before, or revoked).
    A compare-and-set, so two workers exchanging one token cannot both succeed."""
    jti = uuid.uuid4().hex
    result = session.execute(
        update(CrmUser)
        .where(CrmUser.id == user_id, CrmUser.refresh_jti == used_jti)
        .values(refresh_jti=jti)
        .execution_options(synchronize_session=False)
    )
    return jti if cast(CursorResult[Any], result).rowcount == 1 else None


def is_locked(user: CrmUser, now: datetime.datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


@transactional
def record_failed_login(
    session: Session, user_id: int, now: datetime.datetime, failures: int, minutes: float
) -> None:
    """Count a failed sign-in; the ``failures``-th one within ``minutes`` of the one before
    locks the account for ``minutes``. Counted by the database, so workers agree."""
    window = datetime.timedelta(minutes=minutes)
    session.execute(
        update(CrmUser)
        .where(CrmUser.id == user_id)
        .values(
            fail_login_count=case(
                (
                    or_(
                        CrmUser.last_failed_login.is_(None),
                        CrmUser.last_failed_login < now - window,
                    ),
                    1,
                ),
                else_=func.coalesce(CrmUser.fail_login_count, 0) + 1,
            ),
            last_failed_login=now,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(CrmUser)
        .where(CrmUser.id == user_id, CrmUser.fail_login_count >= failures)
        .values(locked_until=now + window, fail_login_count=0)
        .execution_options(synchronize_session=False)
    )
