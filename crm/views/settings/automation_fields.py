"""The rule form's condition and action builders: rows of selects and inputs (no JSON to
type), read back into the lists the rule stores; crm/static/automation_builder.js shows
each row the inputs its choices need."""

from typing import Any

from flask_babel import gettext
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import Field
from wtforms.utils import unset_value

from crm.extensions import db
from crm.models import CrmUser, EmailTemplate, LeadSource, LeadStatus, Stage, WebhookEndpoint
from crm.services.automation.actions import ACTIONS
from crm.services.automation.actions.create_task import ASSIGNEES
from crm.services.automation.actions.send_email import RECIPIENTS
from crm.services.automation.catalogue import (
    ENTITIES,
    FIELD_OPS,
    FIELDS,
    RECORD_OP_VALUES,
    RECORD_OPS,
)

BLANK_ROWS = 2
REF_KINDS = {"user": CrmUser, "stage": Stage, "lead_status": LeadStatus, "lead_source": LeadSource}
ACTION_PARAMS = {
    "title": ("create_task",),
    "description": ("create_task",),
    "due_in_days": ("create_task",),
    "assignee": ("create_task",),
    "user_id": ("create_task", "assign_owner"),
    "user_ids": ("round_robin", "notify_users"),
    "field": ("set_field",),
    "value": ("set_field",),
    "message": ("notify_users",),
    "endpoint_id": ("call_webhook",),
    "template_id": ("send_email",),
    "to": ("send_email",),
}


def _session() -> Any:
    return db.session


def references() -> dict[str, list[tuple[int, str]]]:
    """The rows a value may name, by kind, for the current tenant."""
    session = _session()
    found = {}
    for kind, model in REF_KINDS.items():
        query = select(model).order_by(model.id)
        if model is CrmUser:
            query = query.where(CrmUser.active.is_(True))
        found[kind] = [(row.id, str(row)) for row in session.scalars(query)]
    return found


def _options(choices: list[tuple[Any, str]], chosen: Any, attrs: Any = None) -> Markup:
    html = Markup("")
    for value, label in choices:
        extra = Markup(attrs(value)) if attrs else Markup("")
        selected = Markup(" selected") if str(value) == str(chosen) else Markup("")
        html += Markup('<option value="{}"{}{}>{}</option>').format(value, extra, selected, label)
    return html


def _select(name: str, inner: Markup, label: str, multiple: bool = False) -> Markup:
    many = Markup(" multiple") if multiple else Markup("")
    return Markup(
        '<select class="form-control input-sm" name="{}" aria-label="{}"{}>{}</select>'
    ).format(name, label, many, inner)


def _input(name: str, value: Any, label: str, kind: str = "text") -> Markup:
    return Markup(
        '<input class="form-control input-sm" type="{}" name="{}" value="{}" '
        'placeholder="{}" aria-label="{}">'
    ).format(kind, name, "" if value is None else value, label, label)


def _field_options(chosen: Any, settable_only: bool) -> Markup:
    html = Markup("")
    for entity, spec in ENTITIES.items():
        fields = [
            (name, str(field.label), field.kind)
            for name, field in FIELDS[entity].items()
            if field.settable or not settable_only
        ]
        inner = Markup("")
        for name, label, kind in fields:
            selected = Markup(" selected") if name == chosen else Markup("")
            inner += Markup('<option value="{}" data-kind="{}"{}>{}</option>').format(
                name, kind, selected, label
            )
        html += Markup('<optgroup label="{}" data-entity="{}">{}</optgroup>').format(
            spec.label, entity, inner
        )
    return html


def _ref_options(refs: dict[str, list[tuple[int, str]]], chosen: Any) -> Markup:
    labels = {
        "user": gettext("Users"),
        "stage": gettext("Stages"),
        "lead_status": gettext("Lead statuses"),
        "lead_source": gettext("Lead sources"),
    }
    html = Markup('<option value=""></option>')
    for kind, rows in refs.items():
        inner = _options(rows, chosen)
        html += Markup('<optgroup label="{}" data-kind="{}">{}</optgroup>').format(
            labels[kind], kind, inner
        )
    return html


def _indices(formdata: Any, prefix: str) -> list[int]:
    found = set()
    for key in formdata.keys():
        if key.startswith(prefix):
            number = key[len(prefix) :].split("-", 1)[0]
            if number.isdigit():
                found.add(int(number))
    return sorted(found)


class RowsField(Field):
    """A list of dicts read from ``<name>-<n>-<key>`` inputs."""

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if formdata is not None and _indices(formdata, f"{self.name}-"):
            self.data = [
                row
                for index in _indices(formdata, f"{self.name}-")
                if (row := self.read_row(formdata, f"{self.name}-{index}-")) is not None
            ]
        else:
            self.data = [] if data is unset_value or data is None else list(data)

    def populate_obj(self, obj, name):
        setattr(obj, name, self.data)

    def read_row(self, formdata: Any, prefix: str) -> dict[str, Any] | None:
        raise NotImplementedError


def _value(formdata: Any, prefix: str) -> Any:
    typed = (formdata.get(f"{prefix}value") or "").strip()
    return formdata.get(f"{prefix}value_ref") or typed or None


class ConditionRowsWidget:
    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        refs = references()
        rows = list(field.data or []) + [{}] * BLANK_ROWS
        ops = [(op, str(label)) for op, label in FIELD_OPS.items()] + [
            (op, str(label)) for op, (_, label) in RECORD_OPS.items()
        ]
        html = Markup('<div class="crm-rule-rows" data-rows="conditions">')
        for index, row in enumerate(rows):
            prefix = f"{field.name}-{index}-"
            html += Markup(
                '<div class="form-inline crm-rule-row" data-row>{} {} {} {}</div>'
            ).format(
                _select(
                    prefix + "op",
                    Markup('<option value=""></option>')
                    + _options(
                        ops,
                        row.get("op"),
                        lambda op: (
                            f' data-entity="{RECORD_OPS[op][0]}"' if op in RECORD_OPS else ""
                        ),
                    ),
                    gettext("Operator"),
                ),
                _select(
                    prefix + "field", _field_options(row.get("field"), False), gettext("Field")
                ),
                _input(prefix + "value", _typed(row), gettext("Value")),
                _select(prefix + "value_ref", _ref_options(refs, _ref(row)), gettext("Value")),
            )
        return html + Markup("</div>")


KINDS = {name: field.kind for fields in FIELDS.values() for name, field in fields.items()}


def _is_ref(row: dict[str, Any]) -> bool:
    kind = RECORD_OP_VALUES.get(row.get("op", "")) or KINDS.get(row.get("field", ""))
    return kind in REF_KINDS


def _typed(row: dict[str, Any]) -> Any:
    """A row's value for the text input (a reference shows in its select instead)."""
    return None if _is_ref(row) else row.get("value")


def _ref(row: dict[str, Any]) -> Any:
    return row.get("value") if _is_ref(row) else None


class ConditionRowsField(RowsField):
    widget = ConditionRowsWidget()

    def read_row(self, formdata, prefix):
        op = formdata.get(f"{prefix}op")
        if not op:
            return None
        row = {"op": op, "value": _value(formdata, prefix)}
        if op not in RECORD_OPS:
            row["field"] = formdata.get(f"{prefix}field")
        return row


class ActionRowsWidget:
    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        refs = references()
        users = refs["user"]
        endpoints = [
            (e.id, e.url)
            for e in _session().scalars(
                select(WebhookEndpoint).where(WebhookEndpoint.is_active.is_(True))
            )
        ]
        email_templates = [
            (t.id, t.name)
            for t in _session().scalars(select(EmailTemplate).order_by(EmailTemplate.name))
        ]
        types = [(name, str(module.LABEL)) for name, module in ACTIONS.items()]
        rows = list(field.data or []) + [{}] * BLANK_ROWS
        html = Markup('<div class="crm-rule-rows" data-rows="actions">')
        for index, row in enumerate(rows):
            prefix = f"{field.name}-{index}-"
            parts = {
                "title": _input(prefix + "title", row.get("title"), gettext("Task title")),
                "description": _input(
                    prefix + "description", row.get("description"), gettext("Description")
                ),
                "due_in_days": _input(
                    prefix + "due_in_days", row.get("due_in_days"), gettext("Due in days"), "number"
                ),
                "assignee": _select(
                    prefix + "assignee",
                    _options([(k, str(v)) for k, v in ASSIGNEES.items()], row.get("assignee")),
                    gettext("Assignee"),
                ),
                "user_id": _select(
                    prefix + "user_id",
                    Markup('<option value=""></option>') + _options(users, row.get("user_id")),
                    gettext("User"),
                ),
                "user_ids": _select(
                    prefix + "user_ids",
                    _many(users, row.get("user_ids") or []),
                    gettext("Users"),
                    True,
                ),
                "field": _select(
                    prefix + "field", _field_options(row.get("field"), True), gettext("Field")
                ),
                "value": _input(prefix + "value", _typed(row), gettext("Value"))
                + _select(prefix + "value_ref", _ref_options(refs, _ref(row)), gettext("Value")),
                "message": _input(prefix + "message", row.get("message"), gettext("Message")),
                "endpoint_id": _select(
                    prefix + "endpoint_id",
                    Markup('<option value=""></option>')
                    + _options(endpoints, row.get("endpoint_id")),
                    gettext("Webhook"),
                ),
                "template_id": _select(
                    prefix + "template_id",
                    Markup('<option value=""></option>')
                    + _options(email_templates, row.get("template_id")),
                    gettext("Email template"),
                ),
                "to": _select(
                    prefix + "to",
                    _options([(k, str(v)) for k, v in RECIPIENTS.items()], row.get("to")),
                    gettext("To"),
                ),
            }
            inner = _select(
                prefix + "type",
                Markup('<option value=""></option>') + _options(types, row.get("type")),
                gettext("Action"),
            )
            for name, part in parts.items():
                inner += Markup(' <span data-for="{}">{}</span>').format(
                    " ".join(ACTION_PARAMS[name]), part
                )
            html += Markup('<div class="form-inline crm-rule-row" data-row>{}</div>').format(inner)
        return html + Markup("</div>")


def _many(users: list[tuple[int, str]], chosen: list[Any]) -> Markup:
    wanted = {str(c) for c in chosen}
    return Markup("").join(
        Markup('<option value="{}"{}>{}</option>').format(
            uid, Markup(" selected") if str(uid) in wanted else Markup(""), escape(name)
        )
        for uid, name in users
    )


class ActionRowsField(RowsField):
    widget = ActionRowsWidget()

    def read_row(self, formdata, prefix):
        kind = formdata.get(f"{prefix}type")
        if not kind:
            return None
        row: dict[str, Any] = {"type": kind}
        for name, kinds in ACTION_PARAMS.items():
            if kind not in kinds:
                continue
            if name == "user_ids":
                row[name] = [v for v in formdata.getlist(f"{prefix}user_ids") if v]
            elif name == "value":
                row[name] = _value(formdata, prefix)
            else:
                row[name] = formdata.get(f"{prefix}{name}") or None
        return row
