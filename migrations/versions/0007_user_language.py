"""user language: the language each user picked

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 00:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    # add_column, not batch_alter_table: ab_user keeps its triggers and indexes on SQLite.
    op.add_column("ab_user", sa.Column("locale", sa.String(length=10), nullable=True))


def downgrade():
    op.drop_column("ab_user", "locale")
