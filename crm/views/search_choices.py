"""A list's search filters over a relation load their choices when the user adds one.

FAB's search widget renders every filter's field into the page for its script to
copy, so each list render loaded every segment, region, group, tag and payment
term of the tenant. A relation filter that is not applied is rendered empty,
marked ``data-crm-choices``; ``static/crm.js`` fills it from ``filter_choices``
when the filter is added. An applied filter keeps its full select, showing its value.

With no relation filter applied, the widget's HTML depends only on the list, the
language, the columns it offers and the filters' values, so each worker keeps it by
those (``_RENDERED``) and puts the request's script nonce back in; rendering its fields
cost about a sixth of a list page.
"""

import json

from flask import abort, current_app, jsonify, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.widgets import SearchWidget
from flask_babel import get_locale
from markupsafe import Markup

from crm.security.masking import masked_columns


def _choice_fields(view, form):
    """The search form's relation fields (FAB's QuerySelect fields), by column."""
    return {
        col: form[col]
        for col in view.search_columns
        if col in form and hasattr(form[col], "_get_object_list")
    }


_RENDERED: dict[tuple, str] = {}
_RENDERED_LIMIT = 500  # typed filter values make keys without end: start again past this
_NONCE = "\x00crm-nonce\x00"


def _nonce():
    return getattr(request, "csp_nonce", None)


class LazyChoicesSearchWidget(SearchWidget):
    def __call__(self, **kwargs):
        form = self.template_args["form"]
        view = self.template_args["view"]
        applied = {flt.column_name for flt in self.filters.filters}
        choice_fields = _choice_fields(view, form)
        key = None
        if not kwargs and not applied & set(choice_fields):
            values = json.dumps(self.filters.get_filters_values_tojson(), default=str)
            columns = tuple(self.template_args["include_cols"])
            app = id(current_app._get_current_object())
            key = (app, view.endpoint, str(get_locale()), columns, values, _nonce() is not None)
            kept = _RENDERED.get(key)
            if kept is not None:
                return Markup(kept.replace(_NONCE, _nonce() or ""))
        html = self._render(view, form, applied, choice_fields, **kwargs)
        if key is not None:
            if len(_RENDERED) >= _RENDERED_LIMIT:
                _RENDERED.clear()
            nonce = _nonce()
            _RENDERED[key] = str(html).replace(nonce, _NONCE) if nonce else str(html)
        return html

    def _render(self, view, form, applied, choice_fields, **kwargs):
        unloaded = []
        for col, field in choice_fields.items():
            if col in applied or field._object_list is not None:
                continue
            # Rendered without options; the attribute tells crm.js where to fetch them.
            field._object_list = []
            field.render_kw = {
                **(field.render_kw or {}),
                "data-crm-choices": url_for(f"{view.endpoint}.filter_choices", col=col),
            }
            unloaded.append(field)
        try:
            return super().__call__(**kwargs)
        finally:
            for field in unloaded:
                field._object_list = None


class LazyFilterChoicesMixin:
    """For a ModelView: the lazy search widget and the endpoint that feeds it."""

    search_widget = LazyChoicesSearchWidget

    def __init__(self, **kwargs):
        # A view that names its routes (``include_route_methods``) still needs this one:
        # its list's relation filters are rendered empty and filled from it.
        if self.include_route_methods is not None:
            self.include_route_methods = {*self.include_route_methods, "filter_choices"}
        super().__init__(**kwargs)

    def _get_search_widget(self, form=None, exclude_cols=None, widgets=None):
        widgets = super()._get_search_widget(form, exclude_cols, widgets)
        widgets["search"].template_args["view"] = self
        return widgets

    @expose("/filter_choices/<col>")
    @has_access
    def filter_choices(self, col):
        """The choices of one relation filter, as its <select> would list them."""
        if col in masked_columns(self.datamodel.obj.__name__):
            abort(404)
        field = _choice_fields(self, self.search_form.refresh()).get(col)
        if field is None:
            abort(404)
        choices = [
            {"id": value, "text": str(label)}
            for value, label, *_ in field.iter_choices()
            if value != "__None"
        ]
        return jsonify(choices)
