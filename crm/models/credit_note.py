"""Credit notes: amounts given back to a customer, reducing what they owe."""

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

CREDIT_NOTE_STATUSES = ("draft", "issued", "void")


class CreditNote(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_credit_note"
    __audit_parent__ = "customer"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number", name="uq_credit_note_number"),
        Index("ix_credit_note_customer", "customer_id", "issue_date"),
        Index("ix_credit_note_list", "tenant_id", "issue_date", "id"),
    )

    id = Column(Integer, primary_key=True)
    number = Column(String(30), nullable=False)
    customer_id = Column(Integer, ForeignKey("crm_customer.id"), nullable=False)
    customer = relationship("Customer")
    # The invoice it corrects, if any: an issued credit note settles that much of it.
    invoice_id = Column(Integer, ForeignKey("crm_invoice.id"), index=True)
    invoice = relationship("Invoice")
    issue_date = Column(Date, nullable=False)
    amount = Column(Numeric(14, 2), nullable=False)
    currency = Column(String(3), nullable=False, default="EUR")
    reason = Column(String(255), nullable=False)
    status = Column(String(20), nullable=False, default="draft")
    issued_at = Column(DateTime(timezone=True))
    voided_at = Column(DateTime(timezone=True))
    notes = Column(Text)

    __form_optional__ = ("number",)

    def __str__(self):
        return self.number or ""
