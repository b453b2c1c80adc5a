"""Email → Templates: Managers and Admins edit them; a subject and body in the default
language, and optional translations, each checked by a test render at save."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from crm.datamodel.interface import CrmInterface
from crm.models import TEMPLATE_LANGUAGES, EmailTemplate
from crm.services.mail import merge_fields, templates
from crm.views.base import CrmModelView

LABELS = {
    "name": _l("Name"),
    "subject": _l("Subject"),
    "body": _l("Message"),
    "translated": _l("Translations"),
}


def _translation_fields():
    fields = {}
    for code in TEMPLATE_LANGUAGES:
        fields[f"subject_{code}"] = StringField(_l("Subject (%(language)s)", language=code.upper()))
        fields[f"body_{code}"] = TextAreaField(
            _l("Message (%(language)s)", language=code.upper()),
            render_kw={"rows": 6},
        )
    return fields


def _gather(session, item):
    """The form's per-language fields into ``translations``, then the template rules."""
    if any(hasattr(item, f"subject_{code}") for code in TEMPLATE_LANGUAGES):
        item.translations = {
            code: {
                "subject": getattr(item, f"subject_{code}", "") or "",
                "body": getattr(item, f"body_{code}", "") or "",
            }
            for code in TEMPLATE_LANGUAGES
        }
    templates.prepare(session, item)


def _fields_help():
    names = ", ".join("{{ %s }}" % name for name in merge_fields.FIELDS)
    return _l("Merge fields: %(names)s", names=names)


class EmailTemplateView(CrmModelView):
    datamodel = CrmInterface(EmailTemplate)
    class_permission_name = "EmailTemplate"
    route_base = "/email-templates"
    list_title = _l("Email templates")
    show_title = _l("Email template")
    add_title = _l("Add email template")
    edit_title = _l("Edit email template")
    label_columns = LABELS
    list_columns = ["name", "subject", "translated"]
    show_columns = ["name", "subject", "body", "translated"]
    add_columns = edit_columns = [
        "name",
        "subject",
        "body",
        *(f"{part}_{code}" for code in TEMPLATE_LANGUAGES for part in ("subject", "body")),
    ]
    search_columns = ["name"]
    base_order = ("name", "asc")
    add_form_extra_fields = edit_form_extra_fields = _translation_fields()
    description_columns = {"body": _fields_help()}
    prepare = staticmethod(_gather)

    def prefill_form(self, form, pk):
        item = self.datamodel.get(pk, self._base_filters)
        for code, texts in ((item.translations or {}) if item else {}).items():
            if f"subject_{code}" in form:
                form[f"subject_{code}"].data = texts.get("subject")
                form[f"body_{code}"].data = texts.get("body")
