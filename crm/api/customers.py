"""REST endpoints for customers and their parts."""

from flask import current_app, g, request
from flask_appbuilder.api import expose, protect, safe
from flask_babel import gettext

from crm.api.base import CrmModelApi
from crm.api.financials import HiddenFinancialsApiMixin
from crm.datamodel.customer_filters import CustomerInterface, check_filters
from crm.datamodel.interface import CrmInterface
from crm.downloads import send_download
from crm.fields.customers import CUSTOMER
from crm.fields.parts import ADDRESS, BANK_ACCOUNT, CONTACT, NOTE, PLANT, TAX_REGISTRATION
from crm.models import (
    Address,
    BankAccount,
    Contact,
    Customer,
    CustomFieldValue,
    Document,
    Note,
    Plant,
    TaxRegistration,
)
from crm.security.tenancy import current_tenant_id, current_user_id, get_owned
from crm.services.core.errors import CrmError, ValidationFailed
from crm.services.core.validation import FieldInvalid
from crm.services.customers import (
    addresses,
    bank_accounts,
    contacts,
    custom_fields,
    customers as customer_rules,
    documents,
    entry,
    notes,
    plants,
    tax_registrations,
)
from crm.services.settings.tags import tags_named
from crm.web.errors import refusal

PART_DESCRIPTIONS = {
    entry.CONTACT_PART: "The customer's primary contact, saved with it.",
    "billing_address": "The customer's billing address, saved with it.",
    "shipping_address": "A shipping address, saved with the customer.",
}


def _part_schema(part):
    return {
        "type": "object",
        "nullable": True,
        "description": PART_DESCRIPTIONS[part],
        "properties": {key: {"type": "string"} for key in entry.PARTS[part]},
        "additionalProperties": False,
    }


class CustomerApi(HiddenFinancialsApiMixin, CrmModelApi):
    """Customers. Besides FAB's filters, the list takes the money filters of
    crm.datamodel.customer_filters: ``(col:balance,opr:balance_is,value:credit|overdue|over_limit)``,
    ``(col:last_order_date,opr:order_from|order_until,value:'YYYY-MM-DD')``,
    ``(col:credit_hold,opr:eq,value:!t)``,
    ``(col:health_band,opr:health_band_is,value:healthy|watch|at_risk)``; balances are masked,
    and the balance filters and sorts by masked columns refused, for callers who may not see financials.
    A create may also carry the primary contact and the billing and shipping addresses
    (``post_parts``), saved with the customer or not at all (crm.services.customers.entry)."""

    resource_name = "customer"
    datamodel = CustomerInterface(Customer, after_write=tax_registrations.from_customer)
    class_permission_name = "Customer"
    label_columns = CUSTOMER.labels()
    list_columns = [
        "id",
        "code",
        "name",
        "kind",
        "email",
        "phone",
        "city",
        "country",
        "balance",
        "order_total",
        "last_order_date",
        "is_active",
        "health_score",
        "health_band",
    ]
    show_columns = CUSTOMER.columns("api_read")
    add_columns = edit_columns = CUSTOMER.columns("form")
    search_columns = [
        "search_text",
        "name",
        "email",
        "code",
        "kind",
        "segment",
        "region",
        "customer_group",
        "tags",
        "payment_term",
        "is_active",
        "country",
        "balance",
        "last_order_date",
        "credit_hold",
        "health_band",
    ]
    order_columns = [
        "name",
        "code",
        "email",
        "balance",
        "created_at",
        "city",
        "order_total",
        "last_order_date",
    ]
    base_order = ("name", "asc")
    prepare = staticmethod(customer_rules.prepare)
    check_delete = staticmethod(customer_rules.check_delete)
    post_parts = {part: _part_schema(part) for part in entry.PARTS}
    request_fields = {
        "tags": {
            "type": "array",
            "description": "The customer's tags, each by id or by name. A name is matched in "
            "any case; a name the tenant has no tag of makes a new tag, saved with the customer.",
            "items": {"oneOf": [{"type": "integer"}, {"type": "string", "maxLength": 60}]},
            "example": [3, "Key account"],
        }
    }

    def post_headless(self):
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            try:
                g.crm_entry_parts = entry.read_parts(body)
                self._read_tags(body)
            except CrmError as exc:
                return refusal(exc)
            for part in entry.PARTS:  # the record's schema knows the customer's own fields
                body.pop(part, None)
        return super().post_headless()

    def put_headless(self, pk):
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            try:
                self._read_tags(body)
            except CrmError as exc:
                return refusal(exc)
        return super().put_headless(pk)

    def _read_tags(self, body):
        """The tags named in the body, by id or by name (a new name makes a tag, as typing
        it on the form does), kept for before_save; the record's schema reads ids only."""
        if "tags" not in body:
            return
        chosen = body.pop("tags")
        if not isinstance(chosen, list):
            raise ValidationFailed({"tags": [gettext("Give a list of tag ids or names.")]})
        try:
            g.crm_tags = tags_named(self.session, current_tenant_id(), chosen)
        except FieldInvalid as exc:
            raise ValidationFailed({"tags": [str(exc.args[0])]}) from exc

    def before_save(self, item):
        if item.id is None:
            self._check_references(item)
            entry.attach(self.session, item, g.pop("crm_entry_parts", {}))
        else:
            super().before_save(item)
        if "crm_tags" in g:  # after the reference check: a new tag is saved with the record
            item.tags = g.pop("crm_tags")

    def _owned(self, pk):
        return self.datamodel.get(pk, self._base_filters)

    def _handle_filters_args(self, rison_args):
        filters = super()._handle_filters_args(rison_args)
        check_filters(filters)  # bad values and balance filters callers may not use: 400
        return filters

    @expose("/<int:pk>/archive", methods=["POST"])
    @protect()
    @safe
    def archive(self, pk):
        """Archive a customer: hidden from pickers and default lists, history kept.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200: {$ref: '#/components/responses/CustomerApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: Already archived}
        """
        return self._apply(pk, customer_rules.archive)

    @expose("/<int:pk>/restore", methods=["POST"])
    @protect()
    @safe
    def restore(self, pk):
        """Restore an archived customer.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200: {$ref: '#/components/responses/CustomerApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: Not archived}
        """
        return self._apply(pk, customer_rules.restore)

    @expose("/<int:pk>/clone", methods=["POST"])
    @protect()
    @safe
    def clone(self, pk):
        """Copy a customer's profile, contacts, addresses, plants and tags under a new email.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    email: {type: string}
                    name: {type: string}
                  required: [email]
          responses:
            201: {$ref: '#/components/responses/CustomerApi.record'}
            404: {$ref: '#/components/responses/404'}
            422: {$ref: '#/components/responses/422'}
        """
        source = self._owned(pk)
        if source is None:
            return self.response_404()
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Request is not a JSON object")
        try:
            copy = customer_rules.clone(self.session, source, body.get("name"), body.get("email"))
        except CrmError as exc:
            return refusal(exc)
        return self.response(201, id=copy.id, result=self.show_model_schema.dump(copy))

    @expose("/<int:pk>/custom_fields", methods=["PUT"])
    @protect()
    @safe
    def custom_fields(self, pk):
        """Set custom field values: a JSON object of field key to value.
        ---
        put:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          requestBody:
            content:
              application/json:
                schema: {type: object}
          responses:
            200:
              description: The customer's custom field values by field name
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result: {type: object}
            404: {$ref: '#/components/responses/404'}
            422: {$ref: '#/components/responses/422'}
        """
        customer = self._owned(pk)
        if customer is None:
            return self.response_404()
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Request is not a JSON object")
        try:
            custom_fields.save_values(self.session, customer, body)
        except CrmError as exc:
            return refusal(exc)
        defs = {d.id: d.name for d in custom_fields.active_definitions(self.session)}
        return self.response(
            200,
            result={
                defs[k]: v
                for k, v in custom_fields.values_of(self.session, customer).items()
                if k in defs
            },
        )


class ContactApi(CrmModelApi):
    resource_name = "contact"
    datamodel = CrmInterface(Contact, after_delete=contacts.keep_a_primary)
    class_permission_name = "Contact"
    list_columns = show_columns = [
        "id",
        "customer.id",
        "customer.name",
        "name",
        "role",
        "email",
        "phone",
        "is_primary",
    ]
    add_columns = edit_columns = CONTACT.columns("form")
    search_columns = ["search_text", "customer", "name", "email", "is_primary"]
    prepare = staticmethod(contacts.prepare)


class AddressApi(CrmModelApi):
    resource_name = "address"
    datamodel = CrmInterface(
        Address,
        after_write=addresses.refresh_location_of,
        after_delete=addresses.refresh_location_of,
    )
    class_permission_name = "Address"
    list_columns = show_columns = [
        "id",
        "customer.id",
        "kind",
        "line1",
        "line2",
        "postal_code",
        "city",
        "state",
        "country",
        "is_default",
    ]
    add_columns = edit_columns = ADDRESS.columns("form")
    search_columns = ["customer", "kind", "city", "country"]
    prepare = staticmethod(addresses.prepare)


class PlantApi(CrmModelApi):
    resource_name = "plant"
    datamodel = CrmInterface(Plant)
    class_permission_name = "Plant"
    list_columns = show_columns = [
        "id",
        "customer.id",
        "name",
        "code",
        "line1",
        "postal_code",
        "city",
        "country",
        "contact_name",
        "phone",
        "notes",
        "is_active",
    ]
    add_columns = edit_columns = PLANT.columns("form")
    search_columns = ["customer", "name", "city", "country"]
    prepare = staticmethod(plants.prepare)


class BankAccountApi(HiddenFinancialsApiMixin, CrmModelApi):
    resource_name = "bank_account"
    datamodel = CrmInterface(BankAccount)
    class_permission_name = "BankAccount"
    list_columns = show_columns = [
        "id",
        "customer.id",
        "bank_name",
        "account_holder",
        "account_number",
        "swift_bic",
        "currency",
        "is_default",
    ]
    add_columns = edit_columns = BANK_ACCOUNT.columns("form")
    search_columns = ["customer", "bank_name"]
    prepare = staticmethod(bank_accounts.prepare)


class TaxRegistrationApi(CrmModelApi):
    resource_name = "tax_registration"
    datamodel = CrmInterface(
        TaxRegistration,
        after_write=tax_registrations.after_write,
        after_delete=tax_registrations.after_delete,
    )
    class_permission_name = "TaxRegistration"
    list_columns = show_columns = ["id", "customer.id", "regime", "number", "for_invoices"]
    add_columns = edit_columns = TAX_REGISTRATION.columns("form")
    search_columns = ["customer", "regime", "number", "for_invoices"]
    base_order = ("regime", "asc")
    prepare = staticmethod(tax_registrations.prepare)


class NoteApi(CrmModelApi):
    resource_name = "note"
    datamodel = CrmInterface(Note)
    class_permission_name = "Note"
    list_columns = show_columns = ["id", "customer.id", "body", "author.username", "created_at"]
    add_columns = edit_columns = NOTE.columns("form")
    search_columns = ["customer", "body"]
    base_order = ("created_at", "desc")
    prepare = staticmethod(notes.prepare)


class DocumentApi(CrmModelApi):
    """Documents: metadata as JSON; upload as multipart to POST /; bytes from /<pk>/file."""

    resource_name = "document"
    datamodel = CrmInterface(Document)
    class_permission_name = "Document"
    list_columns = show_columns = [
        "id",
        "customer.id",
        "filename",
        "content_type",
        "size",
        "description",
        "uploaded_by.username",
        "uploaded_at",
    ]
    search_columns = ["customer", "filename"]
    include_route_methods = {"get", "get_list", "info", "delete", "upload", "file"}

    def post_delete(self, item):
        documents.forget_file(current_app.config, item)

    @expose("/upload", methods=["POST"])
    @protect()
    @safe
    def upload(self):
        """Upload a file for a customer (multipart: customer, file, description).
        ---
        post:
          requestBody:
            content:
              multipart/form-data:
                schema:
                  type: object
                  properties:
                    customer: {type: integer}
                    description: {type: string}
                    file: {type: string, format: binary}
          responses:
            201: {$ref: '#/components/responses/DocumentApi.record'}
            404: {$ref: '#/components/responses/404'}
            422: {$ref: '#/components/responses/422'}
        """
        customer = get_owned(self.session, Customer, request.form.get("customer"))
        if customer is None:
            return self.response_404()
        upload = request.files.get("file")
        if upload is None:
            return self.response(422, message={"file": ["Choose a file to upload."]})
        try:
            document = documents.store(
                self.session,
                current_app.config,
                customer,
                upload,
                request.form.get("description"),
                current_user_id(),
            )
        except CrmError as exc:
            return refusal(exc)
        return self.response(201, id=document.id, result=self.show_model_schema.dump(document))

    @expose("/<int:pk>/file", methods=["GET"])
    @protect()
    @safe
    def file(self, pk):
        """Download the document's bytes.
        ---
        get:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200:
              description: The file, in its own content type
              content:
                '*/*':
                  schema: {type: string, format: binary}
            404: {$ref: '#/components/responses/404'}
        """
        document = self.datamodel.get(pk, self._base_filters)
        if document is None:
            return self.response_404()
        try:
            body = documents.open_file(current_app.config, document)
        except FileNotFoundError:
            return self.response_404()
        return send_download(
            body, document.filename, document.content_type, etag=document.storage_key
        )


class CustomFieldValueApi(CrmModelApi):
    resource_name = "custom_field_value"
    datamodel = CrmInterface(CustomFieldValue)
    class_permission_name = "CustomFieldValue"
    list_columns = show_columns = ["id", "customer.id", "definition.id", "definition.name", "value"]
    search_columns = ["customer", "definition"]
    include_route_methods = {"get", "get_list", "info"}
