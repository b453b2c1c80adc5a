"""A customer's credit position: what the customer page's credit panel shows.

Plain figures (Decimal, in the customer's currency); whoever shows them masks them
for users who may not see financials (crm.security.masking).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from crm.services.ledger.arithmetic import AGING_BUCKETS, aging, money, unallocated_credit


@dataclass(frozen=True)
class CreditSummary:
    currency: str
    balance: Decimal
    credit_limit: Decimal | None
    # limit - balance; None without a limit (negative when over it)
    available_credit: Decimal | None
    over_limit: bool
    credit_hold: bool
    # {bucket key: amount due} in AGING_BUCKETS order, plus "total"
    aging: dict[str, Decimal]
    unallocated_credit: Decimal
    order_total: Decimal
    last_order_date: dt.date | None


def credit_summary(session: Session, customer: Any, as_of: dt.date | None = None) -> CreditSummary:
    """The credit position of ``customer`` (its stored balance and order figures, kept by
    the ledger; aging and unallocated credit from its documents) as of a day (today)."""
    balance = money(customer.balance)
    limit = None if customer.credit_limit is None else money(customer.credit_limit)
    buckets = aging(session, customer.id, as_of)
    return CreditSummary(
        currency=customer.currency,
        balance=balance,
        credit_limit=limit,
        available_credit=None if limit is None else limit - balance,
        over_limit=limit is not None and balance > limit,
        credit_hold=bool(customer.credit_hold),
        aging={key: buckets[key] for key in [k for k, _, _ in AGING_BUCKETS] + ["total"]},
        unallocated_credit=unallocated_credit(session, customer.id),
        order_total=money(customer.order_total),
        last_order_date=customer.last_order_date,
    )
