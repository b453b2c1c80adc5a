"""Webhooks: a tenant's endpoints, the events recorded for them (deliveries, the outbox)
and each attempt to send one (crm.services.webhooks)."""

from flask_appbuilder import Model
from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, utcnow

# pending -> sending -> delivered | pending (a retry is due later) | failed (no retry left)
DELIVERY_STATUSES = ("pending", "sending", "delivered", "failed")


class WebhookEndpoint(Audited, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_webhook_endpoint"
    # The secret signs every delivery: it never goes to the audit trail.
    __audit_exclude__ = ("created_at", "updated_at", "secret", "consecutive_failures")

    id = Column(Integer, primary_key=True)
    url = Column(String(500), nullable=False)
    description = Column(String(255))
    secret = Column(String(100), nullable=False)
    is_active = Column(Boolean, nullable=False, default=True)
    # Names from crm.services.webhooks.catalogue.EVENTS.
    events = Column(JSON, nullable=False, default=list)
    # Deliveries in a row that failed for good; at the tenant's limit the endpoint is disabled.
    consecutive_failures = Column(Integer, nullable=False, default=0)
    disabled_reason = Column(String(255))
    # The database deletes an endpoint's deliveries and their attempts (ON DELETE CASCADE).
    deliveries = relationship(
        "WebhookDelivery",
        back_populates="endpoint",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __str__(self):
        return self.url


class WebhookDelivery(TenantMixin, Model):
    __tablename__ = "crm_webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        Index("ix_webhook_delivery_endpoint", "endpoint_id", "created_at"),
    )

    id = Column(Integer, primary_key=True)
    endpoint_id = Column(
        Integer, ForeignKey("crm_webhook_endpoint.id", ondelete="CASCADE"), nullable=False
    )
    endpoint = relationship("WebhookEndpoint", back_populates="deliveries")
    # X-Ledgerline-Delivery; the event's own id is in the payload (one per event, shared
    # by its deliveries to several endpoints and by a re-sent copy).
    uuid = Column(String(36), nullable=False, unique=True)
    event = Column(String(40), nullable=False)
    payload = Column(JSON, nullable=False)
    status = Column(String(20), nullable=False, default="pending")
    attempt_count = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime(timezone=True))
    last_attempt_at = Column(DateTime(timezone=True))
    response_code = Column(Integer)
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    attempts = relationship(
        "WebhookAttempt",
        back_populates="delivery",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="WebhookAttempt.id",
    )

    def __str__(self):
        return f"{self.event} #{self.id}"


class WebhookAttempt(TenantMixin, Model):
    __tablename__ = "crm_webhook_attempt"

    id = Column(Integer, primary_key=True)
    delivery_id = Column(
        Integer,
        ForeignKey("crm_webhook_delivery.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    delivery = relationship("WebhookDelivery", back_populates="attempts")
    attempted_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    # delivered | failed
    status = Column(String(20), nullable=False)
    response_code = Column(Integer)
    duration_ms = Column(Integer)
    error = Column(String(500))
    # When the next attempt is due; empty after the last one.
    next_retry_at = Column(DateTime(timezone=True))

    def __str__(self):
        return f"{self.status} {self.response_code or ''}".strip()
