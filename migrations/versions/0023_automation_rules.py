"""automation rules: a tenant's rules, the log of their runs and the round-robin cursors

Revision ID: m_automation_rules
Revises: m_task_reminders
Create Date: 2026-12-07 18:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "m_automation_rules"
down_revision = "m_task_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "crm_automation_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["crm_tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_crm_automation_rule_tenant_id", "crm_automation_rule", ["tenant_id"])
    op.create_index(
        "ix_automation_rule_entity", "crm_automation_rule", ["tenant_id", "entity", "is_active"]
    )
    op.create_table(
        "crm_automation_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("record_label", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["crm_tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rule_id"], ["crm_automation_rule.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_crm_automation_run_tenant_id", "crm_automation_run", ["tenant_id"])
    op.create_index("ix_automation_run_rule", "crm_automation_run", ["rule_id", "id"])
    op.create_table(
        "crm_automation_cursor",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("action_index", sa.Integer(), nullable=False),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["crm_tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rule_id"], ["crm_automation_rule.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("rule_id", "action_index"),
    )
    op.create_index("ix_crm_automation_cursor_tenant_id", "crm_automation_cursor", ["tenant_id"])


def downgrade():
    op.drop_table("crm_automation_cursor")
    op.drop_table("crm_automation_run")
    op.drop_table("crm_automation_rule")
