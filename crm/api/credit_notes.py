"""REST endpoints for credit notes: CRUD of drafts at /api/v1/credit_note/, and
``POST .../<id>/issue`` and ``.../<id>/void`` — the screens' rules (crm.services.ledger.credit_notes)."""

from flask_appbuilder.api import expose, protect, safe

from crm.api.base import CrmModelApi
from crm.datamodel.ledger import LedgerInterface
from crm.fields.ledger import CREDIT_NOTE
from crm.models import CreditNote
from crm.services.ledger import credit_notes

READ_COLUMNS = CREDIT_NOTE.columns("api_read")


class CreditNoteApi(CrmModelApi):
    resource_name = "credit_note"
    datamodel = LedgerInterface(CreditNote, after_write=credit_notes.after_write)
    class_permission_name = "CreditNote"
    label_columns = CREDIT_NOTE.labels()
    list_columns = READ_COLUMNS
    show_columns = READ_COLUMNS + ["notes", "issued_at", "voided_at", "created_at"]
    add_columns = edit_columns = CREDIT_NOTE.columns("form")
    search_columns = ["customer", "invoice", "number", "issue_date", "amount", "status"]
    order_columns = ["number", "issue_date", "amount"]
    base_order = ("issue_date", "desc")
    prepare = staticmethod(credit_notes.prepare)
    check_delete = staticmethod(credit_notes.check_delete)

    def _init_model_schemas(self):
        super()._init_model_schemas()
        for schema in (self.add_model_schema, self.edit_model_schema):
            for name in ("issue_date", "invoice", "notes"):
                schema.fields[name].required = False
                schema.fields[name].allow_none = True

    @expose("/<int:pk>/issue", methods=["POST"])
    @protect()
    @safe
    def issue(self, pk):
        """Issue a draft credit note: it then reduces the customer's balance.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            200: {$ref: '#/components/responses/CreditNoteApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: Not a draft}
            422: {$ref: '#/components/responses/422'}
        """
        return self._apply(pk, credit_notes.issue)

    @expose("/<int:pk>/void", methods=["POST"])
    @protect()
    @safe
    def void(self, pk):
        """Void a credit note: it stops counting.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            200: {$ref: '#/components/responses/CreditNoteApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: Already void}
        """
        return self._apply(pk, credit_notes.void_credit_note)
