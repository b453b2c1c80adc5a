"""REST endpoints for the sales pipeline settings: lead statuses, lead sources, pipelines,
stages. Writes go through the same services as the screens (Admins only, by the matrix)."""

from collections.abc import Callable

from flask import request
from flask_appbuilder.api import expose, protect, safe

from crm.api.base import CrmModelApi
from crm.datamodel.interface import CrmInterface
from crm.models import LeadSource, LeadStatus, Pipeline, Stage
from crm.security.tenancy import get_owned
from crm.services.core.errors import CrmError
from crm.services.pipeline import lead_sources, lead_statuses, pipelines, positions, stages
from crm.web.errors import refusal


class OrderedApi(CrmModelApi):
    """An API whose rows have a display order, changed with POST ``/reorder``."""

    base_order = ("position", "asc")
    reorder_rows: Callable[..., object] | None = None

    @expose("/reorder", methods=["POST"])
    @protect()
    @safe
    def reorder(self):
        """Put every row of the group in a new order.
        ---
        post:
          summary: Reorder (the order of the Kanban columns)
          description: >-
            Send every id of the group once, in the new order: all lead statuses, all
            pipelines, or all stages of one pipeline. A list missing or repeating a row
            is refused (422) and nothing changes.
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    ids:
                      type: array
                      items: {type: integer}
                      description: every id of the group, each once, in the new order
                  required: [ids]
          responses:
            200:
              description: "Saved; result lists the rows in their new order"
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result:
                        type: array
                        items:
                          type: object
                          properties:
                            id: {type: integer}
                            position: {type: integer}
            400: {$ref: '#/components/responses/400'}
            403: {description: Not allowed for this role}
            422: {$ref: '#/components/responses/422'}
        """
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Request is not a JSON object")
        try:
            ids = positions.clean_ids(body.get("ids"))
            self.reorder_rows(self.session, ids)
        except CrmError as exc:
            return refusal(exc)
        return self.response(200, result=[{"id": pk, "position": i} for i, pk in enumerate(ids)])


class LeadStatusApi(OrderedApi):
    resource_name = "lead_status"
    datamodel = CrmInterface(LeadStatus)
    class_permission_name = "LeadStatus"
    list_columns = show_columns = ["id", "name", "colour", "is_default", "is_final", "position"]
    add_columns = edit_columns = ["name", "colour", "is_default", "is_final"]
    search_columns = ["name", "is_default", "is_final"]
    order_columns = ["name", "position"]
    prepare = staticmethod(lead_statuses.prepare)
    check_delete = staticmethod(lead_statuses.check_delete)
    reorder_rows = staticmethod(lead_statuses.reorder)


class LeadSourceApi(CrmModelApi):
    resource_name = "lead_source"
    datamodel = CrmInterface(LeadSource)
    class_permission_name = "LeadSource"
    list_columns = show_columns = ["id", "name", "is_active"]
    add_columns = edit_columns = ["name", "is_active"]
    search_columns = ["name", "is_active"]
    order_columns = ["name"]
    base_order = ("name", "asc")
    prepare = staticmethod(lead_sources.prepare)
    check_delete = staticmethod(lead_sources.check_delete)


class PipelineApi(OrderedApi):
    resource_name = "pipeline"
    datamodel = CrmInterface(Pipeline)
    class_permission_name = "Pipeline"
    list_columns = show_columns = [
        "id",
        "name",
        "description",
        "is_active",
        "is_default",
        "position",
    ]
    add_columns = edit_columns = ["name", "description", "is_active", "is_default"]
    search_columns = ["name", "is_active", "is_default"]
    order_columns = ["name", "position"]
    prepare = staticmethod(pipelines.prepare)
    check_delete = staticmethod(pipelines.check_delete)
    reorder_rows = staticmethod(pipelines.reorder)


class StageApi(OrderedApi):
    resource_name = "stage"
    datamodel = CrmInterface(Stage)
    class_permission_name = "Stage"
    list_columns = show_columns = [
        "id",
        "pipeline.id",
        "pipeline.name",
        "name",
        "colour",
        "probability",
        "is_default",
        "is_won",
        "is_lost",
        "position",
    ]
    add_columns = ["pipeline", "name", "colour", "probability", "is_default", "is_won", "is_lost"]
    # A stage keeps its pipeline: its deals belong to that pipeline.
    edit_columns = ["name", "colour", "probability", "is_default", "is_won", "is_lost"]
    search_columns = ["pipeline", "name", "is_default", "is_won", "is_lost"]
    order_columns = ["name", "position", "probability"]
    base_order = ("position", "asc")
    prepare = staticmethod(stages.prepare)
    check_delete = staticmethod(stages.check_delete)
    reorder_rows = staticmethod(stages.reorder)

    @expose("/<int:pk>/move_deals", methods=["POST"])
    @protect()
    @safe
    def move_deals(self, pk):
        """Move every deal of this stage to another stage of the same pipeline.
        ---
        post:
          summary: Move this stage's deals to another stage of its pipeline
          description: >-
            Empties the stage so it can be deleted. Each deal goes through the deals' stage
            rule (a won or lost stage closes it today, an open stage reopens it) and each
            change is audited.
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    target: {type: integer, description: id of the stage to move the deals to}
                  required: [target]
          responses:
            200:
              description: "Moved; ``moved`` says how many deals, ``target`` to which stage"
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      moved: {type: integer}
                      target: {type: integer}
            400: {$ref: '#/components/responses/400'}
            404: {$ref: '#/components/responses/404'}
            422: {$ref: '#/components/responses/422'}
        """
        stage = get_owned(self.session, Stage, pk)
        if stage is None:
            return self.response_404()
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Request is not a JSON object")
        target = get_owned(self.session, Stage, body.get("target"))
        try:
            moved = stages.move_deals(self.session, stage, target)
        except CrmError as exc:
            return refusal(exc)
        return self.response(200, moved=moved, target=target.id)
