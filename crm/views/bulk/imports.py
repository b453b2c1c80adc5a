"""Import screens: upload, mapping, preview, run with progress, and the history with revert."""

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from sqlalchemy import select

from crm import jobs as job_queue
from crm.downloads import send_download
from crm.i18n import current_language
from crm.models import IMPORT_ENTITIES, ImportRun
from crm.security.roles import METHOD_VERBS
from crm.services.bulk.data_fields import ENTITY_LABELS, fields_of
from crm.services.bulk.imports import (
    encodings,
    preview_jobs,
    revert as revert_rules,
    run_jobs,
    runs,
    templates,
)
from crm.services.bulk.imports.file_limits import ImportLimits
from crm.services.core.errors import CrmError, NotFound
from crm.views.base import refusal_messages

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _limits():
    return ImportLimits.from_config(current_app.config)


def _languages():
    """The interface's languages: a heading in any of them names its field."""
    return tuple(current_app.config["LANGUAGES"])


class _ImportBase(BaseView):
    class_permission_name = "Import"
    method_permission_name = METHOD_VERBS

    @property
    def session(self):
        return self.appbuilder.session if self.appbuilder is not None else None

    def _run(self, run_id):
        """The run, as its job left it (a run whose job was reaped is not running)."""
        try:
            return run_jobs.follow(self.session, runs.get_run(self.session, run_id))
        except NotFound:
            abort(404)


class ImportView(_ImportBase):
    route_base = "/import"
    default_view = "upload"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def upload(self):
        entity = request.values.get("entity", "customers")
        if entity not in IMPORT_ENTITIES:
            entity = "customers"
        errors = []
        if request.method == "POST":
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                errors = [gettext("Choose a file to upload.")]
            else:
                try:
                    run = runs.create_run(
                        self.session,
                        entity,
                        upload.filename,
                        upload.read(),
                        g.user.id,
                        g.user.username,
                        limits=_limits(),
                        locale=current_language(),
                        languages=_languages(),
                    )
                    return redirect(url_for(".map_columns", run_id=run.id))
                except CrmError as exc:
                    errors = refusal_messages(exc)
        return self.render_template(
            "crm/import_upload.html",
            entity=entity,
            errors=errors,
            entities=ENTITY_LABELS,
            title=gettext("Import"),
        ), (422 if errors else 200)

    @expose("/template/<entity>")
    @has_access
    def template(self, entity):
        if entity not in IMPORT_ENTITIES:
            abort(404)
        return send_download(
            templates.template_workbook(entity), f"{entity}-import-template.xlsx", XLSX
        )

    @expose("/map/<int:run_id>", methods=["GET", "POST"])
    @has_access
    def map_columns(self, run_id):
        run = self._run(run_id)
        if run.status != "uploaded":
            return redirect(url_for(".progress", run_id=run.id))
        headings = runs.table_of(run).headings
        errors = []
        mapping = dict(run.mapping or {})
        if request.method == "POST":
            wanted = {h: request.form.get(f"col_{i}", "") for i, h in enumerate(headings)}
            try:
                runs.set_mapping(self.session, run, wanted)
                return redirect(url_for(".preview_import", run_id=run.id))
            except CrmError as exc:
                errors, mapping = refusal_messages(exc), wanted
        return self.render_template(
            "crm/import_map.html",
            run=run,
            headings=list(enumerate(headings)),
            mapping=mapping,
            fields=fields_of(run.entity),
            errors=errors,
            encodings=encodings.ENCODINGS,
            title=gettext("Match the columns"),
        ), (422 if errors else 200)

    @expose("/encoding/<int:run_id>", methods=["POST"])
    @has_access
    def change_encoding(self, run_id):
        run = self._run(run_id)
        try:
            runs.change_encoding(
                self.session,
                run,
                request.form.get("encoding", ""),
                locale=current_language(),
                limits=_limits(),
                languages=_languages(),
            )
        except CrmError as exc:
            flash("; ".join(refusal_messages(exc)), "danger")
        return redirect(url_for(".map_columns", run_id=run_id))

    @expose("/preview/<int:run_id>")
    @has_access
    def preview_import(self, run_id):
        run = self._run(run_id)
        if run.status != "uploaded":
            return redirect(url_for(".progress", run_id=run.id))
        try:
            if run.total_rows > current_app.config["CRM_IMPORT_PREVIEW_BACKGROUND_ROWS"]:
                found = self._background_preview(run)
                if not isinstance(found, tuple):
                    return found
                counts, errors, warnings = found
            else:
                counts, errors, warnings = runs.preview(
                    self.session, run, locale=current_language()
                )
        except CrmError as exc:
            flash("; ".join(refusal_messages(exc)), "danger")
            return redirect(url_for(".map_columns", run_id=run_id))
        return self.render_template(
            "crm/import_preview.html",
            run=run,
            counts=counts,
            errors=errors,
            warnings=warnings,
            encodings=encodings.ENCODINGS,
            title=gettext("Preview"),
        )

    def _background_preview(self, run):
        """The stored preview of a large file, else its job's progress page (a job is
        submitted when none has checked the current mapping)."""
        found = preview_jobs.stored(run)
        job = preview_jobs.job_of(self.session, run)
        if found is None and (job is None or job.status == "done"):
            job = self._submit_preview(run)
            run = self._run(run.id)  # the job may have run already (immediate mode)
            found = preview_jobs.stored(run)
        if found is not None:
            return found
        return self.render_template(
            "crm/import_preview_wait.html", run=run, job=job, title=gettext("Preview")
        )

    def _submit_preview(self, run):
        return preview_jobs.start(
            self.session,
            job_queue.queue(),
            run,
            locale=current_language(),
            user_id=g.user.id,
            username=g.user.username,
        )

    @expose("/preview-again/<int:run_id>", methods=["POST"])
    @has_access
    def preview_again(self, run_id):
        try:
            self._submit_preview(self._run(run_id))
        except CrmError as exc:
            flash("; ".join(refusal_messages(exc)), "danger")
        return redirect(url_for(".preview_import", run_id=run_id))

    @expose("/run/<int:run_id>", methods=["POST"])
    @has_access
    def run_import(self, run_id):
        run = self._run(run_id)
        try:
            run_jobs.start(
                self.session,
                job_queue.queue(),
                run,
                request.form.get("mode", "valid_rows"),
                locale=current_language(),
                user_id=g.user.id,
                username=g.user.username,
            )
        except CrmError as exc:
            flash("; ".join(refusal_messages(exc)), "danger")
            return redirect(url_for(".preview_import", run_id=run_id))
        return redirect(url_for(".progress", run_id=run_id))

    @expose("/resume/<int:run_id>", methods=["POST"])
    @has_access
    def resume_import(self, run_id):
        run = self._run(run_id)
        try:
            run_jobs.resume(
                self.session,
                job_queue.queue(),
                run,
                locale=current_language(),
                user_id=g.user.id,
                username=g.user.username,
            )
        except CrmError as exc:
            flash("; ".join(refusal_messages(exc)), "danger")
        return redirect(url_for(".progress", run_id=run_id))

    @expose("/progress/<int:run_id>")
    @has_access
    def progress(self, run_id):
        run = self._run(run_id)
        return self.render_template(
            "crm/import_progress.html", run=run, status=runs.status(run), title=gettext("Import")
        )

    @expose("/status/<int:run_id>")
    @has_access
    def import_status(self, run_id):
        return jsonify(runs.status(self._run(run_id)))


class ImportHistoryView(_ImportBase):
    route_base = "/import-history"
    default_view = "list"

    @expose("/")
    @has_access
    def list(self):
        run_jobs.follow_all(self.session)
        history = list(
            self.session.scalars(
                select(ImportRun)
                .order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
                .limit(200)
            )
        )
        can_revert = self.appbuilder.sm.has_access("can_edit", "Import")
        return self.render_template(
            "crm/import_history.html",
            runs=history,
            can_revert=can_revert,
            can_resume=runs.can_resume,
            entities=ENTITY_LABELS,
            title=gettext("Import history"),
        )

    @expose("/report/<int:run_id>")
    @has_access
    def error_report(self, run_id):
        run = self._run(run_id)
        if not run.error_report:
            abort(404)
        name = run.file_name.rsplit(".", 1)[0]
        return send_download(run.error_report, f"{name}-errors.xlsx", XLSX)

    @expose("/revert/<int:run_id>", methods=["POST"])
    @has_access
    def revert(self, run_id):
        run = self._run(run_id)
        try:
            kept = revert_rules.revert(self.session, run)
        except CrmError as exc:
            flash("; ".join(refusal_messages(exc)), "danger")
            return redirect(url_for(".list"))
        flash(gettext("Import #%(id)d was reverted.", id=run.id), "success")
        if kept:
            flash(
                gettext("Kept (other records use them): %(names)s", names=", ".join(kept[:20])),
                "warning",
            )
        return redirect(url_for(".list"))
