"""Settings → Automation (Admins only): a tenant's rules, built from rows of selects, and
the log of their runs, per rule (on its page) and overall."""

from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup
from wtforms import SelectField

from crm.datamodel.interface import CrmInterface
from crm.models import AutomationRule, AutomationRun
from crm.services.automation import rules
from crm.services.automation.actions import ACTIONS
from crm.services.automation.catalogue import (
    ENTITIES,
    FIELD_OPS,
    FIELDS,
    RECORD_OPS,
    entity_choices,
    trigger_choices,
)
from crm.views.base import CrmModelView
from crm.views.settings.automation_fields import ActionRowsField, ConditionRowsField

PERMISSION = "Automation"

RULE_LABELS = {
    "name": _l("Name"),
    "is_active": _l("Active"),
    "entity": _l("Record"),
    "trigger": _l("When"),
    "conditions": _l("Conditions"),
    "actions": _l("Actions"),
    "position": _l("Order"),
    "created_at": _l("Created"),
}
RUN_LABELS = {
    "started_at": _l("Started"),
    "finished_at": _l("Finished"),
    "rule": _l("Rule"),
    "record": _l("Record"),
    "status": _l("Outcome"),
    "message": _l("Message"),
    "depth": _l("Depth"),
}
STATUS_LABELS = {"done": _l("Done"), "failed": _l("Failed"), "skipped": _l("Skipped")}


def _entity(value):
    spec = ENTITIES.get(value)
    return str(spec.label) if spec else value


def _trigger(value):
    return dict(trigger_choices()).get(value, value)


def _condition_text(condition):
    op = condition.get("op")
    if op in RECORD_OPS:
        label = str(RECORD_OPS[op][1])
        return f"{label} {condition['value']}" if "value" in condition else label
    field = next(
        (f[condition.get("field")] for f in FIELDS.values() if condition.get("field") in f), None
    )
    name = str(field.label) if field else condition.get("field")
    value = condition.get("value")
    return f"{name} {FIELD_OPS.get(op, op)}" + ("" if value is None else f" “{value}”")


def _conditions(rows):
    if not rows:
        return gettext("Always")
    return Markup("<br>").join(_condition_text(row) for row in rows)


def _actions(rows):
    return Markup("<br>").join(
        f"{n}. {ACTIONS[row['type']].LABEL if row.get('type') in ACTIONS else row.get('type')}"
        for n, row in enumerate(rows or [], 1)
    )


def _status(value):
    return str(STATUS_LABELS.get(value, value))


def _record(value):
    entity, record_id, label = value
    spec = ENTITIES.get(entity)
    if spec is None:
        return label
    return Markup('<a href="{}">{}</a>').format(spec.link.format(id=record_id), label or record_id)


class AutomationRunView(CrmModelView):
    datamodel = CrmInterface(AutomationRun)
    class_permission_name = PERMISSION
    route_base = "/automation-runs"
    list_title = _l("Automation runs")
    show_title = _l("Automation run")
    label_columns = RUN_LABELS
    list_columns = ["started_at", "rule", "record", "status", "message", "depth"]
    show_columns = ["rule", "record", "status", "message", "depth", "started_at", "finished_at"]
    search_columns = ["rule", "status", "started_at"]
    base_order = ("id", "desc")
    formatters_columns = {"status": _status, "record": _record}
    include_route_methods = {"list", "show"}


class AutomationRuleView(CrmModelView):
    datamodel = CrmInterface(AutomationRule)
    class_permission_name = PERMISSION
    route_base = "/automation"
    list_title = _l("Automation rules")
    show_title = _l("Automation rule")
    add_title = _l("Add automation rule")
    edit_title = _l("Edit automation rule")
    add_template = "crm/automation_form_add.html"
    edit_template = "crm/automation_form_edit.html"
    label_columns = RULE_LABELS
    list_columns = ["name", "is_active", "entity", "trigger", "conditions", "actions", "position"]
    show_columns = list_columns
    add_columns = edit_columns = [
        "name",
        "is_active",
        "entity",
        "trigger",
        "conditions",
        "actions",
        "position",
    ]
    search_columns = ["name", "entity", "is_active"]
    base_order = ("position", "asc")
    description_columns = {
        "conditions": _l(
            "All must hold for the actions to run. Leave them empty to act on every "
            "created or changed record."
        ),
        "actions": _l(
            "Run in this order, after the change was saved. A rule never acts on a change "
            "it caused itself."
        ),
        "position": _l("Rules for the same record run in this order."),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "entity": SelectField(_l("Record"), choices=entity_choices),
        "trigger": SelectField(_l("When"), choices=trigger_choices),
        "conditions": ConditionRowsField(_l("Conditions")),
        "actions": ActionRowsField(_l("Actions")),
    }
    formatters_columns = {
        "entity": _entity,
        "trigger": _trigger,
        "conditions": _conditions,
        "actions": _actions,
    }
    related_views = [AutomationRunView]
    prepare = staticmethod(rules.prepare)
