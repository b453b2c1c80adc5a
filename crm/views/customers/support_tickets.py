"""Support ticket screens: list (status and priority filters), add/edit, the ticket's
page and a customer's Support tickets tab. Rules in ``crm.services.customers.support_tickets``."""

from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import lazy_gettext as _l

from crm.datamodel.prefetch import PrefetchInterface
from crm.fields.pipeline import PRIORITIES
from crm.fields.support import SUPPORT_TICKET, TICKET_STATUSES
from crm.models import SupportTicket
from crm.services.customers import support_tickets
from crm.views.base import CrmModelView
from crm.views.fields import choice_field, customer_picker, label_of
from crm.views.ledger.ledger_common import status_badge

STATUS_STYLES = {"open": "warning", "pending": "info", "closed": "default"}
ACTIVE_USERS = [["active", FilterEqual, True]]


def _with_default(field, value):
    field.kwargs["default"] = value
    return field


def _form_fields():
    return {
        "customer": customer_picker(),
        "status": _with_default(
            choice_field(SUPPORT_TICKET.label("status"), TICKET_STATUSES), "open"
        ),
        "priority": _with_default(
            choice_field(SUPPORT_TICKET.label("priority"), PRIORITIES), "normal"
        ),
    }


class SupportTicketView(CrmModelView):
    datamodel = PrefetchInterface(SupportTicket, prefetch=("customer", "owner"))
    class_permission_name = "SupportTicket"
    route_base = "/support_tickets"
    list_title = _l("Support tickets")
    show_title = _l("Support ticket")
    add_title = _l("Add support ticket")
    edit_title = _l("Edit support ticket")
    label_columns = SUPPORT_TICKET.labels()
    list_columns = SUPPORT_TICKET.columns("list")
    show_columns = SUPPORT_TICKET.columns("show")
    add_columns = edit_columns = SUPPORT_TICKET.columns("form")
    search_columns = SUPPORT_TICKET.columns("search")
    search_form_extra_fields = {
        "status": choice_field(SUPPORT_TICKET.label("status"), TICKET_STATUSES),
        "priority": choice_field(SUPPORT_TICKET.label("priority"), PRIORITIES),
    }
    order_columns = ["subject", "status", "priority", "opened_at", "closed_at"]
    base_order = ("opened_at", "desc")
    formatters_columns = {
        "status": status_badge(TICKET_STATUSES, STATUS_STYLES),
        "priority": label_of(PRIORITIES),
    }
    add_form_extra_fields = _form_fields()
    edit_form_extra_fields = _form_fields()
    add_form_query_rel_fields = edit_form_query_rel_fields = {"owner": ACTIVE_USERS}
    description_columns = {
        "status": _l("Closing a ticket records when; reopening it clears that."),
    }
    prepare = staticmethod(support_tickets.prepare)
