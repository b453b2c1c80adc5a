"""imports: import runs and the records each one created or updated

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "crm_import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=True),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("updated_count", sa.Integer(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("unchanged_count", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("error_report", sa.LargeBinary(), nullable=True),
        sa.Column("reverted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["crm_tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["ab_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("crm_import_run", schema=None) as batch_op:
        batch_op.create_index("ix_import_run_list", ["tenant_id", "created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_crm_import_run_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_crm_import_run_user_id"), ["user_id"], unique=False)

    op.create_table(
        "crm_import_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_run_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["import_run_id"], ["crm_import_run.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id"], ["crm_tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("crm_import_item", schema=None) as batch_op:
        batch_op.create_index("ix_import_item_run", ["import_run_id", "record_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_crm_import_item_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("crm_import_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crm_import_item_tenant_id"))
        batch_op.drop_index("ix_import_item_run")
    op.drop_table("crm_import_item")
    with op.batch_alter_table("crm_import_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crm_import_run_user_id"))
        batch_op.drop_index(batch_op.f("ix_crm_import_run_tenant_id"))
        batch_op.drop_index("ix_import_run_list")
    op.drop_table("crm_import_run")
