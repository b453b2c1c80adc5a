"""Payment screens: the list, a payment's page with its allocations, the form that records a
payment and allocates it, "allocate credit", removing an allocation and voiding.

Every rule lives in ``crm.services.ledger.payments``; the API calls the same functions.
"""

import datetime as dt

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext, lazy_gettext as _l

from crm.datamodel.ledger import LedgerInterface
from crm.fields.customers import PAYMENT_METHODS
from crm.fields.ledger import PAYMENT, PAYMENT_STATUSES
from crm.models import Payment
from crm.services.core.errors import CrmError
from crm.services.ledger import payments
from crm.views.base import CrmModelView
from crm.views.fields import as_iso_date, as_plain_number, choice_field, date_field, label_of
from crm.views.ledger.ledger_common import amount, customer_from_args, run_action, status_badge

STATUS_STYLES = {"received": "success", "void": "default"}
FORM_FIELDS = ("payment_date", "amount", "method", "reference", "notes")


def allocation_rows(form, invoices):
    """[(invoice, amount text)] from the posted ``alloc_<invoice id>`` inputs, blanks left out."""
    rows = []
    for invoice in invoices:
        raw = (form.get(f"alloc_{invoice.id}") or "").strip()
        if raw:
            rows.append((invoice, as_plain_number(raw)))
    return rows


class PaymentView(CrmModelView):
    datamodel = LedgerInterface(Payment, after_write=payments.after_write, prefetch=("customer",))
    class_permission_name = "Payment"
    route_base = "/payments"
    list_title = _l("Payments")
    show_title = _l("Payment")
    add_title = _l("Record payment")
    edit_title = _l("Edit payment")
    label_columns = PAYMENT.labels()
    list_columns = PAYMENT.columns("list")
    show_columns = PAYMENT.columns("show")
    edit_columns = PAYMENT.columns("edit")
    search_columns = PAYMENT.columns("search")
    search_form_extra_fields = {
        "method": choice_field(PAYMENT.label("method"), PAYMENT_METHODS),
        "status": choice_field(PAYMENT.label("status"), PAYMENT_STATUSES),
    }
    order_columns = ["number", "payment_date", "amount"]
    base_order = ("payment_date", "desc")
    edit_form_extra_fields = {
        "method": choice_field(PAYMENT.label("method"), PAYMENT_METHODS),
        "payment_date": date_field(PAYMENT.label("payment_date")),
    }
    formatters_columns = {
        "amount": amount,
        "method": label_of(PAYMENT_METHODS),
        "status": status_badge(PAYMENT_STATUSES, STATUS_STYLES),
    }
    show_template = "crm/payment_show.html"
    prepare = staticmethod(payments.prepare)
    check_delete = staticmethod(payments.check_delete)

    def _payment(self, pk):
        payment = self.datamodel.get(pk, self._base_filters)
        if payment is None:
            abort(404)
        return payment

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        payment = self._payment(self._deserialize_pk_if_composite(pk))
        session = self.session
        allocations, page, pages = payments.page_of_allocations(
            session, payment, request.args.get("allocations_page", 0, type=int)
        )
        return self.render_template(
            self.show_template,
            pk=payment.id,
            title=self.show_title,
            widgets=self._show(payment.id),
            related_views=[],
            payment=payment,
            allocations=allocations,
            allocations_page=page,
            allocations_pages=pages,
            unallocated=payments.unallocated(session, payment),
            open_invoices=(
                payments.open_invoices(session, payment.customer_id)
                if payment.status == "received"
                else []
            ),
            amount=amount,
        )

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        """Record a payment: first the customer, then the amount and its allocation to
        the customer's open invoices (each with what it still has due)."""
        session = self.session
        customer = customer_from_args(session)
        values = {
            "payment_date": dt.date.today().isoformat(),
            "method": customer.payment_method
            if customer is not None and customer.payment_method
            else "bank_transfer",
        }
        errors, invoices = {}, []
        if customer is not None:
            invoices = payments.open_invoices(session, customer.id)
        if request.method == "POST" and customer is not None:
            form = request.form
            values = {name: form.get(name, "") for name in FORM_FIELDS}
            date = as_iso_date(values["payment_date"]) or None
            try:
                payment = payments.record_payment(
                    session,
                    customer,
                    as_plain_number(values["amount"]),
                    payment_date=date,
                    method=values["method"],
                    reference=values["reference"],
                    notes=values["notes"],
                    allocations=allocation_rows(form, invoices),
                    max_allocations=current_app.config["CRM_MAX_ALLOCATIONS"],
                )
            except CrmError as exc:
                errors = {}
                for field, messages in (exc.errors or {"": [exc.message]}).items():
                    # A refusal about a field the form has not (the number) shows on top.
                    shown = field if field in FORM_FIELDS + ("customer", "allocations") else ""
                    errors.setdefault(shown, []).extend(str(m) for m in messages)
                invoices = payments.open_invoices(session, customer.id)
            else:
                flash(gettext("%(number)s recorded.", number=payment.number), "success")
                return redirect(url_for(".show", pk=payment.id))
        return self.render_template(
            "crm/payment_add.html",
            title=self.add_title,
            customer=customer,
            invoices=invoices,
            values=values,
            errors=errors,
            posted=request.form,
            method_labels=PAYMENT_METHODS,
            amount=amount,
        )

    @expose("/allocate/<int:pk>", methods=["POST"])
    @has_access
    def allocate(self, pk):
        """Allocate unallocated credit of a payment to the customer's open invoices."""
        payment = self._payment(pk)
        invoices = payments.open_invoices(self.session, payment.customer_id)
        rows = allocation_rows(request.form, invoices)
        return run_action(
            lambda: payments.allocate(
                self.session,
                payment,
                rows,
                max_allocations=current_app.config["CRM_MAX_ALLOCATIONS"],
            ),
            gettext("Allocated."),
            url_for(".show", pk=pk),
        )

    @expose("/unallocate/<int:pk>", methods=["POST"])
    @has_access
    def unallocate(self, pk):
        payment = self._payment(pk)
        invoice_id = request.form.get("invoice_id", "")
        return run_action(
            lambda: payments.remove_allocation(self.session, payment, invoice_id),
            gettext("Allocation removed: that amount is credit again."),
            url_for(".show", pk=pk),
        )

    @expose("/void/<int:pk>", methods=["POST"])
    @has_access
    def void(self, pk):
        payment = self._payment(pk)
        return run_action(
            lambda: payments.void_payment(self.session, payment),
            gettext("%(number)s is void.", number=payment.number),
            url_for(".show", pk=pk),
        )
