"""Financial figures shown only to roles allowed to see them.

Figures come in classes: bank details (account numbers), credit figures (credit limits)
and ledger amounts (document totals, lines, payments, credit notes, allocations, and the
balances, order totals and aging made of them). A user sees a class when one of their
roles holds ``can_read`` on it (``ROLE_MATRIX`` in crm.security.roles), or on
``Financials``, which covers every class. Everyone else sees it masked, on every page,
timeline, audit entry, export, chart and API answer. Operator commands see everything.

``MASKED_FIELDS`` names each masked column, its class and how it is masked; views,
exports and APIs call ``mask_value``/``mask_row``/``masked_columns`` rather than deciding.
"""

import re
from collections import namedtuple

from flask import g, has_request_context

FINANCIALS = "Financials"
FINANCIALS_PERMISSION = "can_read"
BANK_DETAILS, CREDIT_FIGURES, LEDGER_AMOUNTS = "BankDetails", "CreditFigures", "LedgerAmounts"
FINANCIAL_CLASSES = (BANK_DETAILS, CREDIT_FIGURES, LEDGER_AMOUNTS)

HIDDEN = "hidden"
DOTS = "\u2022\u2022\u2022\u2022"

Masked = namedtuple("Masked", "figure_class kind")  # kind: "amount" | "account"
_LEDGER = Masked(LEDGER_AMOUNTS, "amount")
_DOCUMENT = {"subtotal": _LEDGER, "discount_total": _LEDGER, "tax_total": _LEDGER, "total": _LEDGER}
_LINE = {"unit_price": _LEDGER, "net_amount": _LEDGER, "tax_amount": _LEDGER, "total": _LEDGER}

# entity -> {column: Masked}. Contract values and deal values are not ledger amounts
# (no balance is made of them) and stay visible.
MASKED_FIELDS = {
    "Customer": {
        "balance": _LEDGER,
        "order_total": _LEDGER,
        "credit_limit": Masked(CREDIT_FIGURES, "amount"),
    },
    "BankAccount": {"account_number": Masked(BANK_DETAILS, "account")},
    "SalesOrder": _DOCUMENT,
    "Invoice": {**_DOCUMENT, "amount_paid": _LEDGER, "amount_due": _LEDGER},
    "SalesOrderLine": _LINE,
    "InvoiceLine": _LINE,
    "Payment": {"amount": _LEDGER},
    "PaymentAllocation": {"amount": _LEDGER},
    "CreditNote": {"amount": _LEDGER},
}


# Audit entries whose summary names amounts ("PAY-000007 → INV-000003: €120.00; ...",
# crm.services.ledger.payments), by the class of those amounts.
AMOUNT_SUMMARIES = {"payment": LEDGER_AMOUNTS}

# The audit trail's names of the masked entities (``bank_account``).
_BY_AUDIT_NAME = {re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower(): name for name in MASKED_FIELDS}


def can_view(figure_class):
    """Whether the current user may see figures of ``figure_class`` unmasked."""
    if not has_request_context():
        return True
    cache = g.get("_crm_visible_figures")
    if cache is None:
        cache = g._crm_visible_figures = {}
    if figure_class not in cache:
        from flask import current_app

        user = g.get("user")
        if user is None or not getattr(user, "is_authenticated", False):
            cache[figure_class] = False
        else:
            sm = current_app.appbuilder.sm
            cache[figure_class] = bool(
                sm.has_access(FINANCIALS_PERMISSION, FINANCIALS)
                or sm.has_access(FINANCIALS_PERMISSION, figure_class)
            )
    return cache[figure_class]


def can_view_financials():
    """Whether the current user may see every class of financial figure unmasked."""
    return all(can_view(c) for c in FINANCIAL_CLASSES)


def mask_account(number):
    """``•••• 4821``: the last four characters of an account number or IBAN."""
    if not number:
        return number
    tail = str(number).replace(" ", "")[-4:]
    return f"{DOTS} {tail}"


def mask_amount(_value):
    return HIDDEN


_MASKERS = {"amount": mask_amount, "account": mask_account}


def masked_field(entity, column):
    """The column's Masked entry when the current user may not see it, else None."""
    field = MASKED_FIELDS.get(entity, {}).get(column)
    if field is None or can_view(field.figure_class):
        return None
    return field


def mask_value(entity, column, value):
    """``value`` as the current user may see it."""
    field = masked_field(entity, column)
    return value if field is None else _MASKERS[field.kind](value)


def mask_row(entity, row):
    """A dict of ``column: value`` with the masked columns masked (in place; returned)."""
    for column in masked_columns(entity):
        if column in row:
            row[column] = mask_value(entity, column, row[column])
    if entity == "AuditEntry":
        if isinstance(row.get("changes"), dict):
            row["changes"] = mask_changes(row.get("entity"), row["changes"])
        if isinstance(row.get("summary"), str):
            row["summary"] = mask_summary(row.get("entity"), row["summary"])
    return row


def masked_columns(entity):
    """The columns of ``entity`` hidden from the current user (empty when they may see them)."""
    return tuple(c for c in MASKED_FIELDS.get(entity, ()) if masked_field(entity, c))


def mask_change(audit_entity, column, value):
    """One old or new value of an audit entry (``audit_entity`` in the trail's snake case)."""
    entity = _BY_AUDIT_NAME.get(audit_entity)
    return value if entity is None or value is None else mask_value(entity, column, value)


def mask_summary(audit_entity, summary, placeholder=HIDDEN):
    """An audit entry's summary with the amounts after each ``number:`` replaced by
    ``placeholder`` when the current user may not see them."""
    figure_class = AMOUNT_SUMMARIES.get(audit_entity)
    if not summary or figure_class is None or can_view(figure_class):
        return summary
    return re.sub(r":[^;]+", ": " + placeholder, summary)


def mask_changes(audit_entity, changes):
    """An audit entry's ``{column: [old, new]}`` as the current user may see it (a copy)."""
    if not changes or audit_entity not in _BY_AUDIT_NAME:
        return changes
    return {
        column: [mask_change(audit_entity, column, v) for v in values]
        if isinstance(values, (list, tuple))
        else values
        for column, values in changes.items()
    }


def mask_dump(model, data):
    """A serialised record of ``model`` (or a list of them) as the current user may see it:
    its masked columns and those of nested related records (``customer.balance``, a
    customer's ``bank_accounts``, a document's ``lines``) are masked in place. For API
    responses."""
    if data is None or can_view_financials():
        return data
    if isinstance(data, list):
        for item in data:
            mask_dump(model, item)
        return data
    if not isinstance(data, dict):
        return data
    mask_row(model.__name__, data)
    relationships = model.__mapper__.relationships
    for key, value in data.items():
        if key in relationships and isinstance(value, (dict, list)):
            mask_dump(relationships[key].mapper.class_, value)
    return data
