"""Automation rules over REST, for Admins: the rules (``/api/v1/automation_rule/``) and
the log of their runs (``/api/v1/automation_run/``, read only)."""

from crm.api.base import CrmModelApi
from crm.datamodel.interface import CrmInterface
from crm.models import AutomationRule, AutomationRun
from crm.services.automation import rules
from crm.services.automation.actions import ACTIONS
from crm.services.automation.catalogue import ENTITIES, FIELD_OPS, RECORD_OPS, TRIGGERS

PERMISSION = "Automation"
RULE_COLUMNS = [
    "id",
    "name",
    "is_active",
    "entity",
    "trigger",
    "conditions",
    "actions",
    "position",
    "created_at",
    "updated_at",
]
RUN_COLUMNS = [
    "id",
    "rule.id",
    "rule.name",
    "entity",
    "record_id",
    "record_label",
    "status",
    "message",
    "depth",
    "started_at",
    "finished_at",
]


class AutomationRuleApi(CrmModelApi):
    resource_name = "automation_rule"
    datamodel = CrmInterface(AutomationRule)
    class_permission_name = PERMISSION
    list_columns = show_columns = RULE_COLUMNS
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
    order_columns = ["id", "name", "position", "created_at"]
    base_order = ("position", "asc")
    description_columns = {
        "entity": "The kind of record watched: " + ", ".join(ENTITIES),
        "trigger": "When the rule is checked: " + ", ".join(TRIGGERS),
        "conditions": "All must hold: a list of {field, op, value}; op is one of "
        + ", ".join(FIELD_OPS)
        + ", or {op} alone (value: a stage or lead status id where needed) for "
        + ", ".join(RECORD_OPS),
        "actions": "Run in order: a list of {type, ...}; type is one of " + ", ".join(ACTIONS),
    }
    prepare = staticmethod(rules.prepare)
    include_route_methods = {"get", "get_list", "info", "post", "put", "delete"}


class AutomationRunApi(CrmModelApi):
    resource_name = "automation_run"
    datamodel = CrmInterface(AutomationRun)
    class_permission_name = PERMISSION
    list_columns = show_columns = RUN_COLUMNS
    search_columns = ["rule", "entity", "record_id", "status", "started_at"]
    order_columns = ["id", "started_at"]
    base_order = ("id", "desc")
    include_route_methods = {"get", "get_list", "info"}
