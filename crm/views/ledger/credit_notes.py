"""Credit-note screens: list, add/edit of drafts (customer, optional invoice of that
customer, amount, reason), the note's page with Issue and Void.

Rules in ``crm.services.ledger.credit_notes``; the invoice picker offers only the chosen
customer's posted invoices (``static/interactions.js`` re-points it when the customer
changes) and the service refuses any other.
"""

from flask import abort, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from crm.datamodel.ledger import LedgerInterface
from crm.fields.ledger import CREDIT_NOTE, CREDIT_NOTE_STATUSES
from crm.models import POSTED_INVOICE_STATUSES, CreditNote, Invoice
from crm.services.core import lookups
from crm.services.ledger import credit_notes
from crm.views.base import CrmModelView
from crm.views.fields import customer_picker, date_field
from crm.views.financials import figure
from crm.views.ledger.ledger_common import amount, customer_from_args, run_action, status_badge
from crm.views.pickers import RecordPickerField, lookup_args, lookup_response

STATUS_STYLES = {"draft": "warning", "issued": "success", "void": "default"}


def invoice_label(invoice):
    return f"{invoice.number} · {invoice.issue_date} · {figure(invoice, 'total')}"


def _form_fields():
    return {
        "customer": customer_picker(),
        "invoice": RecordPickerField(
            CREDIT_NOTE.label("invoice"),
            model=Invoice,
            lookup="CreditNoteView.lookup_invoices",
            required=False,
            active_only=False,
            placeholder=_l("One of the customer's invoices (optional)"),
            label_of=invoice_label,
            render_kw={"data-depends-on-customer": "1"},
            messages={"unknown": _l("No such invoice. Choose one from the list.")},
            description=_l("Left empty, the credit note is credit on the customer's account."),
        ),
        "issue_date": date_field(CREDIT_NOTE.label("issue_date")),
    }


class CreditNoteView(CrmModelView):
    datamodel = LedgerInterface(
        CreditNote, after_write=credit_notes.after_write, prefetch=("customer", "invoice")
    )
    class_permission_name = "CreditNote"
    route_base = "/credit-notes"
    list_title = _l("Credit notes")
    show_title = _l("Credit note")
    add_title = _l("Add credit note")
    edit_title = _l("Edit credit note")
    label_columns = CREDIT_NOTE.labels()
    list_columns = CREDIT_NOTE.columns("list")
    show_columns = CREDIT_NOTE.columns("show")
    add_columns = edit_columns = CREDIT_NOTE.columns("form")
    search_columns = CREDIT_NOTE.columns("search")
    order_columns = ["number", "issue_date", "amount"]
    base_order = ("issue_date", "desc")
    add_form_extra_fields = _form_fields()
    edit_form_extra_fields = _form_fields()
    formatters_columns = {
        "amount": amount,
        "status": status_badge(CREDIT_NOTE_STATUSES, STATUS_STYLES),
    }
    add_template = "crm/interaction_form_add.html"  # re-points the invoice picker
    edit_template = "crm/interaction_form_edit.html"
    show_template = "crm/credit_note_show.html"
    prepare = staticmethod(credit_notes.prepare)
    check_delete = staticmethod(credit_notes.check_delete)

    def _note(self, pk):
        note = self.datamodel.get(pk, self._base_filters)
        if note is None:
            abort(404)
        return note

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        note = self._note(self._deserialize_pk_if_composite(pk))
        return self.render_template(
            self.show_template,
            pk=note.id,
            title=self.show_title,
            widgets=self._show(note.id),
            related_views=[],
            note=note,
        )

    @expose("/issue/<int:pk>", methods=["POST"])
    @has_access
    def issue(self, pk):
        note = self._note(pk)
        return run_action(
            lambda: credit_notes.issue(self.session, note),
            gettext("%(number)s issued.", number=note.number),
            url_for(".show", pk=pk),
        )

    @expose("/void/<int:pk>", methods=["POST"])
    @has_access
    def void(self, pk):
        note = self._note(pk)
        return run_action(
            lambda: credit_notes.void_credit_note(self.session, note),
            gettext("%(number)s is void.", number=note.number),
            url_for(".show", pk=pk),
        )

    @expose("/lookup_invoices")
    @has_access
    def lookup_invoices(self):
        """The posted invoices of ``?customer=`` whose number holds ``?q=``, newest first."""
        customer = customer_from_args(self.session)
        term, page = lookup_args()
        if customer is None:
            return lookup_response(lookups.Matches([], False))
        query = select(Invoice).where(
            Invoice.customer_id == customer.id, Invoice.status.in_(POSTED_INVOICE_STATUSES)
        )
        if term.strip():
            query = query.where(Invoice.number.ilike(f"%{term.strip()}%"))
        query = query.order_by(Invoice.issue_date.desc(), Invoice.id.desc())
        return lookup_response(lookups._page(self.session, query, page), invoice_label)
