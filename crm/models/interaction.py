"""Calls, meetings, emails and notes logged against a customer, a deal or a lead."""

from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, Versioned, utcnow

INTERACTION_KINDS = ("call", "meeting", "email", "note")


class Interaction(Audited, Versioned, TenantMixin, Model):
    __tablename__ = "crm_interaction"
    __audit_parent__ = "customer"
    __table_args__ = (
        Index("ix_interaction_customer", "customer_id", "occurred_at"),
        Index("ix_interaction_deal", "deal_id", "occurred_at"),
        Index("ix_interaction_lead", "lead_id", "occurred_at"),
    )

    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False, default="call")
    summary = Column(Text, nullable=False)
    follow_up = Column(Text)
    # A follow-up date makes a task for the follow-up assignee, once (follow_up_task).
    follow_up_on = Column(Date)
    follow_up_assignee_id = Column(Integer, ForeignKey("ab_user.id"))
    follow_up_assignee = relationship("CrmUser", foreign_keys=[follow_up_assignee_id])
    follow_up_task_id = Column(Integer, ForeignKey("crm_task.id", ondelete="SET NULL"))
    follow_up_task = relationship("Task", foreign_keys=[follow_up_task_id])
    occurred_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    # At least one of customer, deal and lead (crm/services/pipeline/interactions.py).
    customer_id = Column(Integer, ForeignKey("crm_customer.id"))
    customer = relationship("Customer")
    deal_id = Column(Integer, ForeignKey("crm_deal.id"))
    deal = relationship("Deal")
    lead_id = Column(Integer, ForeignKey("crm_lead.id"))
    lead = relationship("Lead")
    contact_id = Column(Integer, ForeignKey("crm_contact.id", ondelete="SET NULL"))
    contact = relationship("Contact")
    user_id = Column(Integer, ForeignKey("ab_user.id"))
    user = relationship("CrmUser", foreign_keys=[user_id])
    attachments = relationship(
        "InteractionAttachment",
        back_populates="interaction",
        cascade="all, delete-orphan",
        order_by="InteractionAttachment.id",
    )

    def __str__(self):
        return (self.summary or "")[:60]


class InteractionAttachment(TenantMixin, Model):
    """A file sent or received with an email interaction; the bytes are in the document
    storage."""

    __tablename__ = "crm_interaction_attachment"

    id = Column(Integer, primary_key=True)
    interaction_id = Column(
        Integer, ForeignKey("crm_interaction.id", ondelete="CASCADE"), nullable=False, index=True
    )
    interaction = relationship("Interaction", back_populates="attachments")
    filename = Column(String(255), nullable=False)
    content_type = Column(String(120), nullable=False)
    size = Column(Integer, nullable=False)
    storage_key = Column(String(255), nullable=False, unique=True)

    def __str__(self):
        return self.filename
