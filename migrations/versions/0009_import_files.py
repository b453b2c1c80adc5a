"""import files: each run keeps its file's table as read, its encoding and content hash

Revision ID: m_import_files
Revises: m_logins
Create Date: 2026-12-07 05:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "m_import_files"
down_revision = "m_logins"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("crm_import_run") as batch:
        batch.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("table_data", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("encoding", sa.String(length=40), nullable=True))
        batch.create_index("ix_import_run_file", ["tenant_id", "content_hash"])


def downgrade():
    with op.batch_alter_table("crm_import_run") as batch:
        batch.drop_index("ix_import_run_file")
        batch.drop_column("encoding")
        batch.drop_column("table_data")
        batch.drop_column("content_hash")
