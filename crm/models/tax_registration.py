"""A customer's tax registrations (an Indian customer has a GSTIN and a PAN) and the
tax regimes a tenant offers for them."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned


class TaxRegime(Audited, Versioned, TenantMixin, Model):
    """A kind of tax number; ``validator`` names the checksum rule
    (``crm.services.core.validation.TAX_REGIMES``), ``OTHER`` for free text."""

    __tablename__ = "crm_tax_regime"
    __table_args__ = (UniqueConstraint("tenant_id", "code", name="uq_tax_regime_code"),)

    id = Column(Integer, primary_key=True)
    code = Column(String(20), nullable=False)
    name = Column(String(80), nullable=False)
    country = Column(String(2))
    validator = Column(String(20), nullable=False, default="OTHER")
    is_active = Column(Boolean, nullable=False, default=True)

    def __str__(self):
        return f"{self.name} ({self.code})"


class TaxRegistration(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    """One tax number of a customer; the one ``for_invoices`` is copied onto the
    customer (``Customer.tax_regime``/``tax_number``) for search, import and export."""

    __tablename__ = "crm_tax_registration"
    __audit_parent__ = "customer"
    __table_args__ = (
        UniqueConstraint("customer_id", "regime", name="uq_tax_registration_regime"),
        Index("ix_tax_registration_number", "tenant_id", "number"),
    )

    id = Column(Integer, primary_key=True)
    customer_id = Column(
        Integer, ForeignKey("crm_customer.id", ondelete="CASCADE"), nullable=False, index=True
    )
    customer = relationship("Customer", back_populates="tax_registrations")
    regime = Column(String(20), nullable=False)
    number = Column(String(50), nullable=False)
    for_invoices = Column(Boolean, nullable=False, default=False)

    def __str__(self):
        return f"{self.regime} {self.number}"
