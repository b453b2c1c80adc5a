"""GET /api/v1/forecast/: open deals by expected close month, per currency and owner, at
full value and weighted by stage probability (crm.services.insight.forecast).

Part of the dashboard, so it carries the "Dashboard" permission (every role reads it).
Deal values are not masked figures (crm.security.masking).
"""

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect, safe

from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.security.roles import METHOD_VERBS
from crm.services.insight import forecast

_FIGURE = {
    "count": {"type": "integer"},
    "value": {"type": "string", "format": "decimal", "example": "12500.00"},
    "weighted": {"type": "string", "format": "decimal", "example": "6250.00"},
}


class ForecastApi(BaseApi):
    resource_name = "forecast"
    class_permission_name = "Dashboard"
    method_permission_name = METHOD_VERBS
    allow_browser_login = True
    openapi_spec_tag = "Forecast"

    def add_apispec_components(self, api_spec):
        super().add_apispec_components(api_spec)
        figure = {"type": "object", "properties": dict(_FIGURE)}
        currency = {"type": "string", "example": "EUR"}
        api_spec.components.schema(
            "Forecast",
            {
                "type": "object",
                "properties": {
                    "today": {"type": "string", "format": "date"},
                    "periods": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "key": {
                                    "type": "string",
                                    "description": "this_month, next_month, this_quarter, "
                                    "or a month as YYYY-MM",
                                },
                                "from": {"type": "string", "format": "date"},
                                "to": {"type": "string", "format": "date"},
                                "currencies": {
                                    "type": "array",
                                    "items": {
                                        **figure,
                                        "properties": {"currency": currency, **_FIGURE},
                                    },
                                },
                                "owners": {
                                    "type": "array",
                                    "items": {
                                        **figure,
                                        "properties": {
                                            "owner_id": {"type": "integer", "nullable": True},
                                            "owner": {"type": "string", "nullable": True},
                                            "currency": currency,
                                            **_FIGURE,
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        )

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def get(self):
        """Open deals by expected close month (this month, next month, this quarter and the
        next six months, in the tenant's timezone), per currency and per owner; at full
        value and weighted by the probability of their stage.
        ---
        get:
          parameters:
          - in: query
            name: owner
            description: Only the deals assigned to this user
            schema: {type: integer}
          - in: query
            name: pipeline
            description: Only the deals of this pipeline
            schema: {type: integer}
          responses:
            200:
              description: The forecast
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Forecast'}
            400: {$ref: '#/components/responses/400'}
            401: {$ref: '#/components/responses/401'}
            403: {$ref: '#/components/responses/403'}
        """
        ids = {}
        for name in ("owner", "pipeline"):
            raw = request.args.get(name)
            try:
                ids[name] = inputs.record_id(raw) if raw not in (None, "") else None
            except InputInvalid as exc:
                return self.response_400(message=f"{name}: {exc}")
        owner_id, pipeline_id = ids["owner"], ids["pipeline"]
        result = forecast.forecast(
            self.appbuilder.session, owner_id=owner_id, pipeline_id=pipeline_id
        )
        return self.response(200, **forecast.as_data(result))
