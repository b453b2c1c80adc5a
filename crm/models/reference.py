"""Tenant-editable reference lists that classify customers."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, Versioned


class PaymentTerm(Audited, Versioned, TenantMixin, Model):
    __tablename__ = "crm_payment_term"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_payment_term_name"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(60), nullable=False)
    days = Column(Integer, nullable=False, default=0)
    is_active = Column(Boolean, nullable=False, default=True)

    def __str__(self):
        return self.name


class Segment(Audited, Versioned, TenantMixin, Model):
    __tablename__ = "crm_segment"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_segment_name"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(80), nullable=False)
    sub_segments = relationship(
        "SubSegment", back_populates="segment", cascade="all, delete-orphan"
    )

    def __str__(self):
        return self.name


class SubSegment(Audited, Versioned, TenantMixin, Model):
    __tablename__ = "crm_sub_segment"
    __table_args__ = (
        UniqueConstraint("tenant_id", "segment_id", "name", name="uq_sub_segment_name"),
    )

    id = Column(Integer, primary_key=True)
    segment_id = Column(Integer, ForeignKey("crm_segment.id"), nullable=False, index=True)
    segment = relationship("Segment", back_populates="sub_segments")
    name = Column(String(80), nullable=False)

    def __str__(self):
        return f"{self.segment} / {self.name}" if self.segment else self.name


class Region(Audited, Versioned, TenantMixin, Model):
    __tablename__ = "crm_region"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_region_name"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(80), nullable=False)

    def __str__(self):
        return self.name


class Tag(Audited, Versioned, TenantMixin, Model):
    __tablename__ = "crm_tag"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_tag_name"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(60), nullable=False)
    colour = Column(String(7), nullable=True)

    def __str__(self):
        return self.name
