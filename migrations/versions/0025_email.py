"""email: tenant mail settings, email templates, interaction attachments, inbound messages

Revision ID: m_email
Revises: m_saved_views
Create Date: 2026-12-07 18:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "m_email"
down_revision = "m_saved_views"
branch_labels = None
depends_on = None


def _tenant():
    return (
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["crm_tenant.id"], ondelete="CASCADE"),
    )


def upgrade():
    op.create_table(
        "crm_mail_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        *_tenant(),
        sa.Column("smtp_host", sa.String(length=255), nullable=True),
        sa.Column("smtp_port", sa.Integer(), nullable=True),
        sa.Column("smtp_security", sa.String(length=10), nullable=False),
        sa.Column("smtp_user", sa.String(length=255), nullable=True),
        sa.Column("smtp_password_encrypted", sa.Text(), nullable=True),
        sa.Column("from_address", sa.String(length=255), nullable=True),
        sa.Column("from_name", sa.String(length=255), nullable=True),
        sa.Column("imap_host", sa.String(length=255), nullable=True),
        sa.Column("imap_port", sa.Integer(), nullable=True),
        sa.Column("imap_tls", sa.Boolean(), nullable=False),
        sa.Column("imap_user", sa.String(length=255), nullable=True),
        sa.Column("imap_password_encrypted", sa.Text(), nullable=True),
        sa.Column("imap_folder", sa.String(length=255), nullable=False),
        sa.Column("forwarding_address", sa.String(length=255), nullable=True),
        sa.Column("imap_last_uid", sa.Integer(), nullable=False),
        sa.Column("imap_uidvalidity", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", name="uq_mail_settings_tenant"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_crm_mail_settings_tenant_id", "crm_mail_settings", ["tenant_id"])
    op.create_table(
        "crm_email_template",
        sa.Column("id", sa.Integer(), nullable=False),
        *_tenant(),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "name", name="uq_email_template_name"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_crm_email_template_tenant_id", "crm_email_template", ["tenant_id"])
    op.create_table(
        "crm_interaction_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        *_tenant(),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["interaction_id"], ["crm_interaction.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("storage_key"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_crm_interaction_attachment_tenant_id", "crm_interaction_attachment", ["tenant_id"]
    )
    op.create_index(
        "ix_crm_interaction_attachment_interaction_id",
        "crm_interaction_attachment",
        ["interaction_id"],
    )
    op.create_table(
        "crm_inbound_email",
        sa.Column("id", sa.Integer(), nullable=False),
        *_tenant(),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("from_address", sa.String(length=255), nullable=True),
        sa.Column("to_addresses", sa.Text(), nullable=True),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("raw_key", sa.String(length=255), nullable=True),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["interaction_id"], ["crm_interaction.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "message_id", name="uq_inbound_email_message"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_crm_inbound_email_tenant_id", "crm_inbound_email", ["tenant_id"])
    op.create_index(
        "ix_inbound_email_status", "crm_inbound_email", ["tenant_id", "status", "received_at"]
    )


def downgrade():
    op.drop_table("crm_inbound_email")
    op.drop_table("crm_interaction_attachment")
    op.drop_table("crm_email_template")
    op.drop_table("crm_mail_settings")
