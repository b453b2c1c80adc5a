"""Tasks, linked to a lead, deal, company or customer."""

from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned

TASK_STATUSES = ("open", "in_progress", "done", "cancelled")
TASK_PRIORITIES = ("low", "normal", "high", "urgent")


class Task(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_task"
    __table_args__ = (Index("ix_task_assignee", "tenant_id", "assignee_id", "status", "due_date"),)

    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    description = Column(Text)
    due_date = Column(Date)
    priority = Column(String(10), nullable=False, default="normal")
    status = Column(String(12), nullable=False, default="open")
    completed_at = Column(DateTime(timezone=True))
    assignee_id = Column(Integer, ForeignKey("ab_user.id"))
    assignee = relationship("CrmUser")
    lead_id = Column(Integer, ForeignKey("crm_lead.id"), index=True)
    lead = relationship("Lead")
    deal_id = Column(Integer, ForeignKey("crm_deal.id"), index=True)
    deal = relationship("Deal")
    company_id = Column(Integer, ForeignKey("crm_company.id"), index=True)
    company = relationship("Company")
    customer_id = Column(Integer, ForeignKey("crm_customer.id"), index=True)
    customer = relationship("Customer")

    def __str__(self):
        return self.title
