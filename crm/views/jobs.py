"""The Jobs screen: each user's background jobs (an Admin's: the tenant's), their live
progress, cancel, the result file, and the running-jobs indicator in the navbar."""

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, lazy_gettext as _l

from crm import jobs as job_queue
from crm.datamodel.interface import CrmInterface
from crm.downloads import send_download
from crm.extensions import db
from crm.models import Job
from crm.security.roles import METHOD_VERBS, is_admin
from crm.security.tenancy import current_tenant_id, current_user_id
from crm.services import jobs
from crm.services.core.errors import CrmError
from crm.views.notifications import navbar_badges

KIND_LABELS = {
    "health_refresh": _l("Health score refresh"),
    "export": _l("Export"),
    "statement_batch": _l("Statements by e-mail"),
    "import": _l("Import"),
    "import_preview": _l("Import preview"),
    "email_send": _l("Email from a record"),
}
STATUS_LABELS = {
    "queued": _l("Queued"),
    "running": _l("Running"),
    "done": _l("Done"),
    "failed": _l("Failed"),
    "cancelled": _l("Cancelled"),
}


def sees_all_jobs():
    """Admins see every job of their tenant; everyone else their own."""
    return is_admin(g.get("user"))


def running_jobs():
    """The navbar indicator: counted with the notification bell's (one query)."""
    badges = navbar_badges()
    return badges[0] if badges is not None else 0


def job_state(job):
    """A job as the screen's progress poll reads it."""
    total = job.progress_total
    percent = (
        100
        if job.status == "done"
        else (min(100, round(100 * job.progress_done / total)) if total else 0)
    )
    return {
        "id": job.id,
        "status": job.status,
        "status_label": str(STATUS_LABELS[job.status]),
        "done": job.progress_done,
        "total": total,
        "percent": percent,
        "error": job.error,
        "summary": job.summary,
        "result_url": url_for("JobView.job_result", pk=job.id) if job.result_path else None,
    }


class JobView(BaseView):
    route_base = "/jobs"
    class_permission_name = "Job"
    method_permission_name = METHOD_VERBS
    default_view = "list"
    # The model the tenancy walk looks up for this screen's ids.
    datamodel = CrmInterface(Job)
    label_columns: dict[str, object] = {}

    def create_blueprint(self, appbuilder, endpoint=None, static_folder=None):
        blueprint = super().create_blueprint(appbuilder, endpoint, static_folder)
        # Every page's navbar (crm/navbar_jobs.html) calls this lazily.
        blueprint.app_context_processor(lambda: {"crm_running_jobs": running_jobs})
        return blueprint

    def _reap(self):
        jobs.reap_dead(
            db.session,
            current_app.config["CRM_JOB_HEARTBEAT_TIMEOUT"],
            tenant_id=current_tenant_id(),
        )

    def _visible(self, pk):
        job = jobs.visible_job(db.session, pk, current_user_id(), sees_all_jobs())
        if job is None:
            abort(404)
        return job

    @expose("/")
    @has_access
    def list(self):
        self._reap()
        page = max(request.args.get("page", 0, type=int), 0)
        see_all = sees_all_jobs()
        total, rows = jobs.list_visible(db.session, current_user_id(), see_all, page)
        pages = (total + jobs.reading.PAGE_SIZE - 1) // jobs.reading.PAGE_SIZE
        return self.render_template(
            "crm/jobs.html",
            rows=rows,
            total=total,
            page=page,
            pages=pages,
            see_all=see_all,
            kinds=KIND_LABELS,
            statuses=STATUS_LABELS,
            state=job_state,
            can_refresh_health=self.appbuilder.sm.has_access("can_edit", "Job"),
            title=gettext("Jobs"),
        )

    @expose("/status")
    @has_access
    def job_status(self):
        """{"jobs": [state, ...]} of the visible jobs among ``ids`` (comma-separated)."""
        self._reap()
        ids = [int(i) for i in request.args.get("ids", "").split(",") if i.isdigit()][:100]
        user_id, see_all = current_user_id(), sees_all_jobs()
        found = [jobs.visible_job(db.session, pk, user_id, see_all) for pk in ids]
        return jsonify(jobs=[job_state(job) for job in found if job is not None])

    @expose("/<int:pk>/cancel", methods=["POST"])
    @has_access
    def cancel_job(self, pk):
        job = self._visible(pk)
        try:
            outcome = jobs.cancel(db.session, job_queue.queue(), job)
        except CrmError as exc:
            flash(str(exc.message), "warning")
        else:
            flash(
                gettext("The job was cancelled.")
                if outcome == "cancelled"
                else gettext("The job stops at its next step."),
                "info",
            )
        return redirect(url_for(".list"))

    @expose("/<int:pk>/result")
    @has_access
    def job_result(self, pk):
        job = self._visible(pk)
        result = jobs.open_result(job, current_app.config)
        if result is None:
            abort(404)
        return send_download(result, job.result_name, job.result_content_type, max_age=0)

    @expose("/refresh-health", methods=["POST"])
    @has_access
    def refresh_health(self):
        user = g.user
        jobs.submit(
            db.session,
            job_queue.queue(),
            "health_refresh",
            {},
            tenant_id=current_tenant_id(),
            user_id=user.id,
            username=user.username,
        )
        flash(gettext("The health scores are being refreshed."), "info")
        return redirect(url_for(".list"))
