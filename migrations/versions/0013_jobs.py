"""jobs: background jobs run by the task queue, with progress, result file and error

Revision ID: m_jobs
Revises: m_concurrency
Create Date: 2026-12-07 09:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "m_jobs"
down_revision = "m_concurrency"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "crm_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_requested", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_path", sa.String(length=500), nullable=True),
        sa.Column("result_name", sa.String(length=255), nullable=True),
        sa.Column("result_content_type", sa.String(length=100), nullable=True),
        sa.Column("error", sa.String(length=1000), nullable=True),
        sa.Column("task_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["crm_tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_crm_job_tenant_id", "crm_job", ["tenant_id"])
    op.create_index("ix_job_list", "crm_job", ["tenant_id", "user_id", "created_at"])
    op.create_index("ix_job_status", "crm_job", ["status", "heartbeat_at"])


def downgrade():
    op.drop_index("ix_job_status", table_name="crm_job")
    op.drop_index("ix_job_list", table_name="crm_job")
    op.drop_index("ix_crm_job_tenant_id", table_name="crm_job")
    op.drop_table("crm_job")
