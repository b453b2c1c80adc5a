"""A list's search filters over a relation load their choices when the user adds one.

FAB's search widget renders every filter's field into the page for its script to
copy, so each list render loaded every segment, region, group, tag and payment
term of the tenant. A relation filter that is not applied is rendered empty,
marked ``data-crm-choices``; ``static/crm.js`` fills it from ``filter_choices``
when the filter is added. An applied filter keeps its full select, showing its value.
"""

from flask import abort, jsonify, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.widgets import SearchWidget

from crm.security.masking import masked_columns


def _choice_fields(view, form):
    """The search form's relation fields (FAB's QuerySelect fields), by column."""
    return {
        col: form[col]
        for col in view.search_columns
        if col in form and hasattr(form[col], "_get_object_list")
    }


class LazyChoicesSearchWidget(SearchWidget):
    def __call__(self, **kwargs):
        form = self.template_args["form"]
        view = self.template_args["view"]
        applied = {flt.column_name for flt in self.filters.filters}
        unloaded = []
        for col, field in _choice_fields(view, form).items():
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
