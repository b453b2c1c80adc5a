"""POST /api/v1/email/: an email from a customer, contact, deal or lead, sent on the job
queue; /api/v1/email_template/: the tenant's templates."""

import base64
import binascii

from flask import current_app, g, request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import get_locale, gettext

from crm import jobs as job_queue
from crm.api.base import CrmModelApi
from crm.datamodel.interface import CrmInterface
from crm.models import EmailTemplate
from crm.security.roles import METHOD_VERBS
from crm.security.tenancy import current_tenant_id
from crm.services.core.errors import CrmError, ValidationFailed
from crm.services.mail import compose, templates
from crm.web.errors import json_answer, refusal


def _files(items):
    """[(filename, bytes)] of the body's attachments ([{filename, content_base64}])."""
    if items in (None, []):
        return []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValidationFailed(
            {"attachments": [gettext("Give attachments as [{filename, content_base64}].")]}
        )
    files = []
    for item in items:
        try:
            data = base64.b64decode(str(item.get("content_base64") or ""), validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(
                {"attachments": [gettext("An attachment is not valid base64.")]}
            ) from None
        files.append((str(item.get("filename") or ""), data))
    return files


def _checked(body):
    """The body's fields of the right JSON types; ValidationFailed naming the others."""
    errors = {}
    for field in ("entity", "subject", "body", "language"):
        if body.get(field) is not None and not isinstance(body[field], str):
            errors[field] = [gettext("Give text.")]
    recipients = body.get("recipients")
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        errors["recipients"] = [gettext("Give a list of recipient keys.")]
    for field in ("id", "template_id"):
        value = body.get(field)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            errors[field] = [gettext("Give a whole number.")]
    if errors:
        raise ValidationFailed(errors)
    return body


class EmailApi(BaseApi):
    resource_name = "email"
    class_permission_name = "Email"
    method_permission_name = METHOD_VERBS
    allow_browser_login = True
    openapi_spec_tag = "Email"

    @expose("/", methods=["POST"])
    @protect()
    @safe
    def send_email(self):
        """Send an email from a record to some of its contacts, on the job queue.
        ---
        post:
          summary: Email one or more of a record's contacts
          description: >-
            entity is customer, contact, deal or lead. recipients are keys of the contacts
            of the record that have an address, contact-colon-id such as contact:12, or lead
            for the address of a lead. subject and body may use merge fields such as
            contact.first_name in double braces. Left blank, the text of the template is
            used, in language when it has that translation. Attachments follow the document
            rules (types, size, content). The answer is the job. When it is done the message
            was sent and logged as an email interaction of the record. When it failed, its
            error says why and nothing was logged.
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [entity, id, recipients]
                  properties:
                    entity: {type: string, enum: [customer, contact, deal, lead]}
                    id: {type: integer}
                    recipients: {type: array, items: {type: string}}
                    template_id: {type: integer, nullable: true}
                    subject: {type: string}
                    body: {type: string}
                    language: {type: string, enum: [de, fr, es, hi]}
                    attachments:
                      type: array
                      items:
                        type: object
                        properties:
                          filename: {type: string}
                          content_base64: {type: string}
          responses:
            202:
              description: The job sending it
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      job_id: {type: integer}
                      status: {type: string}
                      error: {type: string, nullable: true}
            400: {$ref: '#/components/responses/400'}
            401: {$ref: '#/components/responses/401'}
            404: {$ref: '#/components/responses/404'}
            422: {$ref: '#/components/responses/422'}
        """
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return json_answer(400, gettext("Send the body as a JSON object."))
        try:
            _checked(body)
            job = compose.submit_email(
                self.appbuilder.session,
                job_queue.queue(),
                current_app.config,
                entity=str(body.get("entity") or ""),
                record_id=body.get("id"),
                recipient_keys=body["recipients"],
                template_id=body.get("template_id"),
                subject=body.get("subject"),
                body=body.get("body"),
                language=body.get("language"),
                files=_files(body.get("attachments")),
                locale=str(get_locale()),
                tenant_id=current_tenant_id(),
                user_id=g.user.id,
                username=g.user.username,
            )
        except CrmError as exc:
            return refusal(exc)
        return self.response(202, job_id=job.id, status=job.status, error=job.error)


class EmailTemplateApi(CrmModelApi):
    resource_name = "email_template"
    datamodel = CrmInterface(EmailTemplate)
    class_permission_name = "EmailTemplate"
    list_columns = show_columns = ["id", "name", "subject", "body", "translations"]
    add_columns = edit_columns = ["name", "subject", "body", "translations"]
    search_columns = ["name"]
    order_columns = ["name"]
    base_order = ("name", "asc")
    prepare = staticmethod(templates.prepare)
