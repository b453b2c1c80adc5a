"""Email templates: saved per tenant, rendered in a sandboxed Jinja environment.

Templates are plain text (the message goes out as text/plain), so nothing is escaped.
The sandbox refuses attribute access to internals (``__class__``, ``mro`` ...), and the
variables are plain value objects (merge_fields.py); an unknown variable is an error, so
a typo is caught when the template is saved (rendered with sample data) or sent.
"""

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.models import TEMPLATE_LANGUAGES, EmailTemplate
from crm.services.core.errors import ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.mail import merge_fields

NAME_LENGTH = EmailTemplate.name.type.length
SUBJECT_LENGTH = EmailTemplate.subject.type.length
BODY_LENGTH = 20_000
# A rendered message longer than this is refused (a loop in a template).
RENDERED_LENGTH = 100_000

_ENVIRONMENT = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


class RenderFailed(ValidationFailed):
    """A template that does not render; ``errors`` names the field."""


def render(source: str, variables: Mapping[str, Any], field: str = "body") -> str:
    """``source`` rendered with ``variables``; RenderFailed with the reason otherwise."""
    try:
        text = _ENVIRONMENT.from_string(source).render(**variables)
    except TemplateError as exc:
        raise RenderFailed(
            {field: [gettext("The template does not render: %(reason)s", reason=str(exc))]}
        ) from exc
    if len(text) > RENDERED_LENGTH:
        raise RenderFailed({field: [gettext("The rendered text is too long.")]})
    return text


def render_message(subject: str, body: str, variables: Mapping[str, Any]) -> tuple[str, str]:
    """Subject and body rendered; every problem of both in one RenderFailed."""
    errors: dict[str, list[Any]] = {}
    rendered = []
    for field, source in (("subject", subject), ("body", body)):
        try:
            rendered.append(render(source, variables, field))
        except RenderFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise RenderFailed(errors)
    subject_text = " ".join(rendered[0].split())
    return subject_text, rendered[1]


def in_language(template: Any, language: str | None) -> tuple[str, str]:
    """The template's subject and body in ``language`` when it has that translation,
    else its default text."""
    translated = (template.translations or {}).get(language or "") or {}
    if translated.get("subject") and translated.get("body"):
        return translated["subject"], translated["body"]
    return template.subject, template.body


def _clean_translations(value: Any, errors: dict[str, list[Any]]) -> dict[str, dict[str, str]]:
    cleaned: dict[str, dict[str, str]] = {}
    if value in (None, ""):
        return cleaned
    if not isinstance(value, Mapping):
        errors["translations"] = [_l("Give translations as {language: {subject, body}}.")]
        return cleaned
    for language, texts in value.items():
        if language not in TEMPLATE_LANGUAGES:
            errors.setdefault("translations", []).append(
                gettext(
                    "“%(language)s” is not a template language (%(allowed)s).",
                    language=language,
                    allowed=", ".join(TEMPLATE_LANGUAGES),
                )
            )
            continue
        texts = texts if isinstance(texts, Mapping) else {}
        subject = str(texts.get("subject") or "").strip()
        body = str(texts.get("body") or "").strip()
        if not subject and not body:
            continue  # an empty translation: the default text is used
        if not subject or not body:
            errors.setdefault(f"translations.{language}", []).append(
                _l("A translation needs both a subject and a body.")
            )
            continue
        cleaned[language] = {"subject": subject, "body": body}
    return cleaned


def prepare(session: Session, template: Any) -> None:
    """Validate a template before it is saved, with a test render of every text with
    sample data; ``translations`` as {language: {"subject", "body"}}."""
    errors: dict[str, list[Any]] = {}
    with session.no_autoflush:
        template.name = " ".join((template.name or "").split())
        template.subject = (template.subject or "").strip()
        template.body = (template.body or "").strip()
        if not template.name:
            errors["name"] = [_l("Give the template a name.")]
        elif len(template.name) > NAME_LENGTH:
            errors["name"] = [gettext("Keep it under %(count)s characters.", count=NAME_LENGTH)]
        else:
            taken = select(EmailTemplate.id).where(
                func.lower(EmailTemplate.name) == template.name.lower()
            )
            if template.id is not None:
                taken = taken.where(EmailTemplate.id != template.id)
            if session.scalar(taken) is not None:
                errors["name"] = [_l("Another template has this name.")]
        if not template.subject:
            errors["subject"] = [_l("Write a subject.")]
        elif len(template.subject) > SUBJECT_LENGTH or "\n" in template.subject:
            errors["subject"] = [
                gettext("Keep it to one line under %(count)s characters.", count=SUBJECT_LENGTH)
            ]
        if not template.body:
            errors["body"] = [_l("Write the message.")]
        elif len(template.body) > BODY_LENGTH:
            errors["body"] = [gettext("Keep it under %(count)s characters.", count=BODY_LENGTH)]
        template.translations = _clean_translations(template.translations, errors) or None
        sample = merge_fields.sample()
        texts = [("subject", template.subject), ("body", template.body)]
        for language, pair in (template.translations or {}).items():
            texts += [
                (f"translations.{language}", pair["subject"]),
                (f"translations.{language}", pair["body"]),
            ]
        for field, source in texts:
            if source and field not in errors:
                try:
                    render(source, sample, field)
                except RenderFailed as exc:
                    errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)


@transactional
def save_template(session: Session, template: Any) -> Any:
    prepare(session, template)
    session.add(template)
    session.flush()
    return template


def templates(session: Session) -> list[Any]:
    return list(session.scalars(select(EmailTemplate).order_by(EmailTemplate.name)))
