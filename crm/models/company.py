"""Organisations the tenant does business with; parent of customers."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned, searched_text


class Company(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_company"
    __table_args__ = (Index("ix_company_name", "tenant_id", "name"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False)
    website = Column(String(255))
    office_phone = Column(String(32))
    office_email = Column(String(254))
    street = Column(String(200))
    city = Column(String(100))
    state = Column(String(100))
    postal_code = Column(String(20))
    country = Column(String(2))
    industry = Column(String(100))
    description = Column(Text)
    assigned_to_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    assigned_to = relationship("CrmUser")
    is_active = Column(Boolean, nullable=False, default=True)
    # Read-only: a company can have many thousands of customers; never load them to link one.
    customers = relationship("Customer", viewonly=True)
    search_text = searched_text(name, office_email, office_phone, website, industry)

    def __str__(self):
        return self.name


Index("uq_company_office_email", Company.tenant_id, func.lower(Company.office_email), unique=True)
