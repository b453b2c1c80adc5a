"""Outgoing e-mail over SMTP (standard library), configured by the app's CRM_SMTP_* settings.

``CRM_SMTP_HOST`` / ``CRM_SMTP_PORT`` (default localhost:25), ``CRM_SMTP_SSL`` (SMTP over
TLS from the first byte, usually port 465) or ``CRM_SMTP_STARTTLS`` (upgrade a plain
connection, usually port 587), ``CRM_SMTP_USER`` / ``CRM_SMTP_PASSWORD`` (login when a
user is set), ``CRM_MAIL_SENDER`` (the From address), ``CRM_SMTP_TIMEOUT`` (seconds).
"""

import contextlib
import smtplib
import ssl
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    use_ssl: bool = False
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    sender: str = "ledgerline@localhost"
    timeout: float = 30

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "SmtpSettings":
        return cls(
            host=config.get("CRM_SMTP_HOST") or "localhost",
            port=int(config.get("CRM_SMTP_PORT") or 25),
            use_ssl=bool(config.get("CRM_SMTP_SSL")),
            starttls=bool(config.get("CRM_SMTP_STARTTLS")),
            user=config.get("CRM_SMTP_USER") or None,
            password=config.get("CRM_SMTP_PASSWORD") or None,
            sender=config.get("CRM_MAIL_SENDER") or "ledgerline@localhost",
            timeout=float(config.get("CRM_SMTP_TIMEOUT") or 30),
        )


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """An open, logged-in SMTP connection (the caller closes it, or use ``connection``)."""
    if settings.use_ssl:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.starttls and not settings.use_ssl:
            smtp.starttls(context=ssl.create_default_context())
        if settings.user:
            smtp.login(settings.user, settings.password or "")
    except Exception:
        smtp.close()
        raise
    return smtp


@contextlib.contextmanager
def connection(settings: SmtpSettings) -> Iterator[smtplib.SMTP]:
    smtp = connect(settings)
    try:
        yield smtp
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()


def message(
    settings: SmtpSettings,
    to: str,
    subject: str,
    body: str,
    attachments: Iterable[tuple[str, bytes, str, str]] = (),
) -> EmailMessage:
    """An EmailMessage from the configured sender; ``attachments`` are
    (filename, bytes, maintype, subtype)."""
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = formatdate(localtime=True)
    address = parseaddr(settings.sender)[1] or settings.sender
    mail["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] or None)
    mail.set_content(body)
    for filename, data, maintype, subtype in attachments:
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return mail


def send_reporting(smtp: smtplib.SMTP, mail: EmailMessage) -> str:
    """Send ``mail`` on an open connection and return the server's answer to it
    ("250 2.0.0 Ok: queued as ..."); an SMTPException when it refused."""
    smtp.ehlo_or_helo_if_needed()
    sender = parseaddr(str(mail["From"]))[1]
    recipients = [parseaddr(a)[1] for a in str(mail["To"]).split(",")]
    code, answer = smtp.mail(sender)
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    for recipient in recipients:
        code, answer = smtp.rcpt(recipient)
        if code not in (250, 251):
            smtp.rset()
            raise smtplib.SMTPRecipientsRefused({recipient: (code, answer)})
    code, answer = smtp.data(mail.as_bytes())
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPDataError(code, answer)
    return f"{code} {answer.decode(errors='replace')}"


def describe_failure(exc: BaseException) -> str:
    """A short reason for a failed send, for people reading a result list."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [
            f"{code} {reason.decode(errors='replace') if isinstance(reason, bytes) else reason}"
            for code, reason in exc.recipients.values()
        ]
        return "; ".join(codes) or str(exc)
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        return f"{exc.smtp_code} {error.decode(errors='replace') if isinstance(error, bytes) else error}"
    return str(exc) or exc.__class__.__name__
