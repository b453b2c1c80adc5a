"""The signed-in user's notifications, and the unread count in the navbar.

Every signed-in user reads and marks only their own notifications: the service
is always asked with the current user's id.
"""

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext

from crm.extensions import db
from crm.security.roles import METHOD_VERBS
from crm.security.tenancy import current_tenant_id, current_user_id
from crm.services.accounts import notifications
from crm.services.core.errors import CrmError


def navbar_badges():
    """(running jobs, unread notifications) of the signed-in user: one query per request,
    only when the navbar asks; None outside a sign-in."""
    if "crm_navbar_badges" not in g:
        user_id = current_user_id()
        g.crm_navbar_badges = (
            notifications.navbar_badges(db.session, user_id) if user_id is not None else None
        )
    return g.crm_navbar_badges


def unread_notifications():
    """The navbar's bell."""
    badges = navbar_badges()
    return badges[1] if badges is not None else None


def _safe_link(link):
    # Links are written by the app (paths on this site); never follow anything else.
    return link if link and link.startswith("/") and not link.startswith("//") else None


class NotificationView(BaseView):
    class_permission_name = "Notification"
    method_permission_name = METHOD_VERBS
    route_base = "/notifications"
    default_view = "notifications"

    def create_blueprint(self, appbuilder, endpoint=None, static_folder=None):
        blueprint = super().create_blueprint(appbuilder, endpoint, static_folder)
        # Every page's navbar (crm/navbar_notifications.html) calls this lazily.
        blueprint.app_context_processor(lambda: {"crm_unread_notifications": unread_notifications})
        return blueprint

    @expose("/")
    @has_access
    def notifications(self):
        page = max(request.args.get("page", 0, type=int), 0)
        unread_only = request.args.get("unread") == "1"
        total, rows = notifications.list_own(
            db.session, current_user_id(), page, unread_only=unread_only
        )
        pages = (total + notifications.PAGE_SIZE - 1) // notifications.PAGE_SIZE
        return self.render_template(
            "crm/notifications.html",
            rows=rows,
            total=total,
            page=page,
            pages=pages,
            unread_only=unread_only,
            safe_link=_safe_link,
            title=gettext("Notifications"),
        )

    @expose("/read", methods=["POST"])
    @has_access
    def mark_read(self):
        """Mark one notification (``id``) or all (``all``) read; ``open`` then follows its link."""
        user_id = current_user_id()
        if request.form.get("all"):
            count = notifications.mark_all_read(db.session, user_id, current_tenant_id())
            flash(gettext("%(num)d notifications marked read.", num=count), "success")
            return redirect(url_for(".notifications"))
        try:
            note = notifications.mark_read(db.session, user_id, request.form.get("id"))
        except CrmError:
            abort(404)
        if request.form.get("open") and _safe_link(note.link):
            return redirect(note.link)
        return redirect(url_for(".notifications", unread=request.form.get("unread") or None))
