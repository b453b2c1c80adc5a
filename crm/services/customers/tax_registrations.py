"""A customer's tax registrations: each number checked by its regime's validator, one
per regime, exactly one used on invoices; that one is copied onto the customer's
``tax_regime``/``tax_number`` (which search, imports, exports, merges and the duplicate
finder read), and a number saved there becomes a registration."""

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from crm.models import Customer, TaxRegime, TaxRegistration
from crm.security.tenancy import current_tenant_id
from crm.services.core.errors import ValidationFailed
from crm.services.core.validation import FieldInvalid, clean_tax_number


def regime_named(session: Session, tenant_id: int | None, code: str | None) -> Any:
    """The tenant's tax regime with this code (any case), or None."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return session.scalar(
        select(TaxRegime).where(
            TaxRegime.tenant_id == (tenant_id or current_tenant_id()), TaxRegime.code == code
        )
    )


def regime_choices(session: Session) -> list[tuple[str, str]]:
    """(code, name) of the current tenant's regimes, for the forms; inactive ones last and
    marked, so a record holding one can still be shown and saved (new numbers refuse them)."""
    rows = session.scalars(
        select(TaxRegime)
        .where(TaxRegime.tenant_id == current_tenant_id())
        .order_by(TaxRegime.is_active.desc(), TaxRegime.name)
    )
    return [
        (r.code, r.name if r.is_active else gettext("%(name)s (no longer in use)", name=r.name))
        for r in rows
    ]


def check_number(
    session: Session,
    tenant_id: int | None,
    code: str | None,
    number: str | None,
    kept_regime: str | None = None,
) -> tuple[str | None, str | None]:
    """(regime code, compact number): the regime must be one of the tenant's, active unless
    it is ``kept_regime`` (the one the record already had), and the number pass the
    regime's validator. Raises FieldInvalid."""
    regime = regime_named(session, tenant_id, code)
    if regime is None:
        return clean_tax_number(code, number)  # blank, or "choose the regime" / "unknown"
    if not regime.is_active and regime.code != kept_regime and (number or "").strip():
        raise FieldInvalid(_l("The tax regime “%(value)s” is no longer in use.", value=code))
    _validator, clean = clean_tax_number(regime.validator, number)
    return regime.code, clean


def prepare(session: Session, registration: Any) -> None:
    """Validate a registration about to be saved; raises ValidationFailed."""
    errors: dict[str, list[Any]] = {}
    with session.no_autoflush:
        customer = registration.customer
        if customer is None and registration.customer_id is not None:
            customer = session.get(Customer, registration.customer_id)
        if customer is None:
            errors["customer"] = [_l("Choose the customer this tax number belongs to.")]
        tenant_id = registration.tenant_id or (customer.tenant_id if customer else None)
        if not (registration.number or "").strip():
            errors["number"] = [_l("Enter the tax number.")]
        else:
            kept = None
            if registration.id is not None:
                kept = session.scalar(
                    select(TaxRegistration.regime).where(TaxRegistration.id == registration.id)
                )
            try:
                registration.regime, registration.number = check_number(
                    session, tenant_id, registration.regime, registration.number, kept
                )
            except FieldInvalid as exc:
                field = "regime" if not registration.regime else "number"
                errors[field] = [exc.args[0]]
        if customer is not None and "regime" not in errors and registration.regime:
            clash = session.scalar(
                select(TaxRegistration.id).where(
                    TaxRegistration.customer_id == customer.id,
                    TaxRegistration.regime == registration.regime,
                    TaxRegistration.id != (registration.id or 0),
                )
            )
            if clash:
                errors["regime"] = [
                    _l(
                        "%(name)s already has a %(regime)s; change that one instead.",
                        name=customer.name,
                        regime=registration.regime,
                    )
                ]
        if errors:
            raise ValidationFailed(errors)
        if registration.for_invoices is None:
            registration.for_invoices = False


def _registrations(session: Session, customer_id: int) -> list[Any]:
    return list(
        session.scalars(
            select(TaxRegistration)
            .where(TaxRegistration.customer_id == customer_id)
            .order_by(TaxRegistration.for_invoices.desc(), TaxRegistration.id)
        )
    )


def _copy_to_customer(session: Session, customer: Any, chosen: Any) -> None:
    from crm.services.customers.customers import search_text

    regime, number = (chosen.regime, chosen.number) if chosen is not None else (None, None)
    if (customer.tax_regime, customer.tax_number) != (regime, number):
        customer.tax_regime, customer.tax_number = regime, number
        customer.search_text = search_text(session, customer)


def settle(session: Session, customer_id: int, chosen: Any = None) -> None:
    """After a registration of the customer is saved or deleted (same transaction):
    exactly one is used on invoices (``chosen`` if it is, else the one that was, else
    the oldest), and the customer carries its regime and number."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        return
    rows = _registrations(session, customer_id)
    if chosen is None or chosen not in rows or not chosen.for_invoices:
        chosen = next((r for r in rows if r.for_invoices and r is not chosen), None)
        chosen = chosen or (rows[0] if rows else None)
    for row in rows:
        if row.for_invoices != (row is chosen):
            row.for_invoices = row is chosen
    _copy_to_customer(session, customer, chosen)
    session.flush()


def after_write(session: Session, registration: Any) -> None:
    settle(session, registration.customer_id, registration)


def after_delete(session: Session, registration: Any) -> None:
    settle(session, registration.customer_id)


def from_customer(session: Session, customer: Any) -> None:
    """After the customer's own tax regime and number are saved (its form, the API, an
    import): they become its registration used on invoices (the one of that regime,
    changed, or a new one); its other registrations stay. A number cleared there
    removes the invoice registration; another one, if any, takes its place."""
    rows = _registrations(session, customer.id)
    current = next((r for r in rows if r.for_invoices), None)
    if not customer.tax_number:
        if current is not None:
            session.delete(current)
            session.flush()
        settle(session, customer.id)
        return
    same = next((r for r in rows if r.regime == customer.tax_regime), None)
    if same is None:
        same = TaxRegistration(
            tenant_id=customer.tenant_id,
            customer_id=customer.id,
            regime=customer.tax_regime,
            number=customer.tax_number,
        )
        session.add(same)
    elif same.number != customer.tax_number:
        same.number = customer.tax_number
    same.for_invoices = True
    for row in rows:
        if row is not same and row.for_invoices:
            row.for_invoices = False
    session.flush()


def from_customers(session: Session, customer_ids: Iterable[int]) -> None:
    """``from_customer`` for many customers (an import's chunk)."""
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), 500):
        for customer in session.scalars(
            select(Customer).where(Customer.id.in_(ids[start : start + 500]))
        ):
            from_customer(session, customer)


def invoice_registration(session: Session, customer: Any) -> Any:
    """The registration the customer's invoices carry, or None."""
    if customer.id is None:
        return None
    return session.scalar(
        select(TaxRegistration).where(
            TaxRegistration.customer_id == customer.id, TaxRegistration.for_invoices.is_(True)
        )
    )


def merge_into(session: Session, survivor_id: int, other_ids: Iterable[int]) -> int:
    """A merge: the others' registrations of regimes the survivor lacks move to it (not
    for invoices; the merged tax number decides that); the rest stay with the archived
    records. Returns how many moved."""
    held = set(
        session.scalars(
            select(TaxRegistration.regime).where(TaxRegistration.customer_id == survivor_id)
        )
    )
    moved = 0
    for other_id in other_ids:
        for row in _registrations(session, other_id):
            if row.regime in held:
                continue
            held.add(row.regime)
            row.customer_id, row.for_invoices = survivor_id, False
            moved += 1
    return moved


_UNMARK_OTHERS = text(
    "UPDATE crm_tax_registration SET for_invoices = :no "
    "WHERE customer_id = :cid AND for_invoices = :yes AND regime <> :regime"
)
_CHANGE_SAME = text(
    "UPDATE crm_tax_registration SET number = :number, for_invoices = :yes, "
    "version = version + 1, updated_at = :now WHERE customer_id = :cid AND regime = :regime"
)
_ADD_NEW = text(
    "INSERT INTO crm_tax_registration "
    "(customer_id, regime, number, for_invoices, tenant_id, version, created_at, updated_at) "
    # Cast: PostgreSQL deduces a parameter's type once, from its first use.
    "SELECT CAST(:cid AS INTEGER), CAST(:regime AS VARCHAR(20)), CAST(:number AS VARCHAR(50)), "
    ":yes, :tenant, 1, :now, :now WHERE NOT EXISTS "
    "(SELECT 1 FROM crm_tax_registration WHERE customer_id = :cid AND regime = :regime)"
)
_REMOVE_INVOICE_ONE = text(
    "DELETE FROM crm_tax_registration WHERE customer_id = :cid AND for_invoices = :yes"
)
_PROMOTE_OLDEST = text(
    "UPDATE crm_tax_registration SET for_invoices = :yes WHERE id = "
    "(SELECT min(id) FROM crm_tax_registration WHERE customer_id = :cid)"
)
_COPY_BACK = text(
    "UPDATE crm_customer SET "
    "tax_regime = (SELECT regime FROM crm_tax_registration "
    "WHERE customer_id = :cid AND for_invoices = :yes), "
    "tax_number = (SELECT number FROM crm_tax_registration "
    "WHERE customer_id = :cid AND for_invoices = :yes) WHERE id = :cid"
)


def saved_numbers_statements(
    tenant_id: int, now: Any, saved: Iterable[tuple[int, str | None, str | None]]
) -> list[tuple[Any, list[dict[str, Any]]]]:
    """``from_customer`` as many-row statements, for writers that save customers' tax
    regime and number without the ORM (an import): (statement, parameter rows) to run in
    order after the customers' own rows are written."""
    flags = {"yes": True, "no": False, "now": now, "tenant": tenant_id}
    numbered = [
        {**flags, "cid": cid, "regime": regime, "number": number}
        for cid, regime, number in saved
        if number
    ]
    cleared = [{**flags, "cid": cid} for cid, _regime, number in saved if not number]
    found: list[tuple[Any, list[dict[str, Any]]]] = []
    if numbered:
        found += [(_UNMARK_OTHERS, numbered), (_CHANGE_SAME, numbered), (_ADD_NEW, numbered)]
    if cleared:
        found += [(_REMOVE_INVOICE_ONE, cleared), (_PROMOTE_OLDEST, cleared), (_COPY_BACK, cleared)]
    return found
