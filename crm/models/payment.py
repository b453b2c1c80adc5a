"""Payments received from customers, and how they are allocated to invoices."""

from flask_appbuilder import Model
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned

PAYMENT_STATUSES = ("received", "void")


class Payment(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_payment"
    __audit_parent__ = "customer"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number", name="uq_payment_number"),
        Index("ix_payment_customer", "customer_id", "payment_date"),
        Index("ix_payment_list", "tenant_id", "payment_date", "id"),
    )

    id = Column(Integer, primary_key=True)
    number = Column(String(30), nullable=False)
    customer_id = Column(Integer, ForeignKey("crm_customer.id"), nullable=False)
    customer = relationship("Customer")
    payment_date = Column(Date, nullable=False)
    amount = Column(Numeric(14, 2), nullable=False)
    currency = Column(String(3), nullable=False, default="EUR")
    # One of crm.models.PAYMENT_METHODS.
    method = Column(String(30), nullable=False, default="bank_transfer")
    reference = Column(String(100))
    notes = Column(Text)
    status = Column(String(20), nullable=False, default="received")
    voided_at = Column(DateTime(timezone=True))
    allocations = relationship(
        "PaymentAllocation", back_populates="payment", cascade="all, delete-orphan"
    )

    __form_optional__ = ("number",)

    def __str__(self):
        return self.number or ""


class PaymentAllocation(TenantMixin, Model):
    """Part of a payment settling one invoice. What is not allocated stays as credit."""

    __tablename__ = "crm_payment_allocation"
    __table_args__ = (UniqueConstraint("payment_id", "invoice_id", name="uq_payment_allocation"),)

    id = Column(Integer, primary_key=True)
    payment_id = Column(
        Integer, ForeignKey("crm_payment.id", ondelete="CASCADE"), nullable=False, index=True
    )
    payment = relationship("Payment", back_populates="allocations")
    invoice_id = Column(Integer, ForeignKey("crm_invoice.id"), nullable=False, index=True)
    invoice = relationship("Invoice")
    amount = Column(Numeric(14, 2), nullable=False)

    def __str__(self):
        return f"{self.amount}"
