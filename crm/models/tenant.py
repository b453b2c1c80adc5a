"""The organisation that owns a set of CRM data."""

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, Integer, String

from .base import utcnow


class Tenant(Model):
    __tablename__ = "crm_tenant"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False, unique=True)
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    # When the health scores of this tenant's customers were last recomputed.
    health_refreshed_at = Column(DateTime(timezone=True))

    def __str__(self):
        return self.name
