"""The landing page: signed-in users go straight to their customers."""
from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose


class HomeView(IndexView):
    @expose("/")
    def index(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(url_for("CustomerView.list"))
        return redirect(url_for(self.appbuilder.sm.auth_view.__class__.__name__ + ".login"))
