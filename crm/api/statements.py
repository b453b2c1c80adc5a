"""GET /api/v1/customer/<id>/statement?from=&to=&format=pdf|xlsx: the statement file.

A resource of its own under the customer's URL, so it carries the "Statement"
permission (Members read it) rather than the customer's.
"""

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import gettext

from crm.downloads import send_download
from crm.models import Customer
from crm.security.masking import LEDGER_AMOUNTS, can_view
from crm.security.roles import METHOD_VERBS
from crm.security.tenancy import get_owned
from crm.services.core.errors import CrmError
from crm.services.statements.files import statement_file
from crm.web.errors import refusal


class StatementApi(BaseApi):
    resource_name = "customer"
    class_permission_name = "Statement"
    method_permission_name = METHOD_VERBS
    allow_browser_login = True
    openapi_spec_tag = "Statements"

    @expose("/<int:customer_pk>/statement", methods=["GET"])
    @protect()
    @safe
    def statement(self, customer_pk):
        """The customer's statement of account as a PDF or Excel file.
        ---
        get:
          parameters:
          - in: path
            name: customer_pk
            schema: {type: integer}
          - in: query
            name: from
            required: true
            schema: {type: string, format: date}
          - in: query
            name: to
            required: true
            schema: {type: string, format: date}
          - in: query
            name: format
            schema: {type: string, enum: [pdf, xlsx], default: pdf}
          responses:
            200:
              description: The statement file
              content:
                application/pdf: {}
                application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: {}
            403: {$ref: '#/components/responses/403'}
            404: {$ref: '#/components/responses/404'}
            422: {$ref: '#/components/responses/422'}
        """
        session = self.appbuilder.session
        customer = get_owned(session, Customer, customer_pk)
        if customer is None:
            return self.response_404()
        if not can_view(LEDGER_AMOUNTS):
            return self.response(
                403,
                message=gettext(
                    "Statements show balances; your role may not see financial figures."
                ),
            )
        try:
            data, mimetype, name, _ = statement_file(
                session,
                customer,
                request.args.get("from"),
                request.args.get("to"),
                request.args.get("format"),
            )
        except CrmError as exc:
            return refusal(exc)
        return send_download(data, name, mimetype)
