"""Opening saved views, the Views menu's actions and the page managing a user's views.

A list opened with ``?_view=<id>`` shows that view: the list redirects to the view's own
query string, so what the list shows is always in its URL (and in its export link). A
bare list URL opens the user's default view the same way (``open_saved_view``, run before
each request). The menu and the column chooser: crm/views/list_views.py.
"""

from urllib.parse import parse_qsl

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext

from crm.datamodel.interface import CrmInterface
from crm.extensions import db
from crm.models import SavedView
from crm.security.roles import METHOD_VERBS, SHARED_VIEWS, may_delete_shared_views, may_share_views
from crm.security.tenancy import current_user_id
from crm.services.core.errors import CrmError, NotFound
from crm.services.saved_views import lists, views as saved_views
from crm.services.saved_views.lists import VIEW_ARG
from crm.views.base import flash_error
from crm.views.list_views import SavedViewsMixin, defaults_of_request, list_url, view_url


def _view_of_request():
    name = request.blueprint
    return next(
        (
            v
            for v in current_app.appbuilder.baseviews
            if type(v).__name__ == name and isinstance(v, SavedViewsMixin)
        ),
        None,
    )


def open_saved_view():
    """``?_view=<id>`` alone, or a bare list with a default view: the list with the view's
    arguments (a redirect, so the URL says what the list shows)."""
    if request.method != "GET" or not (request.endpoint or "").endswith(".list"):
        return None
    if set(request.args) - {VIEW_ARG}:
        return None
    user_id = current_user_id()
    list_view = _view_of_request() if user_id is not None else None
    if list_view is None:
        return None
    spec = list_view.list_spec()
    if VIEW_ARG in request.args:
        try:
            view = saved_views.get_visible(db.session, user_id, request.args[VIEW_ARG])
        except CrmError:
            flash(gettext("That saved view no longer exists."), "warning")
            return redirect(list_url(spec, []))
        if view.list_name != spec.name:
            return None
        pairs = lists.query_of(spec, saved_views.state_of(view))
        return redirect(list_url(spec, [*pairs, (VIEW_ARG, str(view.id))])) if pairs else None
    if defaults_of_request(user_id).get(spec.name) is None:
        return None
    view = saved_views.default_view(db.session, user_id, spec.name)
    return redirect(view_url(spec, view)) if view is not None else None


def _back(default):
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


class SavedViewsView(BaseView):
    """The Views menu's actions and the page that manages a user's saved views."""

    class_permission_name = "SavedView"
    method_permission_name = METHOD_VERBS
    route_base = "/saved-views"
    default_view = "saved_views"
    datamodel = CrmInterface(SavedView)

    @expose("/")
    @has_access
    def saved_views(self):
        user_id = current_user_id()
        found = saved_views.visible(db.session, user_id)
        rows = []
        for view in found:
            spec = lists.spec_or_none(view.list_name)
            if spec is None or not self.appbuilder.sm.has_access("can_read", spec.permission):
                continue
            rows.append((view, view_url(spec, view)))
        return self.render_template(
            "crm/saved_views.html",
            title=gettext("Saved views"),
            rows=rows,
            user_id=user_id,
            defaults=set(saved_views.default_ids(db.session, user_id).values()),
            may_share=may_share_views(self.appbuilder.sm),
            may_delete_shared=may_delete_shared_views(self.appbuilder.sm),
        )

    @expose("/save", methods=["POST"])
    @has_access
    def save_view(self):
        form = request.form
        try:
            spec = lists.spec_named(form.get("list_name"))
            state = lists.state_from_query(spec, _pairs(form.get("query", "")))
            view = saved_views.save(
                db.session,
                spec,
                current_user_id(),
                form.get("name"),
                state,
                shared=form.get("shared") == "1",
                may_share=may_share_views(self.appbuilder.sm),
            )
        except CrmError as exc:
            flash_error(exc)
            return redirect(_back(url_for(".saved_views")))
        flash(gettext("The view “%(name)s” was saved.", name=view.name), "success")
        return redirect(view_url(spec, view))

    @expose("/<int:pk>/rename", methods=["POST"])
    @has_access
    def rename_view(self, pk):
        return self._change(pk, name=request.form.get("name"))

    @expose("/<int:pk>/share", methods=["POST"])
    @has_access
    def share_view(self, pk):
        return self._change(pk, shared=request.form.get("shared") == "1")

    def _change(self, pk, **changes):
        try:
            view = saved_views.get_visible(db.session, current_user_id(), pk)
            spec = lists.spec_named(view.list_name)
            view = saved_views.update(
                db.session,
                spec,
                current_user_id(),
                pk,
                may_share=may_share_views(self.appbuilder.sm),
                **changes,
            )
            flash(gettext("The view “%(name)s” was saved.", name=view.name), "success")
        except NotFound:
            abort(404)
        except CrmError as exc:
            flash_error(exc)
        return redirect(_back(url_for(".saved_views")))

    @expose("/<int:pk>/delete", methods=["POST"])
    @has_access
    def delete_view(self, pk):
        try:
            name = saved_views.delete(
                db.session, current_user_id(), pk, may_delete_shared_views(self.appbuilder.sm)
            )
            flash(gettext("The view “%(name)s” was deleted.", name=name), "success")
        except NotFound:
            abort(404)
        except CrmError as exc:
            flash_error(exc)
        return redirect(_back(url_for(".saved_views")))

    @expose("/<int:pk>/default", methods=["POST"])
    @has_access
    def set_default(self, pk):
        try:
            view = saved_views.set_default(db.session, current_user_id(), pk)
            flash(
                gettext("“%(name)s” is now your default view of this list.", name=view.name),
                "success",
            )
        except NotFound:
            abort(404)
        except CrmError as exc:
            flash_error(exc)
        return redirect(_back(url_for(".saved_views")))

    @expose("/clear-default", methods=["POST"])
    @has_access
    def clear_default(self):
        try:
            spec = lists.spec_named(request.form.get("list_name"))
            saved_views.clear_default(db.session, current_user_id(), spec.name)
            flash(gettext("The list opens without a saved view again."), "success")
        except NotFound:
            abort(404)
        except CrmError as exc:
            flash_error(exc)
        return redirect(_back(url_for(".saved_views")))


class SharedViewPermission(BaseView):
    """No page: keeps the sharing permissions (``SHARED_VIEWS``) in the database."""

    class_permission_name = SHARED_VIEWS[0]
    base_permissions = ["can_edit", "can_delete"]
    route_base = "/shared-view-permission"


def _pairs(query):
    return parse_qsl(query.lstrip("?"), keep_blank_values=True)


def install(app):
    app.before_request(open_saved_view)
