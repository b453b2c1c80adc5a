"""Module-wide CRM settings of a tenant, one row per key, values as JSON."""

from flask_appbuilder import Model
from sqlalchemy import JSON, Column, Integer, String, UniqueConstraint

from .base import Audited, TenantMixin, Versioned


class CrmSetting(Audited, Versioned, TenantMixin, Model):
    __tablename__ = "crm_setting"
    __table_args__ = (UniqueConstraint("tenant_id", "key", name="uq_setting_key"),)

    id = Column(Integer, primary_key=True)
    key = Column(String(80), nullable=False)
    value = Column(JSON)

    def __str__(self):
        return self.key
