"""Background jobs over REST: list and read your jobs (an Admin: the tenant's), cancel one."""

from flask import current_app, g
from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.filters import BaseFilter

from crm import jobs as job_queue
from crm.api.base import CrmModelApi
from crm.datamodel.interface import CrmInterface
from crm.models import Job
from crm.security.roles import METHOD_VERBS, is_admin
from crm.security.scoping import TENANT_FILTERS
from crm.security.tenancy import current_tenant_id, current_user_id
from crm.services import jobs
from crm.services.core.errors import CrmError
from crm.web.errors import refusal

COLUMNS = [
    "id",
    "kind",
    "status",
    "username",
    "parameters",
    "progress_done",
    "progress_total",
    "created_at",
    "started_at",
    "finished_at",
    "heartbeat_at",
    "result_name",
    "summary",
    "error",
]


class VisibleJobs(BaseFilter):
    """The signed-in user's jobs; an Admin's: every job of the tenant."""

    name = "Visible jobs"
    arg_name = "visible"

    def apply(self, query, value):
        if is_admin(g.get("user")):
            return query
        return query.filter(Job.user_id == (current_user_id() or -1))


class JobApi(CrmModelApi):
    resource_name = "job"
    datamodel = CrmInterface(Job)
    class_permission_name = "Job"
    method_permission_name = METHOD_VERBS
    base_filters = TENANT_FILTERS + [["id", VisibleJobs, None]]
    list_columns = show_columns = COLUMNS
    search_columns = ["kind", "status", "created_at"]
    order_columns = ["created_at", "finished_at", "id", "status"]
    base_order = ("created_at", "desc")
    include_route_methods = {"get", "get_list", "info", "cancel_job"}

    def _reap(self):
        jobs.reap_dead(
            self.session,
            current_app.config["CRM_JOB_HEARTBEAT_TIMEOUT"],
            tenant_id=current_tenant_id(),
        )

    def get_list_headless(self, **kwargs):
        self._reap()
        return super().get_list_headless(**kwargs)

    def get_headless(self, pk, **kwargs):
        self._reap()
        return super().get_headless(pk, **kwargs)

    @expose("/<int:pk>/cancel", methods=["POST"])
    @protect()
    @safe
    def cancel_job(self, pk):
        """Cancel one of your jobs: a queued one at once, a running one at its next step.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200:
              description: The job; outcome is cancelled or cancelling
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      outcome: {type: string, enum: [cancelled, cancelling]}
                      result: {$ref: '#/components/schemas/JobApi.get'}
            404: {$ref: '#/components/responses/404'}
            409: {description: The job has already ended}
        """
        job = jobs.visible_job(self.session, pk, current_user_id(), is_admin(g.get("user")))
        if job is None:
            return self.response_404()
        try:
            outcome = jobs.cancel(self.session, job_queue.queue(), job)
        except CrmError as exc:
            return refusal(exc)
        self.session.expire_all()
        return self.response(
            200, outcome=outcome, result=self.show_model_schema.dump(self.session.get(Job, pk))
        )
