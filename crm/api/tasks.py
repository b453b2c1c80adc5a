"""REST endpoints for tasks: the same rules as the form, plus the quick actions
(``POST /<pk>/done``, ``POST /<pk>/reopen``) and the caller's open tasks (``GET /mine``)."""

from flask import request
from flask_appbuilder.api import expose, protect, safe

from crm.api.base import CrmModelApi
from crm.datamodel.tasks import OpenFirst
from crm.fields.pipeline import TASK
from crm.models import Task
from crm.security.tenancy import current_user_id
from crm.services.pipeline import tasks

READ_COLUMNS = TASK.columns("api_read")


class TaskApi(CrmModelApi):
    resource_name = "task"
    datamodel = OpenFirst(Task)
    class_permission_name = "Task"
    label_columns = TASK.labels()
    list_columns = show_columns = READ_COLUMNS
    add_columns = edit_columns = TASK.columns("form")
    search_columns = [
        "title",
        "status",
        "priority",
        "assignee",
        "due_date",
        "customer",
        "company",
        "deal",
        "lead",
    ]
    order_columns = ["title", "due_date", "priority", "status", "created_at"]
    base_order = ("due_date", "asc")
    prepare = staticmethod(tasks.prepare)

    @expose("/<int:pk>/done", methods=["POST"])
    @protect()
    @safe
    def mark_done(self, pk):
        """Mark a task done (sets completed_at).
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200: {$ref: '#/components/responses/TaskApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: Not allowed from the task's status}
        """
        return self._apply(pk, tasks.complete)

    @expose("/<int:pk>/reopen", methods=["POST"])
    @protect()
    @safe
    def reopen(self, pk):
        """Reopen a done or cancelled task (clears completed_at).
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200: {$ref: '#/components/responses/TaskApi.record'}
            404: {$ref: '#/components/responses/404'}
        """
        return self._apply(pk, tasks.reopen)

    @expose("/mine", methods=["GET"])
    @protect()
    @safe
    def my_tasks(self):
        """The caller's open and in-progress tasks, soonest due first (``?page=``, 50 a page).
        ---
        get:
          parameters:
          - in: query
            name: page
            schema: {type: integer}
          responses:
            200:
              description: A page of tasks and whether more follow
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result:
                        type: array
                        items: {$ref: '#/components/schemas/TaskApi.get_list'}
                      more: {type: boolean}
        """
        page = request.args.get("page", 1, type=int)
        rows, more = tasks.my_open_tasks(self.session, current_user_id(), page)
        return self.response(200, result=self.list_model_schema.dump(rows, many=True), more=more)
