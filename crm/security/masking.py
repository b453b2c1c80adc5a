"""Financial figures shown only to roles allowed to see them.

Bank account numbers, credit limits, balances and aging are "financials". A user
sees them when one of their roles holds ``can_read`` on ``Financials`` (Admin and
Manager by default, see crm.security.roles); everyone else sees them masked, on
every page, export and API response. Operator commands (no request) see them.

``MASKED_FIELDS`` names the masked columns per entity and how each is masked;
views, exports and APIs call ``mask_value``/``mask_row`` rather than deciding
themselves.
"""
from flask import g, has_request_context

FINANCIALS = "Financials"
FINANCIALS_PERMISSION = "can_read"

HIDDEN = "hidden"
DOTS = "\u2022\u2022\u2022\u2022"

# entity -> {column: "amount" | "account"}
MASKED_FIELDS = {
    "Customer": {"balance": "amount", "credit_limit": "amount", "order_total": "amount"},
    "BankAccount": {"account_number": "account"},
}


def can_view_financials():
    """Whether the current user may see financial figures unmasked."""
    if not has_request_context():
        return True
    cached = g.get("_crm_can_view_financials")
    if cached is None:
        from flask import current_app

        user = g.get("user")
        if user is None or not getattr(user, "is_authenticated", False):
            cached = False
        else:
            sm = current_app.appbuilder.sm
            cached = bool(sm.has_access(FINANCIALS_PERMISSION, FINANCIALS))
        g._crm_can_view_financials = cached
    return cached


def mask_account(number):
    """``•••• 4821``: the last four characters of an account number or IBAN."""
    if not number:
        return number
    tail = str(number).replace(" ", "")[-4:]
    return f"{DOTS} {tail}"


def mask_amount(_value):
    return HIDDEN


_MASKERS = {"amount": mask_amount, "account": mask_account}


def mask_value(entity, column, value):
    """``value`` as the current user may see it."""
    kind = MASKED_FIELDS.get(entity, {}).get(column)
    if kind is None or can_view_financials():
        return value
    return _MASKERS[kind](value)


def mask_row(entity, row):
    """A dict of ``column: value`` with the masked columns masked (in place; returned)."""
    fields = MASKED_FIELDS.get(entity)
    if not fields or can_view_financials():
        return row
    for column, kind in fields.items():
        if column in row:
            row[column] = _MASKERS[kind](row[column])
    return row


def masked_columns(entity):
    """The columns of ``entity`` hidden from the current user (empty when they may see them)."""
    fields = MASKED_FIELDS.get(entity)
    if not fields or can_view_financials():
        return ()
    return tuple(fields)


def mask_dump(model, data):
    """A serialised record of ``model`` (or a list of them) as the current user may see it:
    its masked columns and those of nested related records (``customer.balance``, a
    customer's ``bank_accounts``) are masked in place. For API responses."""
    if can_view_financials() or data is None:
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
