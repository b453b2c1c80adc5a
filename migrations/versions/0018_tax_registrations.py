"""tax registrations: several per customer, one used on invoices; tax regimes as settings

Revision ID: m_tax_registrations
Revises: m_webhooks
Create Date: 2026-12-07 15:20:00.000000

Each customer's tax_regime/tax_number becomes its registration used on invoices; the two
columns stay as that registration's copy (search, import, export, merge, duplicates).
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "m_tax_registrations"
down_revision = "m_webhooks"
branch_labels = None
depends_on = None

# (code, name, country): the regimes the validators knew at this revision; validator = code.
REGIMES = (
    ("VAT", "VAT number (EU)", None),
    ("GB_VAT", "VAT number (United Kingdom)", "GB"),
    ("CH_UID", "UID (Switzerland)", "CH"),
    ("EIN", "EIN (United States)", "US"),
    ("GSTIN", "GSTIN (India)", "IN"),
    ("PAN", "PAN (India)", "IN"),
    ("ABN", "ABN (Australia)", "AU"),
    ("BN", "Business Number (Canada)", "CA"),
    ("CNPJ", "CNPJ (Brazil)", "BR"),
    ("CPF", "CPF (Brazil)", "BR"),
    ("OTHER", "Other tax identifier", None),
)


def upgrade():
    op.create_table(
        "crm_tax_regime",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("validator", sa.String(length=20), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.ForeignKeyConstraint(["tenant_id"], ["crm_tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "code", name="uq_tax_regime_code"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_crm_tax_regime_tenant_id", "crm_tax_regime", ["tenant_id"])
    op.create_table(
        "crm_tax_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("regime", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("for_invoices", sa.Boolean(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["crm_customer.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id"], ["crm_tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("customer_id", "regime", name="uq_tax_registration_regime"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_crm_tax_registration_customer_id", "crm_tax_registration", ["customer_id"])
    op.create_index("ix_crm_tax_registration_tenant_id", "crm_tax_registration", ["tenant_id"])
    op.create_index("ix_tax_registration_number", "crm_tax_registration", ["tenant_id", "number"])

    conn = op.get_bind()
    regimes = sa.table(
        "crm_tax_regime",
        sa.column("code"),
        sa.column("name"),
        sa.column("country"),
        sa.column("validator"),
        sa.column("is_active"),
        sa.column("tenant_id"),
    )
    tenants = [row[0] for row in conn.execute(sa.text("SELECT id FROM crm_tenant"))]
    if tenants:
        op.bulk_insert(
            regimes,
            [
                {
                    "code": code,
                    "name": name,
                    "country": country,
                    "validator": code,
                    "is_active": True,
                    "tenant_id": tenant_id,
                }
                for tenant_id in tenants
                for code, name, country in REGIMES
            ],
        )
    # One INSERT ... SELECT: a million customers move without a round trip each.
    now = dt.datetime.now(dt.timezone.utc)
    conn.execute(
        sa.text(
            "INSERT INTO crm_tax_registration "
            "(customer_id, regime, number, for_invoices, tenant_id, version, created_at, "
            "updated_at) "
            "SELECT id, coalesce(tax_regime, 'OTHER'), tax_number, :yes, tenant_id, 1, :now, :now "
            "FROM crm_customer WHERE tax_number IS NOT NULL AND tax_number <> ''"
        ),
        {"yes": True, "now": now},
    )
    conn.execute(
        sa.text(
            "UPDATE crm_customer SET tax_regime = 'OTHER' "
            "WHERE tax_regime IS NULL AND tax_number IS NOT NULL AND tax_number <> ''"
        )
    )


def downgrade():
    op.drop_index("ix_tax_registration_number", table_name="crm_tax_registration")
    op.drop_index("ix_crm_tax_registration_tenant_id", table_name="crm_tax_registration")
    op.drop_index("ix_crm_tax_registration_customer_id", table_name="crm_tax_registration")
    op.drop_table("crm_tax_registration")
    op.drop_index("ix_crm_tax_regime_tenant_id", table_name="crm_tax_regime")
    op.drop_table("crm_tax_regime")
