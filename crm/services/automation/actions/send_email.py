"""Send one of the organisation's email templates about the record, from the job queue
as email from the record is (crm.services.mail.compose): rendered for each recipient in
the sandbox, sent through the tenant's server and logged as an email interaction.

The recipients are the record's primary contact (or every contact with an address) — of
the customer for a customer or deal, the lead's own address for a lead; a task's message
goes out from its deal, lead or customer. The run checks the template renders and someone
can receive it, so a rule that cannot send logs a failed run; the sending job is queued
once the run has committed."""

from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.models import EmailTemplate
from crm.security.tenancy import get_owned
from crm.services.automation.actions.base import Context
from crm.services.mail import compose
from crm.services.settings.preferences import get_setting

LABEL = _l("Send a templated email")
RECIPIENTS = {"primary": _l("the primary contact"), "all": _l("every contact")}


def _template(session: Session, value: object) -> EmailTemplate:
    template = get_owned(session, EmailTemplate, value) if value not in (None, "") else None
    if template is None:
        raise ValueError(gettext("Choose one of this organisation's email templates."))
    return template


def clean(session: Session, entity: str, params: dict[str, Any]) -> dict[str, Any]:
    to = params.get("to") or "primary"
    if to not in RECIPIENTS:
        raise ValueError(gettext("Send to the primary contact or to every contact."))
    return {"template_id": _template(session, params.get("template_id")).id, "to": to}


def _source(ctx: Context) -> tuple[str, Any]:
    """The record the message goes out from, in the terms of email from the record."""
    if ctx.entity != "task":
        return ctx.entity, ctx.record
    for entity in ("deal", "lead", "customer"):
        record = getattr(ctx.record, entity)
        if record is not None:
            return entity, record
    raise ValueError(gettext("This task has no deal, lead or customer to write to."))


def run(ctx: Context, params: dict[str, Any], index: int) -> None:
    template = _template(ctx.session, params["template_id"])
    entity, record = _source(ctx)
    available = compose.recipients(entity, record)
    if not available:
        raise ValueError(
            gettext("%(record)s has no contact with an email address.", record=str(record))
        )
    chosen = available if params.get("to") == "all" else available[:1]  # primary first
    language = get_setting(ctx.session, "default_locale")
    message = {
        "entity": entity,
        "record_id": record.id,
        "recipient_keys": [r.key for r in chosen],
        "template_id": template.id,
        "language": language,
        "locale": language,
        "tenant_id": record.tenant_id,
        "user_id": None,
        "username": gettext("Automation: %(rule)s", rule=ctx.rule.name)[:100],
    }
    compose.preview(  # a template that does not render fails this run, not the job
        ctx.session,
        entity,
        record.id,
        message["recipient_keys"],
        template.id,
        None,
        None,
        language,
        None,
    )
    ctx.after_commit.append(lambda: ctx.send_email(ctx.session, message))
