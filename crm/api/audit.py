"""The audit trail over REST: Admins read it; there is no write endpoint."""

from crm.api.base import CrmModelApi
from crm.datamodel.interface import CrmInterface
from crm.models import AuditEntry


class AuditApi(CrmModelApi):
    resource_name = "audit"
    datamodel = CrmInterface(AuditEntry)
    class_permission_name = "AuditEntry"
    list_columns = show_columns = [
        "id",
        "at",
        "user_id",
        "username",
        "entity",
        "entity_id",
        "action",
        "parent_entity",
        "parent_id",
        "changes",
        "summary",
    ]
    search_columns = ["username", "user_id", "entity", "entity_id", "action", "at"]
    order_columns = ["at", "id", "username", "entity", "action"]
    base_order = ("at", "desc")
    include_route_methods = {"get", "get_list", "info"}
