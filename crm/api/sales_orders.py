"""REST endpoints for sales orders: CRUD at /api/v1/sales_order/ (lines nested in body
and response) and the actions confirm, ship, cancel and invoice (POST .../<id>/<action>)."""

from flask_appbuilder.api import expose, protect, safe

from crm.api.invoices import InvoiceApi
from crm.api.priced_documents import PricedDocumentApi, document_json
from crm.datamodel.interface import CrmInterface
from crm.fields.ledger import SALES_ORDER
from crm.models import SalesOrder
from crm.services.core.errors import CrmError
from crm.services.ledger import invoices, sales_orders


class SalesOrderApi(PricedDocumentApi):
    resource_name = "sales_order"
    datamodel = CrmInterface(SalesOrder)
    class_permission_name = "SalesOrder"
    label_columns = SALES_ORDER.labels(["number", "order_date", "status", "total"])
    list_columns = [
        "id",
        "number",
        "customer.id",
        "customer.name",
        "order_date",
        "status",
        "currency",
        "total",
    ]
    show_columns = list_columns
    add_columns = ["number", "order_date", "reference", "notes"]
    edit_columns = add_columns
    search_columns = ["number", "status", "customer", "order_date", "total"]
    order_columns = ["number", "order_date", "status", "total"]
    base_order = ("order_date", "desc")
    header_fields = sales_orders.HEADER_FIELDS
    read_fields = (
        "id",
        "number",
        "status",
        "order_date",
        "currency",
        "discount_rate",
        "billing_address",
        "shipping_address",
        "reference",
        "notes",
        "confirmed_at",
        "created_at",
        "updated_at",
    )
    save = staticmethod(sales_orders.save_order)
    check_delete = staticmethod(sales_orders.check_delete)

    @expose("/<int:pk>/confirm", methods=["POST"])
    @protect()
    @safe
    def confirm(self, pk):
        """Confirm a quote (credit checked; an Admin may send
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
            200: {$ref: '#/components/responses/SalesOrderApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: "Refused by the document's status or credit, with the reason"}
            422: {$ref: '#/components/responses/422'}
        """
        return self._act(pk, sales_orders.confirm_order, credit_checked=True)

    @expose("/<int:pk>/ship", methods=["POST"])
    @protect()
    @safe
    def ship(self, pk):
        """Mark a pending order shipped.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            200: {$ref: '#/components/responses/SalesOrderApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: "Refused by the document's status or credit, with the reason"}
            422: {$ref: '#/components/responses/422'}
        """
        return self._act(pk, sales_orders.ship_order)

    @expose("/<int:pk>/cancel", methods=["POST"])
    @protect()
    @safe
    def cancel(self, pk):
        """Cancel a quote, pending or shipped order.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            200: {$ref: '#/components/responses/SalesOrderApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: "Refused by the document's status or credit, with the reason"}
            422: {$ref: '#/components/responses/422'}
        """
        return self._act(pk, sales_orders.cancel_order)

    @expose("/<int:pk>/invoice", methods=["POST"])
    @protect()
    @safe
    def invoice(self, pk):
        """Make a draft invoice from the order; answers 201 with the invoice.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            201: {$ref: '#/components/responses/InvoiceApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: "Refused by the document's status or credit, with the reason"}
            422: {$ref: '#/components/responses/422'}
        """
        order = self.datamodel.get(pk, self._base_filters)
        if order is None:
            return self.response_404()
        try:
            made = invoices.invoice_from_order(self.session, order)
        except CrmError as exc:
            return self._refused(exc)
        return self.response(201, id=made.id, result=document_json(made, InvoiceApi.read_fields))
