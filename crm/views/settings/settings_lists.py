"""Sales pipeline settings screens: lists dragged into order, colour swatches, and record
pages with their activity timeline."""

from collections.abc import Callable
from typing import Any

from flask import request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access, has_access_api
from flask_appbuilder.widgets import ListWidget
from flask_babel import gettext
from markupsafe import Markup, escape

from crm.services.core.errors import CrmError
from crm.services.insight import timeline
from crm.views.base import refusal_messages
from crm.web.errors import json_answer


def colour_swatch(value):
    """A colour code shown with a sample of the colour."""
    if not value:
        return ""
    return Markup(
        '<span class="label" style="background:{0}">&nbsp;&nbsp;&nbsp;</span> {0}'
    ).format(escape(value))


class SortableListWidget(ListWidget):
    template = "crm/widgets/sortable_list.html"


# Query arguments that narrow or re-sort a list: dragging is only offered on the whole,
# position-ordered group, since the new order names every row of it.
_NARROWING = ("_flt_", "_oc_", "page_", "psize_")


class SortableViewMixin:
    """List rows in ``position`` order and let editors drag them.

    Subclasses name the service function as ``reorder_rows`` (session, ids); the
    drag posts {"ids": [...]} to ``reorder`` (the role matrix's *edit* verb).
    """

    list_widget = SortableListWidget
    list_template = "crm/sortable_list.html"
    base_order = ("position", "asc")
    page_size = 100
    reorder_rows: Callable[..., object] | None = None
    row_links: tuple[tuple[Any, ...], ...] = ()

    def can_reorder(self):
        verb = self.method_permission_name.get("reorder", "reorder")
        return self.appbuilder.sm.has_access(f"can_{verb}", self.class_permission_name)

    def sortable(self):
        return self.can_reorder() and not any(arg.startswith(_NARROWING) for arg in request.args)

    def list_extras(self):
        """Extra template values for the list page (a stage list's pipeline picker)."""
        return {}

    def list_widget_args(self, extras):
        """Extra arguments for ``_get_list_widget`` (a stage list's pipeline)."""
        return {}

    @expose("/list/")
    @has_access
    def list(self):
        self.update_redirect()
        extras = self.list_extras()
        sortable = extras.pop("sortable", True) and self.sortable()
        widgets = self._list(
            sortable=sortable, row_links=self.row_links, **self.list_widget_args(extras)
        )
        list_widget = widgets["list"].template_args
        sortable = sortable and list_widget["count"] <= list_widget["page_size"]
        list_widget["sortable"] = sortable
        return self.render_template(
            self.list_template,
            title=self.list_title,
            widgets=widgets,
            sortable=sortable,
            can_reorder=self.can_reorder(),
            reorder_url=url_for(".reorder"),
            **extras,
        )

    @expose("/reorder", methods=["POST"])
    @has_access_api
    def reorder(self):
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return json_answer(400, gettext('Send the new order as a JSON object {"ids": [...]}.'))
        try:
            self.reorder_rows(self.session, body.get("ids"))
        except CrmError as exc:
            return json_answer(exc.status, " ".join(refusal_messages(exc)))
        return json_answer(200, gettext("Order saved."))


class TimelineShowMixin:
    """Show pages with the record's activity timeline (read from the audit trail) and
    buttons to related pages (``show_extras`` returns ``record_links``)."""

    show_template = "crm/settings_show.html"

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        pk = self._deserialize_pk_if_composite(pk)
        widgets = self._show(pk)
        item = self.datamodel.get(pk, self._base_filters)
        return self.render_template(
            self.show_template,
            pk=pk,
            title=self.show_title,
            widgets=widgets,
            related_views=self._related_views,
            timeline=timeline.for_record(self.session, item),
            **self.show_extras(item),
        )

    def show_extras(self, item):
        return {}
