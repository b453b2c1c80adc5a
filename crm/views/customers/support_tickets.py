"""Support ticket screens: list (status and priority filters), add/edit, the ticket's
page and a customer's Support tickets tab. Rules in ``crm.services.customers.support_tickets``."""
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import lazy_gettext as _l

from crm.datamodel.prefetch import PrefetchInterface
from crm.datamodel.support_tickets import FORM_COLUMNS, LABELS
from crm.models import SupportTicket
from crm.services.customers import support_tickets
from crm.views.base import CrmModelView
from crm.views.fields import choice_field, customer_picker, label_of
from crm.views.ledger.ledger_common import status_badge

STATUS_LABELS = {"open": _l("Open"), "pending": _l("Pending"), "closed": _l("Closed")}
STATUS_STYLES = {"open": "warning", "pending": "info", "closed": "default"}
PRIORITY_LABELS = {"low": _l("Low"), "normal": _l("Normal"), "high": _l("High"),
                   "urgent": _l("Urgent")}
ACTIVE_USERS = [["active", FilterEqual, True]]


def _with_default(field, value):
    field.kwargs["default"] = value
    return field


def _form_fields():
    return {
        "customer": customer_picker(),
        "status": _with_default(choice_field(_l("Status"), STATUS_LABELS), "open"),
        "priority": _with_default(choice_field(_l("Priority"), PRIORITY_LABELS), "normal"),
    }


class SupportTicketView(CrmModelView):
    datamodel = PrefetchInterface(SupportTicket, prefetch=("customer", "owner"))
    class_permission_name = "SupportTicket"
    route_base = "/support_tickets"
    list_title = _l("Support tickets")
    show_title = _l("Support ticket")
    add_title = _l("Add support ticket")
    edit_title = _l("Edit support ticket")
    label_columns = LABELS
    list_columns = ["subject", "customer", "status", "priority", "opened_at", "closed_at", "owner"]
    show_columns = ["subject", "customer", "description", "status", "priority", "opened_at",
                    "closed_at", "owner", "created_at", "updated_at"]
    add_columns = edit_columns = FORM_COLUMNS
    search_columns = ["subject", "status", "priority", "owner", "opened_at", "closed_at"]
    search_form_extra_fields = {"status": choice_field(_l("Status"), STATUS_LABELS),
                                "priority": choice_field(_l("Priority"), PRIORITY_LABELS)}
    order_columns = ["subject", "status", "priority", "opened_at", "closed_at"]
    base_order = ("opened_at", "desc")
    formatters_columns = {"status": status_badge(STATUS_LABELS, STATUS_STYLES),
                          "priority": label_of(PRIORITY_LABELS)}
    add_form_extra_fields = _form_fields()
    edit_form_extra_fields = _form_fields()
    add_form_query_rel_fields = edit_form_query_rel_fields = {"owner": ACTIVE_USERS}
    description_columns = {
        "status": _l("Closing a ticket records when; reopening it clears that."),
    }
    prepare = staticmethod(support_tickets.prepare)
