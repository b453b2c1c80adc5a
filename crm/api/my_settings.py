"""REST endpoints for the caller's own settings (language, task reminders, overdue digest)."""

from flask import current_app, g, request
from flask_appbuilder.api import BaseApi, expose, protect, safe

from crm.security.roles import METHOD_VERBS
from crm.services.accounts import user_settings
from crm.services.core.errors import CrmError
from crm.web.errors import refusal

_SETTINGS = {
    "type": "object",
    "properties": {
        "locale": {"type": "string", "nullable": True},
        "reminder_days_before": {"type": "integer", "nullable": True},
        "reminder_time": {"type": "string", "example": "09:00"},
        "overdue_digest": {"type": "boolean"},
    },
}


class MySettingsApi(BaseApi):
    resource_name = "my_settings"
    class_permission_name = "MySettings"
    # Reading and setting one's own settings are one permission, as on the screen.
    method_permission_name = {**METHOD_VERBS, "get": "read", "put": "read"}
    allow_browser_login = True
    openapi_spec_tag = "My settings"

    @property
    def session(self):
        # FAB inspects every attribute while building the view, before appbuilder is set.
        return self.appbuilder.session if self.appbuilder is not None else None

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def get(self):
        """Your own settings.
        ---
        get:
          summary: Your language, default task reminder and overdue digest choice
          responses:
            200:
              description: "result: the settings"
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result: {$ref: '#/components/schemas/MySettings'}
            401: {$ref: '#/components/responses/401'}
        """
        return self.response(200, result=user_settings.preferences_of(g.user))

    @expose("/", methods=["PUT"])
    @protect()
    @safe
    def put(self):
        """Change some or all of your settings.
        ---
        put:
          summary: Change your own settings
          description: >-
            Keys left out keep their values. locale (a shipped language, or null to
            follow the browser), reminder_days_before (0-60, or null for no default
            reminder), reminder_time (HH:MM, the organisation's timezone),
            overdue_digest (true/false). A bad value changes nothing (422 naming it).
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/MySettings'}
          responses:
            200:
              description: "Saved; result holds every setting"
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result: {$ref: '#/components/schemas/MySettings'}
            400: {$ref: '#/components/responses/400'}
            422: {$ref: '#/components/responses/422'}
        """
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Request is not a JSON object")
        try:
            result = user_settings.save_settings(
                self.session, g.user, body, current_app.config["LANGUAGES"]
            )
        except CrmError as exc:
            return refusal(exc)
        return self.response(200, result=result)

    def add_apispec_components(self, api_spec):
        super().add_apispec_components(api_spec)
        if "MySettings" not in api_spec.components.schemas:
            api_spec.components.schema("MySettings", _SETTINGS)
