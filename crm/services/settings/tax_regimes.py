"""Tax regimes a tenant offers for its customers' tax registrations: a code, a name,
a country and the validator that checks their numbers (``OTHER``: free text)."""

from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import TaxRegime, TaxRegistration
from crm.security.tenancy import current_tenant_id
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.validation import TAX_REGIMES, check, clean_country


def validator_choices() -> dict[str, Any]:
    return {code: label for code, (label, _module) in TAX_REGIMES.items()}


def prepare(session: Session, regime: Any) -> None:
    """Codes are upper-case, unique within the tenant and never change once numbers use
    them; a known validator is required."""
    errors: dict[str, list[Any]] = {}
    regime.code = (regime.code or "").strip().upper()
    regime.name = (regime.name or "").strip()
    tenant_id = regime.tenant_id or current_tenant_id()
    if not regime.code:
        errors["code"] = [_l("A code is required.")]
    elif len(regime.code) > 20 or not regime.code.replace("_", "").isalnum():
        errors["code"] = [_l("Use up to 20 letters, digits and underscores.")]
    if not regime.name:
        errors["name"] = [_l("A name is required.")]
    if regime.validator not in TAX_REGIMES:
        errors["validator"] = [_l("Choose how numbers of this regime are checked.")]
    regime.country = check(errors, "country", clean_country, regime.country)
    with session.no_autoflush:
        if "code" not in errors:
            clash = session.scalar(
                select(TaxRegime.id).where(
                    TaxRegime.tenant_id == tenant_id,
                    TaxRegime.code == regime.code,
                    TaxRegime.id != (regime.id or 0),
                )
            )
            if clash:
                errors["code"] = [_l("“%(name)s” already exists.", name=regime.code)]
            elif regime.id is not None:
                before = session.scalar(select(TaxRegime.code).where(TaxRegime.id == regime.id))
                if before != regime.code and _in_use(session, tenant_id, before):
                    errors["code"] = [_l("Customers' tax numbers use this code; it cannot change.")]
    if errors:
        raise ValidationFailed(errors)


def _in_use(session: Session, tenant_id: int | None, code: str | None) -> bool:
    return (
        session.scalar(
            select(TaxRegistration.id)
            .where(TaxRegistration.tenant_id == tenant_id, TaxRegistration.regime == code)
            .limit(1)
        )
        is not None
    )


def check_delete(session: Session, regime: Any) -> None:
    if _in_use(session, regime.tenant_id, regime.code):
        raise NotAllowed(
            gettext(
                "“%(name)s” is in use by customers' tax numbers; deactivate it instead.",
                name=regime.code,
            )
        )
