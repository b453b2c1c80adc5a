"""Tasks, linked to a lead, deal, company or customer."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned

TASK_STATUSES = ("open", "in_progress", "done", "cancelled")
TASK_PRIORITIES = ("low", "normal", "high", "urgent")


class Task(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_task"
    __table_args__ = (
        Index("ix_task_assignee", "tenant_id", "assignee_id", "status", "due_date"),
        # The minute's due reminders across tenants (crm/services/pipeline/reminders.py).
        Index("ix_task_reminder_due", "remind_at", "reminded_at"),
    )

    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    description = Column(Text)
    due_date = Column(Date)
    priority = Column(String(10), nullable=False, default="normal")
    status = Column(String(12), nullable=False, default="open")
    completed_at = Column(DateTime(timezone=True))
    # When the assignee is reminded; None: never. ``remind_auto``: it follows the due date
    # by the assignee's preference (crm/services/pipeline/reminders.py) until set by hand.
    remind_at = Column(DateTime(timezone=True))
    remind_auto = Column(Boolean, nullable=False, default=True, server_default="1")
    # When the reminder was claimed and sent; a reminder moved later is sent again.
    reminded_at = Column(DateTime(timezone=True))
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
