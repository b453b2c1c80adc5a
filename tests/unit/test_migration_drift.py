"""The migrations build the schema the models declare: an empty database upgraded to the head
is compared with the models' metadata by alembic's autogenerate, and any difference fails.

A model change without its migration (or the reverse) shows up here as the operation
``flask db migrate`` would write. ``KNOWN_DIFFERENCES`` lists what differs on purpose.
"""

import fnmatch

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app import create_app
from config import TestConfig
from crm.extensions import db

# (dialect, operation, object) -> why the migrations and the models differ there on purpose.
# ``object`` is a table name or ``table.column`` / ``table:index``; ``*`` matches any text.
KNOWN_DIFFERENCES = {
    (
        "sqlite",
        "remove_table",
        "crm_customer_fts*",
    ): "the customer search index: an FTS5 table (and its shadow tables) that 0001 creates "
    "with triggers, outside the models",
    (
        "postgresql",
        "remove_index",
        "crm_customer:ix_customer_search_trgm",
    ): "the customer search index on PostgreSQL: a pg_trgm GIN index that 0001 creates "
    "outside the models",
    (
        "sqlite",
        "remove_table",
        "crm_*_fts*",
    ): "the search indexes of the company, contact, lead, deal and invoice lists: FTS5 "
    "tables (and their shadow tables) that m_search_indexes creates with triggers",
    (
        "postgresql",
        "remove_index",
        "crm_*:ix_*_search_trgm",
    ): "the search indexes of the company, contact, lead, deal and invoice lists on "
    "PostgreSQL: pg_trgm GIN indexes that m_search_indexes creates outside the models",
    (
        "sqlite",
        "add_fk",
        "crm_customer.merged_into_id",
    ): "0004 adds the column without its constraint on SQLite: adding one copies the table, "
    "which drops the search triggers; the ORM keeps the link",
    (
        "sqlite",
        "add_fk",
        "crm_interaction.follow_up_*",
    ): "m_task_reminders adds the columns without their constraints on SQLite: adding one "
    "copies the table; the ORM keeps the links",
    (
        "sqlite",
        "add_fk",
        "crm_import_run.*job_id",
    ): "0014 adds the columns without its constraint on SQLite: adding one copies the table, "
    "whose drop would cascade to the import items; the ORM keeps the link",
}


def _object(operation, item):
    if operation.endswith("_table"):
        return item.name
    if operation.endswith("_index"):
        return f"{item.table.name}:{item.name}"
    if operation.endswith("_fk"):
        return f"{item.parent.name}.{','.join(c.name for c in item.columns)}"
    if operation.endswith("_constraint"):
        return f"{item.table.name}:{item.name}"
    return str(item)


def describe(difference):
    """``(operation, object, text)`` of one entry of ``compare_metadata``'s result; column
    changes come as ``modify_*`` tuples (schema, table, column, …)."""
    if isinstance(difference, list):  # one column's changes, grouped
        difference = difference[0]
    operation = difference[0]
    if operation.startswith("modify_"):
        _, schema, table, column, _info, old, new = difference
        return operation, f"{table}.{column}", f"{operation} {table}.{column}: {old!r} -> {new!r}"
    if operation in ("add_column", "remove_column"):
        _, schema, table, column = difference
        return operation, f"{table}.{column.name}", f"{operation} {table}.{column.name}"
    name = _object(operation, difference[1])
    return operation, name, f"{operation} {name}"


def unexplained(differences, dialect):
    found = []
    for difference in differences:
        operation, name, text = describe(difference)
        known = any(
            d == dialect and op == operation and fnmatch.fnmatchcase(name, pattern)
            for d, op, pattern in KNOWN_DIFFERENCES
        )
        if not known:
            found.append(text)
    return found


# Alembic cannot reflect SQLite's expression indexes (lower(email)) and says so; it skips them.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_migrations_build_the_schema_the_models_declare(empty_database_url):
    from flask_appbuilder import Model

    import crm.models  # noqa: F401  (registers every table)

    app = create_app(type("Fresh", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": empty_database_url}))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, Model.metadata)
            dialect = conn.dialect.name
        db.session.remove()
        db.engine.dispose()
    drift = unexplained(differences, dialect)
    assert not drift, (
        "the migrations and the models differ (write a migration, or list a "
        "deliberate difference in KNOWN_DIFFERENCES):\n" + "\n".join(drift)
    )


def test_known_differences_are_matched_by_name_and_dialect():
    from sqlalchemy import Column, Integer, MetaData, Table

    table = Table("crm_customer_fts_data", MetaData(), Column("id", Integer, primary_key=True))
    other = Table("crm_invoice", MetaData(), Column("id", Integer, primary_key=True))
    assert unexplained([("remove_table", table)], "sqlite") == []
    assert unexplained([("remove_table", table)], "postgresql") == [
        "remove_table crm_customer_fts_data"
    ]
    assert unexplained([("add_table", other)], "sqlite") == ["add_table crm_invoice"]
