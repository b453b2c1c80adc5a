"""Conditions of a rule: checked when the rule is saved, evaluated against a record and
the change that was made to it (column -> [old, new], as the event capture notes it)."""

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy.orm import Session, object_session

from crm.models import Stage
from crm.services.automation import values
from crm.services.automation.catalogue import (
    FIELD_OPS,
    FIELDS,
    ORDERED_KINDS,
    RECORD_OP_VALUES,
    RECORD_OPS,
    VALUELESS_OPS,
    Field,
)


@dataclass
class Change:
    """What happened to the record: created, or the columns an update changed."""

    created: bool
    changes: dict[str, list[Any]]


def clean(session: Session, entity: str, rows: object) -> tuple[list[dict[str, Any]], list[str]]:
    """The conditions to store, and a message per problem (row numbers from 1)."""
    if not isinstance(rows, list):
        return [], [gettext("Conditions must be a list.")]
    kept, problems = [], []
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            problems.append(gettext("Condition %(n)d: not a condition.", n=number))
            continue
        op = row.get("op")
        try:
            kept.append(_clean_row(session, entity, row, op))
        except ValueError as exc:
            problems.append(gettext("Condition %(n)d: %(problem)s", n=number, problem=exc))
    return kept, problems


def _clean_row(session: Session, entity: str, row: dict[str, Any], op: Any) -> dict[str, Any]:
    if op in RECORD_OPS:
        if RECORD_OPS[op][0] != entity:
            raise ValueError(gettext("this condition does not apply to this kind of record."))
        kind = RECORD_OP_VALUES.get(op)
        if kind is None:
            return {"op": op}
        return {"op": op, "value": values.clean(session, Field("", kind), row.get("value"))}
    if op not in FIELD_OPS:
        raise ValueError(gettext("unknown operator “%(op)s”.", op=op))
    name = row.get("field")
    field = FIELDS[entity].get(name) if isinstance(name, str) else None
    if field is None:
        raise ValueError(gettext("unknown field “%(field)s”.", field=name))
    if op in VALUELESS_OPS:
        return {"field": name, "op": op}
    if op in ("greater_than", "less_than") and field.kind not in ORDERED_KINDS:
        raise ValueError(gettext("%(field)s cannot be compared by size.", field=field.label))
    if op == "contains" and field.kind != "text":
        raise ValueError(gettext("only text fields can contain a value."))
    value = values.clean(session, field, row.get("value"))
    if value is None and op != "changed_to":
        raise ValueError(gettext("%(field)s needs a value to compare.", field=field.label))
    return {"field": name, "op": op, "value": value}


def holds(entity: str, record: Any, change: Change, conditions: list[dict[str, Any]]) -> bool:
    """Every condition holds for ``record`` and ``change``."""
    return all(_holds(entity, record, change, condition) for condition in conditions)


def _entered(change: Change, column: str) -> bool:
    return change.created or column in change.changes


def _new_value(record: Any, change: Change, column: str) -> Any:
    """The value the change gave ``column`` (as noted then, not as the record holds it now:
    later changes, other rules' among them, may have moved it on)."""
    if column in change.changes:
        return change.changes[column][1]
    return getattr(record, column)


def _holds(entity: str, record: Any, change: Change, condition: dict[str, Any]) -> bool:
    op = condition["op"]
    if op == "stage_entered":
        entered = _new_value(record, change, "stage_id")
        return _entered(change, "stage_id") and entered == condition["value"]
    if op in ("deal_won", "deal_lost"):
        if not _entered(change, "stage_id"):
            return False
        session = object_session(record)
        stage_id = _new_value(record, change, "stage_id")
        stage = session.get(Stage, stage_id) if session is not None else None
        return stage is not None and bool(stage.is_won if op == "deal_won" else stage.is_lost)
    if op == "lead_status_is":
        return bool(record.status_id == condition["value"])
    field = FIELDS[entity][condition["field"]]
    current = getattr(record, condition["field"])
    wanted = values.typed(field, condition.get("value"))
    if op == "is_empty":
        return values.empty(current)
    if op == "is_set":
        return not values.empty(current)
    if op == "changed":
        return condition["field"] in change.changes or (
            change.created and not values.empty(current)
        )
    if op == "changed_to":
        new = values.typed(field, _new_value(record, change, condition["field"]))
        return _entered(change, condition["field"]) and _equal(new, wanted)
    if op == "equals":
        return _equal(current, wanted)
    if op == "not_equals":
        return not _equal(current, wanted)
    if op == "contains":
        return current is not None and str(wanted).lower() in str(current).lower()
    if current is None:
        return False
    return bool(current > wanted if op == "greater_than" else current < wanted)


def _equal(current: Any, wanted: Any) -> bool:
    if isinstance(current, str) and isinstance(wanted, str):
        return current.strip().lower() == wanted.strip().lower()
    return bool(current == wanted)
