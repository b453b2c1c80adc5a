"""REST endpoints for the CRM settings and the configuration file (export, import, reset)."""

import datetime as dt

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from marshmallow import Schema, fields

from crm.downloads import send_download
from crm.security.roles import METHOD_VERBS
from crm.services.core.errors import CrmError
from crm.services.settings import configuration as crm_configuration, preferences as crm_settings
from crm.web.errors import refusal


class ConfigurationReport(Schema):
    """What an import or a reset did (crm.services.settings.configuration)."""

    message = fields.String(metadata={"description": "The counts in a sentence"})
    counts = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        metadata={"description": "By section: added, updated, deleted, kept"},
    )
    kept = fields.List(fields.String(), metadata={"description": "The rows kept, and why"})


class CrmSettingsApi(BaseApi):
    resource_name = "crm_settings"
    class_permission_name = "CrmSettings"
    method_permission_name = METHOD_VERBS
    allow_browser_login = True
    openapi_spec_tag = "CRM settings"
    openapi_spec_component_schemas = (ConfigurationReport,)

    @property
    def session(self):
        # FAB inspects every attribute while building the view, before appbuilder is set.
        return self.appbuilder.session if self.appbuilder is not None else None

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def get(self):
        """The tenant's CRM settings.
        ---
        get:
          summary: The CRM settings, each with its value (the default when never set)
          responses:
            200:
              description: "result: {key: value}; defaults: {key: default value}"
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result: {type: object}
                      defaults: {type: object}
            401: {$ref: '#/components/responses/401'}
        """
        return self.response(
            200, result=crm_settings.all_settings(self.session), defaults=crm_settings.DEFAULTS
        )

    @expose("/", methods=["PUT"])
    @protect()
    @safe
    def put(self):
        """Change some or all settings at once.
        ---
        put:
          summary: Change some or all CRM settings
          description: >-
            Keys left out keep their values. Keys: kanban_page_size (5-100),
            show_activity_timeline (true/false), default_deal_currency (ISO 4217 code).
            An unknown key or a bad value changes nothing (422 naming the key).
          requestBody:
            required: true
            content:
              application/json:
                schema: {type: object}
          responses:
            200:
              description: "Saved; result holds every setting"
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result: {type: object}
            400: {$ref: '#/components/responses/400'}
            403: {$ref: '#/components/responses/403'}
            422: {$ref: '#/components/responses/422'}
        """
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Request is not a JSON object")
        try:
            return self.response(200, result=crm_settings.save_settings(self.session, body))
        except CrmError as exc:
            return refusal(exc)

    @expose("/export", methods=["GET"])
    @protect()
    @safe
    def export_settings(self):
        """Download the whole CRM configuration as a JSON file.
        ---
        get:
          summary: Export the CRM configuration as a JSON file
          description: >-
            Settings, lead statuses (in board order), lead sources, pipelines with their
            stages (in board order). The file can be imported into this or another
            organisation.
          responses:
            200:
              description: "The configuration document (attachment)"
              content:
                application/json:
                  schema: {type: object}
            401: {$ref: '#/components/responses/401'}
        """
        name = f"crm-configuration-{dt.date.today().isoformat()}.json"
        return send_download(
            crm_configuration.export_json(self.session).encode("utf-8"), name, "application/json"
        )

    @expose("/import", methods=["POST"])
    @protect()
    @safe
    def import_settings(self):
        """Import a configuration file, as exported.
        ---
        post:
          summary: Import a CRM configuration file (as exported)
          description: >-
            Send the file as the JSON body or as the multipart field "file". The whole
            file is checked first: any problem (not JSON, wrong format or shape, unknown
            keys, duplicate names, two defaults, a stage both won and lost, ...) answers
            400 or 422 listing every problem under message.file, and nothing changes.
            Otherwise, in one transaction, each section present replaces that part of
            the configuration: rows matched by name (stages within their pipeline) are
            updated, missing rows added, rows left out removed unless leads or deals use
            them (those are kept and listed in "kept"). Sections absent from the file
            are left alone; settings left out return to their defaults.
          requestBody:
            required: true
            content:
              application/json:
                schema: {type: object}
              multipart/form-data:
                schema:
                  type: object
                  properties:
                    file: {type: string, format: binary}
          responses:
            200:
              description: "Imported; counts per section (added, updated, deleted, kept) and
                the kept rows"
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/ConfigurationReport'}
            400: {$ref: '#/components/responses/400'}
            403: {$ref: '#/components/responses/403'}
            422: {$ref: '#/components/responses/422'}
        """
        upload = request.files.get("file")
        raw = upload.read() if upload is not None else request.get_data()
        try:
            report = crm_configuration.import_file(self.session, raw)
        except CrmError as exc:
            return refusal(exc)
        return self.response(200, message=crm_configuration.summary(report), **report)

    @expose("/reset", methods=["POST"])
    @protect()
    @safe
    def reset_settings(self):
        """Reset the CRM configuration to the defaults.
        ---
        post:
          summary: Reset the CRM configuration to the defaults
          description: >-
            Settings, lead statuses, lead sources and the Sales pipeline go back to what a
            new organisation starts with (the import policy applied to the defaults). Rows
            leads or deals use are kept and listed in "kept"; a kept row gives up the
            default, won and lost flags the defaults give to another row.
          responses:
            200:
              description: "Reset; counts per section and the kept rows"
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/ConfigurationReport'}
            403: {$ref: '#/components/responses/403'}
        """
        report = crm_configuration.reset_to_defaults(self.session)
        return self.response(200, message=crm_configuration.summary(report), **report)
