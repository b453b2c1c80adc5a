"""A record's activity timeline, read from the audit trail."""
from sqlalchemy import or_, select

from crm.models import AuditEntry
from crm.services.audit import entity_name

TIMELINE_LENGTH = 100


def for_record(session, obj, limit=TIMELINE_LENGTH):
    """Newest first: the record's own entries and those of its children."""
    name = entity_name(obj)
    query = (
        select(AuditEntry)
        .where(AuditEntry.tenant_id == obj.tenant_id)
        .where(or_(
            (AuditEntry.entity == name) & (AuditEntry.entity_id == obj.id),
            (AuditEntry.parent_entity == name) & (AuditEntry.parent_id == obj.id),
        ))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
