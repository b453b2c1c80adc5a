"""Merge duplicate customers into one survivor, in one transaction, losing nothing.

Every row that points at a merged customer (found from the schema, so a table added
later moves too) is re-linked to the survivor; the others are archived with a link
to it, never deleted. Where two rows cannot both stay as they are, the merge keeps
both and resolves the clash:

* one primary contact, one default address per kind, one default bank account: the
  survivor's flag wins, the others' rows move as non-primary / non-default;
* one value per custom field: the chosen value goes to the survivor and the value it
  replaces stays on the archived record;
* tags: the survivor gets every tag any of them had;
* the email (unique per tenant): a chosen email is swapped, the archived record keeps
  the survivor's old one.

Money documents are in their customer's currency, so a merge whose records hold
documents in another currency than the survivor's is refused, with the reason.
"""

import dataclasses
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, cast

from flask_appbuilder import Model
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import Column, CursorResult, Table, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.fields.customers import CUSTOMER
from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.models import (
    Address,
    BankAccount,
    Contact,
    Customer,
    CustomFieldValue,
    TaxRegistration,
    customer_tag,
)
from crm.models.base import utcnow
from crm.services.core import audit
from crm.services.core.errors import NotAllowed, NotFound, ValidationFailed
from crm.services.core.transaction import transaction
from crm.services.core.versions import check_version, version_of_rows
from crm.services.customers import customers as customer_rules, tax_registrations
from crm.services.customers.addresses import LIST_ADDRESS_KINDS
from crm.services.ledger import arithmetic as ledger
from crm.services.pipeline.interactions import refresh_last_interaction

# Fields whose surviving value is chosen, and the attributes each one carries over.
MERGE_FIELDS = {
    "kind": ("kind",),
    "name": ("name",),
    "email": ("email",),
    "phone": ("phone",),
    "website": ("website",),
    "industry": ("industry",),
    "company": ("company",),
    "customer_group": ("customer_group",),
    "segment": ("segment",),
    "sub_segment": ("sub_segment",),
    "region": ("region",),
    "currency": ("currency",),
    "payment_term": ("payment_term",),
    "discount_rate": ("discount_rate",),
    "payment_method": ("payment_method",),
    "tax_number": ("tax_regime", "tax_number"),
    "credit_limit": ("credit_limit",),
    "credit_hold": ("credit_hold",),
    "owner": ("owner",),
    "notes": ("notes",),
}
FIELD_LABELS = CUSTOMER.labels(MERGE_FIELDS)
# A custom field's choice is named "custom:<field name>".
CUSTOM_PREFIX = "custom:"
# Rows with a flag the customer may hold once (per kind): the survivor's flag wins.
SINGLE_FLAGS = (
    (Contact, "is_primary", None),
    (Address, "is_default", "kind"),
    (BankAccount, "is_default", None),
)
FLAG_NOTES = {
    "crm_contact": _l("Contact “%(row)s” moves but is no longer the primary contact."),
    "crm_address": _l("Address “%(row)s” moves but is no longer the default of its kind."),
    "crm_bank_account": _l("Bank account “%(row)s” moves but is no longer the default."),
}
# Tables the merge moves itself rather than with a plain UPDATE.
SPECIAL_TABLES = {customer_tag.name, CustomFieldValue.__tablename__, TaxRegistration.__tablename__}
CHILD_LABELS = {
    "crm_contact": _l("Contacts"),
    "crm_address": _l("Addresses"),
    "crm_plant": _l("Plants"),
    "crm_bank_account": _l("Bank accounts"),
    "crm_tax_registration": _l("Tax registrations"),
    "crm_document": _l("Documents"),
    "crm_note": _l("Notes"),
    "crm_custom_field_value": _l("Custom field values"),
    "crm_customer_tag": _l("Tags"),
    "crm_deal": _l("Deals"),
    "crm_interaction": _l("Interactions"),
    "crm_task": _l("Tasks"),
    "crm_lead": _l("Converted leads"),
    "crm_sales_order": _l("Sales orders"),
    "crm_invoice": _l("Invoices"),
    "crm_payment": _l("Payments"),
    "crm_credit_note": _l("Credit notes"),
    "crm_contract": _l("Contracts"),
}
MAX_MERGED = 10
# Documents in their customer's currency (deals and bank accounts have their own).
LEDGER_TABLES = ("crm_sales_order", "crm_invoice", "crm_payment", "crm_credit_note", "crm_contract")


@dataclasses.dataclass
class MergePlan:
    survivor: Customer
    others: list[Customer]
    choices: dict[str, Customer]  # field -> the customer whose value survives
    moves: dict[str, int]  # table name -> rows that move to the survivor
    notes: list[str]  # how clashes are resolved, in words
    chosen_email: str | None = None

    @property
    def records(self) -> list[Customer]:
        return [self.survivor, *self.others]


def child_columns() -> list[tuple[Table, Column[Any]]]:
    """(table, column) for every column that holds a customer's id, but the customer's own."""
    customers = Customer.__table__
    found = []
    for table in Model.metadata.sorted_tables:
        if table is customers:
            continue
        for column in table.columns:
            if any(fk.column is customers.c.id for fk in column.foreign_keys):
                found.append((table, column))
    return found


def child_label(table_name: str) -> str:
    return CHILD_LABELS.get(table_name) or table_name.removeprefix("crm_").replace("_", " ")


def display_value(customer: Customer, field: str) -> object:
    if field.startswith(CUSTOM_PREFIX):
        return None
    if field == "tax_number":
        return " ".join(p for p in (customer.tax_regime, customer.tax_number) if p) or None
    value = getattr(customer, MERGE_FIELDS[field][0])
    return None if value is None or value == "" else value


def wizard_records(session: Session, ids: Collection[int]) -> dict[int, Customer]:
    """{id: customer} for the wizard's side-by-side view; NotFound when one is not there."""
    found = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    if any(i not in found for i in ids):
        raise NotFound()
    return found


def comparison_rows(session: Session, records: Sequence[Customer]) -> list[dict[str, Any]]:
    """One row per field (standard, then each custom field any of them has): the label,
    every record's value, and whether they differ, so the wizard asks only where needed."""

    def row(field: str, label: object, values: list[object]) -> dict[str, Any]:
        return {
            "field": field,
            "label": label,
            "values": values,
            "differ": len({str(v) for v in values}) > 1,
        }

    rows = [
        row(field, FIELD_LABELS[field], [display_value(c, field) for c in records])
        for field in MERGE_FIELDS
    ]
    custom = _custom_definitions(session, {c.id: c for c in records})
    for name, by_customer in sorted(custom.items()):
        label = by_customer[next(iter(by_customer))].definition.label
        rows.append(
            row(
                CUSTOM_PREFIX + name,
                label,
                [by_customer[c.id].value if c.id in by_customer else None for c in records],
            )
        )
    return rows


def child_counts(session: Session, customer_id: int) -> list[tuple[str, int]]:
    """[(label, count)] of the records that point at the customer, for what would move."""
    found = []
    for table, column in child_columns():
        count = session.scalar(select(func.count()).select_from(table).where(column == customer_id))
        if count:
            found.append((child_label(table.name), count))
    return found


# --- checking ------------------------------------------------------------------------


def _ids(value: object, field: str, errors: dict[str, list[Any]]) -> int | None:
    try:
        return cast(int, inputs.record_id(value))
    except InputInvalid:
        errors.setdefault(field, []).append(_l("“%(value)s” is not a customer id.", value=value))
        return None


def _parse(
    survivor_id: object, other_ids: object, choices: object
) -> tuple[int, list[int], dict[str, Any]]:
    errors: dict[str, list[Any]] = {}
    survivor = _ids(survivor_id, "survivor_id", errors)
    if not isinstance(other_ids, (list, tuple)) or not other_ids:
        errors["other_ids"] = [_l("Choose at least one other customer to merge.")]
        others = []
    else:
        others = [i for i in (_ids(v, "other_ids", errors) for v in other_ids) if i is not None]
    if not errors.get("other_ids") and others:
        if survivor in others:
            errors["other_ids"] = [_l("The surviving customer cannot also be merged away.")]
        elif len(set(others)) != len(others):
            errors["other_ids"] = [_l("A customer is named twice.")]
        elif len(others) >= MAX_MERGED:
            errors["other_ids"] = [_l("Merge at most %(n)s customers at once.", n=MAX_MERGED)]
    if choices is None:
        choices = {}
    if not isinstance(choices, dict):
        errors["choices"] = [_l("Field choices must map a field to a customer id.")]
        choices = {}
    if errors:
        raise ValidationFailed(errors)
    assert survivor is not None  # a bad survivor id is one of the errors
    return survivor, others, choices


def _load(
    session: Session, survivor_id: int, other_ids: list[int]
) -> tuple[Customer, list[Customer]]:
    ids = [survivor_id, *other_ids]
    rows = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise NotFound(gettext("No customer #%(ids)s.", ids=", #".join(map(str, missing))))
    survivor = rows[survivor_id]
    if any(rows[i].tenant_id != survivor.tenant_id for i in ids):
        raise NotFound()
    for customer in rows.values():
        if customer.merged_into_id is not None:
            raise NotAllowed(
                gettext(
                    "%(name)s (%(code)s) was already merged into another customer.",
                    name=customer.name,
                    code=customer.code,
                )
            )
    return survivor, [rows[i] for i in other_ids]


def _resolve_choices(
    session: Session, survivor: Customer, others: list[Customer], raw: Mapping[str, Any]
) -> dict[str, Customer]:
    by_id = {c.id: c for c in (survivor, *others)}
    definitions = _custom_definitions(session, by_id)
    errors, choices = {}, {}
    for field, source in raw.items():
        known = field in MERGE_FIELDS or (
            field.startswith(CUSTOM_PREFIX) and field[len(CUSTOM_PREFIX) :] in definitions
        )
        if not known:
            errors[field] = [_l("There is no field %(field)s to choose.", field=field)]
            continue
        try:
            customer = by_id.get(int(source)) if not isinstance(source, bool) else None
        except (TypeError, ValueError):
            customer = None
        if customer is None:
            errors[field] = [_l("Choose the value of one of the customers being merged.")]
            continue
        choices[field] = customer
    if errors:
        raise ValidationFailed(errors)
    return choices


def _custom_definitions(
    session: Session, by_id: Mapping[int, Customer]
) -> dict[str, dict[int, CustomFieldValue]]:
    """{field name: {customer id: value row}} for the custom fields any of them has."""
    found: dict[str, dict[int, CustomFieldValue]] = {}
    rows = session.scalars(select(CustomFieldValue).where(CustomFieldValue.customer_id.in_(by_id)))
    for row in rows:
        found.setdefault(row.definition.name, {})[row.customer_id] = row
    return found


def _final(plan: MergePlan, field: str) -> Customer:
    return plan.choices.get(field, plan.survivor)


def _check_currency(session: Session, plan: MergePlan) -> None:
    """Every money document must be in the merged customer's currency."""
    currency = _final(plan, "currency").currency
    ids = [c.id for c in plan.records]
    for table, column in child_columns():
        if table.name not in LEDGER_TABLES:
            continue
        row = session.execute(
            select(column, table.c.currency)
            .where(column.in_(ids), table.c.currency != currency)
            .limit(1)
        ).first()
        if row is not None:
            owner = next(c for c in plan.records if c.id == row[0])
            raise NotAllowed(
                gettext(
                    "%(name)s (%(code)s) has %(what)s in %(other)s, but the merged customer's currency "
                    "is %(currency)s. Choose %(other)s as the currency, or settle those documents first.",
                    name=owner.name,
                    code=owner.code,
                    what=child_label(table.name).lower(),
                    other=row[1],
                    currency=currency,
                )
            )


def _count_moves(session: Session, plan: MergePlan) -> dict[str, int]:
    other_ids = [c.id for c in plan.others]
    moves: dict[str, int] = {}
    for table, column in child_columns():
        count = session.scalar(select(func.count()).select_from(table).where(column.in_(other_ids)))
        if count:
            moves[table.name] = moves.get(table.name, 0) + count
    return moves


def _flag_notes(session: Session, plan: MergePlan) -> list[str]:
    notes = []
    ids = [c.id for c in plan.records]
    for model, flag, per in SINGLE_FLAGS:
        keep = _flag_keepers(session, model, flag, per, ids)
        losers = session.scalars(
            select(model).where(
                model.customer_id.in_([c.id for c in plan.others]),
                getattr(model, flag).is_(True),
                model.id.notin_(keep or [0]),
            )
        ).all()
        for row in losers:
            notes.append(str(FLAG_NOTES[model.__tablename__]) % {"row": row})
    return notes


def records_version(records: Iterable[Customer]) -> str:
    """The version the wizard is loaded with: every merged customer's."""
    return version_of_rows(records)


def plan_merge(
    session: Session,
    survivor_id: object,
    other_ids: object,
    choices: object = None,
    loaded_version: str | None = None,
) -> MergePlan:
    """Check a merge and describe it: what each field becomes, what moves, how clashes
    resolve. Raises ValidationFailed (bad input), NotFound, NotAllowed or EditConflict (a
    customer changed since the wizard showed them); writes nothing."""
    survivor_id, other_ids, raw = _parse(survivor_id, other_ids, choices)
    survivor, others = _load(session, survivor_id, other_ids)
    check_version(loaded_version, records_version([survivor, *others]))
    resolved = _resolve_choices(session, survivor, others, raw)
    plan = MergePlan(survivor, others, resolved, {}, [])
    _check_currency(session, plan)
    plan.moves = _count_moves(session, plan)
    plan.notes = _flag_notes(session, plan)
    for name, values in _custom_definitions(session, {c.id: c for c in plan.records}).items():
        if survivor.id in values and len(values) > 1:
            chosen = plan.choices.get(CUSTOM_PREFIX + name, survivor)
            plan.notes.append(
                gettext(
                    "Custom field %(field)s keeps the value of %(code)s; the other values stay on "
                    "the archived records.",
                    field=name,
                    code=chosen.code,
                )
            )
    return plan


# --- merging -------------------------------------------------------------------------


def _flag_keepers(
    session: Session, model: type[Any], flag: str, per: str | None, ids: list[int]
) -> list[int]:
    """Ids of the rows that keep the flag: per customer (and kind), the first record in
    merge order that holds it wins."""
    rows = session.execute(
        select(model.id, model.customer_id, getattr(model, per) if per else model.id)
        .where(model.customer_id.in_(ids), getattr(model, flag).is_(True))
        .order_by(model.id)
    ).all()
    order = {cid: i for i, cid in enumerate(ids)}
    keepers: dict[Any, int] = {}
    for pk, _customer_id, group in sorted(rows, key=lambda r: (order[r[1]], r[0])):
        keepers.setdefault(group if per else None, pk)
    return list(keepers.values())


def _park_email(session: Session, plan: MergePlan) -> Customer | None:
    """Emails are unique per tenant: the record whose email the survivor takes gives it
    up first (in the database only; its row is then written with the survivor's old one)."""
    source = plan.choices.get("email")
    if source is None or source is plan.survivor:
        return None
    plan.chosen_email = source.email
    table = Customer.__table__
    session.execute(
        update(table)
        .where(table.c.id == source.id)
        .values(email=f"merging-{source.id}@merge.invalid")
    )
    return source


def _apply_fields(session: Session, plan: MergePlan, email_from: Customer | None) -> None:
    survivor = plan.survivor
    kept_email = survivor.email
    for field, source in plan.choices.items():
        if source is survivor or field.startswith(CUSTOM_PREFIX):
            continue
        for attr in MERGE_FIELDS[field]:
            setattr(survivor, attr, getattr(source, attr))
    if email_from is not None:
        survivor.email = plan.chosen_email
    customer_rules.prepare(session, survivor)
    if email_from is not None:
        email_from.email = kept_email


def _move_custom_values(session: Session, plan: MergePlan) -> int:
    """Returns how many values moved to the survivor."""
    survivor = plan.survivor
    order = [c.id for c in plan.records]
    moved = 0
    for name, values in _custom_definitions(session, {c.id: c for c in plan.records}).items():
        chosen = plan.choices.get(CUSTOM_PREFIX + name)
        chosen_id = (
            chosen.id
            if chosen is not None and chosen.id in values
            else next(i for i in order if i in values)
        )
        if survivor.id in values:
            if chosen_id != survivor.id:
                mine, theirs = values[survivor.id], values[chosen_id]
                mine.value, theirs.value = theirs.value, mine.value
        else:
            values[chosen_id].customer_id = survivor.id
            moved += 1
    return moved


def _settle_flags(session: Session, plan: MergePlan) -> None:
    ids = [c.id for c in plan.records]
    other_ids = ids[1:]
    for model, flag, per in SINGLE_FLAGS:
        keep = _flag_keepers(session, model, flag, per, ids)
        session.execute(
            update(model.__table__)
            .where(
                model.__table__.c.customer_id.in_(other_ids),
                model.__table__.c[flag].is_(True),
                model.__table__.c.id.notin_(keep or [0]),
            )
            .values({flag: False})
        )


def _move_tags(session: Session, plan: MergePlan) -> None:
    survivor = plan.survivor
    tags = list(survivor.tags)
    for other in plan.others:
        tags.extend(t for t in other.tags if t not in tags)
        other.tags = []
    survivor.tags = tags


def _relink(session: Session, plan: MergePlan) -> dict[str, int]:
    tenant_id = plan.survivor.tenant_id
    other_ids = [c.id for c in plan.others]
    moved: dict[str, int] = {}
    for table, column in child_columns():
        if table.name in SPECIAL_TABLES:
            continue
        where = [column.in_(other_ids)]
        if "tenant_id" in table.c:
            where.append(table.c.tenant_id == tenant_id)
        result = cast(
            CursorResult[Any],
            session.execute(update(table).where(*where).values({column.name: plan.survivor.id})),
        )
        if result.rowcount:
            moved[table.name] = moved.get(table.name, 0) + result.rowcount
    # Records merged earlier into one of the others now point at the survivor.
    session.execute(
        update(Customer.__table__)
        .where(Customer.__table__.c.merged_into_id.in_(other_ids))
        .values(merged_into_id=plan.survivor.id)
    )
    return moved


def _relocate(session: Session, customer: Customer) -> None:
    addresses = session.scalars(
        select(Address).where(Address.customer_id == customer.id, Address.is_default.is_(True))
    ).all()
    main = next((a for kind in LIST_ADDRESS_KINDS for a in addresses if a.kind == kind), None)
    customer.city = main.city if main else None
    customer.country = main.country if main else None
    customer.search_text = customer_rules.search_text(session, customer)


def _summary(plan: MergePlan, moved: Mapping[str, int]) -> str:
    codes = ", ".join(c.code for c in plan.others)
    what = ", ".join(
        f"{count} {child_label(name).lower()}" for name, count in sorted(moved.items())
    )
    return cast(
        str,
        gettext(
            "Merged %(codes)s into %(code)s: %(what)s",
            codes=codes,
            code=plan.survivor.code,
            what=what or gettext("nothing to move"),
        ),
    )


def merge(
    session: Session,
    survivor_id: object,
    other_ids: object,
    choices: object = None,
    loaded_version: str | None = None,
) -> tuple[Customer, dict[str, int]]:
    """Merge ``other_ids`` into ``survivor_id`` with the chosen field values
    (``{field: customer id}``; unnamed fields keep the survivor's). One transaction:
    on any refusal nothing changes. Returns (survivor, {table: rows moved}).

    Child rows move with set-based UPDATEs; the records' own changes are then written
    in one flush, so the survivor's audit entry (action "merge") holds every changed
    field and a summary of what moved."""
    try:
        with transaction(session):
            plan = plan_merge(session, survivor_id, other_ids, choices, loaded_version)
            survivor, ids = plan.survivor, [c.id for c in plan.records]
            email_from = _park_email(session, plan)
            _settle_flags(session, plan)
            moved = _relink(session, plan)
            moved_registrations = tax_registrations.merge_into(
                session, survivor.id, [c.id for c in plan.others]
            )
            if moved_registrations:
                moved[TaxRegistration.__tablename__] = moved_registrations
            session.flush()
            refresh_last_interaction(session.connection(), ids)
            session.expire_all()
            now = utcnow()
            with session.no_autoflush:
                moved_values = _move_custom_values(session, plan)
                if moved_values:
                    moved[CustomFieldValue.__tablename__] = moved_values
                if plan.moves.get(customer_tag.name):
                    moved[customer_tag.name] = plan.moves[customer_tag.name]
                _move_tags(session, plan)
                _apply_fields(session, plan, email_from)
                for other in plan.others:
                    audit.mark(
                        session,
                        other,
                        "archive",
                        gettext("Merged into %(code)s", code=survivor.code),
                    )
                    other.merged_into_id = survivor.id
                    if other.is_active:
                        other.is_active = False
                        other.archived_at = now
                for customer in plan.records:
                    ledger.refresh_customer(session, customer, flush=False)
                    _relocate(session, customer)
                survivor.search_text = customer_rules.search_text(session, survivor)
                survivor.updated_at = now
                audit.mark(session, survivor, "merge", _summary(plan, moved))
            tax_registrations.from_customer(session, survivor)
    except IntegrityError as exc:
        raise NotAllowed(
            gettext(
                "The merge was refused by the database: %(reason)s",
                reason=str(exc.orig).splitlines()[0],
            )
        ) from exc
    return survivor, moved
