"""Archive and restore: the one rule for records that are retired rather than deleted
(customers, companies). An archived record keeps its history but leaves pickers and
default lists."""

from typing import Any

from flask_babel import gettext
from sqlalchemy.orm import Session

from crm.models.base import utcnow
from crm.services.core import audit
from crm.services.core.errors import NotAllowed
from crm.services.core.transaction import transactional


@transactional
def archive(session: Session, record: Any) -> None:
    if not record.is_active:
        raise NotAllowed(gettext("%(name)s is already archived.", name=record.name))
    audit.mark(session, record, "archive")
    record.is_active = False
    if hasattr(record, "archived_at"):
        record.archived_at = utcnow()


@transactional
def restore(session: Session, record: Any) -> None:
    if record.is_active:
        raise NotAllowed(gettext("%(name)s is not archived.", name=record.name))
    audit.mark(session, record, "restore")
    record.is_active = True
    if hasattr(record, "archived_at"):
        record.archived_at = None
