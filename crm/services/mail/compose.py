"""Email from the record: a message to contacts of a customer, contact, deal or lead,
from a template or written by hand, sent on the job queue (kind ``email_send``).

``submit_email`` checks everything (recipients, template, texts, attachments) and puts
one job on the queue; the job (``send_email``) renders the message for each recipient
(merge fields in the sandbox), sends it through the tenant's SMTP server and logs it as
an email interaction of the record with the body and the files. A recipient whose
message the server refused is not logged; the job fails naming them.
"""

import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.models import Contact, CrmUser, Customer, Deal, EmailTemplate, Lead, Tenant
from crm.security.tenancy import get_owned
from crm.services.core import mailer
from crm.services.core.errors import CrmError, NotFound, ValidationFailed
from crm.services.core.transaction import transaction
from crm.services.jobs import lifecycle
from crm.services.mail import attachments, merge_fields, templates
from crm.services.mail.settings import smtp_settings_for
from crm.services.pipeline.interactions import log_interaction

KIND = "email_send"
ENTITIES = {"customer": Customer, "contact": Contact, "deal": Deal, "lead": Lead}
SUBJECT_LENGTH = templates.SUBJECT_LENGTH
BODY_LENGTH = templates.BODY_LENGTH
MAX_RECIPIENTS = 50


@dataclass(frozen=True)
class Recipient:
    key: str  # "contact:<id>", or "lead" for a lead's own address
    name: str
    email: str
    contact: Any = None


def record_of(session: Session, entity: str, record_id: object) -> Any:
    model = ENTITIES.get(entity)
    record = get_owned(session, model, record_id) if model is not None else None
    if record is None:
        raise NotFound()
    return record


def recipients(entity: str, record: Any) -> list[Recipient]:
    """Whom a message from this record can go to: its contacts with an address."""
    if entity == "lead":
        address = (record.contact_email or "").strip()
        return [Recipient("lead", record.contact_name or address, address)] if address else []
    if entity == "contact":
        contacts = [record]
    else:
        customer = record if entity == "customer" else record.customer
        contacts = list(customer.contacts) if customer is not None else []
    contacts.sort(key=lambda c: (not c.is_primary, (c.name or "").lower(), c.id))
    return [
        Recipient(f"contact:{c.id}", c.name, c.email.strip(), c)
        for c in contacts
        if (c.email or "").strip()
    ]


def _chosen(entity: str, record: Any, keys: Sequence[str]) -> list[Recipient]:
    available = {r.key: r for r in recipients(entity, record)}
    keys = list(dict.fromkeys(str(k) for k in keys or ()))
    if not keys:
        raise ValidationFailed({"recipients": [_l("Choose at least one recipient.")]})
    unknown = [k for k in keys if k not in available]
    if unknown:
        raise ValidationFailed(
            {"recipients": [_l("Choose among the record's contacts with an email address.")]}
        )
    if len(keys) > MAX_RECIPIENTS:
        raise ValidationFailed(
            {"recipients": [gettext("Send to at most %(count)s people.", count=MAX_RECIPIENTS)]}
        )
    return [available[k] for k in keys]


def texts(
    session: Session,
    template_id: object,
    subject: str | None,
    body: str | None,
    language: str | None,
) -> tuple[str, str]:
    """The subject and body to render: the sender's, else the template's (in
    ``language`` when translated); ValidationFailed when either is missing or too long."""
    subject, body = (subject or "").strip(), (body or "").strip()
    if template_id not in (None, ""):
        template = get_owned(session, EmailTemplate, template_id)
        if template is None:
            raise ValidationFailed({"template": [_l("Choose one of your templates.")]})
        own_subject, own_body = templates.in_language(template, language)
        subject, body = subject or own_subject, body or own_body
    errors: dict[str, list[Any]] = {}
    if not subject:
        errors["subject"] = [_l("Write a subject or choose a template.")]
    elif len(subject) > SUBJECT_LENGTH or "\n" in subject or "\r" in subject:
        errors["subject"] = [
            gettext("Keep it to one line under %(count)s characters.", count=SUBJECT_LENGTH)
        ]
    if not body:
        errors["body"] = [_l("Write the message or choose a template.")]
    elif len(body) > BODY_LENGTH:
        errors["body"] = [gettext("Keep it under %(count)s characters.", count=BODY_LENGTH)]
    if errors:
        raise ValidationFailed(errors)
    return subject, body


def variables(
    session: Session, entity: str, record: Any, recipient: Recipient, user_id: int | None
) -> dict[str, Any]:
    customer = record if entity == "customer" else record.customer
    tenant = session.get(Tenant, record.tenant_id)
    return merge_fields.context(
        contact=merge_fields.contact_fields(recipient.name, recipient.email),
        customer=customer,
        deal=record if entity == "deal" else None,
        lead=record if entity == "lead" else None,
        user=session.get(CrmUser, user_id) if user_id else None,
        company_name=tenant.name if tenant is not None else None,
    )


def preview(
    session: Session,
    entity: str,
    record_id: object,
    recipient_keys: Sequence[str],
    template_id: object,
    subject: str | None,
    body: str | None,
    language: str | None,
    user_id: int | None,
) -> tuple[str, str]:
    """The message as the first chosen recipient will read it."""
    record = record_of(session, entity, record_id)
    chosen = _chosen(entity, record, recipient_keys)
    subject, body = texts(session, template_id, subject, body, language)
    return templates.render_message(
        subject, body, variables(session, entity, record, chosen[0], user_id)
    )


def submit_email(
    session: Session,
    queue: lifecycle.TaskQueue,
    config: Mapping[str, Any],
    *,
    entity: str,
    record_id: object,
    recipient_keys: Sequence[str],
    template_id: object = None,
    subject: str | None = None,
    body: str | None = None,
    language: str | None = None,
    files: Sequence[tuple[str, bytes]] = (),
    locale: str,
    tenant_id: int,
    user_id: int | None,
    username: str | None,
) -> Any:
    """Check the message and queue its sending; returns the job. Nothing is queued (and
    no file kept) when anything is wrong: one ValidationFailed lists it."""
    record = record_of(session, entity, record_id)
    chosen = _chosen(entity, record, recipient_keys)
    subject, body = texts(session, template_id, subject, body, language)
    templates.render_message(subject, body, variables(session, entity, record, chosen[0], user_id))
    named = [(attachments.clean_name(name), data) for name, data in files]
    attachments.check_uploads(config, named)
    staged = [
        {
            "key": attachments.stage(config, tenant_id, name, data),
            "filename": name,
            "content_type": attachments.content_type(name),
        }
        for name, data in named
    ]
    parameters = {
        "entity": entity,
        "record_id": record.id,
        "recipients": [r.key for r in chosen],
        "subject": subject,
        "body": body,
        "attachments": staged,
        "locale": locale,
    }
    job = lifecycle.submit(
        session, queue, KIND, parameters, tenant_id=tenant_id, user_id=user_id, username=username
    )
    session.refresh(job)  # already done or failed when jobs run at once (CRM_JOBS_IMMEDIATE)
    return job


def _parts(mimetype: str) -> tuple[str, str]:
    maintype, _, subtype = mimetype.partition("/")
    return maintype, subtype or "octet-stream"


def _send_and_log(
    session: Session,
    config: Mapping[str, Any],
    smtp: smtplib.SMTP,
    settings: mailer.SmtpSettings,
    entity: str,
    record: Any,
    recipient: Recipient,
    subject: str,
    body: str,
    files: Sequence[tuple[str, bytes, str]],
    user_id: int | None,
) -> None:
    """One recipient's message, logged in the transaction that commits once the server
    took it; its stored files are removed again when it did not."""
    mail = mailer.message(
        settings,
        recipient.email,
        subject,
        body,
        [(name, data, *_parts(mimetype)) for name, data, mimetype in files],
    )
    stored: list[Any] = []
    try:
        with transaction(session):
            interaction = log_interaction(
                session,
                record if entity == "customer" else record.customer,
                f"{subject}\n\n{body}",
                kind="email",
                deal=record if entity == "deal" else None,
                lead=record if entity == "lead" else None,
                contact=recipient.contact,
                user_id=user_id,
            )
            for name, data, mimetype in files:
                stored.append(
                    attachments.attach(session, config, interaction, name, data, mimetype)
                )
            session.flush()
            smtp.send_message(mail)
    except BaseException:
        for attachment in stored:
            attachments.storage(config).delete(attachment.storage_key)
        raise


def send_email(
    session: Session,
    config: Mapping[str, Any],
    parameters: Mapping[str, Any],
    *,
    tenant_id: int,
    user_id: int | None,
) -> dict[str, str]:
    """The job: send to each recipient and log what went. CrmError naming those the
    server refused (after the others are sent and logged). The staged files are removed
    either way: a failed job is not run again."""
    store = attachments.storage(config)
    try:
        return _send_all(session, config, parameters, store, tenant_id, user_id)
    finally:
        for item in parameters.get("attachments") or ():
            store.delete(item["key"])


def _send_all(
    session: Session,
    config: Mapping[str, Any],
    parameters: Mapping[str, Any],
    store: Any,
    tenant_id: int,
    user_id: int | None,
) -> dict[str, str]:
    entity = parameters["entity"]
    record = record_of(session, entity, parameters["record_id"])
    chosen = _chosen(entity, record, parameters["recipients"])
    settings = smtp_settings_for(session, tenant_id, config)
    files = []
    for item in parameters.get("attachments") or ():
        with store.open(item["key"]) as file:
            files.append((item["filename"], file.read(), item["content_type"]))
    rendered = [
        (
            r,
            *templates.render_message(
                parameters["subject"],
                parameters["body"],
                variables(session, entity, record, r, user_id),
            ),
        )
        for r in chosen
    ]
    sent, failed = [], []
    try:
        with mailer.connection(settings) as smtp:
            for recipient, subject, body in rendered:
                try:
                    _send_and_log(
                        session,
                        config,
                        smtp,
                        settings,
                        entity,
                        record,
                        recipient,
                        subject,
                        body,
                        files,
                        user_id,
                    )
                    sent.append(recipient.email)
                except (smtplib.SMTPException, OSError) as exc:
                    failed.append(f"{recipient.email}: {mailer.describe_failure(exc)}")
    except (smtplib.SMTPException, OSError) as exc:
        raise CrmError(
            gettext(
                "The mail server %(host)s:%(port)s could not be reached: %(reason)s",
                host=settings.host,
                port=settings.port,
                reason=mailer.describe_failure(exc),
            )
        ) from exc
    if failed:
        raise CrmError(
            gettext(
                "Not sent to %(failed)s. Sent to: %(sent)s",
                failed="; ".join(failed),
                sent=", ".join(sent) or "–",
            )
        )
    return {"summary": gettext("Sent to %(emails)s", emails=", ".join(sent))}
