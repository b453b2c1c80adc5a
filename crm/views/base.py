"""Base classes for CRM screens: tenant-scoped, role-checked, service-validated."""

from flask import abort, flash, g, request
from flask_appbuilder import ModelView
from flask_appbuilder.fields import QuerySelectField
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField

from crm.datamodel.service_hooks import ServiceHooks
from crm.i18n import values
from crm.models.base import is_versioned, stored_columns
from crm.security.masking import masked_columns
from crm.security.roles import METHOD_VERBS
from crm.security.scoping import TENANT_FILTERS, ScopedRoutesMixin
from crm.services.core.errors import CHANGED_MEANWHILE, CrmError
from crm.services.core.versions import is_stale, version_of
from crm.views.bulk.exporting import ExportMixin
from crm.views.fields import localise_form
from crm.views.list_rows import LeanListWidget
from crm.views.list_views import SavedViewsMixin
from crm.views.post_action import PostActionMixin
from crm.views.quick_log import can_log_interactions
from crm.views.search_choices import LazyFilterChoicesMixin


def display(value):
    return values.readable(value, empty="")


VERSION_FIELD = "record_version"
# Shown for a save the database refused without a rule saying why.
DATABASE_ERROR = _l("The record could not be saved; reload it and try again.")


class VersionField(HiddenField):
    """The version an edit form was loaded with; compared, never written to the record."""

    def populate_obj(self, obj, name):
        pass


def _view_form(form_class, view):
    """The view's form, checked by the service's rules when the view names them."""

    class ViewForm(form_class):
        def record_under_edit(self):
            """The saved record an edit form is for, None when adding. Pickers accept
            the value it already holds even when that row has since been archived."""
            pk = getattr(self, "_id", None)  # FAB sets it on edit before validating
            return None if pk is None else view.datamodel.get(pk, view._base_filters)

        def changed_meanwhile(self):
            """True when the form was loaded from an older version of its record."""
            field = getattr(self, VERSION_FIELD, None)
            if field is None or not field.data:
                return False
            record = self.record_under_edit()
            return record is not None and is_stale(field.data, version_of(record))

        def validate(self, extra_validators=None):
            if self.changed_meanwhile():
                super().validate(extra_validators)
                flash(str(CHANGED_MEANWHILE), "danger")
                return False
            valid = super().validate(extra_validators)
            if valid and view.prepare is not None:
                valid = view.check_form(self)
            if not valid:
                view.flash_hidden_errors(self)
            return valid

    ViewForm.__name__ = form_class.__name__
    return ViewForm


def discard_candidate(session, item):
    """Forget a checked candidate: out of the session and out of its parents' collections,
    where setting the relationship put it."""
    for rel in type(item).__mapper__.relationships:
        if rel.direction.name == "MANYTOONE" and rel.back_populates:
            parent = item.__dict__.get(rel.key)
            collection = getattr(parent, rel.back_populates, None) if parent is not None else None
            if collection is not None and item in collection:
                collection.remove(item)
    if item in session:
        session.expunge(item)


class CrmModelView(
    SavedViewsMixin,
    LazyFilterChoicesMixin,
    ExportMixin,
    PostActionMixin,
    ServiceHooks,
    ScopedRoutesMixin,
    ModelView,
):
    """A tenant-owned entity's screens: its service rules (``prepare``, ``check_delete``,
    see ServiceHooks) also check the forms, so refusals show next to the fields; its list
    exports to xlsx and csv (ExportMixin); its relation filters load their choices when
    added (LazyFilterChoicesMixin); its searches, filters, sort and columns are kept as
    saved views (SavedViewsMixin); after a save or delete it lands on the record's page
    or the list with a message naming the record (PostActionMixin)."""

    base_filters = TENANT_FILTERS
    method_permission_name = METHOD_VERBS
    page_size = 25
    list_widget = LeanListWidget
    # The route a list's first column links to for each row (None: plain text).
    row_link: str | None = "show"
    # What each row's quick-log buttons log against ("customer", "deal", "lead"; None: no
    # buttons), for users who may add interactions (crm/templates/crm/quick_log.html).
    quick_log_target: str | None = None

    def _get_list_widget(self, filters, **kwargs):
        # Sorting or filtering by a figure the user may not see would reveal it (a filter
        # "amount = 1357.91" that finds a row confirms the amount): both are left out.
        hidden = masked_columns(self.datamodel.obj.__name__)
        if hidden:
            if kwargs.get("order_column") in hidden:
                kwargs["order_column"], kwargs["order_direction"] = "", ""
            kept = [
                (f, v)
                for f, v in zip(filters.filters, filters.values)
                if getattr(f, "column_name", None) not in hidden
            ]
            filters.filters[:] = [f for f, _ in kept]
            filters.values[:] = [v for _, v in kept]
        widgets = super()._get_list_widget(filters=filters, **kwargs)
        widgets["list"].template_args["row_link"] = self.row_link
        if self.quick_log_target and can_log_interactions():
            widgets["list"].template_args["quick_log"] = self.quick_log_target
        if hidden:
            args = widgets["list"].template_args
            args["order_columns"] = [c for c in args["order_columns"] if c not in hidden]
        return widgets

    # --- forms: the service's rules, with messages next to the fields ----------
    @property
    def database_error_message(self):
        # FAB flashes this for a failed edit; a refusal the datamodel recognised
        # (a value taken or a version changed meanwhile) says what happened.
        refused = g.get("crm_save_refused")
        return str(refused.message) if refused is not None else DATABASE_ERROR

    def _init_properties(self):
        super()._init_properties()
        for name in (
            "add_columns",
            "edit_columns",
            "list_columns",
            "show_columns",
            "search_columns",
        ):
            columns = getattr(self, name)
            if "version" in columns:
                setattr(self, name, [c for c in columns if c != "version"])
        # Readable values everywhere: blanks instead of "None", Yes/No, lists joined,
        # countries by name.
        self.formatters_columns = {**self.formatters_columns}
        for column in set(self.list_columns) | set(self.show_columns):
            self.formatters_columns.setdefault(
                column, values.country if column.rpartition(".")[2] == "country" else display
            )

    def _init_forms(self):
        for fields in (self.add_form_extra_fields, self.edit_form_extra_fields):
            for field in (fields or {}).values():
                if field.kwargs.get("description") is None:
                    field.kwargs["description"] = ""
        super()._init_forms()
        for form in (self.add_form, self.edit_form):
            localise_form(form)  # dates and amounts also as the user's locale writes them
            for name in dir(form):
                field = getattr(form, name, None)
                if getattr(field, "field_class", None) is QuerySelectField:
                    field.kwargs["blank_text"] = "—"
        self.add_form = _view_form(self.add_form, self)
        self.edit_form = _view_form(self.edit_form, self)
        if is_versioned(self.datamodel.obj):
            setattr(self.edit_form, VERSION_FIELD, VersionField())

    def prefill_form(self, form, pk):
        super().prefill_form(form, pk)
        field = getattr(form, VERSION_FIELD, None)
        if field is not None:
            record = self.datamodel.get(pk, self._base_filters)
            field.data = version_of(record) if record is not None else None

    def flash_hidden_errors(self, form):
        """A related view's add form hides the parent field and fills it from the
        ``_flt_`` argument; a refusal there would otherwise be invisible."""
        for name in self._filters.get_relation_cols():
            field = getattr(form, name, None)
            for message in getattr(field, "errors", None) or ():
                flash(f"{field.label.text}: {message}", "danger")

    def _candidate(self, form):
        """A detached copy of the record as it would be saved, for checking."""
        item = self.datamodel.obj()
        pk = getattr(form, "_id", None)
        if pk is not None:
            current = self.datamodel.get(pk, self._base_filters)
            if current is None:
                abort(404)
            mapper = type(current).__mapper__
            for attr in stored_columns(type(current)):
                setattr(item, attr.key, getattr(current, attr.key))
            for rel in mapper.relationships:
                if not rel.uselist or rel.secondary is not None:
                    value = getattr(current, rel.key)
                    setattr(item, rel.key, list(value) if rel.uselist else value)
        form.populate_obj(item)
        return item

    def check_form(self, form):
        session = self.session
        with session.no_autoflush:
            item = self._candidate(form)
            try:
                self.prepare(session, item)
                return True
            except CrmError as exc:
                flash_error(exc, form)
                return False
            finally:
                discard_candidate(session, item)

    def _add(self):
        """FAB's add; when the database refuses the save (a unique value taken by someone
        saving at the same moment), the form comes back with the message at its field."""
        g.pop("crm_save_refused", None)
        widgets = super()._add()
        refused = g.pop("crm_save_refused", None)
        if widgets is not None or refused is None:
            return widgets
        form = self.add_form.refresh(request.form)
        exclude_cols = self._filters.get_relation_cols()
        self._fill_form_exclude_cols(exclude_cols, form)
        flash_error(refused, form)
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)


def flash_error(exc, form=None):
    """The screens' one way of reporting a service's refusal (the service has rolled its
    transaction back already): each field's messages next to that field of ``form``, the
    others flashed as "field: message; message", the refusal's message when it names no
    field."""
    for field, messages in exc.errors.items():
        target = (
            None
            if form is None
            else (getattr(form, field, None) or getattr(form, field.removesuffix("_id"), None))
        )
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + [str(m) for m in messages]
        else:
            flash(f"{field}: {'; '.join(str(m) for m in messages)}", "danger")
    if not exc.errors:
        flash(str(exc.message), "danger")


def refusal_messages(exc):
    """A service's refusal as messages without field names, for a page that lists them
    or says them in one sentence."""
    if exc.errors:
        return [str(m) for messages in exc.errors.values() for m in messages]
    return [str(exc.message)]
