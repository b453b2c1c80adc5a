"""Operational sites of a customer (plants, warehouses, branches)."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned


class Plant(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_plant"
    __audit_parent__ = "customer"

    id = Column(Integer, primary_key=True)
    customer_id = Column(
        Integer, ForeignKey("crm_customer.id", ondelete="CASCADE"), nullable=False, index=True
    )
    customer = relationship("Customer", back_populates="plants")
    name = Column(String(150), nullable=False)
    code = Column(String(40))
    line1 = Column(String(200))
    city = Column(String(100))
    postal_code = Column(String(20))
    country = Column(String(2))
    contact_name = Column(String(150))
    phone = Column(String(32))
    notes = Column(Text)
    is_active = Column(Boolean, nullable=False, default=True)

    def __str__(self):
        return self.name
