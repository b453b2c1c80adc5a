"""The lists' saved views over REST: the user's own and the tenant's shared views of a
list, create, change, delete, and the user's default view of a list. Same rules as the
screens (crm.services.saved_views)."""

from urllib.parse import urlencode

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields

from crm.datamodel.interface import CrmInterface
from crm.models import SavedView
from crm.security.roles import METHOD_VERBS, may_delete_shared_views, may_share_views
from crm.security.tenancy import current_user_id
from crm.services.core.errors import CrmError, ValidationFailed
from crm.services.saved_views import lists, views as saved_views
from crm.services.saved_views.lists import ViewState
from crm.web.errors import refusal

STATE_FIELDS = ("filters", "order_column", "order_direction", "page_size", "columns")


class SavedViewSchema(Schema):
    """A saved view of a list."""

    id = fields.Integer()
    list_name = fields.String(metadata={"description": "The list, e.g. customers"})
    name = fields.String()
    filters = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Search and filters as query arguments: {argument: [values]}"},
    )
    order_column = fields.String(allow_none=True)
    order_direction = fields.String(allow_none=True, metadata={"description": "asc or desc"})
    page_size = fields.Integer(allow_none=True)
    columns = fields.List(
        fields.String(), allow_none=True, metadata={"description": "None: the list's columns"}
    )
    is_shared = fields.Boolean()
    mine = fields.Boolean(metadata={"description": "Saved by the signed-in user"})
    is_default = fields.Boolean(metadata={"description": "The user's default of its list"})
    query = fields.String(metadata={"description": "The list's query string showing it"})


class SavedViewBody(Schema):
    """A saved view to create (list_name and name required) or change (any field)."""

    list_name = fields.String()
    name = fields.String()
    filters = fields.Dict(keys=fields.String(), values=fields.Raw())
    order_column = fields.String(allow_none=True)
    order_direction = fields.String(allow_none=True)
    page_size = fields.Integer(allow_none=True)
    columns = fields.List(fields.String(), allow_none=True)
    is_shared = fields.Boolean()


def _state(body, base=None):
    base = base or ViewState()
    return ViewState(
        filters=body.get("filters", base.filters) or {},
        order_column=body.get("order_column", base.order_column),
        order_direction=body.get("order_direction", base.order_direction),
        page_size=body.get("page_size", base.page_size),
        columns=body.get("columns", base.columns),
    )


def _shared_flag(body):
    value = body.get("is_shared")
    if value is not None and not isinstance(value, bool):
        raise ValidationFailed({"is_shared": [_l("Use true or false.")]})
    return value


class SavedViewApi(BaseApi):
    resource_name = "saved_view"
    class_permission_name = "SavedView"
    method_permission_name = METHOD_VERBS
    allow_browser_login = True
    openapi_spec_tag = "Saved views"
    datamodel = CrmInterface(SavedView)  # the record its ids name (tests walk them)
    openapi_spec_component_schemas = (SavedViewSchema, SavedViewBody)

    @property
    def session(self):
        # FAB inspects every attribute while building the view, before appbuilder is set.
        return self.appbuilder.session if self.appbuilder is not None else None

    def _readable(self, spec):
        return self.appbuilder.sm.has_access("can_read", spec.permission)

    def _dump(self, view, user_id, default_ids):
        spec = lists.spec_or_none(view.list_name)
        state = saved_views.state_of(view)
        query = lists.query_of(spec, state) if spec is not None else []
        return {
            "id": view.id,
            "list_name": view.list_name,
            "name": view.name,
            "filters": state.filters,
            "order_column": state.order_column,
            "order_direction": state.order_direction,
            "page_size": state.page_size,
            "columns": state.columns,
            "is_shared": view.is_shared,
            "mine": view.owner_id == user_id,
            "is_default": default_ids.get(view.list_name) == view.id,
            "query": urlencode(query),
        }

    def _answer(self, status, view):
        user_id = current_user_id()
        defaults = saved_views.default_ids(self.session, user_id)
        return self.response(status, id=view.id, result=self._dump(view, user_id, defaults))

    def _spec(self, name):
        spec = lists.spec_named(name)
        if not self._readable(spec):
            raise lists.unknown_list(name)
        return spec

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def get_list(self):
        """Your saved views and those shared with the organisation.
        ---
        get:
          summary: Saved views you see, of one list or of all
          parameters:
          - in: query
            name: list_name
            schema: {type: string}
            description: Only this list's views (e.g. customers)
          responses:
            200:
              description: The views, by list and name
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      count: {type: integer}
                      result:
                        type: array
                        items: {$ref: '#/components/schemas/SavedViewSchema'}
            401: {$ref: '#/components/responses/401'}
        """
        user_id = current_user_id()
        name = request.args.get("list_name") or None
        defaults = saved_views.default_ids(self.session, user_id)
        found = [
            view
            for view in saved_views.visible(self.session, user_id, name)
            if (spec := lists.spec_or_none(view.list_name)) is not None and self._readable(spec)
        ]
        result = [self._dump(view, user_id, defaults) for view in found]
        return self.response(200, count=len(result), result=result)

    @expose("/<int:pk>", methods=["GET"])
    @protect()
    @safe
    def get(self, pk):
        """One saved view you see.
        ---
        get:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200:
              description: The view
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      id: {type: integer}
                      result: {$ref: '#/components/schemas/SavedViewSchema'}
            404: {$ref: '#/components/responses/404'}
        """
        try:
            view = saved_views.get_visible(self.session, current_user_id(), pk)
        except CrmError as exc:
            return refusal(exc)
        return self._answer(200, view)

    @expose("/", methods=["POST"])
    @protect()
    @safe
    def post(self):
        """Save a view of a list.
        ---
        post:
          summary: Save a view of a list
          description: >-
            Arguments the list does not know (filters, sort or columns) are left out.
            Sharing (is_shared) needs a role that may share views (Managers, Admins): 403.
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/SavedViewBody'}
          responses:
            201:
              description: Saved
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      id: {type: integer}
                      result: {$ref: '#/components/schemas/SavedViewSchema'}
            400: {$ref: '#/components/responses/400'}
            403: {$ref: '#/components/responses/403'}
            422: {$ref: '#/components/responses/422'}
        """
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Request is not a JSON object")
        try:
            spec = self._spec(body.get("list_name"))
            view = saved_views.save(
                self.session,
                spec,
                current_user_id(),
                body.get("name"),
                _state(body),
                shared=bool(_shared_flag(body)),
                may_share=may_share_views(self.appbuilder.sm),
            )
        except CrmError as exc:
            return refusal(exc)
        return self._answer(201, view)

    @expose("/<int:pk>", methods=["PUT"])
    @protect()
    @safe
    def put(self, pk):
        """Change your saved view: rename, share or stop sharing, or change what it shows.
        ---
        put:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/SavedViewBody'}
          responses:
            200:
              description: Saved
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      id: {type: integer}
                      result: {$ref: '#/components/schemas/SavedViewSchema'}
            400: {$ref: '#/components/responses/400'}
            403: {$ref: '#/components/responses/403'}
            404: {$ref: '#/components/responses/404'}
            422: {$ref: '#/components/responses/422'}
        """
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Request is not a JSON object")
        user_id = current_user_id()
        try:
            view = saved_views.get_visible(self.session, user_id, pk)
            spec = lists.spec_named(view.list_name)
            state = None
            if any(key in body for key in STATE_FIELDS):
                state = _state(body, saved_views.state_of(view))
            view = saved_views.update(
                self.session,
                spec,
                user_id,
                pk,
                name=body.get("name"),
                state=state,
                shared=_shared_flag(body),
                may_share=may_share_views(self.appbuilder.sm),
            )
        except CrmError as exc:
            return refusal(exc)
        return self._answer(200, view)

    @expose("/<int:pk>", methods=["DELETE"])
    @protect()
    @safe
    def delete(self, pk):
        """Delete your saved view (an Admin: also another user's shared view).
        ---
        delete:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200:
              description: Deleted
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      message: {type: string}
            403: {$ref: '#/components/responses/403'}
            404: {$ref: '#/components/responses/404'}
        """
        try:
            saved_views.delete(
                self.session, current_user_id(), pk, may_delete_shared_views(self.appbuilder.sm)
            )
        except CrmError as exc:
            return refusal(exc)
        return self.response(200, message="Deleted")

    @expose("/<int:pk>/default", methods=["POST"])
    @protect()
    @safe
    def set_default(self, pk):
        """Make a view you see (yours or shared) the one its list opens with for you.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200:
              description: It is your default of its list
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      id: {type: integer}
                      result: {$ref: '#/components/schemas/SavedViewSchema'}
            404: {$ref: '#/components/responses/404'}
        """
        try:
            view = saved_views.set_default(self.session, current_user_id(), pk)
        except CrmError as exc:
            return refusal(exc)
        return self._answer(200, view)

    @expose("/default/<list_name>", methods=["DELETE"])
    @protect()
    @safe
    def clear_default(self, list_name):
        """Open a list without a default view again.
        ---
        delete:
          parameters:
          - in: path
            name: list_name
            schema: {type: string}
          responses:
            200:
              description: The list has no default view for you
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      message: {type: string}
            422: {$ref: '#/components/responses/422'}
        """
        try:
            spec = self._spec(list_name)
            saved_views.clear_default(self.session, current_user_id(), spec.name)
        except CrmError as exc:
            return refusal(exc)
        return self.response(200, message="No default view")
