"""Support tickets raised by a customer (the health score counts the open ones)."""

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned, utcnow

TICKET_STATUSES = ("open", "pending", "closed")
OPEN_TICKET_STATUSES = ("open", "pending")
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")


class SupportTicket(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_support_ticket"
    __audit_parent__ = "customer"
    __table_args__ = (
        # A customer's open tickets (its tab, the health score's per-customer counts).
        Index("ix_support_ticket_customer", "customer_id", "status"),
        # The health refresh counts every customer's open tickets of a tenant in one pass.
        Index("ix_support_ticket_open", "tenant_id", "status", "customer_id"),
        Index("ix_support_ticket_list", "tenant_id", "opened_at", "id"),
    )

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("crm_customer.id"), nullable=False)
    customer = relationship("Customer")
    subject = Column(String(200), nullable=False)
    description = Column(Text)
    status = Column(String(10), nullable=False, default="open")
    priority = Column(String(10), nullable=False, default="normal")
    opened_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    closed_at = Column(DateTime(timezone=True))
    owner_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    owner = relationship("CrmUser", foreign_keys=[owner_id])

    __form_optional__ = ("opened_at",)

    def __str__(self):
        return self.subject or ""
