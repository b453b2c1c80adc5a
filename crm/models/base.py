"""Shared column sets for CRM models."""
import datetime as dt

from sqlalchemy import Column, DateTime, ForeignKey, Integer
from sqlalchemy.orm import declared_attr


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


class TenantMixin:
    """Rows owned by one organisation. Scoping lives in crm.security.tenancy."""

    @declared_attr
    def tenant_id(cls):
        return Column(
            Integer, ForeignKey("crm_tenant.id", ondelete="CASCADE"),
            nullable=False, index=True,
        )


class TimestampMixin:
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at = Column(DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)


class Audited:
    """Marker: inserts, updates and deletes of this model go to the audit trail.

    ``__audit_exclude__`` names columns left out of the recorded changes.
    """

    __audit_exclude__ = ("created_at", "updated_at", "search_text")
