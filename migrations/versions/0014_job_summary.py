"""job summary: one line saying what a finished job did ("112 sent, 4 failed")

Revision ID: m_job_summary
Revises: m_jobs
Create Date: 2026-12-07 12:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "m_job_summary"
down_revision = "m_jobs"
branch_labels = None
depends_on = None


# Plain add and drop, never a batch copy: that would lose crm_job's AUTOINCREMENT on SQLite.
def upgrade():
    op.add_column("crm_job", sa.Column("summary", sa.String(length=255), nullable=True))


def downgrade():
    op.drop_column("crm_job", "summary")
