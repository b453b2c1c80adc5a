"""Invoices: what a customer owes, from an order or stand-alone."""

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

from .base import Audited, TenantMixin, TimestampMixin, Versioned, searched_text
from .ledger_lines import DocumentTotals, PricedLine

INVOICE_STATUSES = ("draft", "issued", "partly_paid", "paid", "void")
# Invoices that count towards the balance (issued, whatever has been paid since).
POSTED_INVOICE_STATUSES = ("issued", "partly_paid", "paid")
# Invoices with money still to collect.
OPEN_INVOICE_STATUSES = ("issued", "partly_paid")


class Invoice(Audited, Versioned, DocumentTotals, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_invoice"
    __audit_parent__ = "customer"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number", name="uq_invoice_number"),
        # A customer's statement and aging; the overdue filter (open invoices past due).
        Index("ix_invoice_customer", "customer_id", "status", "due_date"),
        Index("ix_invoice_open_due", "tenant_id", "status", "due_date"),
        Index("ix_invoice_list", "tenant_id", "issue_date", "id"),
        # The dashboard's receivables by aging bucket, read from the index alone.
        Index(
            "ix_invoice_aging",
            "tenant_id",
            "status",
            "due_date",
            "currency",
            "total",
            "amount_paid",
        ),
    )

    id = Column(Integer, primary_key=True)
    number = Column(String(30), nullable=False)
    customer_id = Column(Integer, ForeignKey("crm_customer.id"), nullable=False)
    customer = relationship("Customer")
    sales_order_id = Column(Integer, ForeignKey("crm_sales_order.id"), index=True)
    sales_order = relationship("SalesOrder")
    issue_date = Column(Date, nullable=False)
    due_date = Column(Date, nullable=False)
    status = Column(String(20), nullable=False, default="draft")
    currency = Column(String(3), nullable=False, default="EUR")
    payment_term_id = Column(Integer, ForeignKey("crm_payment_term.id"), index=True)
    payment_term = relationship("PaymentTerm")
    billing_address = Column(Text)
    tax_number = Column(String(50))
    reference = Column(String(100))
    notes = Column(Text)
    # Payments and credit notes allocated to this invoice; kept by the ledger service.
    amount_paid = Column(Numeric(14, 2), nullable=False, default=0)
    issued_at = Column(DateTime(timezone=True))
    voided_at = Column(DateTime(timezone=True))
    lines = relationship(
        "InvoiceLine",
        back_populates="invoice",
        cascade="all, delete-orphan",
        order_by="InvoiceLine.position",
    )
    search_text = searched_text(number, reference)

    __form_optional__ = ("number", "due_date")

    @property
    def amount_due(self):
        return (self.total or 0) - (self.amount_paid or 0)

    def __str__(self):
        return self.number or ""


class InvoiceLine(PricedLine, TenantMixin, Model):
    __tablename__ = "crm_invoice_line"

    invoice_id = Column(
        Integer, ForeignKey("crm_invoice.id", ondelete="CASCADE"), nullable=False, index=True
    )
    invoice = relationship("Invoice", back_populates="lines")
