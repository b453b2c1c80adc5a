"""What the payment, credit-note and contract screens share.

``LedgerInterface`` saves a document and what follows from it (an invoice's amount paid,
the customer's balance) in one transaction: FAB adds or edits the row, the entity's
``after_write(session, item)`` runs after the flush, then everything is committed.
"""
from decimal import Decimal

from flask import abort, flash, redirect, request
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError

from crm.models import Customer
from crm.security.tenancy import get_owned
from crm.services.errors import CrmError
from crm.services.numbering import commit_numbered, flush_numbered
from crm.views.datamodel import CrmInterface, refused_save
from crm.views.deals import Money, money
from crm.views.pickers import _id_of

MONEY_COLUMNS = ("amount", "value")


class LedgerInterface(CrmInterface):
    def __init__(self, obj, after_write=None, **kwargs):
        super().__init__(obj, **kwargs)
        self.after_write = after_write

    def _follow(self, item, commit):
        if self.after_write is not None and isinstance(item, self.obj):
            flush_numbered(self.session)
            self.after_write(self.session, item)
        if commit:
            commit_numbered(self.session)

    def add(self, item, commit=True):
        try:
            self.session.add(item)
            self._follow(item, commit)
        except SQLAlchemyError as exc:
            self.session.rollback()
            raise refused_save(exc, self.obj) from exc
        except Exception:
            self.session.rollback()
            raise

    def get_values(self, lst, list_columns):
        # Amounts show in the document's own currency.
        for item, values in zip(lst, super().get_values(lst, list_columns)):
            for column in MONEY_COLUMNS:
                if column in values and isinstance(item, self.obj):
                    values[column] = _with_currency(values[column], item)
            yield values

    def get_values_item(self, item, show_columns):
        values = super().get_values_item(item, show_columns)
        if not isinstance(item, self.obj):
            return values
        return [_with_currency(value, item) if column in MONEY_COLUMNS else value
                for column, value in zip(show_columns, values)]

    def edit(self, item, commit=True):
        try:
            item = self.session.merge(item)
            self._follow(item, commit)
        except SQLAlchemyError as exc:
            self.session.rollback()
            raise refused_save(exc, self.obj) from exc
        except Exception:
            self.session.rollback()
            raise


def _with_currency(value, item):
    # A masked figure (crm.security.masking) is text, shown as it is.
    return Money(value, item.currency) if isinstance(value, (int, Decimal)) else value


def amount(value, currency=None):
    """An amount in its currency, in the user's locale (list cells carry a ``Money``)."""
    return money(value, currency)


def status_badge(labels, styles):
    def badge(value):
        style = styles.get(value, "default")
        return Markup(f'<span class="label label-{style}">{escape(labels.get(value, value or ""))}</span>')
    badge.labels = labels  # read by the activity timeline (crm.views.field_labels)
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


def run_action(session, operation, success, back):
    """Run a service operation from a button: flash its refusal or ``success``, redirect."""
    try:
        operation()
    except CrmError as exc:
        session.rollback()
        # A button has no fields to put the messages next to: each on its own.
        for messages in (exc.errors or {"": [exc.message]}).values():
            for message in messages:
                flash(str(message), "danger")
    else:
        flash(success, "success")
    return redirect(back)
