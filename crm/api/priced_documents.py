"""What the sales order and invoice APIs share: bodies with nested lines, responses
with lines and totals, and status actions whose credit refusals carry the figures."""

from collections.abc import Callable
from decimal import Decimal

from flask import current_app, request
from flask_babel import gettext
from sqlalchemy.orm.exc import StaleDataError

from crm.api.base import CrmModelApi
from crm.security.roles import may_override_credit
from crm.services.core.errors import CrmError, EditConflict, ValidationFailed
from crm.services.ledger.credit_rule import CreditRefused
from crm.services.ledger.document_lines import LINE_FIELDS
from crm.web.errors import refusal

TOTAL_FIELDS = ("subtotal", "discount_total", "tax_total", "total")


def plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def document_json(document, read_fields):
    """A sales order or invoice as JSON: ``read_fields``, totals, customer, payment
    term and lines (amounts as exact strings)."""
    result = {field: plain(getattr(document, field)) for field in read_fields}
    result.update({field: plain(getattr(document, field)) for field in TOTAL_FIELDS})
    result["customer"] = {"id": document.customer_id, "name": document.customer.name}
    term = document.payment_term
    result["payment_term"] = (
        {"id": term.id, "name": term.name, "days": term.days} if term is not None else None
    )
    result["lines"] = [
        {
            "id": line.id,
            "position": line.position,
            **{field: plain(getattr(line, field)) for field in LINE_FIELDS},
            "net_amount": plain(line.net_amount),
            "tax_amount": plain(line.tax_amount),
            "total": plain(line.total),
        }
        for line in document.lines
    ]
    return result


class PricedDocumentApi(CrmModelApi):
    """Subclasses set ``header_fields``, ``read_fields`` (plain columns shown),
    and ``save(session, document, values, lines)``."""

    header_fields: tuple[str, ...] = ()
    read_fields: tuple[str, ...] = ()
    save: Callable[..., object] | None = None

    def document_json(self, document):
        return document_json(document, self.read_fields)

    def _body(self, creating):
        """(header values, lines or None) from the JSON body; unknown keys refused."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ValidationFailed({"body": [gettext("Send a JSON object.")]})
        unknown = set(body) - set(self.header_fields) - {"lines"}
        if unknown:
            raise ValidationFailed(
                {
                    key: [
                        gettext(
                            "Not a field you can set here (statuses change through the actions)."
                        )
                    ]
                    for key in sorted(unknown)
                }
            )
        lines = body.get("lines")
        if creating and lines is None:
            lines = []
        return {k: v for k, v in body.items() if k != "lines"}, lines

    def post_headless(self):
        try:
            values, lines = self._body(creating=True)
            document = self.save(
                self.session,
                self.datamodel.obj(),
                values,
                lines,
                max_lines=current_app.config["CRM_MAX_DOCUMENT_LINES"],
            )
        except CrmError as exc:
            return self._refused(exc)
        return self.response(201, id=document.id, result=self.document_json(document))

    def put_headless(self, pk):
        document = self.datamodel.get(pk, self._base_filters)
        if document is None:
            return self.response_404()
        refused = self.version_refusal(document)
        if refused is not None:
            return refused
        try:
            values, lines = self._body(creating=False)
            self.save(
                self.session,
                document,
                values,
                lines,
                max_lines=current_app.config["CRM_MAX_DOCUMENT_LINES"],
            )
        except CrmError as exc:
            return self._refused(exc)
        except StaleDataError:
            return self._refused(EditConflict())
        return self.tagged(self.response(200, result=self.document_json(document)), pk)

    def get_headless(self, pk, **kwargs):
        document = self.datamodel.get(pk, self._base_filters)
        if document is None:
            return self.response_404()
        return self.tagged(
            self.response(200, id=document.id, result=self.document_json(document)), pk
        )

    def _refused(self, exc):
        # A credit refusal also carries the figures (limit, exposure, shortfall).
        if isinstance(exc, CreditRefused):
            return self.response(exc.status, message=str(exc.message), **exc.figures())
        return refusal(exc)

    def _act(self, pk, operation, credit_checked=False):
        """Run a status action on this tenant's document ``pk``; a credit-checked one
        reads an optional ``{"override_reason": "..."}`` body."""
        document = self.datamodel.get(pk, self._base_filters)
        if document is None:
            return self.response_404()
        body = request.get_json(silent=True) if request.data else {}
        if not isinstance(body, dict):
            return self.response_400(message=gettext("Send a JSON object, or nothing."))
        reason = body.get("override_reason")
        try:
            if reason is not None and not isinstance(reason, str):
                raise ValidationFailed({"override_reason": [gettext("Give the reason as text.")]})
            if credit_checked:
                result = operation(
                    self.session,
                    document,
                    override_reason=reason,
                    may_override=may_override_credit(self.appbuilder.sm),
                )
            else:
                result = operation(self.session, document)
        except CrmError as exc:
            return self._refused(exc)
        document = result if isinstance(result, self.datamodel.obj) else document
        return self.response(200, id=document.id, result=self.document_json(document))
