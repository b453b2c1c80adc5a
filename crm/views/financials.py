"""Financial figures on screens: the "view financials" permission, masked values in
lists and detail pages, and forms that leave hidden figures out.

Which columns are financial and how they are masked is crm.security.masking's
business; this module applies it to FAB's screens.
"""

from flask_appbuilder import BaseView
from flask_babel import format_currency

from crm.fields.ledger import AGING_LABELS
from crm.formatting import day, money
from crm.i18n.values import masked
from crm.security.masking import (
    CREDIT_FIGURES,
    FINANCIAL_CLASSES,
    FINANCIALS,
    FINANCIALS_PERMISSION,
    LEDGER_AMOUNTS,
    MASKED_FIELDS,
    can_view,
    mask_value,
    masked_columns,
    masked_field,
)


class FinancialsPermission(BaseView):
    """No page: it makes FAB keep the ``can_read`` on ``Financials`` permission (every
    class of figure) in the database at every start (granted to Admin, there to give to
    any other role), like every other screen's permissions."""

    class_permission_name = FINANCIALS
    base_permissions = [FINANCIALS_PERMISSION]
    route_base = "/financials-permission"


def _figure_class_permission(figure_class):
    """Like FinancialsPermission, for one class of figure (matched by FAB_ROLES per the
    role matrix)."""
    return type(
        f"{figure_class}Permission",
        (BaseView,),
        {
            "class_permission_name": figure_class,
            "base_permissions": [FINANCIALS_PERMISSION],
            "route_base": f"/financials-permission/{figure_class.lower()}",
            "__doc__": f"No page: keeps can_read on {figure_class} in the database.",
        },
    )


FIGURE_CLASS_PERMISSIONS = tuple(_figure_class_permission(c) for c in FINANCIAL_CLASSES)


_UNSET = object()


def figure(owner, column, value=_UNSET, currency=None):
    """A record's amount as a page shows it: in ``currency`` (default: the record's),
    or masked for users who may not see its class. ``value``: an amount derived from
    the column (a payment's unallocated part), masked as the column is. For templates
    that lay out figures themselves (a document's lines and totals, allocations)."""
    if value is _UNSET:
        value = getattr(owner, column)
    field = masked_field(type(owner).__name__, column)
    if field is not None:
        return (
            masked() if field.kind == "amount" else mask_value(type(owner).__name__, column, value)
        )
    return money(value, currency or getattr(owner, "currency", None))


def _hiding(form_class, entity, columns):
    """``form_class`` without ``columns`` for users who may not see financials: the
    fields are neither shown nor read, so a save keeps the stored values."""
    if not columns:
        return form_class

    class HidingForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            hidden = masked_columns(entity)
            for name in columns:
                if name in hidden and name in self:
                    del self[name]

    HidingForm.__name__ = form_class.__name__
    return HidingForm


def _present(include_cols, form):
    return [column for column in include_cols if column in form]


class HiddenFinancialsMixin:
    """For a ModelView of a masked entity. Users who may not see financials get edit
    forms without the masked columns (the stored values stay untouched on save) and
    add forms without masked amounts (a credit limit they could never read back);
    an account number is still entered on add, and shown masked afterwards."""

    def _masked(self, adding):
        fields = MASKED_FIELDS.get(self.datamodel.obj.__name__, {})
        return [column for column, field in fields.items() if not adding or field.kind == "amount"]

    def _init_forms(self):
        super()._init_forms()
        entity = self.datamodel.obj.__name__
        self.add_form = _hiding(self.add_form, entity, self._masked(adding=True))
        self.edit_form = _hiding(self.edit_form, entity, self._masked(adding=False))

    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        widgets = super()._get_add_widget(form, exclude_cols=exclude_cols, widgets=widgets)
        args = widgets["add"].template_args
        args["include_cols"] = _present(args["include_cols"], form)
        return widgets

    def _get_edit_widget(self, form, exclude_cols=None, widgets=None):
        widgets = super()._get_edit_widget(form, exclude_cols=exclude_cols, widgets=widgets)
        args = widgets["edit"].template_args
        args["include_cols"] = _present(args["include_cols"], form)
        return widgets


def credit_panel(summary):
    """The customer page's credit panel (a crm.services.ledger.credit_position.CreditSummary) as
    display strings: amounts in the customer's currency, or masked for users who may
    not see their class (available credit and the over-limit warning need both the credit
    limit and the balance; credit hold and last order date are not financial figures)."""
    ledger, credit = can_view(LEDGER_AMOUNTS), can_view(CREDIT_FIGURES)

    def amount(value, visible=ledger):
        if not visible:
            return masked()
        return "" if value is None else format_currency(value, summary.currency)

    return {
        "visible": ledger and credit,
        # Statements show balances: offered only to users who may see them.
        "ledger_visible": ledger,
        "balance": amount(summary.balance),
        "credit_limit": amount(summary.credit_limit, credit),
        "available_credit": amount(summary.available_credit, ledger and credit),
        "over_limit": ledger and credit and summary.over_limit,
        "credit_hold": summary.credit_hold,
        "aging": [(AGING_LABELS[key], amount(value)) for key, value in summary.aging.items()],
        "unallocated_credit": amount(summary.unallocated_credit),
        "order_total": amount(summary.order_total),
        "last_order_date": day(summary.last_order_date),
    }
