"""Customer groups: segmentation for pricing and reporting."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned


class CustomerGroup(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_customer_group"
    __table_args__ = (UniqueConstraint("tenant_id", "code", name="uq_customer_group_code"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    code = Column(String(40), nullable=False)
    description = Column(Text)
    discount_percent = Column(Numeric(5, 2), nullable=False, default=0)
    priority = Column(Integer, nullable=False, default=0)
    is_active = Column(Boolean, nullable=False, default=True)
    customers = relationship("Customer", viewonly=True)

    def __str__(self):
        return self.name
