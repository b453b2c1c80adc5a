"""Messages fetched from a tenant's IMAP mailbox: matched ones point at the interaction
they were logged as; unmatched ones wait for a user to assign or discard them. The raw
message is kept in the document storage until then."""

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from .base import TenantMixin, utcnow

INBOUND_STATUSES = ("matched", "unmatched", "assigned", "discarded")


class InboundEmail(TenantMixin, Model):
    __tablename__ = "crm_inbound_email"
    __table_args__ = (
        UniqueConstraint("tenant_id", "message_id", name="uq_inbound_email_message"),
        Index("ix_inbound_email_status", "tenant_id", "status", "received_at"),
    )

    id = Column(Integer, primary_key=True)
    message_id = Column(String(255), nullable=False)
    from_address = Column(String(255))
    to_addresses = Column(Text)
    subject = Column(String(255))
    body = Column(Text)
    received_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    status = Column(String(20), nullable=False, default="unmatched")
    raw_key = Column(String(255))
    interaction_id = Column(Integer, ForeignKey("crm_interaction.id", ondelete="SET NULL"))
    interaction = relationship("Interaction")

    def __str__(self):
        return self.subject or self.message_id
