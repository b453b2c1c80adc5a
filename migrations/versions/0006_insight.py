"""insight: support tickets and the customer health score

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "crm_support_ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["crm_customer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["ab_user.id"],
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["crm_tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_support_ticket_customer", "crm_support_ticket", ["customer_id", "status"], unique=False
    )
    op.create_index(
        "ix_support_ticket_open",
        "crm_support_ticket",
        ["tenant_id", "status", "customer_id"],
        unique=False,
    )
    op.create_index(
        "ix_support_ticket_list",
        "crm_support_ticket",
        ["tenant_id", "opened_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_crm_support_ticket_owner_id"), "crm_support_ticket", ["owner_id"], unique=False
    )
    op.create_index(
        op.f("ix_crm_support_ticket_tenant_id"), "crm_support_ticket", ["tenant_id"], unique=False
    )

    # Plain add_column: crm_customer is never batch-altered (see migrations/README).
    op.add_column("crm_customer", sa.Column("health_score", sa.Integer(), nullable=True))
    op.add_column("crm_customer", sa.Column("health_band", sa.String(length=10), nullable=True))
    op.add_column("crm_customer", sa.Column("health_factors", sa.JSON(), nullable=True))
    op.add_column(
        "crm_customer", sa.Column("health_refreshed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index(
        "ix_customer_health",
        "crm_customer",
        ["tenant_id", "is_active", "health_band", "id"],
        unique=False,
    )
    op.add_column(
        "crm_tenant", sa.Column("health_refreshed_at", sa.DateTime(timezone=True), nullable=True)
    )
    # The dashboard's aggregates, read from these indexes alone (benchmarks/dashboard.py).
    op.create_index(
        "ix_deal_dashboard",
        "crm_deal",
        ["tenant_id", "stage_id", "currency", "value"],
        unique=False,
    )
    op.create_index(
        "ix_deal_created",
        "crm_deal",
        ["tenant_id", "created_at", "stage_id", "currency", "value"],
        unique=False,
    )
    op.create_index(
        "ix_invoice_aging",
        "crm_invoice",
        ["tenant_id", "status", "due_date", "currency", "total", "amount_paid"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_invoice_aging", table_name="crm_invoice")
    op.drop_index("ix_deal_created", table_name="crm_deal")
    op.drop_index("ix_deal_dashboard", table_name="crm_deal")
    op.drop_column("crm_tenant", "health_refreshed_at")
    op.drop_index("ix_customer_health", table_name="crm_customer")
    op.drop_column("crm_customer", "health_refreshed_at")
    op.drop_column("crm_customer", "health_factors")
    op.drop_column("crm_customer", "health_band")
    op.drop_column("crm_customer", "health_score")
    op.drop_index(op.f("ix_crm_support_ticket_tenant_id"), table_name="crm_support_ticket")
    op.drop_index(op.f("ix_crm_support_ticket_owner_id"), table_name="crm_support_ticket")
    op.drop_index("ix_support_ticket_list", table_name="crm_support_ticket")
    op.drop_index("ix_support_ticket_open", table_name="crm_support_ticket")
    op.drop_index("ix_support_ticket_customer", table_name="crm_support_ticket")
    op.drop_table("crm_support_ticket")
