"""People at a customer; exactly one of them is the primary contact."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned, searched_text


class Contact(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_contact"
    __audit_parent__ = "customer"
    __table_args__ = (Index("ix_contact_customer_primary", "customer_id", "is_primary"),)

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("crm_customer.id", ondelete="CASCADE"), nullable=False)
    customer = relationship("Customer", back_populates="contacts")
    name = Column(String(150), nullable=False)
    role = Column(String(100))
    email = Column(String(254))
    phone = Column(String(32))
    is_primary = Column(Boolean, nullable=False, default=False)
    search_text = searched_text(name, role, email, phone)

    def __str__(self):
        return self.name
