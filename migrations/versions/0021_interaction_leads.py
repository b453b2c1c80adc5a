"""interactions of leads, and of deals without a customer: customer becomes optional

Revision ID: m_interaction_leads
Revises: m_deal_forecast
Create Date: 2026-12-07 18:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "m_interaction_leads"
down_revision = "m_deal_forecast"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("crm_interaction", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_crm_interaction_lead_id_crm_lead", "crm_lead", ["lead_id"], ["id"]
        )
        batch_op.alter_column("customer_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index("ix_interaction_lead", ["lead_id", "occurred_at"], unique=False)


def downgrade():
    # Interactions of leads or customerless deals cannot stay without a customer.
    op.execute("DELETE FROM crm_interaction WHERE customer_id IS NULL")
    with op.batch_alter_table("crm_interaction", schema=None) as batch_op:
        batch_op.drop_index("ix_interaction_lead")
        batch_op.alter_column("customer_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("fk_crm_interaction_lead_id_crm_lead", type_="foreignkey")
        batch_op.drop_column("lead_id")
