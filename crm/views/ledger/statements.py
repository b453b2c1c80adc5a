"""Statement of account screens: a customer's statement (preview, PDF, Excel, e-mail) and
sending statements to many customers from the customer list."""

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.urltools import get_filter_args
from flask_babel import get_locale, gettext, lazy_gettext as _l

from crm import jobs as job_queue
from crm.downloads import send_download
from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.models import Customer
from crm.security.masking import LEDGER_AMOUNTS, can_view
from crm.security.roles import METHOD_VERBS
from crm.security.tenancy import current_tenant_id, current_user_id, get_owned
from crm.services.core import mailer
from crm.services.core.errors import CrmError, ValidationFailed
from crm.services.mail.settings import smtp_settings_for
from crm.services.statements import (
    batch as statement_batch,
    mail as statement_mail,
    statement as statements,
    text as statement_text,
)
from crm.services.statements.files import statement_file
from crm.views.base import flash_error

# The file a batch attaches to each statement (crm.services.statements.files.FORMATS).
FORMAT_LABELS = {"pdf": _l("PDF"), "xlsx": _l("Excel")}
REFUSED = _l("Statements show balances; your role may not see financial figures.")


def _period_args(source):
    """The (from, to) strings a form or query string asks for; the default period if none."""
    first, last = statements.default_period()
    return (source.get("from") or first.isoformat(), source.get("to") or last.isoformat())


class StatementView(BaseView):
    route_base = "/statements"
    class_permission_name = "Statement"
    method_permission_name = METHOD_VERBS
    default_view = "email_statements"

    def _customer(self, customer_pk):
        customer = get_owned(self.appbuilder.session, Customer, customer_pk)
        if customer is None:
            abort(404)
        return customer

    def _refused(self):
        return self.render_template("crm/statement_refused.html", message=REFUSED), 403

    @expose("/<int:customer_pk>")
    @has_access
    def statement(self, customer_pk):
        """The statement on screen, with the period form, the downloads and the message it
        would be mailed with (``?contact=`` picks the recipient among the contacts)."""
        customer = self._customer(customer_pk)
        if not can_view(LEDGER_AMOUNTS):
            return self._refused()
        date_from, date_to = _period_args(request.args)
        return self._page(customer, date_from, date_to, _contact_id(request.args))

    def _page(self, customer, date_from, date_to, contact_id, mail=None, mail_errors=None):
        """The statement page; ``mail`` is the sender's subject and body to show again
        with ``mail_errors`` when a send was refused."""
        session = self.appbuilder.session
        statement, errors = None, {}
        try:
            statement = statements.build_statement(session, customer, date_from, date_to)
        except ValidationFailed as exc:
            errors = _messages(exc)
        can_email = self.appbuilder.sm.has_access("can_edit", "Statement")
        message, mail_errors = None, dict(mail_errors or {})
        if statement is not None and can_email:
            try:
                message = statement_mail.draft(session, customer, date_from, date_to, contact_id)
            except CrmError as exc:
                mail_errors.setdefault("contact", [str(exc.message)])
        if message is not None and mail:
            message.subject, message.body = mail
        return self.render_template(
            "crm/statement.html",
            customer=customer,
            statement=statement,
            errors=errors,
            date_from=date_from,
            date_to=date_to,
            text=statement_text,
            recipients=statement_mail.recipients(customer),
            chosen=message.contact.id if message is not None else contact_id,
            message=message,
            mail_errors=mail_errors,
            can_email=can_email,
        )

    @expose("/<int:customer_pk>/download")
    @has_access
    def download(self, customer_pk):
        """?format=pdf|xlsx&from=&to=: the statement as a file."""
        customer = self._customer(customer_pk)
        if not can_view(LEDGER_AMOUNTS):
            return self._refused()
        date_from, date_to = _period_args(request.args)
        try:
            data, mimetype, name, _ = statement_file(
                self.appbuilder.session, customer, date_from, date_to, request.args.get("format")
            )
        except CrmError as exc:
            flash_error(exc)
            return redirect(url_for(".statement", customer_pk=customer.id))
        return send_download(data, name, mimetype)

    @expose("/<int:customer_pk>/email", methods=["POST"])
    @has_access
    def email_statement(self, customer_pk):
        """Mail the statement (PDF attached) to the chosen contact (the primary contact
        when none is chosen), with the subject and message as the sender left them."""
        customer = self._customer(customer_pk)
        if not can_view(LEDGER_AMOUNTS):
            return self._refused()
        date_from, date_to = _period_args(request.form)
        contact_id = _contact_id(request.form)
        subject, body = request.form.get("subject"), request.form.get("body")
        settings = smtp_settings_for(
            self.appbuilder.session, customer.tenant_id, current_app.config
        )
        try:
            email = statement_mail.send_statement(
                self.appbuilder.session,
                customer,
                date_from,
                date_to,
                settings=settings,
                user_id=current_user_id(),
                contact_id=contact_id,
                subject=subject,
                body=body,
            )
            flash(gettext("The statement was sent to %(email)s.", email=email), "success")
        except ValidationFailed as exc:
            # The sender's text is shown again beside the reason, not lost.
            page = self._page(
                customer, date_from, date_to, contact_id, (subject, body), _messages(exc)
            )
            return page, 422
        except CrmError as exc:
            flash_error(exc)
        except statement_mail.MAIL_ERRORS as exc:
            flash(
                gettext(
                    "The statement could not be sent: %(reason)s",
                    reason=mailer.describe_failure(exc),
                ),
                "danger",
            )
        query = {"from": date_from, "to": date_to}
        if contact_id is not None:
            query["contact"] = contact_id
        return redirect(url_for(".statement", customer_pk=customer.id, **query))

    @expose("/batch", methods=["GET", "POST"])
    @has_access
    def email_statements(self):
        """GET: the customers chosen (``ids``, all overdue, or the customer list's filters)
        and the period; POST: one background job sends them all (the Jobs screen shows
        its progress and its report of what was sent and what failed)."""
        if not can_view(LEDGER_AMOUNTS):
            return self._refused()
        session = self.appbuilder.session
        limit = current_app.config.get("CRM_STATEMENT_BATCH_MAX", 2000)
        if request.method == "POST":
            date_from, date_to = _period_args(request.form)
            ids, fmt = _ids(request.form.get("ids")), request.form.get("format") or "pdf"
            try:
                statement_batch.submit_batch(
                    session,
                    job_queue.queue(),
                    ids,
                    date_from,
                    date_to,
                    fmt,
                    locale=str(get_locale()),
                    limit=limit,
                    tenant_id=current_tenant_id(),
                    user_id=g.user.id,
                    username=g.user.username,
                )
            except ValidationFailed as exc:
                return self._batch_form(ids, date_from, date_to, exc.errors, limit, fmt)
            flash(
                gettext(
                    "The statements are being sent in the background. Follow the progress "
                    "here and download the report of what was sent when it is done."
                ),
                "info",
            )
            return redirect(url_for("JobView.list"))
        date_from, date_to = _period_args(request.args)
        if request.args.get("ids"):
            ids = _ids(request.args["ids"])
        elif request.args.get("scope") == "overdue":
            ids = statement_mail.overdue_customer_ids(session, limit + 1)
        else:
            ids = self._ids_matching_list_filters(limit + 1)
        return self._batch_form(ids, date_from, date_to, {}, limit)

    def _batch_form(self, ids, date_from, date_to, errors, limit, fmt="pdf"):
        chosen = statement_mail.customers_by_id(self.appbuilder.session, ids[:limit])
        return self.render_template(
            "crm/statement_batch.html",
            customers=chosen,
            ids=",".join(str(c.id) for c in chosen),
            too_many=len(ids) > limit,
            limit=limit,
            date_from=date_from,
            date_to=date_to,
            fmt=fmt,
            formats=FORMAT_LABELS,
            errors={field: [str(m) for m in messages] for field, messages in errors.items()},
            filtered=bool(
                request.args.get("scope") or any(key.startswith("_flt_") for key in request.args)
            ),
        )

    def _ids_matching_list_filters(self, limit):
        """The ids of the customers the customer list shows for the same query string."""
        view = next(v for v in self.appbuilder.baseviews if type(v).__name__ == "CustomerView")
        filters = view.datamodel.get_filters(view.search_columns)
        get_filter_args(filters, disallow_if_not_in_search=False)
        # An empty field of the list's filter bar means "any", as on the list.
        kept = [
            (flt, value)
            for flt, value in zip(filters.filters, filters.values)
            if any(str(v).strip() for v in (value if isinstance(value, list) else [value]))
        ]
        filters.filters, filters.values = [f for f, _ in kept], [v for _, v in kept]
        filters.add_filter("is_active", FilterEqual, request.args.get("archived") != "1")
        _, rows = view.datamodel.query(
            filters.get_joined_filters(view._base_filters),
            order_column="name",
            order_direction="asc",
            page=0,
            page_size=limit,
        )
        return [row.id for row in rows]


def _messages(exc):
    return {field: [str(m) for m in messages] for field, messages in exc.errors.items()}


def _contact_id(source):
    """The recipient a form or query string chose (``contact``), else None."""
    try:
        return inputs.record_id(source.get("contact") or "")
    except InputInvalid:
        return None


def _ids(raw):
    """The customer ids in ``3,5,8`` (crm.i18n.inputs.record_id), each once; parts that
    are no id are left out."""
    ids = []
    for part in (raw or "").split(","):
        try:
            ids.append(inputs.record_id(part))
        except InputInvalid:
            continue
    return list(dict.fromkeys(ids))
