"""task reminders: reminder times on tasks, reminder and digest preferences on users,
follow-up dates on interactions

Revision ID: m_task_reminders
Revises: m_interaction_leads
Create Date: 2026-12-07 18:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "m_task_reminders"
down_revision = "m_interaction_leads"
branch_labels = None
depends_on = None


# Plain adds, never a batch copy (it would drop SQLite's triggers and AUTOINCREMENT); on
# SQLite the interaction's new links go without their constraints, the ORM keeps them.
def upgrade():
    op.add_column("crm_task", sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "crm_task",
        sa.Column("remind_auto", sa.Boolean(), server_default="1", nullable=False),
    )
    op.add_column("crm_task", sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_task_reminder_due", "crm_task", ["remind_at", "reminded_at"], unique=False)

    op.add_column(
        "ab_user",
        sa.Column("reminder_days_before", sa.Integer(), server_default="1", nullable=True),
    )
    op.add_column(
        "ab_user",
        sa.Column("reminder_time", sa.String(length=5), server_default="09:00", nullable=False),
    )
    op.add_column(
        "ab_user", sa.Column("overdue_digest", sa.Boolean(), server_default="1", nullable=False)
    )
    op.add_column("ab_user", sa.Column("digest_sent_on", sa.Date(), nullable=True))

    op.add_column("crm_interaction", sa.Column("follow_up_on", sa.Date(), nullable=True))
    op.add_column(
        "crm_interaction", sa.Column("follow_up_assignee_id", sa.Integer(), nullable=True)
    )
    op.add_column("crm_interaction", sa.Column("follow_up_task_id", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name != "sqlite":
        op.create_foreign_key(
            "crm_interaction_follow_up_assignee_id_fkey",
            "crm_interaction",
            "ab_user",
            ["follow_up_assignee_id"],
            ["id"],
        )
        op.create_foreign_key(
            "crm_interaction_follow_up_task_id_fkey",
            "crm_interaction",
            "crm_task",
            ["follow_up_task_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(
            "crm_interaction_follow_up_task_id_fkey", "crm_interaction", type_="foreignkey"
        )
        op.drop_constraint(
            "crm_interaction_follow_up_assignee_id_fkey", "crm_interaction", type_="foreignkey"
        )
    op.drop_column("crm_interaction", "follow_up_task_id")
    op.drop_column("crm_interaction", "follow_up_assignee_id")
    op.drop_column("crm_interaction", "follow_up_on")
    op.drop_column("ab_user", "digest_sent_on")
    op.drop_column("ab_user", "overdue_digest")
    op.drop_column("ab_user", "reminder_time")
    op.drop_column("ab_user", "reminder_days_before")
    op.drop_index("ix_task_reminder_due", table_name="crm_task")
    op.drop_column("crm_task", "reminded_at")
    op.drop_column("crm_task", "remind_auto")
    op.drop_column("crm_task", "remind_at")
