"""permission version: a number that changes with roles and their permissions

Revision ID: m_permission_version
Revises: m_tax_registrations
Create Date: 2026-12-07 15:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "m_permission_version"
down_revision = "m_tax_registrations"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "crm_permission_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "version": 1}])


def downgrade():
    op.drop_table("crm_permission_version")
