"""A tenant's mail servers (Settings → Email, Admins only) and the one way every tenant
mail finds its SMTP server: ``smtp_settings_for``.

Passwords are stored encrypted (crm/security/secrets.py); ``settings_values`` never
returns them, only whether one is set. A blank password on save keeps the stored one.
"""

import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formataddr
from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import SMTP_SECURITY, MailSettings
from crm.security import secrets
from crm.security.tenancy import tenant_scope
from crm.services.core import mailer
from crm.services.core.errors import CrmError, EditConflict, ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.core.validation import check, clean_email

TEXT_FIELDS = (
    "smtp_host",
    "smtp_user",
    "from_address",
    "from_name",
    "imap_host",
    "imap_user",
    "imap_folder",
    "forwarding_address",
)
PORT_FIELDS = ("smtp_port", "imap_port")
PASSWORD_FIELDS = {
    "smtp_password": "smtp_password_encrypted",
    "imap_password": "imap_password_encrypted",
}
DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    use_tls: bool
    user: str
    password: str
    folder: str
    timeout: float = 30


class MailServerFailed(CrmError):
    """The mail server refused or could not be reached; the message says what it answered."""

    status = 502


def tenant_settings(session: Session) -> Any:
    """The current tenant's row, or None when it set nothing."""
    return session.scalar(select(MailSettings))


def settings_values(session: Session) -> dict[str, Any]:
    """The settings as a form or the API shows them: no password, only whether one is set."""
    row = tenant_settings(session)
    values: dict[str, Any] = {
        field: getattr(row, field) if row is not None else None
        for field in (*TEXT_FIELDS, *PORT_FIELDS)
    }
    values["smtp_security"] = row.smtp_security if row is not None else "none"
    values["imap_tls"] = row.imap_tls if row is not None else True
    values["imap_folder"] = values["imap_folder"] or "INBOX"
    for field, column in PASSWORD_FIELDS.items():
        values[f"{field}_set"] = bool(row is not None and getattr(row, column))
    values["version"] = row.version if row is not None else None
    return values


def _port(value: Any, errors: dict[str, list[Any]], field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = 0
    if not 0 < port < 65536:
        errors[field] = [_l("A port is a number from 1 to 65535.")]
        return None
    return port


@transactional
def save_settings(
    session: Session,
    config: Mapping[str, Any],
    values: Mapping[str, Any],
    loaded_version: int | None = None,
) -> Any:
    """Save what ``values`` holds (a key left out keeps its value; a blank or missing
    password keeps the stored one, ``clear_<name>_password`` removes it)."""
    row = tenant_settings(session)
    if row is None:
        row = MailSettings(
            smtp_security="none", imap_tls=True, imap_folder="INBOX", imap_last_uid=0
        )
    elif loaded_version is not None and int(loaded_version) != row.version:
        raise EditConflict()
    errors: dict[str, list[Any]] = {}
    for field in TEXT_FIELDS:
        if field in values:
            setattr(row, field, (str(values[field] or "")).strip() or None)
    for field in PORT_FIELDS:
        if field in values:
            setattr(row, field, _port(values[field], errors, field))
    if "smtp_security" in values:
        security = values["smtp_security"] or "none"
        if security not in SMTP_SECURITY:
            errors["smtp_security"] = [_l("Choose none, STARTTLS or TLS.")]
        else:
            row.smtp_security = security
    if "imap_tls" in values:
        row.imap_tls = bool(values["imap_tls"])
    for field in ("from_address", "forwarding_address"):
        if getattr(row, field):
            setattr(row, field, check(errors, field, clean_email, getattr(row, field)))
    if row.smtp_host and not row.from_address and "from_address" not in errors:
        errors["from_address"] = [_l("Mail sent through your server needs a from address.")]
    row.imap_folder = row.imap_folder or "INBOX"
    if row.imap_host and not row.imap_user:
        errors["imap_user"] = [_l("The mailbox needs a login.")]
    for field, column in PASSWORD_FIELDS.items():
        if values.get(f"clear_{field}"):
            setattr(row, column, None)
        elif values.get(field):
            setattr(row, column, secrets.encrypt(config, str(values[field])))
    if errors:
        raise ValidationFailed(errors)
    session.add(row)
    session.flush()
    return row


def _password(config: Mapping[str, Any], token: str | None) -> str | None:
    if not token:
        return None
    try:
        return secrets.decrypt(config, token)
    except secrets.SecretUnreadable:
        raise CrmError(
            _l("The stored mail password cannot be read (the key changed); enter it again.")
        )


def smtp_settings_for(
    session: Session, tenant_id: int, config: Mapping[str, Any]
) -> mailer.SmtpSettings:
    """The tenant's SMTP server, or the app-wide CRM_SMTP_* when the tenant set none."""
    with tenant_scope(tenant_id):
        row = tenant_settings(session)
    if row is None or not row.smtp_host:
        return mailer.SmtpSettings.from_config(config)
    return mailer.SmtpSettings(
        host=row.smtp_host,
        port=row.smtp_port or DEFAULT_PORTS[row.smtp_security],
        use_ssl=row.smtp_security == "tls",
        starttls=row.smtp_security == "starttls",
        user=row.smtp_user,
        password=_password(config, row.smtp_password_encrypted),
        sender=formataddr((row.from_name or "", row.from_address or "")),
        timeout=float(config.get("CRM_SMTP_TIMEOUT") or 30),
    )


def imap_settings_for(
    session: Session, tenant_id: int, config: Mapping[str, Any]
) -> ImapSettings | None:
    """The tenant's inbound mailbox, or None when it has none."""
    with tenant_scope(tenant_id):
        row = tenant_settings(session)
    if row is None or not row.imap_host or not row.imap_user:
        return None
    return ImapSettings(
        host=row.imap_host,
        port=row.imap_port or (993 if row.imap_tls else 143),
        use_tls=bool(row.imap_tls),
        user=row.imap_user,
        password=_password(config, row.imap_password_encrypted) or "",
        folder=row.imap_folder or "INBOX",
        timeout=float(config.get("CRM_IMAP_TIMEOUT") or 30),
    )


def forwarding_address(session: Session) -> str | None:
    row = tenant_settings(session)
    return row.forwarding_address if row is not None else None


def send_test(session: Session, tenant_id: int, config: Mapping[str, Any], to: str) -> str:
    """Send a test message to ``to`` through the tenant's server; what the server
    answered, or MailServerFailed saying why it did not take it."""
    settings = smtp_settings_for(session, tenant_id, config)
    mail = mailer.message(
        settings,
        to,
        gettext("Ledgerline test message"),
        gettext(
            "This message shows that the CRM can send mail through %(host)s.", host=settings.host
        ),
    )
    try:
        with mailer.connection(settings) as smtp:
            return mailer.send_reporting(smtp, mail)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailServerFailed(
            gettext(
                "The test message was not sent: %(host)s:%(port)s answered %(reason)s",
                host=settings.host,
                port=settings.port,
                reason=mailer.describe_failure(exc),
            )
        ) from exc
