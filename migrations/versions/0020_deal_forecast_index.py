"""deal forecast index: open deals by expected close month, read from the index alone

Revision ID: m_deal_forecast
Revises: m_permission_version
Create Date: 2026-12-07 16:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "m_deal_forecast"
down_revision = "m_permission_version"
branch_labels = None
depends_on = None


def upgrade():
    # The forecast's grouped query (crm/services/insight/forecast.py): a range of expected
    # close dates, then stage, currency, owner and value without visiting the table.
    op.create_index(
        "ix_deal_forecast",
        "crm_deal",
        ["tenant_id", "expected_close_date", "stage_id", "currency", "assigned_to_id", "value"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_deal_forecast", table_name="crm_deal")
