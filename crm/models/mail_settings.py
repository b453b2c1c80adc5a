"""A tenant's mail servers: outgoing SMTP and the inbound IMAP mailbox. Passwords are
stored encrypted (crm/security/secrets.py) and never leave the service layer in clear."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, Integer, String, Text, UniqueConstraint

from .base import Audited, TenantMixin, Versioned

SMTP_SECURITY = ("none", "starttls", "tls")


class MailSettings(Audited, Versioned, TenantMixin, Model):
    __tablename__ = "crm_mail_settings"
    __table_args__ = (UniqueConstraint("tenant_id", name="uq_mail_settings_tenant"),)
    __audit_exclude__ = (
        "created_at",
        "updated_at",
        "version",
        "smtp_password_encrypted",
        "imap_password_encrypted",
        "imap_last_uid",
        "imap_uidvalidity",
    )

    id = Column(Integer, primary_key=True)
    smtp_host = Column(String(255))
    smtp_port = Column(Integer)
    smtp_security = Column(String(10), nullable=False, default="none")
    smtp_user = Column(String(255))
    smtp_password_encrypted = Column(Text)
    from_address = Column(String(255))
    from_name = Column(String(255))
    imap_host = Column(String(255))
    imap_port = Column(Integer)
    imap_tls = Column(Boolean, nullable=False, default=True)
    imap_user = Column(String(255))
    imap_password_encrypted = Column(Text)
    imap_folder = Column(String(255), nullable=False, default="INBOX")
    # The address users BCC or forward mail to; the IMAP mailbox receives it.
    forwarding_address = Column(String(255))
    # Where the last fetch stopped: UIDs are only meaningful within one UIDVALIDITY.
    imap_last_uid = Column(Integer, nullable=False, default=0)
    imap_uidvalidity = Column(Integer)

    def __str__(self):
        return self.smtp_host or ""
