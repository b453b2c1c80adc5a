"""A customer's page draws its header and Details tab; each other tab (a related list, the
activity timeline) is a fragment of its own that static/customer_tabs.js fetches when the
tab is first shown, so a customer with thousands of rows opens as fast as one with none."""

from flask import abort
from flask_appbuilder import expose, has_access
from flask_appbuilder.urltools import get_order_args, get_page_args, get_page_size_args
from flask_babel import lazy_gettext as _l

from crm.security.roles import METHOD_VERBS
from crm.services.insight import timeline

TIMELINE = "Timeline"
DETAILS = "Home"
CUSTOM_FIELDS = "CustomFields"
# The page's tabs in groups: (key, label, tabs); a tab is a related view's class name or
# one of the page's own panes above. Every tab is in exactly one group.
TAB_GROUPS = (
    ("overview", _l("Overview"), (DETAILS, CUSTOM_FIELDS)),
    ("people", _l("People and places"), ("ContactView", "AddressView", "PlantView")),
    ("sales", _l("Sales"), ("DealView", "SalesOrderView", "ContractView")),
    (
        "money",
        _l("Money"),
        ("InvoiceView", "PaymentView", "CreditNoteView", "BankAccountView", "TaxRegistrationView"),
    ),
    ("documents", _l("Documents"), ("DocumentView", "NoteView")),
    ("activity", _l("Activity"), ("InteractionView", "TaskView", "SupportTicketView", TIMELINE)),
)
OWN_TAB_LABELS = {
    DETAILS: _l("Details"),
    CUSTOM_FIELDS: _l("Custom fields"),
    TIMELINE: _l("All activity"),
}


def tab_groups(related_views):
    """``TAB_GROUPS`` for the page: (key, label, [(tab, its label)]) of the tabs it has."""
    labels = {type(view).__name__: view.list_title for view in related_views}
    labels.update(OWN_TAB_LABELS)
    return [
        (key, label, [(tab, labels[tab]) for tab in tabs if tab in labels])
        for key, label, tabs in TAB_GROUPS
    ]


class CustomerTabs:
    """Mixed into CustomerView, before FAB's ModelView."""

    method_permission_name = {**METHOD_VERBS, "tab": "read"}

    @expose("/tab/<int:pk>/<name>", methods=["GET"])
    @has_access
    def tab(self, pk, name):
        """One tab of the customer's page: ``name`` is a related view's class name or
        ``Timeline``; a related list's paging and sorting arguments are the page's own."""
        customer = self._get_customer(pk)
        if name == TIMELINE:
            return self.render_template(
                "crm/timeline.html", timeline=timeline.for_record(self.session, customer)
            )
        view = next((v for v in self._related_views if type(v).__name__ == name), None)
        if view is None:
            abort(404)
        order_column, order_direction = get_order_args().get(name) or ("", "")
        widget = self._get_related_view_widget(
            customer,
            view,
            order_column,
            order_direction,
            page=get_page_args().get(name),
            page_size=get_page_size_args().get(name),
        )
        _without_parent_column(widget, view.datamodel.get_related_fk(self.datamodel.obj))
        return self.render_template("crm/customer_tab.html", pk=pk, view=view, widget=widget)


def _without_parent_column(widget, fk):
    """Every row of a tab belongs to the customer whose page it is: no column says so."""
    columns = widget.template_args["include_columns"]
    widget.template_args["include_columns"] = [
        c for c in columns if c != fk and not c.startswith(f"{fk}.")
    ]
