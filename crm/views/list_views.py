"""Saved views and the column chooser of every CRM list (CrmModelView mixes this in).

Each list registers what it knows (crm.services.saved_views.lists); its page gets a
Views menu and a column chooser (crm/templates/crm/list_views.html). ``?_cols=`` (repeated)
chooses the columns, for the page and its export alike. Opening saved views and the
Views menu's actions: crm/views/saved_views.py.
"""

from urllib.parse import urlencode

from flask import g, request, url_for

from crm.extensions import db
from crm.security.roles import may_share_views
from crm.security.tenancy import current_user_id
from crm.services.saved_views import lists, views as saved_views
from crm.services.saved_views.lists import COLUMNS_ARG, VIEW_ARG


def list_url(spec, pairs):
    query = urlencode(pairs)
    return url_for(f"{spec.view_name}.list") + (f"?{query}" if query else "")


def view_url(spec, view):
    """The list showing ``view``: its arguments and ``_view``."""
    pairs = lists.query_of(spec, saved_views.state_of(view))
    return list_url(spec, [*pairs, (VIEW_ARG, str(view.id))])


def defaults_of_request(user_id):
    """{list name: default view id} of the signed-in user, read once per request (a bare
    list asks before it opens, and its Views menu again)."""
    found = g.get("crm_default_views")
    if found is None:
        found = g.crm_default_views = saved_views.default_ids(db.session, user_id)
    return found


class SavedViewsMixin:
    """A list's saved views and chosen columns; ``list_args`` names the list's own query
    arguments besides FAB's filters (a filter bar's ``archived``, ``owner``...)."""

    list_args: tuple[str, ...] = ()

    @property
    def list_name(self):
        return (self.route_base or "").strip("/").replace("/", "-")

    def list_spec(self):
        return lists.ListSpec(
            name=self.list_name,
            view_name=type(self).__name__,
            permission=self.class_permission_name,
            filter_columns=frozenset(self.search_columns),
            extra_args=frozenset(self.list_args),
            order_columns=tuple(self.order_columns),
            columns=tuple(self.list_columns),
        )

    def _init_properties(self):
        super()._init_properties()
        lists.register(self.list_spec())

    def chosen_columns(self):
        """The columns ``?_cols=`` chose, in list order; None: the list's own."""
        return lists.chosen_columns(self.list_spec(), request.args.getlist(COLUMNS_ARG))

    def _get_list_widget(self, filters, **kwargs):
        widgets = super()._get_list_widget(filters=filters, **kwargs)
        chosen = self.chosen_columns()
        args = getattr(widgets.get("list"), "template_args", None)
        if chosen and args is not None and args.get("include_columns"):
            args["include_columns"] = chosen
        return widgets

    def export_list_columns(self):
        columns = super().export_list_columns()
        chosen = self.chosen_columns()
        if chosen and self.export_columns is None:
            columns = [c for c in columns if c.key in chosen]
        return columns

    def render_template(self, template, **kwargs):
        kwargs.setdefault("list_views", self.list_views_menu)
        return super().render_template(template, **kwargs)

    def list_views_menu(self):
        """What the Views menu and the column chooser show (called by the list template)."""
        user_id = current_user_id()
        spec = self.list_spec()
        found = saved_views.visible(db.session, user_id, spec.name)
        active = request.args.get(VIEW_ARG, "")
        default = defaults_of_request(user_id).get(spec.name)
        chosen = self.chosen_columns() or list(spec.columns)
        kept = [
            (arg, value)
            for arg in request.args
            for value in request.args.getlist(arg)
            if arg != COLUMNS_ARG and not arg.startswith("page_")
        ]
        return {
            "list_name": spec.name,
            "views": [
                {
                    "id": v.id,
                    "name": v.name,
                    "url": view_url(spec, v),
                    "shared": v.is_shared,
                    "mine": v.owner_id == user_id,
                    "default": v.id == default,
                    "active": str(v.id) == active,
                }
                for v in found
            ],
            "active": next((v for v in found if str(v.id) == active), None),
            "has_default": default is not None,
            "may_share": may_share_views(self.appbuilder.sm),
            "query": request.query_string.decode(),
            "here": request.full_path,
            "columns": [(c, self.label_columns.get(c) or c, c in chosen) for c in spec.columns],
            "kept_args": kept,
            "columns_arg": COLUMNS_ARG,
        }
