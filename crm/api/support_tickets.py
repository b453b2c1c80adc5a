"""REST endpoints for support tickets at /api/v1/support_ticket/: the screens' rules
(crm.services.customers.support_tickets), plus ``POST /<pk>/close`` and ``POST /<pk>/reopen``."""

from flask_appbuilder.api import expose, protect, safe

from crm.api.base import CrmModelApi
from crm.datamodel.prefetch import PrefetchInterface
from crm.fields.support import SUPPORT_TICKET
from crm.models import SupportTicket
from crm.services.customers import support_tickets

READ_COLUMNS = SUPPORT_TICKET.columns("api_read")


class SupportTicketApi(CrmModelApi):
    resource_name = "support_ticket"
    datamodel = PrefetchInterface(SupportTicket)
    class_permission_name = "SupportTicket"
    label_columns = SUPPORT_TICKET.labels()
    list_columns = show_columns = READ_COLUMNS
    add_columns = edit_columns = SUPPORT_TICKET.columns("form") + ["opened_at"]
    search_columns = [
        "customer",
        "subject",
        "status",
        "priority",
        "owner",
        "opened_at",
        "closed_at",
    ]
    order_columns = ["subject", "status", "priority", "opened_at", "closed_at"]
    base_order = ("opened_at", "desc")
    prepare = staticmethod(support_tickets.prepare)

    def _init_model_schemas(self):
        super()._init_model_schemas()
        for schema in (self.add_model_schema, self.edit_model_schema):
            for name in ("description", "status", "priority", "owner", "opened_at"):
                if name in schema.fields:
                    schema.fields[name].required = False
                    schema.fields[name].allow_none = True

    @expose("/<int:pk>/close", methods=["POST"])
    @protect()
    @safe
    def close(self, pk):
        """Close a ticket (sets closed_at).
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200: {$ref: '#/components/responses/SupportTicketApi.record'}
            404: {$ref: '#/components/responses/404'}
        """
        return self._apply(pk, support_tickets.close)

    @expose("/<int:pk>/reopen", methods=["POST"])
    @protect()
    @safe
    def reopen(self, pk):
        """Reopen a closed ticket (clears closed_at).
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200: {$ref: '#/components/responses/SupportTicketApi.record'}
            404: {$ref: '#/components/responses/404'}
        """
        return self._apply(pk, support_tickets.reopen)
