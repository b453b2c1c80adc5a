"""customer list: an index per sortable column and a company's customers by name

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SORTABLE_COLUMNS = ("code", "email", "city", "country", "balance", "created_at")


def upgrade():
    for column in SORTABLE_COLUMNS:
        op.create_index(
            f"ix_customer_list_{column}", "crm_customer", ["tenant_id", "is_active", column, "id"]
        )
    op.create_index(
        "ix_customer_company_list",
        "crm_customer",
        ["tenant_id", "company_id", "is_active", "name", "id"],
    )


def downgrade():
    op.drop_index("ix_customer_company_list", table_name="crm_customer")
    for column in SORTABLE_COLUMNS:
        op.drop_index(f"ix_customer_list_{column}", table_name="crm_customer")
