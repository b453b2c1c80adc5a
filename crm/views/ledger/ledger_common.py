"""What the payment, credit-note and contract screens share (their data access is
``crm.datamodel.ledger``)."""

from flask import abort, flash, redirect, request
from markupsafe import Markup, escape

from crm.models import Customer
from crm.security.tenancy import get_owned
from crm.services.core.errors import CrmError
from crm.views.pickers import _id_of
from crm.views.pipeline.deals import money


def amount(value, currency=None):
    """An amount in its currency, in the user's locale (list cells carry a ``Money``)."""
    return money(value, currency)


def status_badge(labels, styles):
    def badge(value):
        style = styles.get(value, "default")
        return Markup(
            f'<span class="label label-{style}">{escape(labels.get(value, value or ""))}</span>'
        )

    return badge


def customer_from_args(session):
    """The customer named by ``?customer=`` or a tab's ``?_flt_0_customer=``: this tenant's,
    else 404; None when neither is given."""
    raw = request.values.get("customer") or request.args.get("_flt_0_customer")
    if not raw:
        return None
    customer = get_owned(session, Customer, raw) if _id_of(raw) else None
    if customer is None:
        abort(404)
    return customer


def run_action(operation, success, back):
    """Run a service operation from a button: flash its refusal or ``success``, redirect."""
    try:
        operation()
    except CrmError as exc:
        # A button has no fields to put the messages next to: each on its own.
        for messages in (exc.errors or {"": [exc.message]}).values():
            for message in messages:
                flash(str(message), "danger")
    else:
        flash(success, "success")
    return redirect(back)
