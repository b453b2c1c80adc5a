"""The signed-in user's own settings page (user menu → My settings): the language of
the screens, the default reminder of their tasks and the morning digest of overdue ones."""

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, lazy_gettext as _l, refresh
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.widgets import TextInput

from crm.extensions import db
from crm.i18n.names import language_choices
from crm.i18n.selection import SESSION_KEY
from crm.security.roles import METHOD_VERBS
from crm.services.accounts import user_settings
from crm.services.core.errors import CrmError
from crm.views.base import flash_error


class MySettingsForm(FlaskForm):
    locale = SelectField(
        _l("Language"),
        choices=lambda: [("", _l("As my browser asks")), *language_choices()],
        validate_choice=False,
    )
    reminder_days_before = StringField(
        _l("Remind me, days before the due date"),
        widget=TextInput(input_type="number"),
        render_kw={"min": 0, "max": user_settings.MAX_DAYS_BEFORE},
        description=_l(
            "A task with a due date and no reminder time of its own reminds you this many "
            "days before (0: on the day). Empty: no reminder unless set on the task."
        ),
    )
    reminder_time = StringField(
        _l("At"),
        widget=TextInput(input_type="time"),
        description=_l("The time of day of that reminder, in the organisation's timezone."),
    )
    overdue_digest = BooleanField(
        _l("E-mail me my overdue tasks each morning"),
        description=_l("Sent only on days you have overdue tasks."),
    )


class MySettingsView(BaseView):
    route_base = "/my-settings"
    class_permission_name = "MySettings"
    method_permission_name = METHOD_VERBS
    default_view = "my_settings"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def my_settings(self):
        user = g.user
        if request.method == "POST":
            form = MySettingsForm(formdata=request.form)
            if form.validate():
                try:
                    self._save(user, form)
                    flash(gettext("Your settings were saved."), "success")
                    return redirect(url_for(".my_settings"))
                except CrmError as exc:
                    flash_error(exc, form)
            status = 422
        else:
            values = user_settings.preferences_of(user)
            if values["reminder_days_before"] is None:
                values["reminder_days_before"] = ""
            form = MySettingsForm(data={**values, "locale": values["locale"] or ""})
            status = 200
        page = self.render_template("crm/my_settings.html", form=form, title=gettext("My settings"))
        return page, status

    def _save(self, user, form):
        values = {name: form[name].data for name in user_settings.FIELDS}
        user_settings.save_settings(db.session, user, values, current_app.config["LANGUAGES"])
        if user.locale:
            session[SESSION_KEY] = user.locale
        else:
            session.pop(SESSION_KEY, None)
        refresh()
