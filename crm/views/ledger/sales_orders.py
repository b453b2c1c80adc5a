"""Sales order screens: list, order page with its status actions, add/edit with lines.
Every rule is in ``crm.services.ledger.sales_orders`` (and ``credit`` for confirmation)."""

from flask import flash, redirect, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext, lazy_gettext as _l

from crm.fields.ledger import ORDER_STATUSES, SALES_ORDER
from crm.models import SalesOrder
from crm.services.core.errors import CrmError
from crm.services.ledger import invoices, sales_orders
from crm.views.base import flash_error
from crm.views.fields import label_of
from crm.views.ledger.priced_documents import DocumentInterface, PricedDocumentView

HEADER_FIELDS = (
    ("customer", _l("Customer"), "customer"),
    ("number", _l("Number (empty: next free number)"), "text"),
    ("order_date", _l("Order date"), "date"),
    ("currency", _l("Currency"), "text"),
    ("discount_rate", _l("Discount % (default for new lines)"), "text"),
    ("payment_term", _l("Payment terms"), "term"),
    ("billing_address", _l("Billing address"), "textarea"),
    ("shipping_address", _l("Shipping address"), "textarea"),
    ("reference", _l("Customer reference"), "text"),
    ("notes", _l("Notes"), "textarea"),
)


class SalesOrderView(PricedDocumentView):
    datamodel = DocumentInterface(SalesOrder)
    class_permission_name = "SalesOrder"
    route_base = "/sales_orders"
    kind = "order"
    # Also the title of the customer page's tab: the order history.
    list_title = _l("Orders")
    show_title = _l("Sales order")
    add_title = _l("New sales order")
    edit_title = _l("Edit sales order")
    label_columns = SALES_ORDER.labels(short=True)
    list_columns = SALES_ORDER.columns("list")
    search_columns = SALES_ORDER.columns("search")
    order_columns = ["number", "order_date", "status", "total"]
    base_order = ("order_date", "desc")
    formatters_columns = {"status": label_of(ORDER_STATUSES)}
    date_column = "order_date"
    header_fields = HEADER_FIELDS
    status_labels = ORDER_STATUSES
    service = sales_orders
    save = staticmethod(sales_orders.save_order)
    check_delete = staticmethod(sales_orders.check_delete)

    def info_rows(self, order):
        label = SALES_ORDER.label
        return [
            (label("customer"), order.customer),
            (label("order_date"), order.order_date),
            (label("payment_term"), order.payment_term or ""),
            (_l("Customer reference"), order.reference or ""),
            (label("billing_address"), order.billing_address or ""),
            (label("shipping_address"), order.shipping_address or ""),
            (label("notes"), order.notes or ""),
        ]

    def actions_of(self, order):
        """(endpoint, label, style, credit-checked) of the actions the status allows."""
        actions = []
        if order.status == "quote":
            actions.append(("confirm", _l("Confirm order"), "primary", True))
        if order.status == "pending":
            actions.append(("ship", _l("Mark shipped"), "default", False))
        if order.status in ("pending", "shipped", "invoiced"):
            actions.append(("invoice", _l("Create invoice"), "default", False))
        if order.status in sales_orders.CANCELLABLE:
            actions.append(("cancel", _l("Cancel order"), "danger", False))
        return actions

    @expose("/confirm/<int:pk>", methods=["POST"])
    @has_access
    def confirm(self, pk):
        return self._act(
            pk,
            sales_orders.confirm_order,
            gettext("%(number)s is confirmed."),
            credit_action="confirm",
        )

    @expose("/ship/<int:pk>", methods=["POST"])
    @has_access
    def ship(self, pk):
        return self._act(pk, sales_orders.ship_order, gettext("%(number)s is shipped."))

    @expose("/cancel/<int:pk>", methods=["POST"])
    @has_access
    def cancel(self, pk):
        return self._act(pk, sales_orders.cancel_order, gettext("%(number)s is cancelled."))

    @expose("/invoice/<int:pk>", methods=["POST"])
    @has_access
    def invoice(self, pk):
        """Create invoice: a draft with the order's lines, opened for review."""
        order = self._document(pk)
        try:
            made = invoices.invoice_from_order(self.session, order)
        except CrmError as exc:
            flash_error(exc)
            return redirect(url_for(".show", pk=pk))
        flash(
            gettext(
                "Draft invoice %(number)s made from %(order)s.",
                number=made.number,
                order=order.number,
            ),
            "success",
        )
        return redirect(url_for("InvoiceView.show", pk=made.id))
