"""Leads: opportunities not yet qualified, with their statuses and sources."""

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned, searched_text


class LeadStatus(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_lead_status"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_lead_status_name"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(80), nullable=False)
    colour = Column(String(7))
    is_default = Column(Boolean, nullable=False, default=False)
    is_final = Column(Boolean, nullable=False, default=False)
    position = Column(Integer, nullable=False, default=0)

    def __str__(self):
        return self.name


class LeadSource(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_lead_source"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_lead_source_name"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(80), nullable=False)
    is_active = Column(Boolean, nullable=False, default=True)

    def __str__(self):
        return self.name


class Lead(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_lead"
    __table_args__ = (Index("ix_lead_board", "tenant_id", "status_id", "id"),)

    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    description = Column(Text)
    contact_name = Column(String(150))
    contact_email = Column(String(254))
    contact_phone = Column(String(32))
    company_name = Column(String(200))
    value = Column(Numeric(14, 2))
    source_id = Column(Integer, ForeignKey("crm_lead_source.id"), index=True)
    source = relationship("LeadSource")
    status_id = Column(Integer, ForeignKey("crm_lead_status.id"), nullable=False, index=True)
    status = relationship("LeadStatus")
    assigned_to_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    assigned_to = relationship("CrmUser", foreign_keys=[assigned_to_id])
    converted_at = Column(DateTime(timezone=True))
    customer_id = Column(Integer, ForeignKey("crm_customer.id"), index=True)
    customer = relationship("Customer")
    company_id = Column(Integer, ForeignKey("crm_company.id"), index=True)
    company = relationship("Company")
    deal_id = Column(Integer, ForeignKey("crm_deal.id"), index=True)
    deal = relationship("Deal", foreign_keys=[deal_id])
    search_text = searched_text(title, contact_name, contact_email, company_name)

    @property
    def is_converted(self):
        return self.converted_at is not None

    def __str__(self):
        return self.title


Index("uq_lead_contact_email", Lead.tenant_id, func.lower(Lead.contact_email), unique=True)
