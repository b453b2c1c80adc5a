"""Per-tenant counters behind generated codes and document numbers (see crm.services.core.numbering)."""

from flask_appbuilder import Model
from sqlalchemy import Column, ForeignKey, Integer, String


class NumberSequence(Model):
    """One row per tenant and series: the next number to hand out. Taken by an UPDATE
    that holds the row until commit, so two saves never get the same number."""

    __tablename__ = "crm_sequence"

    tenant_id = Column(Integer, ForeignKey("crm_tenant.id", ondelete="CASCADE"), primary_key=True)
    name = Column(String(40), primary_key=True)
    next_value = Column(Integer, nullable=False)
