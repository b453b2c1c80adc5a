"""logins: session/token version, refresh-token rotation, sign-in lockout

Revision ID: m_logins
Revises: 0007
Create Date: 2026-12-07 05:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "m_logins"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # add_column, not batch_alter_table: ab_user keeps its triggers and indexes on SQLite.
    op.add_column(
        "ab_user", sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("ab_user", sa.Column("refresh_jti", sa.String(length=64), nullable=True))
    op.add_column("ab_user", sa.Column("last_failed_login", sa.DateTime(), nullable=True))
    op.add_column("ab_user", sa.Column("locked_until", sa.DateTime(), nullable=True))


def downgrade():
    for column in ("locked_until", "last_failed_login", "refresh_jti", "session_version"):
        op.drop_column("ab_user", column)
