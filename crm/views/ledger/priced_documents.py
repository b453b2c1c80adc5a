"""Screens shared by sales orders and invoices: list with a filter bar, a page with
lines, totals and status actions, and add/edit forms with an editable lines table.

The forms are plain HTML posted to ``add``/``edit``: the header fields and one row
per line (``line-<field>`` repeated). The service checks everything and names each
problem by field or ``lines.<row>.<field>``; the form is shown again with the
messages next to the fields and in the cells, and with everything as typed.
"""

import datetime as dt
from collections.abc import Callable
from types import ModuleType
from typing import Any

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import format_decimal, gettext, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from crm.datamodel.filters import FilterOnOrAfter, FilterOnOrBefore
from crm.datamodel.prefetch import PrefetchInterface
from crm.fields.ledger import INVOICE_LINE
from crm.formatting import moment, quantity
from crm.models import Customer, Invoice, PaymentTerm, SalesOrder
from crm.security.roles import CREDIT_OVERRIDE, may_override_credit
from crm.security.tenancy import get_owned
from crm.services.core.errors import CrmError, EditConflict
from crm.services.core.versions import check_version, version_of
from crm.services.ledger.credit_rule import CreditRefused
from crm.services.ledger.document_lines import LINE_FIELDS, page_of_lines
from crm.views.base import VERSION_FIELD, CrmModelView, flash_error
from crm.views.fields import as_iso_date, as_plain_number, date_picker, picker_date_text
from crm.views.query_args import date_arg, record_id

# Sales order and invoice lines have the same fields.
LINE_LABELS = INVOICE_LINE.labels(LINE_FIELDS)
EMPTY_ROWS = 1
# Cells (and the order's default discount) read as the user's locale writes numbers: stored
# prices and rates show with two decimals, never mistaken for a thousands group, and
# quantities in the locale's own way (QUANTITY_SHOWN).
LOCALE_NUMBER_FIELDS = ("quantity", "unit_price", "discount_rate", "tax_rate")
# A stored quantity in its edit cell: the locale's decimal mark, no groups, no trailing
# zeros (2.000 shows as 2, 1.234 as 1,234 in German, which reads it back as 1.234).
QUANTITY_SHOWN = "0.###"


def _quantity_shown(value):
    return "" if value is None else format_decimal(value, QUANTITY_SHOWN)


class CreditOverridePermission(BaseView):
    """No page: keeps the credit-override permission (``CREDIT_OVERRIDE``) in the database
    at every start and ``flask crm sync-roles``, for Admin and any role given it."""

    class_permission_name = CREDIT_OVERRIDE[0]
    base_permissions = [CREDIT_OVERRIDE[1]]
    route_base = "/credit-override-permission"


class DocumentInterface(PrefetchInterface):
    """Lists load each page's customers with the page. (Totals show in the document's
    currency, or masked: crm.datamodel.values.shown.)"""

    prefetch_of = {SalesOrder: ("customer",), Invoice: ("customer",)}


class PricedDocumentView(CrmModelView):
    """Subclasses set the service functions and ``date_column``, ``header_fields``
    (name, label, input kind) and ``actions_of(document)``."""

    list_template = "crm/priced_document_list.html"
    show_template = "crm/priced_document_show.html"
    form_template = "crm/priced_document_form.html"
    date_column: str | None = None
    header_fields: tuple[tuple[str, Any, str], ...] = ()
    status_labels: dict[str, Any] = {}
    service: ModuleType | None = None  # module with prefill, save_*, check_delete
    save: Callable[..., object] | None = None
    # The list's search box, for documents with an indexed search_text (invoices).
    search_placeholder: Any = None
    list_args = ("customer", "status", "date_from", "date_to")

    # --- list ----------------------------------------------------------------------

    def filter_args(self):
        if "_crm_document_filters" not in g:
            customer_id = record_id(request.args, "customer")
            customer = get_owned(self.session, Customer, customer_id) if customer_id else None
            g._crm_document_filters = {
                "status": request.args.get("status")
                if request.args.get("status") in self.status_labels
                else None,
                "customer": customer,
                "date_from": date_arg("date_from"),
                "date_to": date_arg("date_to"),
            }
        return g._crm_document_filters

    def _get_list_widget(self, filters, **kwargs):
        # The filter bar applies to the list page (and its export), not to the customer
        # page's tab.
        if request.endpoint in (f"{type(self).__name__}.list", f"{type(self).__name__}.export"):
            args = self.filter_args()
            if args["status"]:
                filters.add_filter("status", _Equal, args["status"])
            if args["customer"] is not None:
                filters.add_filter("customer_id", _Equal, args["customer"].id)
            if args["date_from"]:
                filters.add_filter(self.date_column, _OnOrAfter, args["date_from"])
            if args["date_to"]:
                filters.add_filter(self.date_column, _OnOrBefore, args["date_to"])
        return super()._get_list_widget(filters=filters, **kwargs)

    @expose("/list/")
    @has_access
    def list(self):
        self.update_redirect()
        return self.render_template(
            self.list_template,
            title=self.list_title,
            widgets=self._list(),
            filter_args=self.filter_args(),
            status_labels=self.status_labels,
            search_placeholder=self.search_placeholder,
        )

    # --- show and actions ------------------------------------------------------------

    def _document(self, pk):
        document = self.datamodel.get(pk, self._base_filters)
        if document is None:
            abort(404)
        return document

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        document = self._document(self._deserialize_pk_if_composite(pk))
        lines, page, pages = page_of_lines(
            self.session, document, request.args.get("lines_page", 0, type=int)
        )
        return self.render_template(
            self.show_template,
            pk=document.id,
            document=document,
            title=self.show_title,
            lines=lines,
            lines_page=page,
            lines_pages=pages,
            kind=self.kind,
            info=[(label, _shown(value)) for label, value in self.info_rows(document)],
            quantity=quantity,
            status_label=self.status_labels.get(document.status, document.status),
            actions=self.actions_of(document),
            line_labels=LINE_LABELS,
            credit_refused=request.args.get("credit_refused"),
            may_override=may_override_credit(self.appbuilder.sm),
            endpoint=type(self).__name__,
        )

    def _act(self, pk, operation, done, credit_action=None):
        document = self._document(pk)
        try:
            if credit_action:
                operation(
                    self.session,
                    document,
                    override_reason=request.form.get("override_reason"),
                    may_override=may_override_credit(self.appbuilder.sm),
                )
            else:
                operation(self.session, document)
        except CrmError as exc:
            flash_error(exc)
            if isinstance(exc, CreditRefused):
                return redirect(url_for(".show", pk=pk, credit_refused=credit_action))
        else:
            flash(done % {"number": document.number}, "success")
        return redirect(url_for(".show", pk=pk))

    # --- add and edit ------------------------------------------------------------------

    def _form_values(self):
        values = {name: request.form.get(name, "") for name, _label, _kind in self.header_fields}
        rows = [request.form.getlist(f"line-{field}") for field in LINE_FIELDS]
        lines = [dict(zip(LINE_FIELDS, cells)) for cells in zip(*rows)]
        return values, lines

    def _render_form(
        self, title, values, lines, errors, document=None, status=200, loaded_version=None
    ):
        customer = values.get("customer")
        if customer is not None and not isinstance(customer, Customer):
            customer = get_owned(self.session, Customer, customer)
        terms = self.session.scalars(
            select(PaymentTerm).order_by(PaymentTerm.days, PaymentTerm.name)
        ).all()
        default_discount = values.get("discount_rate") or (
            customer.discount_rate if customer is not None else ""
        )
        blank = dict.fromkeys(LINE_FIELDS, "")
        blank["discount_rate"] = default_discount if default_discount not in (None, "") else ""
        # A form refused for holding too many lines shows as many as a document may hold.
        shown = list(lines)[: current_app.config["CRM_MAX_DOCUMENT_LINES"]]
        rows = shown + [dict(blank) for _ in range(EMPTY_ROWS)]
        return self.render_template(
            self.form_template,
            title=title,
            values=values,
            customer=customer,
            rows=rows,
            blank_row=blank,
            errors=errors,
            header_fields=self.header_fields,
            terms=terms,
            document=document,
            line_labels=LINE_LABELS,
            line_fields=LINE_FIELDS,
            version_field=VERSION_FIELD,
            loaded_version=loaded_version,
            endpoint=type(self).__name__,
            date_picker=date_picker,
        ), status

    @staticmethod
    def _text(value):
        """A value as the form's input holds it; a date as its picker writes it."""
        if value is None:
            return ""
        if hasattr(value, "id"):
            return value.id
        return picker_date_text(value) if isinstance(value, dt.date) else value

    def _as_locale_reads(self, values, lines):
        """What was typed, with dates and amounts written as the user's locale writes them
        (``31.03.2025``, ``1.234,56`` in German) turned into the ISO dates and plain numbers
        the service reads; what the locale cannot read goes on as its refusal."""
        read = dict(values)
        for name, _label, kind in self.header_fields:
            if kind == "date":
                read[name] = as_iso_date(values.get(name))
            elif name in LOCALE_NUMBER_FIELDS:
                read[name] = as_plain_number(values.get(name))
        lines = [
            {
                field: as_plain_number(cell) if field in LOCALE_NUMBER_FIELDS else cell
                for field, cell in line.items()
            }
            for line in lines
        ]
        return read, lines

    def _saved(self, document, values, lines, loaded_version=None):
        """None when saved, else the errors by field and the status to answer with."""
        values, lines = self._as_locale_reads(values, lines)
        try:
            if document.id is not None:
                check_version(loaded_version, version_of(document))
            self.save(
                self.session,
                document,
                values,
                lines,
                skip_blank_lines=True,
                max_lines=current_app.config["CRM_MAX_DOCUMENT_LINES"],
            )
        except StaleDataError:
            return self._refused(EditConflict())
        except CrmError as exc:
            return self._refused(exc)
        return None

    @staticmethod
    def _refused(exc):
        if not exc.errors:
            flash_error(exc)
            if isinstance(exc, EditConflict):
                return {}, exc.status
        return {k: [str(m) for m in v] for k, v in exc.errors.items()} or {"": []}, 422

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        if request.method == "POST":
            values, lines = self._form_values()
            document = self.datamodel.obj()
            refused = self._saved(document, values, lines)
            if refused is None:
                flash(gettext("%(number)s saved.", number=document.number), "success")
                return redirect(url_for(".show", pk=document.id))
            errors, status = refused
            return self._render_form(self.add_title, values, lines, errors, status=status)
        values, lines = {}, []
        customer_id = record_id(request.args, "customer")
        customer = get_owned(self.session, Customer, customer_id) if customer_id else None
        if customer is not None:
            values = {
                k: self._text(v) for k, v in self.service.prefill(self.session, customer).items()
            }
        return self._render_form(self.add_title, values, lines, {})

    @expose("/prefill", methods=["GET"])
    @has_access
    def prefill(self):
        """The header a new document for ``?customer=`` starts with, for the form's script
        to fill in when a customer is chosen (static/document_prefill.js)."""
        customer_id = record_id(request.args, "customer")
        customer = get_owned(self.session, Customer, customer_id) if customer_id else None
        if customer is None:
            abort(404)
        values = self.service.prefill(self.session, customer)
        values.pop("customer", None)
        return jsonify({k: self._text(v) for k, v in values.items()})

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        document = self._document(self._deserialize_pk_if_composite(pk))
        if document.status not in self.service.EDITABLE:
            flash(
                gettext(
                    "%(number)s is %(status)s and can no longer be changed.",
                    number=document.number,
                    status=self.status_labels.get(document.status, document.status),
                ),
                "warning",
            )
            return redirect(url_for(".show", pk=document.id))
        if request.method == "POST":
            values, lines = self._form_values()
            # Shown again with the version it was loaded with: saving it stays refused
            # until the user reloads and sees the other change.
            loaded = request.form.get(VERSION_FIELD)
            refused = self._saved(document, values, lines, loaded)
            if refused is None:
                flash(gettext("%(number)s saved.", number=document.number), "success")
                return redirect(url_for(".show", pk=document.id))
            errors, status = refused
            return self._render_form(
                self.edit_title, values, lines, errors, document, status, loaded_version=loaded
            )
        values = {name: self._text(getattr(document, name)) for name, _l_, _k in self.header_fields}
        lines = [
            {f: self._text(getattr(line, f)) for f in LINE_FIELDS}
            | {"quantity": _quantity_shown(line.quantity)}
            for line in document.lines
        ]
        return self._render_form(
            self.edit_title, values, lines, {}, document, loaded_version=version_of(document)
        )

    def info_rows(self, document):
        return []


def _shown(value):
    """A header value as the page writes it: dates in the locale's one format."""
    return moment(value) if isinstance(value, dt.date) else value


class _Equal(BaseFilter):
    name = _l("Equal to")
    arg_name = "crm_eq"

    def apply(self, query, value):
        return query.filter(getattr(self.model, self.column_name) == value)


class _OnOrAfter(FilterOnOrAfter):
    arg_name = "crm_ge"


class _OnOrBefore(FilterOnOrBefore):
    arg_name = "crm_le"
