"""What automation rules may name: the records they watch, the fields of each (for
conditions and for the set-field action), the operators and the triggers."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.models import TASK_PRIORITIES, TASK_STATUSES, Customer, Deal, Lead, Task
from crm.services.customers import customers
from crm.services.pipeline import deals, leads, tasks

# A rule run stops once this many rules' changes led to the change it would act on.
MAX_DEPTH = 3


@dataclass(frozen=True)
class Entity:
    model: type
    label: Any
    owner: str  # the column of the record's owner
    link: str  # the record's page
    prepare: Callable[[Session, Any], None]  # the service rule every save goes through


ENTITIES: dict[str, Entity] = {
    "deal": Entity(Deal, _l("Deal"), "assigned_to_id", "/deals/show/{id}", deals.prepare),
    "lead": Entity(Lead, _l("Lead"), "assigned_to_id", "/leads/show/{id}", leads.prepare),
    "customer": Entity(
        Customer, _l("Customer"), "owner_id", "/customers/show/{id}", customers.prepare
    ),
    "task": Entity(Task, _l("Task"), "assignee_id", "/tasks/show/{id}", tasks.prepare),
}

TRIGGERS = {
    "created": _l("Created"),
    "changed": _l("Changed"),
    "created_or_changed": _l("Created or changed"),
}


@dataclass(frozen=True)
class Field:
    label: Any
    # text, integer, money, date, flag, choice, user, stage, lead_status, lead_source
    kind: str
    settable: bool = False
    choices: tuple[str, ...] = ()


FIELDS: dict[str, dict[str, Field]] = {
    "deal": {
        "title": Field(_l("Title"), "text", True),
        "value": Field(_l("Value"), "money", True),
        "probability": Field(_l("Probability (%)"), "integer", True),
        "expected_close_date": Field(_l("Expected close date"), "date", True),
        "stage_id": Field(_l("Stage"), "stage", True),
        "assigned_to_id": Field(_l("Owner"), "user", True),
        "currency": Field(_l("Currency"), "text"),
        "lost_reason": Field(_l("Lost reason"), "text"),
    },
    "lead": {
        "title": Field(_l("Title"), "text", True),
        "contact_name": Field(_l("Contact name"), "text", True),
        "contact_email": Field(_l("Contact email"), "text"),
        "company_name": Field(_l("Company name"), "text", True),
        "value": Field(_l("Value"), "money", True),
        "status_id": Field(_l("Status"), "lead_status", True),
        "source_id": Field(_l("Source"), "lead_source", True),
        "assigned_to_id": Field(_l("Owner"), "user", True),
    },
    "customer": {
        "name": Field(_l("Name"), "text"),
        "email": Field(_l("Email"), "text"),
        "city": Field(_l("City"), "text"),
        "country": Field(_l("Country"), "text"),
        "industry": Field(_l("Industry"), "text", True),
        "balance": Field(_l("Balance"), "money"),
        "credit_hold": Field(_l("Credit hold"), "flag"),
        "owner_id": Field(_l("Owner"), "user", True),
    },
    "task": {
        "title": Field(_l("Title"), "text", True),
        "status": Field(_l("Status"), "choice", True, TASK_STATUSES),
        "priority": Field(_l("Priority"), "choice", True, TASK_PRIORITIES),
        "due_date": Field(_l("Due date"), "date", True),
        "assignee_id": Field(_l("Assignee"), "user", True),
    },
}

# Field comparisons: operator -> label. "is empty", "is set" and "changed" take no value.
FIELD_OPS = {
    "equals": _l("equals"),
    "not_equals": _l("does not equal"),
    "greater_than": _l("is greater than"),
    "less_than": _l("is less than"),
    "contains": _l("contains"),
    "is_empty": _l("is empty"),
    "is_set": _l("is set"),
    "changed": _l("changed"),
    "changed_to": _l("changed to"),
}
VALUELESS_OPS = ("is_empty", "is_set", "changed")
ORDERED_KINDS = ("integer", "money", "date")
# Conditions about the record as a whole, with no field: op -> (entity, label). Their value
# names a stage or a lead status where they take one.
RECORD_OPS = {
    "stage_entered": ("deal", _l("Stage entered")),
    "deal_won": ("deal", _l("Deal won")),
    "deal_lost": ("deal", _l("Deal lost")),
    "lead_status_is": ("lead", _l("Lead status is")),
}
RECORD_OP_VALUES = {"stage_entered": "stage", "lead_status_is": "lead_status"}


def entity_choices() -> list[tuple[str, str]]:
    return [(name, str(entity.label)) for name, entity in ENTITIES.items()]


def trigger_choices() -> list[tuple[str, str]]:
    return [(name, str(label)) for name, label in TRIGGERS.items()]
