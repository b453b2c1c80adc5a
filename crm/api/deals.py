"""REST endpoints for deals: CRUD at /api/v1/deal/ and PUT /api/v1/deal/<id>/stage.

Both call the services the screens use: ``deals.prepare`` before every save and
``deal_stages.change_stage`` for a move, so dates and lost reasons follow one rule.
"""

from flask import request
from flask_appbuilder.api import expose, protect, safe
from flask_babel import gettext

from crm.api.base import CrmModelApi
from crm.datamodel.interface import CrmInterface
from crm.fields.pipeline import DEAL
from crm.models import Deal
from crm.services.core.errors import CrmError, ValidationFailed
from crm.services.pipeline import deal_stages, deals as deal_rules
from crm.web.errors import refusal

DEAL_READ = [
    "id",
    "title",
    "description",
    "value",
    "currency",
    "probability",
    "expected_close_date",
    "actual_close_date",
    "lost_reason",
    "pipeline.id",
    "pipeline.name",
    "stage.id",
    "stage.name",
    "stage.is_won",
    "stage.is_lost",
    "company.id",
    "company.name",
    "customer.id",
    "customer.name",
    "assigned_to.id",
    "assigned_to.username",
    "created_at",
    "updated_at",
]
# prepare() fills these in (the default stage) or names what is missing in its own words.
OPTIONAL_IN_BODY = ("pipeline", "stage")


class DealApi(CrmModelApi):
    resource_name = "deal"
    datamodel = CrmInterface(Deal)
    class_permission_name = "Deal"
    label_columns = DEAL.labels()
    list_columns = [
        "id",
        "title",
        "value",
        "currency",
        "probability",
        "expected_close_date",
        "actual_close_date",
        "pipeline.id",
        "pipeline.name",
        "stage.id",
        "stage.name",
        "company.id",
        "company.name",
        "customer.id",
        "customer.name",
        "assigned_to.id",
        "assigned_to.username",
    ]
    show_columns = DEAL_READ
    add_columns = DEAL.columns("form")
    edit_columns = DEAL.columns("edit")
    search_columns = [
        "search_text",
        "title",
        "pipeline",
        "stage",
        "assigned_to",
        "customer",
        "company",
        "value",
        "probability",
        "expected_close_date",
        "actual_close_date",
    ]
    order_columns = ["title", "value", "expected_close_date", "actual_close_date", "created_at"]
    base_order = ("created_at", "desc")
    prepare = staticmethod(deal_rules.prepare)
    check_delete = staticmethod(deal_rules.check_delete)

    def _init_model_schemas(self):
        super()._init_model_schemas()
        for schema in (self.add_model_schema, self.edit_model_schema):
            for name in OPTIONAL_IN_BODY:
                schema.fields[name].required = False
                schema.fields[name].allow_none = True

    @expose("/<int:pk>/stage", methods=["PUT"])
    @protect()
    @safe
    def stage(self, pk):
        """Move a deal to another stage of its pipeline (won/lost set the close date).
        ---
        put:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    stage_id: {type: integer}
                    lost_reason: {type: string}
                  required: [stage_id]
          responses:
            200: {$ref: '#/components/responses/DealApi.record'}
            400: {$ref: '#/components/responses/400'}
            404: {$ref: '#/components/responses/404'}
            409: {description: Moved by someone else at the same moment; read it again}
            422: {$ref: '#/components/responses/422'}
        """
        deal = self.datamodel.get(pk, self._base_filters)
        if deal is None:
            return self.response_404()
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message=gettext("Send a JSON object with stage_id."))
        stage_id = body.get("stage_id")
        reason = body.get("lost_reason")
        try:
            if isinstance(stage_id, bool) or not isinstance(stage_id, int):
                raise ValidationFailed(
                    {"stage_id": [gettext("Give the id of a stage (a number).")]}
                )
            if reason is not None and not isinstance(reason, str):
                raise ValidationFailed({"lost_reason": [gettext("Give the lost reason as text.")]})
            deal_stages.change_stage(self.session, deal, stage_id, reason)
        except CrmError as exc:
            return refusal(exc)
        return self.response(200, result=self.show_model_schema.dump(deal))
