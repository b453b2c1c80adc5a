"""Shared column sets for CRM models."""
import datetime as dt

from sqlalchemy import Column, DateTime, ForeignKey, Integer, event
from sqlalchemy.orm import declared_attr

# The largest id an Integer primary key holds on PostgreSQL (int4); larger numbers name no
# record, and comparing an id column with one is an error there.
MAX_ID = 2**31 - 1


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


def apply_column_defaults(target, args, kwargs):
    """Give a new object its columns' scalar defaults at construction, not only at
    INSERT, so validation sees the same values the database will store."""
    for column in target.__table__.columns:
        default = column.default
        if default is not None and default.is_scalar and column.key not in kwargs:
            kwargs[column.key] = default.arg


def install_column_defaults(model_classes):
    for cls in model_classes:
        if not event.contains(cls, "init", apply_column_defaults):
            event.listen(cls, "init", apply_column_defaults)


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
