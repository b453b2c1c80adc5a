"""Email from a record (compose, preview, send on the job queue), the inbound messages
waiting to be assigned (Email → Unmatched), and the files of email interactions."""

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale, gettext, lazy_gettext as _l
from flask_wtf import FlaskForm

from crm import jobs as job_queue
from crm.downloads import send_download
from crm.models import TEMPLATE_LANGUAGES, Customer, InteractionAttachment, Lead
from crm.security.roles import METHOD_VERBS
from crm.security.tenancy import current_tenant_id, get_owned
from crm.services.core import lookups
from crm.services.core.errors import CrmError, NotFound
from crm.services.mail import attachments, compose, inbound, templates
from crm.services.mail.settings import forwarding_address
from crm.views.base import refusal_messages
from crm.views.pickers import RecordPickerField, lookup_args, lookup_response

# Where "back to the record" goes, per entity.
RECORD_PAGES = {
    "customer": "CustomerView.show",
    "contact": "ContactView.show",
    "deal": "DealView.show",
    "lead": "LeadView.show",
}


def _lead_label(lead):
    return lead.title


class AssignForm(FlaskForm):
    customer = RecordPickerField(
        _l("Customer"),
        model=Customer,
        lookup="CustomerView.lookup",
        required=False,
        placeholder=_l("The customer it was with"),
    )
    lead = RecordPickerField(
        _l("Lead"),
        model=Lead,
        lookup="EmailView.lookup_leads",
        required=False,
        active_only=False,
        placeholder=_l("… or the lead"),
        label_of=_lead_label,
    )


class EmailView(BaseView):
    route_base = "/email"
    class_permission_name = "Email"
    method_permission_name = METHOD_VERBS
    default_view = "unmatched"

    @property
    def session(self):
        # FAB inspects every attribute while building the view, before appbuilder is set.
        return self.appbuilder.session if self.appbuilder is not None else None

    def create_blueprint(self, appbuilder, endpoint=None, static_folder=None):
        blueprint = super().create_blueprint(appbuilder, endpoint, static_folder)
        # The interaction page lists an email's files; registered with the download route.
        blueprint.add_app_template_global(self._files_of, "interaction_files")
        return blueprint

    def _files_of(self, interaction_id):
        return attachments.files_of(self.session, interaction_id)

    def _record(self, entity, pk):
        try:
            return compose.record_of(self.session, entity, pk)
        except NotFound:
            abort(404)

    def _compose_page(self, entity, record, values, errors=None, preview=None, status=200):
        return self.render_template(
            "crm/email_compose.html",
            title=gettext("Email from %(record)s", record=str(record)),
            entity=entity,
            record=record,
            back=url_for(RECORD_PAGES[entity], pk=record.id),
            recipients=compose.recipients(entity, record),
            templates=templates.templates(self.session),
            languages=TEMPLATE_LANGUAGES,
            values=values,
            errors=errors or {},
            preview=preview,
            forwarding=forwarding_address(self.session),
        ), status

    @expose("/compose/<entity>/<int:pk>", methods=["GET", "POST"])
    @has_access
    def compose_email(self, entity, pk):
        """GET: the form; POST with ``action`` load (the template's text into the form),
        preview (the message as the first recipient reads it) or send (queued)."""
        if entity not in compose.ENTITIES:
            abort(404)
        record = self._record(entity, pk)
        form = request.form
        values = {
            "recipients": form.getlist("recipients"),
            "template_id": form.get("template_id") or "",
            "language": form.get("language") or "",
            "subject": form.get("subject") or "",
            "body": form.get("body") or "",
        }
        if request.method == "GET":
            values["recipients"] = [r.key for r in compose.recipients(entity, record)[:1]]
            return self._compose_page(entity, record, values)
        action = form.get("action") or "send"
        try:
            if action == "load":
                values["subject"], values["body"] = compose.texts(
                    self.session, values["template_id"], "", "", values["language"]
                )
                return self._compose_page(entity, record, values)
            if action == "preview":
                preview = compose.preview(
                    self.session,
                    entity,
                    record.id,
                    values["recipients"],
                    values["template_id"],
                    values["subject"],
                    values["body"],
                    values["language"],
                    g.user.id,
                )
                return self._compose_page(entity, record, values, preview=preview)
            files = [
                (upload.filename or "", upload.read())
                for upload in request.files.getlist("attachments")
                if upload and upload.filename
            ]
            job = compose.submit_email(
                self.session,
                job_queue.queue(),
                current_app.config,
                entity=entity,
                record_id=record.id,
                recipient_keys=values["recipients"],
                template_id=values["template_id"],
                subject=values["subject"],
                body=values["body"],
                language=values["language"],
                files=files,
                locale=str(get_locale()),
                tenant_id=current_tenant_id(),
                user_id=g.user.id,
                username=g.user.username,
            )
        except CrmError as exc:
            errors = {k: [str(m) for m in v] for k, v in exc.errors.items()}
            if not errors:
                errors = {"": refusal_messages(exc)}
            return self._compose_page(entity, record, values, errors=errors, status=exc.status)
        if job.status == "failed":
            flash(gettext("The email was not sent: %(reason)s", reason=job.error), "danger")
        elif job.status == "done":
            flash(job.summary or gettext("The email was sent."), "success")
        else:
            flash(
                gettext(
                    "The email is being sent. It appears among the interactions once it has "
                    "gone; the Jobs screen says if it failed."
                ),
                "info",
            )
        return redirect(url_for(RECORD_PAGES[entity], pk=record.id))

    def _waiting(self, pk):
        try:
            return inbound.waiting(self.session, pk)
        except NotFound:
            abort(404)

    @expose("/unmatched")
    @has_access
    def unmatched(self):
        return self.render_template(
            "crm/email_unmatched.html",
            title=gettext("Unmatched email"),
            messages=inbound.unmatched(self.session),
            form=AssignForm(),
            forwarding=forwarding_address(self.session),
            can_assign=self.appbuilder.sm.has_access("can_edit", self.class_permission_name),
        )

    @expose("/unmatched/<int:pk>/assign", methods=["POST"])
    @has_access
    def assign(self, pk):
        self._waiting(pk)
        form = AssignForm(request.form)
        if not form.validate():
            for messages in form.errors.values():
                for message in messages:
                    flash(str(message), "danger")
            return redirect(url_for(".unmatched"))
        try:
            row = inbound.assign(
                self.session,
                current_app.config,
                pk,
                customer=form.customer.data,
                lead=form.lead.data,
            )
            flash(
                gettext("The message was logged: %(subject)s", subject=row.subject or ""),
                "success",
            )
        except CrmError as exc:
            for message in refusal_messages(exc):
                flash(message, "danger")
        return redirect(url_for(".unmatched"))

    @expose("/unmatched/<int:pk>/discard", methods=["POST"])
    @has_access
    def discard(self, pk):
        self._waiting(pk)
        try:
            inbound.discard(self.session, current_app.config, pk)
            flash(gettext("The message was discarded."), "success")
        except CrmError as exc:
            for message in refusal_messages(exc):
                flash(message, "danger")
        return redirect(url_for(".unmatched"))

    @expose("/lookup_leads")
    @has_access
    def lookup_leads(self):
        term, page = lookup_args()
        return lookup_response(lookups.leads_to_link(self.session, term, page), _lead_label)

    @expose("/attachment/<int:pk>")
    @has_access
    def attachment(self, pk):
        """A file of an email interaction, as a download."""
        row = get_owned(self.session, InteractionAttachment, pk)
        if row is None:
            abort(404)
        try:
            with attachments.open_file(current_app.config, row) as file:
                data = file.read()
        except FileNotFoundError:
            abort(404)
        return send_download(data, row.filename, row.content_type)
