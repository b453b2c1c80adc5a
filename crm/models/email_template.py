"""Email templates of a tenant: a subject and body in the default language, and optional
translations ({"de": {"subject": ..., "body": ...}, ...}) picked by the recipient's language."""

from flask_appbuilder import Model
from sqlalchemy import JSON, Column, Integer, String, Text, UniqueConstraint

from .base import Audited, TenantMixin, TimestampMixin, Versioned

TEMPLATE_LANGUAGES = ("de", "fr", "es", "hi")


class EmailTemplate(Audited, Versioned, TimestampMixin, TenantMixin, Model):
    __tablename__ = "crm_email_template"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_email_template_name"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    subject = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)
    translations = Column(JSON)

    def __str__(self):
        return self.name

    def translated(self):
        """The languages it is translated into, for the list ("DE, FR")."""
        return ", ".join(code.upper() for code in sorted(self.translations or {})) or "–"
