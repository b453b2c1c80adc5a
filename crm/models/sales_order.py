"""Sales orders: what a customer ordered, line by line, before it is invoiced."""

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
from .ledger_lines import DocumentTotals, PricedLine

# A quote is a draft order; confirming it makes it pending (and runs the credit checks).
ORDER_STATUSES = ("quote", "pending", "shipped", "invoiced", "paid", "cancelled")
# Statuses that count as an order the customer placed (total order value, last order date).
PLACED_ORDER_STATUSES = ("pending", "shipped", "invoiced", "paid")


class SalesOrder(Audited, Versioned, DocumentTotals, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_sales_order"
    __audit_parent__ = "customer"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number", name="uq_sales_order_number"),
        Index("ix_sales_order_customer", "customer_id", "order_date"),
        Index("ix_sales_order_list", "tenant_id", "order_date", "id"),
    )

    id = Column(Integer, primary_key=True)
    number = Column(String(30), nullable=False)
    customer_id = Column(Integer, ForeignKey("crm_customer.id"), nullable=False)
    customer = relationship("Customer")
    order_date = Column(Date, nullable=False)
    status = Column(String(20), nullable=False, default="quote")
    currency = Column(String(3), nullable=False, default="EUR")
    discount_rate = Column(Numeric(5, 2), nullable=False, default=0)
    payment_term_id = Column(Integer, ForeignKey("crm_payment_term.id"), index=True)
    payment_term = relationship("PaymentTerm")
    # Copied from the customer's default addresses when the order is made; the order
    # keeps what was agreed even if the customer's addresses change later.
    billing_address = Column(Text)
    shipping_address = Column(Text)
    reference = Column(String(100))
    notes = Column(Text)
    confirmed_at = Column(DateTime(timezone=True))
    owner_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    owner = relationship("CrmUser", foreign_keys=[owner_id])
    lines = relationship(
        "SalesOrderLine",
        back_populates="order",
        cascade="all, delete-orphan",
        order_by="SalesOrderLine.position",
    )

    __form_optional__ = ("number",)

    def __str__(self):
        return self.number or ""


class SalesOrderLine(PricedLine, TenantMixin, Model):
    __tablename__ = "crm_sales_order_line"

    order_id = Column(
        Integer, ForeignKey("crm_sales_order.id", ondelete="CASCADE"), nullable=False, index=True
    )
    order = relationship("SalesOrder", back_populates="lines")
