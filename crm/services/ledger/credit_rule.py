"""The credit rule: when a customer may take on more debt.

Confirming a sales order (point "order") or issuing an invoice (point "invoice")
calls ``check_credit``. It refuses, with ``CreditRefused`` (409):

* a customer on credit hold, whatever the amount;
* when the tenant checks the limit at this point (CRM setting ``credit_check_on``:
  "both", "order" or "invoice") and the customer's current exposure (its ledger
  balance) plus the new amount would exceed its credit limit. No limit set means
  no limit.

A user whose role may override credit refusals (``CREDIT_OVERRIDE`` in the role
matrix, crm.security.roles; Admin's) overrides either refusal by giving a reason;
the screen or API asks the matrix and passes ``may_override``. The reason goes to
the audit trail of the order or invoice (``audit.mark``). Anyone else giving a
reason is refused all the same; operator commands never override.
"""

from decimal import Decimal
from typing import Any, cast

from flask_babel import format_currency, gettext
from sqlalchemy.orm import Session

from crm.services.core import audit
from crm.services.core.errors import NotAllowed
from crm.services.ledger.arithmetic import balance_of, money
from crm.services.settings.preferences import get_setting

POINTS = ("order", "invoice")
# Setting value -> the points where the limit is checked.
CHECKED_AT = {"both": ("order", "invoice"), "order": ("order",), "invoice": ("invoice",)}
OVERRIDE_ACTION = "credit_override"


class CreditRefused(NotAllowed):
    """A refusal carrying the figures: limit, exposure, amount and shortfall (Decimals,
    in ``currency``); ``on_hold`` for a credit hold."""

    def __init__(
        self,
        message: object,
        customer: Any,
        *,
        limit: Decimal | None = None,
        exposure: Decimal | None = None,
        amount: Decimal | None = None,
        shortfall: Decimal | None = None,
        on_hold: bool = False,
    ) -> None:
        super().__init__(message)
        self.customer_id = customer.id
        self.currency = customer.currency
        self.limit, self.exposure, self.amount, self.shortfall = limit, exposure, amount, shortfall
        self.on_hold = on_hold

    def figures(self) -> dict[str, str | bool | None]:
        """The figures as JSON-safe values (amounts as strings, exact to the cent)."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "currency": self.currency,
            "limit": text(self.limit),
            "exposure": text(self.exposure),
            "amount": text(self.amount),
            "shortfall": text(self.shortfall),
            "on_hold": self.on_hold,
        }


def limit_checked_at(session: Session, point: str) -> bool:
    return point in CHECKED_AT.get(get_setting(session, "credit_check_on"), CHECKED_AT["both"])


def refusal(session: Session, customer: Any, amount: Decimal, point: str) -> CreditRefused | None:
    """The CreditRefused a new ``amount`` at ``point`` meets, or None when it passes."""
    if point not in POINTS:
        raise ValueError(point)
    if customer.credit_hold:
        return CreditRefused(
            gettext(
                "%(name)s is on credit hold: orders cannot be confirmed and invoices "
                "cannot be issued.",
                name=customer.name,
            ),
            customer,
            on_hold=True,
        )
    if customer.credit_limit is None or not limit_checked_at(session, point):
        return None
    limit = money(customer.credit_limit)
    exposure = balance_of(session, customer.id)
    amount = money(amount)
    shortfall = exposure + amount - limit
    if shortfall <= Decimal(0):
        return None

    def fmt(value: Decimal) -> str:
        return cast(str, format_currency(value, customer.currency))

    return CreditRefused(
        gettext(
            "Credit limit exceeded for %(name)s: limit %(limit)s, current exposure "
            "%(exposure)s, this document %(amount)s, shortfall %(shortfall)s.",
            name=customer.name,
            limit=fmt(limit),
            exposure=fmt(exposure),
            amount=fmt(amount),
            shortfall=fmt(shortfall),
        ),
        customer,
        limit=limit,
        exposure=exposure,
        amount=amount,
        shortfall=shortfall,
    )


def check_credit(
    session: Session,
    customer: Any,
    amount: Decimal,
    point: str,
    override_reason: str | None = None,
    document: Any = None,
    may_override: bool = False,
) -> bool:
    """Refuse (CreditRefused) or allow ``amount`` more for ``customer`` at ``point``.

    With an ``override_reason`` from someone allowed to override, a refusal is let
    through and, when ``document`` is given, its next write is recorded in the audit
    trail as a credit override with the reason. Returns True when overridden."""
    refused = refusal(session, customer, amount, point)
    if refused is None:
        return False
    reason = (override_reason or "").strip()
    if not reason:
        raise refused
    if not may_override:
        refused.message = gettext(
            "%(refusal)s Only an Admin can override the credit check.", refusal=refused.message
        )
        refused.args = (str(refused.message),)
        raise refused
    if document is not None:
        audit.mark(session, document, OVERRIDE_ACTION, reason[:255])
    return True
