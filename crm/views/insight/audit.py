"""The audit screen: Admins read the tenant's trail; nobody edits it."""

from flask_babel import lazy_gettext as _l

from crm.datamodel.interface import CrmInterface
from crm.i18n import values
from crm.models import AuditEntry
from crm.views.base import CrmModelView


class AuditView(CrmModelView):
    datamodel = CrmInterface(AuditEntry)
    class_permission_name = "AuditEntry"
    route_base = "/audit"
    list_title = _l("Audit trail")
    show_title = _l("Audit entry")
    label_columns = {
        "at": _l("When"),
        "username": _l("User"),
        "entity": _l("Entity"),
        "entity_id": _l("Record"),
        "action": _l("Action"),
        "changes": _l("Changes"),
        "summary": _l("Summary"),
        "user_id": _l("User id"),
    }
    list_columns = ["at", "username", "action", "entity", "entity_id", "summary"]
    show_columns = [
        "at",
        "username",
        "user_id",
        "action",
        "entity",
        "entity_id",
        "summary",
        "changes",
    ]
    formatters_columns = {
        "action": values.audit_action,
        "entity": values.audit_entity,
        "entity_id": lambda pk: "" if pk is None else f"#{pk}",
        "user_id": lambda pk: "" if pk is None else f"#{pk}",
    }
    search_columns = ["username", "entity", "entity_id", "action", "at"]
    order_columns = ["at", "username", "entity", "action"]
    base_order = ("at", "desc")
    base_permissions = ["can_read"]
    include_route_methods = {"list", "show"}
