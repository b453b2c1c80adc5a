"""concurrency: record versions, per-tenant number sequences, ids never reused on SQLite

Revision ID: m_concurrency
Revises: m_import_meaning
Create Date: 2026-12-07 05:00:00.000000

"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "m_concurrency"
down_revision = "m_import_meaning"
branch_labels = None
depends_on = None

VERSIONED_TABLES = (
    "crm_address",
    "crm_bank_account",
    "crm_company",
    "crm_contact",
    "crm_contract",
    "crm_credit_note",
    "crm_custom_field",
    "crm_custom_field_value",
    "crm_customer",
    "crm_customer_group",
    "crm_deal",
    "crm_document",
    "crm_interaction",
    "crm_invoice",
    "crm_lead",
    "crm_lead_source",
    "crm_lead_status",
    "crm_note",
    "crm_payment",
    "crm_payment_term",
    "crm_pipeline",
    "crm_plant",
    "crm_region",
    "crm_sales_order",
    "crm_segment",
    "crm_setting",
    "crm_stage",
    "crm_sub_segment",
    "crm_support_ticket",
    "crm_tag",
    "crm_task",
)

_ID_COLUMN = re.compile(r"\bid INTEGER NOT NULL,")
_ID_KEY = re.compile(r",\s*PRIMARY KEY \(id\)")


def _sqlite_autoincrement(conn):
    """Rebuild every crm_ table keyed by ``id`` as AUTOINCREMENT, keeping its indexes
    (expression ones included) and triggers verbatim. A batch copy would lose those
    (see migrations/README), so the table's own CREATE statement is reused."""
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    checks_on = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
    tables = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name LIKE 'crm\\_%' ESCAPE '\\' "
        "AND name NOT LIKE 'crm\\_customer\\_fts%' ESCAPE '\\'"
    ).all()
    for name, sql in tables:
        if "AUTOINCREMENT" in sql.upper() or not (_ID_COLUMN.search(sql) and _ID_KEY.search(sql)):
            continue
        if checks_on and conn.exec_driver_sql(f'SELECT 1 FROM "{name}" LIMIT 1').first():
            # Dropping a referenced table with foreign keys on would cascade to its children.
            raise RuntimeError(
                "Run this migration on its own (flask db upgrade m_concurrency): "
                "SQLite cannot turn foreign keys off inside the open transaction."
            )
        extras = [
            row[0]
            for row in conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
                "AND sql IS NOT NULL",
                (name,),
            )
        ]
        new_sql = _ID_KEY.sub(
            "", _ID_COLUMN.sub("id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,", sql, 1), 1
        )
        new_sql = re.sub(
            r'^CREATE TABLE "?%s"?' % re.escape(name), f'CREATE TABLE "_new_{name}"', new_sql
        )
        conn.exec_driver_sql(new_sql)
        conn.exec_driver_sql(f'INSERT INTO "_new_{name}" SELECT * FROM "{name}"')
        conn.exec_driver_sql(f'DROP TABLE "{name}"')
        conn.exec_driver_sql(f'ALTER TABLE "_new_{name}" RENAME TO "{name}"')
        for statement in extras:
            conn.exec_driver_sql(statement)
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
    # Switching checks back on is a no-op inside the open transaction: this connection
    # is closed afterwards instead of going back to the pool with checks off.
    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    conn.detach()
    if broken:
        raise RuntimeError(f"Foreign key check failed after the rebuild: {tuple(broken)}")


def upgrade():
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _sqlite_autoincrement(conn)
    # Plain ADD COLUMN on both databases (see migrations/README).
    for table in VERSIONED_TABLES:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "crm_sequence",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("next_value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["crm_tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "name"),
    )


def downgrade():
    # AUTOINCREMENT stays on SQLite: it changes no data and no query.
    op.drop_table("crm_sequence")
    for table in VERSIONED_TABLES:
        op.drop_column(table, "version")
