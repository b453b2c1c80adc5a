"""In-app notifications (e.g. a lead assigned to you), with an unread count in the navbar."""

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String

from .base import TenantMixin, utcnow


class Notification(TenantMixin, Model):
    __tablename__ = "crm_notification"
    __table_args__ = (Index("ix_notification_user", "user_id", "read_at"),)

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    message = Column(String(255), nullable=False)
    link = Column(String(255))
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    read_at = Column(DateTime(timezone=True))

    def __str__(self):
        return self.message
