"""The CRM settings page: module-wide preferences, and export, import and reset of the
whole CRM configuration (settings, lead statuses and sources, pipelines and stages)."""

import datetime as dt

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale, gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField

from crm.downloads import send_download
from crm.i18n.selection import tenant_settings
from crm.security.roles import METHOD_VERBS
from crm.services.core.errors import CrmError
from crm.services.core.validation import currency_choices
from crm.services.settings import configuration as crm_configuration, preferences as crm_settings
from crm.views.base import VERSION_FIELD, VersionField, flash_error, refusal_messages


def _field(key, default, label, description):
    choices = getattr(crm_settings.SETTINGS[key][1], "choices", None)
    if choices:
        # The service checks the value (and reads a missing one as the default).
        return SelectField(label, choices=choices, description=description, validate_choice=False)
    if isinstance(default, bool):
        return BooleanField(label, description=description)
    if isinstance(default, int):
        return IntegerField(label, description=description)
    if key.endswith("currency"):
        return SelectField(
            label, choices=currency_choices(str(get_locale() or "en")), description=description
        )
    return StringField(label, description=description)


def settings_form(formdata=None, values=None, version=None):
    """A form with one field per entry of ``crm_settings.SETTINGS``, and the version of
    the settings it was loaded with."""
    fields = {
        key: _field(key, default, label, description)
        for key, (default, _clean, label, description) in crm_settings.SETTINGS.items()
    }
    fields[VERSION_FIELD] = VersionField()
    form_class = type("CrmSettingsForm", (FlaskForm,), fields)
    return form_class(formdata=formdata, data={**(values or {}), VERSION_FIELD: version})


def template_setting(key):
    """``crm_setting(key)`` in templates: one query per request for all settings."""
    return tenant_settings()[key]


class CrmSettingsView(BaseView):
    route_base = "/crm-settings"
    class_permission_name = "CrmSettings"
    method_permission_name = METHOD_VERBS
    default_view = "list"
    template = "crm/crm_settings.html"

    def create_blueprint(self, appbuilder, endpoint=None, static_folder=None):
        blueprint = super().create_blueprint(appbuilder, endpoint, static_folder)
        # Record pages of every area ask crm_setting('show_activity_timeline'); this makes it
        # a template global of the whole app, registered with the settings it reads.
        blueprint.add_app_template_global(template_setting, "crm_setting")
        return blueprint

    @property
    def session(self):
        # FAB inspects every attribute while building the view, before appbuilder is set.
        return self.appbuilder.session if self.appbuilder is not None else None

    def can(self, verb):
        return self.appbuilder.sm.has_access(f"can_{verb}", self.class_permission_name)

    def _page(self, form=None, import_errors=None, status=200):
        form = form or settings_form(
            values=crm_settings.all_settings(self.session),
            version=crm_settings.settings_version(self.session),
        )
        return self.render_template(
            self.template,
            title=gettext("CRM settings"),
            form=form,
            can_edit=self.can("edit"),
            import_errors=import_errors or [],
            max_kb=crm_configuration.MAX_FILE_BYTES // 1024,
        ), status

    @expose("/")
    @has_access
    def list(self):
        return self._page()

    @expose("/", methods=["POST"])
    @has_access
    def edit(self):
        form = settings_form(formdata=request.form)
        if form.validate():
            # A setting the request leaves out keeps its value; an unticked box is sent as
            # nothing, so a boolean is always read.
            values = {
                key: getattr(form, key).data
                for key in crm_settings.SETTINGS
                if key in request.form or isinstance(getattr(form, key), BooleanField)
            }
            try:
                crm_settings.save_settings(
                    self.session, values, loaded_version=getattr(form, VERSION_FIELD).data
                )
            except CrmError as exc:
                flash_error(exc, form)
                return self._page(form, status=exc.status)
            flash(gettext("CRM settings saved."), "success")
            return redirect(url_for(".list"))
        return self._page(form, status=422)

    @expose("/export")
    @has_access
    def export_settings(self):
        name = f"crm-configuration-{dt.date.today().isoformat()}.json"
        return send_download(
            crm_configuration.export_json(self.session).encode("utf-8"), name, "application/json"
        )

    @expose("/import", methods=["POST"])
    @has_access
    def import_settings(self):
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return self._page(import_errors=[gettext("Choose the file to import.")], status=400)
        try:
            report = crm_configuration.import_file(self.session, upload.read())
        except CrmError as exc:
            problems = exc.errors.get("file") if exc.errors else None
            return self._page(
                import_errors=[str(p) for p in problems or [" ".join(refusal_messages(exc))]],
                status=exc.status,
            )
        self._flash_report(
            gettext(
                "Configuration imported: %(summary)s", summary=crm_configuration.summary(report)
            ),
            report,
        )
        return redirect(url_for(".list"))

    @expose("/reset", methods=["POST"])
    @has_access
    def reset_settings(self):
        report = crm_configuration.reset_to_defaults(self.session)
        self._flash_report(
            gettext(
                "Configuration reset to the defaults: %(summary)s",
                summary=crm_configuration.summary(report),
            ),
            report,
        )
        return redirect(url_for(".list"))

    @staticmethod
    def _flash_report(headline, report):
        flash(headline, "success")
        for message in report["kept"]:
            flash(message, "warning")
