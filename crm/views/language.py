"""The navbar's language picker: signed-in users keep their choice on their user,
anyone else (the sign-in page) in the session."""

from flask import current_app, flash, g, redirect, session
from flask_appbuilder import BaseView, expose
from flask_babel import refresh

from crm.extensions import db
from crm.i18n.selection import SESSION_KEY
from crm.services.accounts.user_language import check_language, set_user_language
from crm.services.core.errors import CrmError
from crm.views.base import refusal_messages
from crm.views.pipeline.tasks import safe_next


class LanguageView(BaseView):
    route_base = "/language"

    @expose("/<code>", methods=["POST"])
    def choose(self, code):
        back = safe_next(self.appbuilder.get_url_for_index)
        shipped = current_app.config["LANGUAGES"]
        user = g.get("user")
        try:
            if user is not None and user.is_authenticated:
                set_user_language(db.session, user, code, shipped)
            session[SESSION_KEY] = check_language(code, shipped)
        except CrmError as exc:
            flash(" ".join(refusal_messages(exc)), "danger")
        refresh()
        return redirect(back)
