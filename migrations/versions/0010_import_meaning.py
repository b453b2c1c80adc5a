"""import meaning: addresses without a street, warnings counted per import run

Revision ID: m_import_meaning
Revises: m_import_files
Create Date: 2026-12-07 05:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "m_import_meaning"
down_revision = "m_import_files"
branch_labels = None
depends_on = None


def upgrade():
    # An address may be a city and a country only (imported lists often have no street).
    with op.batch_alter_table("crm_address", schema=None) as batch_op:
        batch_op.alter_column("line1", existing_type=sa.String(length=200), nullable=True)
    op.add_column(
        "crm_import_run",
        sa.Column("warning_count", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade():
    op.drop_column("crm_import_run", "warning_count")
    op.execute("UPDATE crm_address SET line1 = '' WHERE line1 IS NULL")
    with op.batch_alter_table("crm_address", schema=None) as batch_op:
        batch_op.alter_column("line1", existing_type=sa.String(length=200), nullable=False)
