"""Settings → Webhooks (Admins only): a tenant's endpoints, each with its deliveries and
each delivery with its attempts; a delivery can be sent again, a secret rotated."""

import json

from flask import current_app, flash, redirect
from flask_appbuilder.actions import action
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import SelectMultipleField

from crm.datamodel.interface import CrmInterface
from crm.jobs.webhooks import queue_delivery
from crm.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from crm.services import webhooks
from crm.services.core.errors import CrmError
from crm.views.base import CrmModelView, flash_error

PERMISSION = "Webhook"

ENDPOINT_LABELS = {
    "url": _l("URL"),
    "description": _l("Description"),
    "secret": _l("Signing secret"),
    "is_active": _l("Active"),
    "events": _l("Events"),
    "consecutive_failures": _l("Failures in a row"),
    "disabled_reason": _l("Disabled because"),
    "created_at": _l("Created"),
}
DELIVERY_LABELS = {
    "created_at": _l("Recorded"),
    "event": _l("Event"),
    "uuid": _l("Delivery id"),
    "status": _l("Status"),
    "attempt_count": _l("Attempts"),
    "response_code": _l("Response"),
    "last_attempt_at": _l("Last attempt"),
    "next_attempt_at": _l("Next attempt"),
    "payload": _l("Payload"),
    "endpoint": _l("Endpoint"),
}
ATTEMPT_LABELS = {
    "attempted_at": _l("When"),
    "status": _l("Status"),
    "response_code": _l("Response"),
    "duration_ms": _l("Duration (ms)"),
    "error": _l("Error"),
    "next_retry_at": _l("Next retry"),
}
STATUS_LABELS = {
    "pending": _l("Pending"),
    "sending": _l("Sending"),
    "delivered": _l("Delivered"),
    "failed": _l("Failed"),
}


def _prepare(session, endpoint):
    webhooks.prepare(
        session, endpoint, allow_private=current_app.config["CRM_WEBHOOKS_ALLOW_PRIVATE"]
    )


def _event_labels(events):
    return ", ".join(str(webhooks.EVENTS.get(name, name)) for name in events or ())


def _secret(secret):
    return Markup("<code>{}</code>").format(escape(secret or ""))


def _payload(payload):
    return Markup("<pre>{}</pre>").format(json.dumps(payload, indent=2, ensure_ascii=False))


def _status(status):
    return str(STATUS_LABELS.get(status, status))


class WebhookAttemptView(CrmModelView):
    datamodel = CrmInterface(WebhookAttempt)
    class_permission_name = PERMISSION
    route_base = "/webhook-attempts"
    list_title = _l("Attempts")
    label_columns = ATTEMPT_LABELS
    list_columns = show_columns = list(ATTEMPT_LABELS)
    base_order = ("id", "desc")
    formatters_columns = {"status": _status}
    include_route_methods = {"list", "show"}


class WebhookDeliveryView(CrmModelView):
    datamodel = CrmInterface(WebhookDelivery)
    class_permission_name = PERMISSION
    route_base = "/webhook-deliveries"
    list_title = _l("Deliveries")
    show_title = _l("Delivery")
    label_columns = DELIVERY_LABELS
    list_columns = [
        "created_at",
        "event",
        "status",
        "attempt_count",
        "response_code",
        "next_attempt_at",
    ]
    show_columns = [
        "endpoint",
        "event",
        "uuid",
        "status",
        "attempt_count",
        "response_code",
        "last_attempt_at",
        "next_attempt_at",
        "created_at",
        "payload",
    ]
    search_columns = ["event", "status"]
    base_order = ("id", "desc")
    formatters_columns = {"status": _status, "payload": _payload}
    related_views = [WebhookAttemptView]
    include_route_methods = {"list", "show", "action", "action_post"}

    @action("resend", _l("Send again"), icon="fa-redo", multiple=True, single=True)
    def resend(self, items):
        for item in items if isinstance(items, list) else [items]:
            if item is None:
                continue
            try:
                copy = webhooks.resend(self.session, item)
            except CrmError as exc:
                flash_error(exc)
                continue
            queue_delivery(copy.id)
            flash(gettext("%(event)s sent again.", event=item.event), "success")
        self.update_redirect()
        return redirect(self.get_redirect())


class WebhookView(CrmModelView):
    datamodel = CrmInterface(WebhookEndpoint)
    class_permission_name = PERMISSION
    route_base = "/webhooks"
    list_title = _l("Webhooks")
    show_title = _l("Webhook")
    add_title = _l("Add webhook")
    edit_title = _l("Edit webhook")
    label_columns = ENDPOINT_LABELS
    list_columns = ["url", "description", "is_active", "events", "disabled_reason"]
    show_columns = [
        "url",
        "description",
        "is_active",
        "events",
        "secret",
        "consecutive_failures",
        "disabled_reason",
        "created_at",
    ]
    add_columns = edit_columns = ["url", "description", "is_active", "events"]
    search_columns = ["url", "description", "is_active"]
    base_order = ("id", "asc")
    description_columns = {
        "url": _l(
            "Where the events are sent (http or https, on a public address). Each is "
            "signed with the secret shown once the webhook is saved."
        ),
        "is_active": _l("Inactive webhooks receive nothing."),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "events": SelectMultipleField(
            _l("Events"),
            choices=list(webhooks.EVENTS.items()),
            widget=Select2ManyWidget(),
            description=_l("The events this webhook receives."),
        )
    }
    formatters_columns = {"events": _event_labels, "secret": _secret}
    related_views = [WebhookDeliveryView]
    prepare = staticmethod(_prepare)

    @action(
        "rotate_secret",
        _l("Rotate secret"),
        confirmation=_l("Receivers must use the new secret from now on. Rotate it?"),
        icon="fa-key",
        multiple=False,
        single=True,
    )
    def rotate_secret(self, item):
        if item is not None:
            webhooks.rotate_secret(self.session, item)
            flash(gettext("The secret was replaced; update your receiver."), "success")
        self.update_redirect()
        return redirect(self.get_redirect())
