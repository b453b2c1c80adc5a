"""Internal notes on a customer, newest first."""

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, Text
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, Versioned, utcnow


class Note(Audited, Versioned, TenantMixin, Model):
    __tablename__ = "crm_note"
    __audit_parent__ = "customer"

    id = Column(Integer, primary_key=True)
    customer_id = Column(
        Integer, ForeignKey("crm_customer.id", ondelete="CASCADE"), nullable=False, index=True
    )
    customer = relationship("Customer", back_populates="note_entries")
    body = Column(Text, nullable=False)
    author_id = Column(Integer, ForeignKey("ab_user.id"))
    author = relationship("CrmUser")
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)

    def __str__(self):
        return (self.body or "")[:60]
