"""Invoice screens: list, invoice page with its status actions, add/edit with lines.
Every rule is in ``crm.services.ledger.invoices`` (and ``credit`` for issuing)."""

from flask_appbuilder import expose, has_access
from flask_babel import gettext, lazy_gettext as _l

from crm.fields.ledger import INVOICE, INVOICE_STATUSES
from crm.models import Invoice
from crm.services.ledger import invoices
from crm.views.fields import label_of
from crm.views.ledger.priced_documents import DocumentInterface, PricedDocumentView

HEADER_FIELDS = (
    ("customer", _l("Customer"), "customer"),
    ("number", _l("Number (empty: next free number)"), "text"),
    ("issue_date", _l("Issue date"), "date"),
    ("payment_term", _l("Payment terms"), "term"),
    ("due_date", _l("Due date (empty: from the payment terms)"), "date"),
    ("currency", _l("Currency"), "text"),
    ("billing_address", _l("Billing address"), "textarea"),
    ("tax_number", _l("Tax number"), "text"),
    ("reference", _l("Reference"), "text"),
    ("notes", _l("Notes"), "textarea"),
)


class InvoiceView(PricedDocumentView):
    datamodel = DocumentInterface(Invoice)
    class_permission_name = "Invoice"
    route_base = "/invoices"
    kind = "invoice"
    list_title = _l("Invoices")
    show_title = _l("Invoice")
    add_title = _l("New invoice")
    edit_title = _l("Edit invoice")
    label_columns = INVOICE.labels(short=True)
    list_columns = INVOICE.columns("list")
    search_columns = INVOICE.columns("search")
    order_columns = ["number", "issue_date", "due_date", "status", "total"]
    base_order = ("issue_date", "desc")
    formatters_columns = {"status": label_of(INVOICE_STATUSES)}
    date_column = "issue_date"
    search_placeholder = _l("Search number or reference")
    header_fields = HEADER_FIELDS
    status_labels = INVOICE_STATUSES
    service = invoices
    save = staticmethod(invoices.save_invoice)
    check_delete = staticmethod(invoices.check_delete)

    def info_rows(self, invoice):
        optional = (
            "payment_term",
            "sales_order",
            "tax_number",
            "reference",
            "billing_address",
            "notes",
        )
        return [
            (INVOICE.label(name), getattr(invoice, name))
            for name in ("customer", "issue_date", "due_date")
        ] + [(INVOICE.label(name), getattr(invoice, name) or "") for name in optional]

    def actions_of(self, invoice):
        actions = []
        if invoice.status == "draft":
            actions.append(("issue", _l("Issue invoice"), "primary", True))
        if invoice.status in invoices.VOIDABLE:
            actions.append(("void", _l("Void invoice"), "danger", False))
        return actions

    @expose("/issue/<int:pk>", methods=["POST"])
    @has_access
    def issue(self, pk):
        return self._act(
            pk, invoices.issue_invoice, gettext("%(number)s is issued."), credit_action="issue"
        )

    @expose("/void/<int:pk>", methods=["POST"])
    @has_access
    def void(self, pk):
        return self._act(pk, invoices.void_invoice, gettext("%(number)s is void."))
