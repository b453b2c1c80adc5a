"""A list export of more than CRM_EXPORT_BACKGROUND_ROWS rows, as a background job.

The job keeps the list's URL and arguments; the consumer replays them as the user who
asked (same filters, sort, masking and language) through the list's own ``write_export``,
so the file is the one the direct download would have been. A list's query is made of
its screen's filters, which is why this kind of job is registered by the screens.
"""

import tempfile

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext
from flask_login import login_user

from crm import jobs as job_queue
from crm.extensions import db
from crm.models import CrmUser
from crm.security.tenancy import current_tenant_id
from crm.services import jobs
from crm.services.core.storage import storage_for

MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def more_rows_than(query, threshold):
    """Whether ``query`` has more than ``threshold`` rows (counting at most one more)."""
    return query.order_by(None).limit(threshold + 1).count() > threshold


def submit_export(view, fmt, threshold):
    user = g.user
    parameters = {
        "view": type(view).__name__,
        "path": request.path,
        "args": request.args.to_dict(flat=False),
        "format": fmt,
        "title": view.export_file_name(fmt),
    }
    jobs.submit(
        db.session,
        job_queue.queue(),
        "export",
        parameters,
        tenant_id=current_tenant_id(),
        user_id=user.id,
        username=user.username,
    )
    flash(
        gettext(
            "More than %(rows)d rows: the export runs in the background. Download it "
            "here when it is done.",
            rows=threshold,
        ),
        "info",
    )
    return redirect(url_for("JobView.list"))


def _list_view(app, name):
    for view in app.appbuilder.baseviews:
        if type(view).__name__ == name and hasattr(view, "write_export"):
            return view
    raise LookupError(f"no list {name} to export")


def run_export(app, session, job, progress):
    """The job's export, kept in the job storage as <tenant>/<job>/<file name>."""
    parameters = job.parameters
    view = _list_view(app, parameters["view"])
    user = session.get(CrmUser, job.user_id)
    fmt = parameters["format"]
    with app.test_request_context(parameters["path"], query_string=parameters["args"]):
        login_user(user)
        g.user = user
        name = view.export_file_name(fmt)
        key = f"{job.tenant_id}/{job.id}/{name}"
        total = view.export_query().order_by(None).count()
        progress(0, total, force=True)
        # Written beside the consumer first: a storage takes a whole file, not a workbook
        # being built.
        with tempfile.TemporaryFile() as out:
            written = view.write_export(fmt, out, progress)
            out.seek(0)
            storage_for(app.config, "jobs").save(key, out)
        progress(written, total, force=True)
    return {"path": key, "name": name, "content_type": MIMETYPES[fmt]}
