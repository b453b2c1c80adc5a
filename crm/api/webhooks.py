"""Webhooks over REST, for Admins: endpoints (``/api/v1/webhook/``), rotating a secret,
their deliveries (``/api/v1/webhook_delivery/``) and sending one again."""

from flask import current_app
from flask_appbuilder.api import expose, protect, safe

from crm.api.base import CrmModelApi
from crm.datamodel.interface import CrmInterface
from crm.jobs.webhooks import queue_delivery
from crm.models import WebhookDelivery, WebhookEndpoint
from crm.security.tenancy import get_owned
from crm.services import webhooks

PERMISSION = "Webhook"
ENDPOINT_COLUMNS = [
    "id",
    "url",
    "description",
    "is_active",
    "events",
    "consecutive_failures",
    "disabled_reason",
    "created_at",
    "updated_at",
]
DELIVERY_COLUMNS = [
    "id",
    "endpoint.id",
    "uuid",
    "event",
    "status",
    "attempt_count",
    "response_code",
    "last_attempt_at",
    "next_attempt_at",
    "created_at",
]


def _prepare(session, endpoint):
    webhooks.prepare(
        session, endpoint, allow_private=current_app.config["CRM_WEBHOOKS_ALLOW_PRIVATE"]
    )


class WebhookApi(CrmModelApi):
    resource_name = "webhook"
    datamodel = CrmInterface(WebhookEndpoint)
    class_permission_name = PERMISSION
    list_columns = ENDPOINT_COLUMNS
    # The secret is shown to the Admins who read an endpoint: receivers need it.
    show_columns = [*ENDPOINT_COLUMNS, "secret"]
    add_columns = edit_columns = ["url", "description", "is_active", "events"]
    search_columns = ["url", "is_active"]
    order_columns = ["id", "url", "created_at"]
    base_order = ("id", "asc")
    description_columns = {
        "events": "Names of the events sent: " + ", ".join(webhooks.EVENTS),
        "secret": "Signs each delivery (X-Ledgerline-Signature); generated, rotated "
        "with POST /api/v1/webhook/{pk}/rotate_secret.",
    }
    prepare = staticmethod(_prepare)
    include_route_methods = {"get", "get_list", "info", "post", "put", "delete", "rotate_secret"}

    @expose("/<int:pk>/rotate_secret", methods=["POST"])
    @protect()
    @safe
    def rotate_secret(self, pk):
        """Replace the endpoint's signing secret; the answer holds the new one.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200: {description: The endpoint with its new secret}
            404: {$ref: '#/components/responses/404'}
        """
        return self._apply(pk, webhooks.rotate_secret)


class WebhookDeliveryApi(CrmModelApi):
    resource_name = "webhook_delivery"
    datamodel = CrmInterface(WebhookDelivery)
    class_permission_name = PERMISSION
    list_columns = DELIVERY_COLUMNS
    show_columns = [*DELIVERY_COLUMNS, "payload"]
    search_columns = ["endpoint", "event", "status", "created_at"]
    order_columns = ["id", "created_at", "next_attempt_at"]
    base_order = ("id", "desc")
    include_route_methods = {"get", "get_list", "info", "resend"}

    @expose("/<int:pk>/resend", methods=["POST"])
    @protect()
    @safe
    def resend(self, pk):
        """Send the delivery's event again, as a new delivery due now.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            201: {description: The new delivery}
            404: {$ref: '#/components/responses/404'}
        """
        delivery = get_owned(self.session, WebhookDelivery, pk)
        if delivery is None:
            return self.response_404()
        copy = webhooks.resend(self.session, delivery)
        copy_id = copy.id
        queue_delivery(copy_id)
        self.session.expire_all()
        return self.response(
            201, result=self.show_model_schema.dump(self.session.get(WebhookDelivery, copy_id))
        )
