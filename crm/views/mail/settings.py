"""Settings → Email (Admins only): the tenant's SMTP and IMAP servers, and a test message
to the signed-in Admin. Passwords are never shown: the form says whether one is set."""

from flask import current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import Optional

from crm.security.roles import METHOD_VERBS
from crm.security.tenancy import current_tenant_id
from crm.services.core.errors import CrmError
from crm.services.mail import settings as mail_settings
from crm.views.base import VERSION_FIELD, VersionField, flash_error

SECURITY_CHOICES = [
    ("none", _l("None (plain)")),
    ("starttls", _l("STARTTLS (usually port 587)")),
    ("tls", _l("TLS from the start (usually port 465)")),
]


class MailSettingsForm(FlaskForm):
    smtp_host = StringField(_l("SMTP server"), description=_l("Blank: the CRM's own mail server"))
    smtp_port = IntegerField(_l("SMTP port"), validators=[Optional()])
    smtp_security = SelectField(_l("Security"), choices=SECURITY_CHOICES, validate_choice=False)
    smtp_user = StringField(_l("SMTP login"))
    smtp_password = PasswordField(_l("SMTP password"))
    clear_smtp_password = BooleanField(_l("Remove the stored SMTP password"))
    from_address = StringField(_l("From address"))
    from_name = StringField(_l("From name"))
    imap_host = StringField(_l("IMAP server"), description=_l("Blank: no inbound logging"))
    imap_port = IntegerField(_l("IMAP port"), validators=[Optional()])
    imap_tls = BooleanField(_l("IMAP over TLS"))
    imap_user = StringField(_l("IMAP login"))
    imap_password = PasswordField(_l("IMAP password"))
    clear_imap_password = BooleanField(_l("Remove the stored IMAP password"))
    imap_folder = StringField(_l("IMAP folder"))
    forwarding_address = StringField(
        _l("Forwarding / BCC address"),
        description=_l("Shown to users: mail sent or forwarded to it is logged in the CRM"),
    )
    record_version = VersionField()


class MailSettingsView(BaseView):
    route_base = "/mail-settings"
    class_permission_name = "MailSettings"
    method_permission_name = METHOD_VERBS
    default_view = "list"
    template = "crm/mail_settings.html"

    @property
    def session(self):
        # FAB inspects every attribute while building the view, before appbuilder is set.
        return self.appbuilder.session if self.appbuilder is not None else None

    def _page(self, form=None, test_answer=None, status=200):
        values = mail_settings.settings_values(self.session)
        if form is None:
            form = MailSettingsForm(
                formdata=None,
                data={
                    **{k: v for k, v in values.items() if not k.endswith("_set")},
                    VERSION_FIELD: values["version"],
                },
            )
        return self.render_template(
            self.template,
            title=gettext("Email settings"),
            form=form,
            password_set={
                "smtp_password": values["smtp_password_set"],
                "imap_password": values["imap_password_set"],
            },
            test_answer=test_answer,
            admin_email=g.user.email,
        ), status

    @expose("/")
    @has_access
    def list(self):
        return self._page()

    @expose("/", methods=["POST"])
    @has_access
    def edit(self):
        form = MailSettingsForm(formdata=request.form)
        if not form.validate():
            return self._page(form, status=422)
        values = {
            name: field.data
            for name, field in form._fields.items()
            if name not in ("csrf_token", VERSION_FIELD)
        }
        try:
            mail_settings.save_settings(
                self.session,
                current_app.config,
                values,
                loaded_version=getattr(form, VERSION_FIELD).data,
            )
        except CrmError as exc:
            flash_error(exc, form)
            return self._page(form, status=exc.status)
        flash(gettext("Email settings saved."), "success")
        return redirect(url_for(".list"))

    @expose("/test", methods=["POST"])
    @has_access
    def send_test(self):
        """A test message to the signed-in Admin through the saved SMTP settings."""
        try:
            answer = mail_settings.send_test(
                self.session, current_tenant_id(), current_app.config, g.user.email
            )
        except CrmError as exc:
            flash(str(exc.message), "danger")
            return self._page(status=200)
        flash(
            gettext(
                "A test message was sent to %(email)s. The server answered: %(answer)s",
                email=g.user.email,
                answer=answer,
            ),
            "success",
        )
        return redirect(url_for(".list"))
