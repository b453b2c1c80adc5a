"""Contracts agreed with a customer (the health score reads active contract value)."""

from flask_appbuilder import Model
from sqlalchemy import (
    Column,
    Date,
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

CONTRACT_STATUSES = ("draft", "active", "expired", "terminated")


class Contract(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_contract"
    __audit_parent__ = "customer"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number", name="uq_contract_number"),
        Index("ix_contract_customer", "customer_id", "status"),
        Index("ix_contract_list", "tenant_id", "start_date", "id"),
    )

    id = Column(Integer, primary_key=True)
    number = Column(String(30), nullable=False)
    customer_id = Column(Integer, ForeignKey("crm_customer.id"), nullable=False)
    customer = relationship("Customer")
    title = Column(String(200), nullable=False)
    value = Column(Numeric(14, 2), nullable=False, default=0)
    currency = Column(String(3), nullable=False, default="EUR")
    start_date = Column(Date, nullable=False)
    end_date = Column(Date)
    status = Column(String(20), nullable=False, default="draft")
    owner_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    owner = relationship("CrmUser", foreign_keys=[owner_id])
    notes = Column(Text)

    __form_optional__ = ("number",)

    def __str__(self):
        return f"{self.number} {self.title}" if self.number else (self.title or "")
