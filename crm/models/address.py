"""Contact, billing and shipping addresses; one default of each kind."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned

ADDRESS_KINDS = ("contact", "billing", "shipping")


class Address(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_address"
    __audit_parent__ = "customer"
    __table_args__ = (Index("ix_address_customer_kind", "customer_id", "kind", "is_default"),)

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("crm_customer.id", ondelete="CASCADE"), nullable=False)
    customer = relationship("Customer", back_populates="addresses")
    kind = Column(String(20), nullable=False, default="contact")
    line1 = Column(String(200))  # a city and a country make an address; the street may be unknown
    line2 = Column(String(200))
    city = Column(String(100), nullable=False)
    state = Column(String(100))
    postal_code = Column(String(20))
    country = Column(String(2), nullable=False)
    is_default = Column(Boolean, nullable=False, default=False)

    def __str__(self):
        parts = [
            self.line1,
            self.line2,
            " ".join(p for p in (self.postal_code, self.city) if p),
            self.state,
            self.country,
        ]
        return ", ".join(p for p in parts if p)
