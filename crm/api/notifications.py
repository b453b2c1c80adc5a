"""The signed-in user's notifications over REST: list, read, mark read. Nobody else's."""

from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.filters import FilterEqualFunction

from crm.api.base import CrmModelApi
from crm.datamodel.interface import CrmInterface
from crm.models import Notification
from crm.security.roles import METHOD_VERBS
from crm.security.scoping import TENANT_FILTERS
from crm.security.tenancy import current_tenant_id, current_user_id
from crm.services.accounts import notifications
from crm.services.core.errors import CrmError


def _me():
    # Nobody signed in matches nothing rather than everything.
    return current_user_id() or -1


class NotificationApi(CrmModelApi):
    resource_name = "notification"
    datamodel = CrmInterface(Notification)
    class_permission_name = "Notification"
    method_permission_name = {**METHOD_VERBS, "mark_all_read": "read"}
    base_filters = TENANT_FILTERS + [["user_id", FilterEqualFunction, _me]]
    list_columns = show_columns = ["id", "message", "link", "created_at", "read_at"]
    search_columns = ["read_at", "created_at"]
    order_columns = ["created_at", "read_at", "id"]
    base_order = ("created_at", "desc")
    include_route_methods = {"get", "get_list", "info", "mark_read", "mark_all_read"}

    @expose("/<int:pk>/read", methods=["POST"])
    @protect()
    @safe
    def mark_read(self, pk):
        """Mark one of your notifications read.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200:
              description: Marked read; also the number still unread
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result: {$ref: '#/components/schemas/NotificationApi.get'}
                      unread: {type: integer}
            404: {$ref: '#/components/responses/404'}
        """
        user_id = current_user_id()
        try:
            note = notifications.mark_read(self.session, user_id, pk)
        except CrmError:
            return self.response_404()
        return self.response(
            200,
            result=self.show_model_schema.dump(note),
            unread=notifications.unread_count(self.session, user_id),
        )

    @expose("/read", methods=["POST"])
    @protect()
    @safe
    def mark_all_read(self):
        """Mark all your notifications read.
        ---
        post:
          responses:
            200:
              description: How many were marked; also the number still unread (0)
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      marked: {type: integer}
                      unread: {type: integer}
        """
        user_id = current_user_id()
        count = notifications.mark_all_read(self.session, user_id, current_tenant_id())
        return self.response(
            200, marked=count, unread=notifications.unread_count(self.session, user_id)
        )
