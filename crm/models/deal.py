"""Deals: sales opportunities moving through a pipeline's stages."""

from flask_appbuilder import Model
from sqlalchemy import Column, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned, searched_text


class Deal(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_deal"
    __table_args__ = (
        # A Kanban column: one stage's deals, newest first, paged.
        Index("ix_deal_board", "tenant_id", "stage_id", "id"),
        # The dashboard's deal figures and its deals-by-month chart, read from the index alone.
        Index("ix_deal_dashboard", "tenant_id", "stage_id", "currency", "value"),
        Index("ix_deal_created", "tenant_id", "created_at", "stage_id", "currency", "value"),
        # The forecast: open deals by expected close month, per currency and owner.
        Index(
            "ix_deal_forecast",
            "tenant_id",
            "expected_close_date",
            "stage_id",
            "currency",
            "assigned_to_id",
            "value",
        ),
    )

    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    description = Column(Text)
    value = Column(Numeric(14, 2), nullable=False, default=0)
    currency = Column(String(3), nullable=False, default="EUR")
    probability = Column(Integer)
    expected_close_date = Column(Date, index=True)
    actual_close_date = Column(Date)
    lost_reason = Column(String(255))
    pipeline_id = Column(Integer, ForeignKey("crm_pipeline.id"), nullable=False, index=True)
    pipeline = relationship("Pipeline")
    stage_id = Column(Integer, ForeignKey("crm_stage.id"), nullable=False, index=True)
    stage = relationship("Stage")
    company_id = Column(Integer, ForeignKey("crm_company.id"), index=True)
    company = relationship("Company")
    customer_id = Column(Integer, ForeignKey("crm_customer.id"), index=True)
    customer = relationship("Customer")
    assigned_to_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    assigned_to = relationship("CrmUser", foreign_keys=[assigned_to_id])
    search_text = searched_text(title)

    def __str__(self):
        return self.title
