"""REST endpoints for payments, allocations nested.

``POST /api/v1/payment/`` records a payment and its allocations in one go
(``{"customer": 7, "amount": "250.00", "payment_date": "2026-03-01", "method": "cheque",
"reference": "...", "allocations": [{"invoice": 12, "amount": "200.00"}]}``);
``POST .../<id>/allocate`` allocates credit, ``.../<id>/unallocate`` removes one invoice's
allocation, ``.../<id>/void`` voids. PUT changes date, amount, method, reference and notes.
Every one calls ``crm.services.ledger.payments``, as the screens do.
"""

from flask import current_app, request
from flask_appbuilder.api import expose, protect, safe
from flask_babel import gettext

from crm.api.base import CrmModelApi
from crm.datamodel.ledger import LedgerInterface
from crm.fields.ledger import PAYMENT
from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.models import Payment
from crm.services.core.errors import CrmError, ValidationFailed
from crm.services.ledger import payments
from crm.web.errors import refusal

READ_COLUMNS = PAYMENT.columns("api_read")
BODY_FIELDS = ("customer", "amount", "payment_date", "method", "reference", "notes", "allocations")


def _json_object():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed({"body": [gettext("Send a JSON object.")]})
    return body


def _date(value, field):
    if inputs.blank(value):
        return None
    try:
        return inputs.date(value)
    except InputInvalid:
        raise ValidationFailed({field: [gettext("Give a date as YYYY-MM-DD.")]}) from None


def _amount(value, field):
    """The body's amount (a JSON number or a plain number as text), read as every form
    reads amounts (crm.i18n.inputs.amount); the payment rules judge its size."""
    try:
        return inputs.amount(value)
    except InputInvalid as exc:
        raise ValidationFailed({field: [str(exc.message)]}) from None


def _allocations(value):
    """[(invoice id, amount)] from ``[{"invoice": id, "amount": ...}]``."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise ValidationFailed(
            {"allocations": [gettext('Give a list of {"invoice": id, "amount": amount} objects.')]}
        )
    return [(row.get("invoice"), _share(row.get("amount"))) for row in value]


def _share(value):
    """An allocation's amount read as ``_amount``; unreadable, its refusal goes on to the
    payment rules, which name the invoice it was meant for."""
    try:
        return inputs.amount(value)
    except InputInvalid as refusal:
        return refusal


def _text(body, field):
    value = body.get(field)
    if value is not None and not isinstance(value, str):
        raise ValidationFailed({field: [gettext("Give this as text.")]})
    return value


def _dump_allocations(payment):
    return [
        {"invoice": {"id": a.invoice_id, "number": a.invoice.number}, "amount": str(a.amount)}
        for a in sorted(payment.allocations, key=lambda a: a.id or 0)
    ]


class PaymentApi(CrmModelApi):
    resource_name = "payment"
    datamodel = LedgerInterface(Payment, after_write=payments.after_write)
    class_permission_name = "Payment"
    label_columns = PAYMENT.labels()
    list_columns = READ_COLUMNS
    show_columns = READ_COLUMNS + ["notes", "voided_at", "created_at"]
    add_columns = ["customer", "amount", "payment_date", "method", "reference", "notes"]
    edit_columns = PAYMENT.columns("edit")
    search_columns = [
        "customer",
        "number",
        "payment_date",
        "amount",
        "method",
        "status",
        "reference",
    ]
    order_columns = ["number", "payment_date", "amount"]
    base_order = ("payment_date", "desc")
    prepare = staticmethod(payments.prepare)
    check_delete = staticmethod(payments.check_delete)

    def response(self, code, **kwargs):
        # A single payment (get, post, put, row actions) carries its allocations and
        # what is left unallocated.
        result = kwargs.get("result")
        if code < 400 and isinstance(result, dict) and "id" in result:
            payment = self.datamodel.get(result["id"], self._base_filters)
            if payment is not None:
                result.update(
                    allocations=_dump_allocations(payment),
                    unallocated=str(payments.unallocated(self.session, payment)),
                )
        return super().response(code, **kwargs)

    def post_headless(self):
        """Record a payment with its allocations (all checked before anything is saved)."""
        try:
            body = _json_object()
            unknown = sorted(set(body) - set(BODY_FIELDS))
            if unknown:
                raise ValidationFailed({name: [gettext("Unknown field.")] for name in unknown})
            errors = {}
            try:
                date = _date(body.get("payment_date"), "payment_date")
            except ValidationFailed as exc:
                errors.update(exc.errors)
                date = None
            try:
                amount = _amount(body.get("amount"), "amount")
            except ValidationFailed as exc:
                errors.update(exc.errors)
            customer = body.get("customer")
            if isinstance(customer, bool) or not isinstance(customer, int):
                errors["customer"] = [gettext("Give the id of the customer who paid.")]
            try:
                for field in ("method", "reference", "notes"):
                    _text(body, field)
                rows = _allocations(body.get("allocations"))
            except ValidationFailed as exc:
                errors.update(exc.errors)
                rows = []
            if errors:
                raise ValidationFailed(errors)
            payment = payments.record_payment(
                self.session,
                customer,
                amount,
                payment_date=date,
                method=body.get("method") or "bank_transfer",
                reference=body.get("reference"),
                notes=body.get("notes"),
                allocations=rows,
                max_allocations=current_app.config["CRM_MAX_ALLOCATIONS"],
            )
        except CrmError as exc:
            return refusal(exc)
        return self.response(201, id=payment.id, result=self.show_model_schema.dump(payment))

    def _row_action(self, pk, operation):
        return self._apply(pk, lambda _session, payment: operation(payment))

    @expose("/<int:pk>/allocate", methods=["POST"])
    @protect()
    @safe
    def allocate(self, pk):
        """Allocate a payment's unallocated credit to open invoices.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    allocations:
                      type: array
                      items:
                        type: object
                        properties: {invoice: {type: integer}, amount: {type: string}}
          responses:
            200: {$ref: '#/components/responses/PaymentApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: The payment is void}
            422: {$ref: '#/components/responses/422'}
        """
        return self._row_action(
            pk,
            lambda payment: payments.allocate(
                self.session,
                payment,
                _allocations(_json_object().get("allocations")),
                max_allocations=current_app.config["CRM_MAX_ALLOCATIONS"],
            ),
        )

    @expose("/<int:pk>/unallocate", methods=["POST"])
    @protect()
    @safe
    def unallocate(self, pk):
        """Remove a payment's allocation to one invoice (``{"invoice": id}``).
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            200: {$ref: '#/components/responses/PaymentApi.record'}
            404: {$ref: '#/components/responses/404'}
            422: {$ref: '#/components/responses/422'}
        """
        return self._row_action(
            pk,
            lambda payment: payments.remove_allocation(
                self.session, payment, _json_object().get("invoice")
            ),
        )

    @expose("/<int:pk>/void", methods=["POST"])
    @protect()
    @safe
    def void(self, pk):
        """Void a payment: it and its allocations stop counting.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            200: {$ref: '#/components/responses/PaymentApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: Already void}
        """
        return self._row_action(pk, lambda payment: payments.void_payment(self.session, payment))
