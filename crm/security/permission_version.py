"""The permission version: a number in the database (``crm_permission_version``) that
changes in the same transaction as any role, permission, view or their links, however
they are changed through the ORM (the role screens, ``flask fab``, ``flask crm
sync-roles``, FAB's permission sync at start). A web worker keeps the permissions of
database-stored roles while the number it reads at the start of a request is the one it
kept them under (crm/security/manager.py)."""

import secrets

from flask_appbuilder.security.sqla.models import Permission, PermissionView, Role, ViewMenu
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from crm.models import PermissionVersion

ROW = 1
_SECURITY_MODELS = (Role, Permission, ViewMenu, PermissionView)


def current(session):
    """The number now, or None when the row is missing (then nothing may be kept)."""
    return session.execute(
        select(PermissionVersion.version).where(PermissionVersion.id == ROW)
    ).scalar()


def _bump_on_security_changes(session, flush_context):
    touched = (*session.new, *session.dirty, *session.deleted)
    if not any(isinstance(obj, _SECURITY_MODELS) for obj in touched):
        return
    connection = session.connection()
    table = PermissionVersion.__table__
    # A number never handed out before rather than the next one: a database restored from
    # a backup (or a test's snapshot) goes back to an older number, which counting up would
    # hand out again for different roles while workers still keep answers under it.
    fresh = secrets.randbelow(2**62)
    bumped = connection.execute(update(table).where(table.c.id == ROW).values(version=fresh))
    if bumped.rowcount == 0:
        connection.execute(insert(table).values(id=ROW, version=fresh))


def install():
    """Attach the bump to every SQLAlchemy session (idempotent)."""
    if not event.contains(Session, "after_flush", _bump_on_security_changes):
        event.listen(Session, "after_flush", _bump_on_security_changes)
