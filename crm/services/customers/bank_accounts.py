"""Bank accounts of a customer: IBAN and BIC checked, one default."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import BankAccount
from crm.services.core.errors import ValidationFailed
from crm.services.core.validation import check, clean_bic, clean_currency, clean_iban_or_account


def prepare(session: Session, account: BankAccount) -> None:
    errors = {}
    with session.no_autoflush:
        for field in ("bank_name", "account_holder"):
            setattr(account, field, (getattr(account, field) or "").strip())
            if not getattr(account, field):
                errors[field] = [_l("This field is required.")]
        account.account_number = (
            check(errors, "account_number", clean_iban_or_account, account.account_number)
            or account.account_number
        )
        account.swift_bic = check(errors, "swift_bic", clean_bic, account.swift_bic)
        if account.currency:
            account.currency = check(errors, "currency", clean_currency, account.currency)
        if account.customer is None and account.customer_id is None:
            errors["customer"] = [_l("Choose the customer this account belongs to.")]
        if errors:
            raise ValidationFailed(errors)
        customer_id = account.customer_id or account.customer.id
        others = (
            []
            if customer_id is None
            else list(
                session.scalars(
                    select(BankAccount).where(
                        BankAccount.customer_id == customer_id, BankAccount.id != (account.id or 0)
                    )
                )
            )
        )
        if not any(o.is_default for o in others):
            account.is_default = True
        if account.is_default:
            for other in others:
                other.is_default = False
