"""The landing page: signed-in users go to the dashboard (or their customers without it)."""

from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose


class HomeView(IndexView):
    @expose("/")
    def index(self):
        if g.user is not None and g.user.is_authenticated:
            if self.appbuilder.sm.has_access("can_read", "Dashboard"):
                return redirect(url_for("DashboardView.dashboard"))
            return redirect(url_for("CustomerView.list"))
        return redirect(url_for(self.appbuilder.sm.auth_view.__class__.__name__ + ".login"))
