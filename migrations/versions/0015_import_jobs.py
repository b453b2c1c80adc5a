"""import jobs: an import run's job, the rows its committed chunks cover, its preview job and result

Revision ID: m_import_jobs
Revises: m_job_summary
Create Date: 2026-12-07 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "m_import_jobs"
down_revision = "m_job_summary"
branch_labels = None
depends_on = None


def upgrade():
    # add_column, not batch_alter_table: copying crm_import_run on SQLite would cascade its
    # drop to the import items.
    op.add_column(
        "crm_import_run",
        sa.Column("committed_rows", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column("crm_import_run", sa.Column("preview_result", sa.JSON(), nullable=True))
    for column, name in (
        ("job_id", "fk_import_run_job"),
        ("preview_job_id", "fk_import_run_preview_job"),
    ):
        op.add_column("crm_import_run", sa.Column(column, sa.Integer(), nullable=True))
        # SQLite: no constraint, as 0004 did for merged_into_id (adding one copies the table).
        if op.get_bind().dialect.name != "sqlite":
            op.create_foreign_key(
                name, "crm_import_run", "crm_job", [column], ["id"], ondelete="SET NULL"
            )


def downgrade():
    for column, name in (
        ("preview_job_id", "fk_import_run_preview_job"),
        ("job_id", "fk_import_run_job"),
    ):
        if op.get_bind().dialect.name != "sqlite":
            op.drop_constraint(name, "crm_import_run", type_="foreignkey")
        op.drop_column("crm_import_run", column)
    op.drop_column("crm_import_run", "preview_result")
    op.drop_column("crm_import_run", "committed_rows")
