"""The append-only audit trail.

The migration that creates the table also adds triggers refusing UPDATE and
DELETE (and TRUNCATE on PostgreSQL), so nothing can rewrite history.
"""

from flask_appbuilder import Model
from sqlalchemy import JSON, Column, DateTime, Index, Integer, String

from .base import TenantMixin, utcnow


class AuditEntry(TenantMixin, Model):
    __tablename__ = "crm_audit_entry"
    __table_args__ = (
        Index("ix_audit_entity", "tenant_id", "entity", "entity_id"),
        Index("ix_audit_at", "tenant_id", "at"),
        Index("ix_audit_parent", "tenant_id", "parent_entity", "parent_id"),
    )

    id = Column(Integer, primary_key=True)
    # No foreign key: entries outlive the users who wrote them, and are never updated.
    user_id = Column(Integer)
    username = Column(String(100))
    at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    entity = Column(String(50), nullable=False)
    entity_id = Column(Integer)
    action = Column(String(20), nullable=False)
    # The record whose timeline also shows this entry (a contact's customer).
    parent_entity = Column(String(50))
    parent_id = Column(Integer)
    changes = Column(JSON)
    summary = Column(String(255))

    def __str__(self):
        return f"{self.action} {self.entity} #{self.entity_id}"
