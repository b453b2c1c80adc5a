"""saved views: a list's named search, filters, sort, page size and columns; a user's default;
customers are found by their city too

Revision ID: m_saved_views
Revises: m_automation_rules
Create Date: 2026-12-07 18:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "m_saved_views"
down_revision = "m_automation_rules"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "crm_saved_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("order_column", sa.String(length=100), nullable=True),
        sa.Column("order_direction", sa.String(length=4), nullable=True),
        sa.Column("page_size", sa.Integer(), nullable=True),
        sa.Column("columns", sa.JSON(), nullable=True),
        sa.Column("is_shared", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["crm_tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["ab_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "tenant_id", "owner_id", "list_name", "name", name="uq_saved_view_name"
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_crm_saved_view_tenant_id", "crm_saved_view", ["tenant_id"])
    op.create_index("ix_saved_view_list", "crm_saved_view", ["tenant_id", "list_name", "is_shared"])
    op.create_table(
        "crm_saved_view_default",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(length=60), nullable=False),
        sa.Column("saved_view_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["crm_tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["saved_view_id"], ["crm_saved_view.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "list_name", name="uq_saved_view_default"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_crm_saved_view_default_tenant_id", "crm_saved_view_default", ["tenant_id"])
    op.create_index(
        "ix_crm_saved_view_default_saved_view_id", "crm_saved_view_default", ["saved_view_id"]
    )

    # The customer search text ends with the city now (crm.services.customers.customers).
    op.execute(
        "UPDATE crm_customer SET search_text = search_text || ' ' || lower(city) "
        "WHERE city IS NOT NULL AND city <> ''"
    )


def downgrade():
    op.drop_table("crm_saved_view_default")
    op.drop_table("crm_saved_view")
