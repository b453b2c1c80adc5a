"""Stored values in the reader's words, for every screen: a field by its label from the
catalogue (crm.fields), a related record by its name, codes by their labels, Yes/No,
countries, dates and times in the reader's locale and time zone, masked figures as dots."""

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from babel import Locale
from flask_appbuilder import Model
from flask_babel import get_locale, gettext, lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import formatting
from crm.fields.registry import ENTITIES
from crm.security.masking import DOTS, mask_account, mask_summary, masked_field
from crm.services.core.audit import entity_name
from crm.services.core.validation import TAX_REGIMES

EMPTY = "\u2014"
MASKED_TITLE = _l("Your role may not see financial figures")
IMPORT_STATUS_LABELS = {
    "uploaded": _l("Uploaded"),
    "running": _l("Running"),
    "done": _l("Done"),
    "failed": _l("Failed"),
    "cancelled": _l("Cancelled"),
    "reverted": _l("Reverted"),
}
# The audit trail's actions and entities (its snake-case model names), in words.
ACTION_LABELS = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "archive": _l("archived"),
    "restore": _l("restored"),
    "clone": _l("cloned"),
    "merge": _l("merged"),
    "convert": _l("converted"),
}
ENTITY_LABELS = {
    "customer": _l("Customer"),
    "contact": _l("Contact"),
    "address": _l("Address"),
    "plant": _l("Plant"),
    "bank_account": _l("Bank account"),
    "document": _l("Document"),
    "note": _l("Note"),
    "custom_field_value": _l("Custom field"),
    "company": _l("Company"),
    "customer_group": _l("Customer group"),
    "lead": _l("Lead"),
    "lead_status": _l("Lead status"),
    "lead_source": _l("Lead source"),
    "pipeline": _l("Pipeline"),
    "stage": _l("Stage"),
    "interaction": _l("Interaction"),
    "task": _l("Task"),
    "deal": _l("Deal"),
    "invoice": _l("Invoice"),
    "payment": _l("Payment"),
    "credit_note": _l("Credit note"),
    "sales_order": _l("Sales order"),
    "contract": _l("Contract"),
    "support_ticket": _l("Support ticket"),
    "user": _l("User"),
    "payment_term": _l("Payment terms"),
    "segment": _l("Segment"),
    "sub_segment": _l("Sub-segment"),
    "region": _l("Region"),
    "tag": _l("Tag"),
    "custom_field": _l("Custom field"),
}
# Codes a field's catalogue entry does not list: the tax regimes live with their checksums.
EXTRA_CHOICES = {
    ("Customer", "tax_regime"): {code: name for code, (name, _) in TAX_REGIMES.items()}
}
NUMBER_KINDS = ("money", "number", "percent")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def masked() -> Markup:
    """A figure the reader may not see: dots, with the reason on hover."""
    return Markup('<span class="crm-masked" title="{}">{}</span>').format(str(MASKED_TITLE), DOTS)


def yes_no(value: object) -> str:
    return gettext("Yes") if value else gettext("No")


def country(code: object) -> str:
    """An ISO 3166 code by its name in the reader's language (unknown codes as they are)."""
    if not code:
        return ""
    locale = get_locale() or Locale.parse("en")
    return str(locale.territories.get(str(code).upper(), code))


def audit_action(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def audit_entity(name: str) -> str:
    """An audit trail entity in words; one the list does not name by its model's words."""
    known = ENTITY_LABELS.get(name)
    if known is not None:
        return str(known)
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:]


def import_status(code: str) -> str:
    return str(IMPORT_STATUS_LABELS.get(code, code))


def readable(value: Any, empty: str = EMPTY) -> Any:
    """Any stored value as text a reader understands, without knowing its field."""
    if value is None or value == "":
        return empty
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, dt.datetime):
        return formatting.moment(value)
    if isinstance(value, dt.date):
        return formatting.day(value)
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        try:
            return formatting.moment(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return formatting.day(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(readable(v, "")) for v in value) or empty
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {readable(v)}" for k, v in value.items()) or empty
    return value


@functools.cache
def _models() -> dict[str, type[Any]]:
    """{audit trail name: model} of every mapped model (``bank_account``: BankAccount);
    of a model and its subclass (FAB's User, CrmUser), the subclass."""
    found: dict[str, type[Any]] = {}
    for mapper in Model.registry.mappers:
        name = entity_name(mapper.class_)
        if name not in found or issubclass(mapper.class_, found[name]):
            found[name] = mapper.class_
    return found


def model_of(audit_entity: str) -> type[Any] | None:
    return _models().get(audit_entity)


def related_model(model: type[Any] | None, column: str) -> type[Any] | None:
    """The model ``model.column`` (a foreign key such as ``segment_id``) points at."""
    if model is None:
        return None
    for relationship in model.__mapper__.relationships:
        local = [c.key for c in relationship.local_columns]
        if local == [column] and not relationship.uselist:
            return relationship.mapper.class_
    return None


def label(model: type[Any] | None, column: str) -> str:
    """A column by its label in the catalogue, else by a readable form of its name."""
    entity = ENTITIES.get(model.__name__) if model is not None else None
    if entity is not None:
        known = entity.audit_labels().get(column)
        if known is not None:
            return str(known)
    words = column.removesuffix("_id").replace("_", " ")
    return words[:1].upper() + words[1:]


def value(model: type[Any] | None, column: str, stored: Any, names: Mapping | None = None) -> Any:
    """One field's stored value (as the record or the audit trail holds it) for reading;
    ``names``: {(model, id): name} of related records, loaded for the page."""
    name = model.__name__ if model is not None else ""
    hidden = masked_field(name, column) if stored is not None else None
    if hidden is not None:
        return masked() if hidden.kind == "amount" else mask_account(stored)
    if stored is None or stored == "":
        return EMPTY
    target = related_model(model, column)
    if target is not None and isinstance(stored, int) and not isinstance(stored, bool):
        return (names or {}).get((target, stored)) or f"#{stored}"
    entity = ENTITIES.get(name)
    field = entity.fields.get(column) if entity is not None else None
    kind = field.kind if field is not None else None
    if kind == "country" or column == "country":
        return country(stored)
    if kind == "flag":
        return yes_no(stored)
    choices = (field.choices if field is not None else None) or EXTRA_CHOICES.get((name, column))
    if choices and isinstance(stored, str):
        return str(choices.get(stored, stored))
    if kind in NUMBER_KINDS and isinstance(stored, (str, int, float, Decimal)):
        try:
            number = Decimal(str(stored))
        except ArithmeticError:
            return stored
        return formatting.money(number) if kind == "money" else formatting.quantity(number)
    return readable(stored)


def related_names(session: Session, wanted: Iterable[tuple[type[Any], Any]]) -> dict:
    """{(model, id): name} of the related records named by ``wanted``: one query per model."""
    by_model: dict[type[Any], set[int]] = {}
    for model, pk in wanted:
        if isinstance(pk, int) and not isinstance(pk, bool):
            by_model.setdefault(model, set()).add(pk)
    names: dict[tuple[type[Any], int], str] = {}
    for model, ids in by_model.items():
        rows: Iterable[Any] = session.scalars(select(model).where(model.id.in_(ids)))
        for row in rows:
            names[(model, row.id)] = str(row)
    return names


class ChangeReader:
    """The changes of a page's audit entries in words; related names loaded once."""

    def __init__(self, session: Session, entries: Iterable[Any]):
        self.entries = list(entries)
        wanted: list[tuple[type[Any], Any]] = []
        for entry in self.entries:
            model = model_of(entry.entity)
            for column, values in (entry.changes or {}).items():
                target = related_model(model, column)
                if target is not None and isinstance(values, (list, tuple)):
                    wanted.extend((target, v) for v in values)
        self.names = related_names(session, wanted)

    def changes(self, entry: Any) -> list[tuple[str, Any, Any]]:
        """[(label, old, new)] of an entry's changed fields, as the reader may see them."""
        model = model_of(entry.entity)
        rows = []
        for column, values in (entry.changes or {}).items():
            if column == "tenant_id" or not isinstance(values, (list, tuple)) or len(values) != 2:
                continue
            old, new = (value(model, column, v, self.names) for v in values)
            rows.append((label(model, column), old, new))
        return rows


def summary(entry: Any) -> Markup:
    """An audit entry's summary, its amounts masked (with the reason) for readers who may
    not see them."""
    text = mask_summary(entry.entity, entry.summary, DOTS)
    return escape(text or "").replace(DOTS, masked())


def changes_text(session: Session, entry: Any) -> Markup:
    """An audit entry's changes as lines of "Label: old → new" (the audit entry page)."""
    rows = ChangeReader(session, [entry]).changes(entry)
    return Markup("<br>").join(
        Markup("{}: {} → {}").format(name, old, new) for name, old, new in rows
    )
