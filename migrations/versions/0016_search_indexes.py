"""search indexes of the company, contact, lead, deal and invoice lists

Revision ID: m_search_indexes
Revises: m_import_jobs
Create Date: 2026-12-07 12:50:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "m_search_indexes"
down_revision = "m_import_jobs"
branch_labels = None
depends_on = None


# The searched columns of each list, as crm.models.base.searched_text combines them: the
# index holds lower(coalesce(a, '') || ' ' || coalesce(b, '') ...) of each row.
SEARCHED = {
    "crm_company": ("name", "office_email", "office_phone", "website", "industry"),
    "crm_contact": ("name", "role", "email", "phone"),
    "crm_lead": ("title", "contact_name", "contact_email", "company_name"),
    "crm_deal": ("title",),
    "crm_invoice": ("number", "reference"),
}


def _text(columns, row=""):
    return "lower(" + " || ' ' || ".join(f"coalesce({row}{c}, '')" for c in columns) + ")"


def _sqlite(table, columns):
    """A contentless FTS5 trigram table of the text, filled and kept in step by triggers."""
    fts = f"{table}_fts"
    insert = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, {_text(columns, 'new.')});"
    delete = (
        f"INSERT INTO {fts}({fts}, rowid, search_text) "
        f"VALUES ('delete', old.id, {_text(columns, 'old.')});"
    )
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='', tokenize='trigram')",
        f"INSERT INTO {fts}(rowid, search_text) SELECT id, {_text(columns)} FROM {table}",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {', '.join(columns)} ON {table} "
        f"BEGIN {delete} {insert} END",
    ]


def _index_name(table):
    return f"ix_{table.removeprefix('crm_')}_search_trgm"


def upgrade():
    dialect = op.get_bind().dialect.name
    for table, columns in SEARCHED.items():
        if dialect == "sqlite":
            for statement in _sqlite(table, columns):
                op.execute(statement)
        elif dialect == "postgresql":
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            op.execute(
                f"CREATE INDEX {_index_name(table)} ON {table} "
                f"USING gin ({_text(columns)} gin_trgm_ops)"
            )


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in SEARCHED:
        if dialect == "sqlite":
            for suffix in ("au", "ad", "ai"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS {_index_name(table)}")
