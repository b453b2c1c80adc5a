"""Bank details a customer pays from or is refunded to."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned


class BankAccount(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_bank_account"
    __audit_parent__ = "customer"

    id = Column(Integer, primary_key=True)
    customer_id = Column(
        Integer, ForeignKey("crm_customer.id", ondelete="CASCADE"), nullable=False, index=True
    )
    customer = relationship("Customer", back_populates="bank_accounts")
    bank_name = Column(String(150), nullable=False)
    account_holder = Column(String(150), nullable=False)
    account_number = Column(String(50), nullable=False)
    swift_bic = Column(String(11))
    currency = Column(String(3))
    is_default = Column(Boolean, nullable=False, default=False)

    def __str__(self):
        return f"{self.bank_name} {self.account_number[-4:]}"
