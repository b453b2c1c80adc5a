"""Shared column sets for CRM models."""

import datetime as dt

from sqlalchemy import Column, DateTime, ForeignKey, Integer, Text, event, func, literal_column
from sqlalchemy.orm import column_property, declared_attr

# The largest id an Integer primary key holds on PostgreSQL (int4); larger numbers name no
# record, and comparing an id column with one is an error there.
MAX_ID = 2**31 - 1


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


def searched_text(*columns):
    """``search_text`` of a list searched through an index on the searched columns:
    ``lower(coalesce(a, '') || ' ' || coalesce(b, '') ...)``, computed by the database,
    so every write (forms, API, imports, merges) keeps it in step. Migration
    m_search_indexes indexes exactly this expression; change both together."""
    text = func.coalesce(columns[0], literal_column("''", Text))
    for column in columns[1:]:
        text = text.concat(literal_column("' '", Text)).concat(
            func.coalesce(column, literal_column("''", Text))
        )
    return column_property(func.lower(text, type_=Text), deferred=True)


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
            Integer,
            ForeignKey("crm_tenant.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )


class TimestampMixin:
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at = Column(DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)


class Versioned:
    """Optimistic locking: every UPDATE checks and bumps ``version``, so a save based on
    an older read fails (StaleDataError) instead of overwriting someone else's change."""

    version = Column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


def stored_columns(model):
    """The model's column properties that are table columns, not ones a query computes
    (such as a customer group's customer count)."""
    return [
        p for p in model.__mapper__.column_attrs if all(isinstance(c, Column) for c in p.columns)
    ]


def is_versioned(model):
    return model.__mapper__.version_id_col is not None


def autoincrement_on_sqlite(metadata):
    """SQLite reuses the highest deleted rowid unless a table says AUTOINCREMENT; a new
    record must never inherit a deleted one's id (and with it its history)."""
    for table in metadata.tables.values():
        if table.name.startswith("crm_") and not table.name.startswith("crm_customer_fts"):
            table.dialect_options["sqlite"]["autoincrement"] = True


class Audited:
    """Marker: inserts, updates and deletes of this model go to the audit trail.

    ``__audit_exclude__`` names columns left out of the recorded changes.
    """

    __audit_exclude__: tuple[str, ...] = ("created_at", "updated_at", "search_text", "version")
