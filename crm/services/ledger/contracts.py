"""Contracts agreed with a customer.

* a title, a value >= 0 (in the customer's currency), a start date and, when given, an
  end date on or after it; statuses draft, active, expired, terminated;
* ``active_contract_value`` is what the health score reads.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.models import CONTRACT_STATUSES, Contract, Customer
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.numbering import next_number
from crm.services.core.related import linked, stored
from crm.services.ledger import arithmetic as ledger
from crm.services.ledger.payments import AmountInvalid, parse_amount

# Only a contract still being drafted can be deleted; the others are history.
DELETABLE_STATUSES = ("draft",)


def prepare(session: Session, contract: Any) -> None:
    """Validate and normalise a contract before it is saved; raise one
    ``ValidationFailed`` listing every problem."""
    errors = {}
    with session.no_autoflush:
        customer = linked(session, contract, "customer", Customer)
        was = stored(session, contract, "customer_id")
        if customer is None:
            errors["customer"] = [gettext("Choose the customer this contract is with.")]
        elif not customer.is_active and was != customer.id:
            errors["customer"] = [
                gettext("%(name)s is archived. Choose an active customer.", name=customer.name)
            ]
        contract.title = (contract.title or "").strip()
        if not contract.title:
            errors["title"] = [gettext("Give the contract a title.")]
        elif len(contract.title) > 200:
            errors["title"] = [gettext("At most 200 characters.")]
        try:
            contract.value = parse_amount(contract.value if contract.value is not None else 0)
            if contract.value < 0:
                errors["value"] = [gettext("A contract's value is zero or more.")]
        except AmountInvalid as exc:
            errors["value"] = [str(exc)]
        contract.status = contract.status or "draft"
        if contract.status not in CONTRACT_STATUSES:
            errors["status"] = [gettext("Choose draft, active, expired or terminated.")]
        if not isinstance(contract.start_date, dt.date):
            errors["start_date"] = [gettext("Enter the date the contract starts.")]
        elif contract.end_date is not None and contract.end_date < contract.start_date:
            errors["end_date"] = [
                gettext(
                    "The contract cannot end before it starts (%(start)s).",
                    start=contract.start_date.isoformat(),
                )
            ]
        contract.notes = (contract.notes or "").strip() or None
        if errors:
            raise ValidationFailed(errors)
        contract.customer = customer
        contract.currency = customer.currency
        if not contract.number:
            contract.number = next_number(session, Contract, customer.tenant_id)


def check_delete(session: Session, contract: Any) -> None:
    if stored(session, contract, "status") not in DELETABLE_STATUSES:
        raise NotAllowed(
            gettext(
                "%(number)s cannot be deleted: only draft contracts can. Terminate it instead.",
                number=contract.number,
            )
        )


def active_contract_value(
    session: Session, customer_id: int, as_of: dt.date | None = None
) -> Decimal:
    """The total value of the customer's active contracts running on ``as_of`` (today)."""
    as_of = as_of or dt.date.today()
    return ledger.money(
        session.scalar(
            select(func.coalesce(func.sum(Contract.value), 0)).where(
                Contract.customer_id == customer_id,
                Contract.status == "active",
                Contract.start_date <= as_of,
                (Contract.end_date.is_(None)) | (Contract.end_date >= as_of),
            )
        )
    )
