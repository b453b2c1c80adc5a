"""Files attached to a customer; the bytes live on disk, not in the database."""

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, Versioned, utcnow


class Document(Audited, Versioned, TenantMixin, Model):
    __tablename__ = "crm_document"
    __audit_parent__ = "customer"

    id = Column(Integer, primary_key=True)
    customer_id = Column(
        Integer, ForeignKey("crm_customer.id", ondelete="CASCADE"), nullable=False, index=True
    )
    customer = relationship("Customer", back_populates="documents")
    filename = Column(String(255), nullable=False)
    content_type = Column(String(120), nullable=False)
    size = Column(Integer, nullable=False)
    storage_key = Column(String(255), nullable=False, unique=True)
    description = Column(String(255))
    uploaded_by_id = Column(Integer, ForeignKey("ab_user.id"))
    uploaded_by = relationship("CrmUser")
    uploaded_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)

    def __str__(self):
        return self.filename
