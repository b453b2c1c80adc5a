"""Base class for CRM REST APIs: tenant-scoped, role-checked, service-validated.

Service errors become JSON 4xx answers naming the field; nothing reaches a 500.
A versioned record's GET answers with an ETag (its version); PUT honours If-Match
(412 when it no longer matches) and a body ``version`` (409), see README.
"""

import sys
from datetime import UTC

from flask import request
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.api.convert import Model2SchemaConverter
from flask_appbuilder.exceptions import (
    InvalidColumnFilterFABException,
    InvalidOrderByColumnFABException,
)
from flask_babel import gettext
from marshmallow import fields
from sqlalchemy import inspect
from werkzeug.exceptions import BadRequest

from crm.api.list_args import ListArgsError, merged_list_args
from crm.datamodel.interface import CrmInterface
from crm.datamodel.service_hooks import ServiceHooks
from crm.models.base import is_versioned
from crm.security.masking import mask_dump, masked_columns
from crm.security.roles import METHOD_VERBS
from crm.security.scoping import TENANT_FILTERS
from crm.services.core.errors import CHANGED_MEANWHILE, CrmError, EditConflict, ValidationFailed
from crm.services.core.versions import is_stale, version_of
from crm.web.errors import busy, database_busy, json_answer, refusal
from crm.web.request_input import is_record_id


class UtcDateTime(fields.DateTime):
    """A moment with its offset, as the document's ``date-time`` says: every DateTime
    column holds UTC, which SQLite hands back without an offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class CrmSchemaConverter(Model2SchemaConverter):
    """Fields the model may leave empty (defaults, generated codes) are optional in bodies;
    moments are sent with their offset."""

    def _column2field(self, datamodel, column, nested=True, parent_schema_name=None):
        field = super()._column2field(datamodel, column, nested, parent_schema_name)
        if not datamodel.is_relation(column.name) and datamodel.is_nullable(column.name):
            field.required = False
        if type(field) is fields.DateTime:
            # The field as FAB built it (validators, dump_only, defaults), serialised in UTC.
            field.__class__ = UtcDateTime
        return field


class CrmModelApi(ServiceHooks, ModelRestApi):
    base_filters = TENANT_FILTERS
    method_permission_name = METHOD_VERBS
    allow_browser_login = True
    model2schemaconverter = CrmSchemaConverter

    def _init_properties(self):
        super()._init_properties()
        self.add_columns = [c for c in self.add_columns if c != "version"]
        self.edit_columns = [c for c in self.edit_columns if c != "version"]
        if self.versioned and "version" not in self.show_columns:
            self.show_columns = [*self.show_columns, "version"]

    @property
    def versioned(self):
        return is_versioned(self.datamodel.obj)

    def tagged(self, answer, pk):
        """``answer`` with the record's version as its ETag."""
        if answer.status_code == 200 and self.versioned:
            row = self.datamodel.get(pk, self._base_filters)
            if row is not None:
                answer.set_etag(version_of(row))
        return answer

    def version_refusal(self, row):
        """The answer refusing a PUT based on an older version of ``row``, else None.

        ``If-Match`` (the ETag of a GET) answers 412; a body ``version`` 409. The body's
        ``version`` is taken out either way: a client never sets it."""
        try:
            body = request.get_json() if request.is_json else None
        except BadRequest:
            body = None
        sent = body.pop("version", None) if isinstance(body, dict) else None
        if row is None or not self.versioned:
            return None
        current = version_of(row)
        if (
            request.if_match
            and not request.if_match.star_tag
            and not request.if_match.contains(current)
        ):
            return self.response(412, message=str(CHANGED_MEANWHILE))
        if is_stale(sent, current):
            return refusal(EditConflict())
        return None

    def get_headless(self, pk, **kwargs):
        return self.tagged(super().get_headless(pk, **kwargs), pk)

    def response_500(self, message=None):
        # The framework answers every exception of an endpoint with 500; a database busy
        # with another writer is a refusal the client can send again.
        if database_busy(sys.exc_info()[1]):
            return busy()
        return super().response_500(message)

    def response(self, code, **kwargs):
        # Every answer carrying records (get, list, add, edit, row actions) masks the
        # financial figures the caller may not see, nested records' included.
        if code < 400 and "result" in kwargs:
            mask_dump(self.datamodel.obj, kwargs["result"])
        return super().response(code, **kwargs)

    def get_list_headless(self, **kwargs):
        try:
            kwargs["rison"] = merged_list_args(kwargs.get("rison"))
        except ListArgsError as exc:
            return self.response_400(message=str(exc))
        return super().get_list_headless(**kwargs)

    # Sorting or filtering by a figure the caller may not see would reveal it.
    def _handle_order_args(self, rison_args):
        order_column, order_direction = super()._handle_order_args(rison_args)
        if order_column in masked_columns(self.datamodel.obj.__name__):
            raise InvalidOrderByColumnFABException(
                f"Ordering by {order_column} needs the permission to view financials"
            )
        return order_column, order_direction

    def _handle_filters_args(self, rison_args):
        hidden = masked_columns(self.datamodel.obj.__name__)
        for item in rison_args.get("filters", []) if hidden else ():
            if isinstance(item, dict) and item.get("col") in hidden:
                raise InvalidColumnFilterFABException(
                    f"Filtering by {item['col']} needs the permission to view financials"
                )
        return super()._handle_filters_args(rison_args)

    def _apply(self, pk, operation):
        """Run ``operation(session, row)`` on this tenant's row ``pk``: 404 when there is
        none, the service's refusal as JSON, else the row as it now reads."""
        row = self.datamodel.get(pk, self._base_filters)
        if row is None:
            return self.response_404()
        try:
            operation(self.session, row)
        except CrmError as exc:
            return refusal(exc)
        return self.response(200, result=self.show_model_schema.dump(row))

    def _check_reference_shapes(self):
        """Related records are named by id: the schema loader would try to build a record
        from an object sent in an id's place and fail with a server error."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return
        errors = {}
        for rel in inspect(self.datamodel.obj).relationships:
            if rel.key not in body:
                continue
            value = body[rel.key]
            values = value if rel.uselist and isinstance(value, list) else [value]
            if not all(v is None or is_record_id(v) for v in values):
                errors[rel.key] = [gettext("Give the id of a record.")]
        if errors:
            raise ValidationFailed(errors)

    def post_headless(self):
        if not request.is_json:
            return json_answer(415)
        try:
            self._check_reference_shapes()
            return super().post_headless()
        except CrmError as exc:
            return refusal(exc)

    def put_headless(self, pk):
        if not request.is_json:
            return json_answer(415)
        refused = self.version_refusal(self.datamodel.get(pk, self._base_filters))
        if refused is not None:
            return refused
        try:
            self._check_reference_shapes()
            return self.tagged(super().put_headless(pk), pk)
        except CrmError as exc:
            return refusal(exc)

    def delete_headless(self, pk):
        try:
            return super().delete_headless(pk)
        except CrmError as exc:
            return refusal(exc)

    def _check_references(self, item):
        """Ids in the body must name existing rows of this tenant.

        For an unknown id the schema loader builds a blank new object instead of
        failing; that would insert rows or break on constraints, so refuse it here.
        """
        errors = {}
        for rel in inspect(type(item)).relationships:
            if rel.direction.name != "MANYTOONE" and rel.secondary is None:
                continue
            value = getattr(item, rel.key)
            targets = value if rel.uselist else [value]
            if any(t is not None and not inspect(t).persistent for t in targets):
                errors[rel.key] = [gettext("No such record.")]
        if errors:
            raise ValidationFailed(errors)

    def before_save(self, item):
        self._check_references(item)
        super().before_save(item)


def interface(model):
    return CrmInterface(model)
