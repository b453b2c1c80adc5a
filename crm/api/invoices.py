"""REST endpoints for invoices: CRUD at /api/v1/invoice/ (lines nested in body and
response) and the actions issue and void (POST .../<id>/<action>)."""

from flask_appbuilder.api import expose, protect, safe

from crm.api.priced_documents import PricedDocumentApi
from crm.datamodel.interface import CrmInterface
from crm.fields.ledger import INVOICE
from crm.models import Invoice
from crm.services.ledger import invoices


class InvoiceApi(PricedDocumentApi):
    resource_name = "invoice"
    datamodel = CrmInterface(Invoice)
    class_permission_name = "Invoice"
    label_columns = INVOICE.labels(["number", "issue_date", "due_date", "status", "total"])
    list_columns = [
        "id",
        "number",
        "customer.id",
        "customer.name",
        "issue_date",
        "due_date",
        "status",
        "currency",
        "total",
        "amount_paid",
        "sales_order.id",
        "sales_order.number",
    ]
    show_columns = list_columns
    add_columns = ["number", "issue_date", "reference", "notes"]
    edit_columns = add_columns
    search_columns = [
        "search_text",
        "number",
        "status",
        "customer",
        "issue_date",
        "due_date",
        "total",
    ]
    order_columns = ["number", "issue_date", "due_date", "status", "total"]
    base_order = ("issue_date", "desc")
    header_fields = invoices.HEADER_FIELDS
    read_fields = (
        "id",
        "number",
        "status",
        "issue_date",
        "due_date",
        "currency",
        "billing_address",
        "tax_number",
        "reference",
        "notes",
        "amount_paid",
        "amount_due",
        "sales_order_id",
        "issued_at",
        "voided_at",
        "created_at",
        "updated_at",
    )
    save = staticmethod(invoices.save_invoice)
    check_delete = staticmethod(invoices.check_delete)

    @expose("/<int:pk>/issue", methods=["POST"])
    @protect()
    @safe
    def issue(self, pk):
        """Issue a draft (credit checked; an Admin may send
        {"override_reason": "..."} to override a refusal).
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    override_reason: {type: string}
          responses:
            200: {$ref: '#/components/responses/InvoiceApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: "Refused by the document's status or credit, with the reason"}
            422: {$ref: '#/components/responses/422'}
        """
        return self._act(pk, invoices.issue_invoice, credit_checked=True)

    @expose("/<int:pk>/void", methods=["POST"])
    @protect()
    @safe
    def void(self, pk):
        """Void a draft or issued invoice nothing is allocated or credited to.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            200: {$ref: '#/components/responses/InvoiceApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: "Refused by the document's status or credit, with the reason"}
            422: {$ref: '#/components/responses/422'}
        """
        return self._act(pk, invoices.void_invoice)
