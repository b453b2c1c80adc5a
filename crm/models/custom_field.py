"""Fields a tenant defines for its customers, and their values."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, Versioned

FIELD_TYPES = ("text", "number", "date", "choice")


class CustomFieldDefinition(Audited, Versioned, TenantMixin, Model):
    __tablename__ = "crm_custom_field"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_custom_field_name"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(60), nullable=False)
    label = Column(String(120), nullable=False)
    field_type = Column(String(10), nullable=False, default="text")
    # Choice fields: one option per line.
    choices = Column(Text)
    required = Column(Boolean, nullable=False, default=False)
    position = Column(Integer, nullable=False, default=0)
    is_active = Column(Boolean, nullable=False, default=True)

    @property
    def choice_list(self):
        return [c.strip() for c in (self.choices or "").splitlines() if c.strip()]

    def __str__(self):
        return self.label


class CustomFieldValue(Audited, Versioned, TenantMixin, Model):
    __tablename__ = "crm_custom_field_value"
    __audit_parent__ = "customer"
    __table_args__ = (
        UniqueConstraint("customer_id", "definition_id", name="uq_custom_field_value"),
    )

    id = Column(Integer, primary_key=True)
    customer_id = Column(
        Integer, ForeignKey("crm_customer.id", ondelete="CASCADE"), nullable=False, index=True
    )
    customer = relationship("Customer", back_populates="custom_values")
    definition_id = Column(
        Integer, ForeignKey("crm_custom_field.id", ondelete="CASCADE"), nullable=False, index=True
    )
    definition = relationship("CustomFieldDefinition")
    value = Column(Text)

    def __str__(self):
        return f"{self.definition}: {self.value}"
