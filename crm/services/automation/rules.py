"""Saving a rule: name, record kind, trigger, conditions and actions checked at once, with
one ValidationFailed naming every problem (the screens and the API alike)."""

from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import AutomationRule, AutomationRun
from crm.services.automation import conditions
from crm.services.automation.actions import ACTIONS
from crm.services.automation.catalogue import ENTITIES, TRIGGERS
from crm.services.core.errors import ValidationFailed
from crm.services.core.transaction import transactional

NAME_LENGTH = 120
MAX_ROWS = 20
RUNS_SHOWN = 50


def clean_actions(
    session: Session, entity: str, rows: object
) -> tuple[list[dict[str, Any]], list[str]]:
    if not isinstance(rows, list) or not rows:
        return [], [gettext("Add at least one action.")]
    kept, problems = [], []
    for number, row in enumerate(rows, 1):
        kind = row.get("type") if isinstance(row, dict) else None
        action = ACTIONS.get(kind) if isinstance(kind, str) else None
        if action is None:
            problems.append(
                gettext("Action %(n)d: unknown action “%(type)s”.", n=number, type=kind)
            )
            continue
        try:
            kept.append({"type": kind, **action.clean(session, entity, row)})
        except ValueError as exc:
            problems.append(gettext("Action %(n)d: %(problem)s", n=number, problem=exc))
    return kept, problems


def prepare(session: Session, rule: Any) -> None:
    """Normalise and check a rule about to be saved; raises ValidationFailed."""
    errors: dict[str, list[Any]] = {}
    with session.no_autoflush:
        rule.name = (rule.name or "").strip()
        if not rule.name:
            errors["name"] = [_l("A name is required.")]
        elif len(rule.name) > NAME_LENGTH:
            errors["name"] = [_l("Keep the name under %(count)s characters.", count=NAME_LENGTH)]
        if rule.entity not in ENTITIES:
            errors["entity"] = [_l("Choose a deal, lead, customer or task.")]
        rule.trigger = rule.trigger or "created_or_changed"
        if rule.trigger not in TRIGGERS:
            errors["trigger"] = [_l("Choose created, changed, or created or changed.")]
        if rule.is_active is None:
            rule.is_active = True
        rule.position = rule.position or 0
        if rule.entity in ENTITIES:
            for column, clean in (
                ("conditions", conditions.clean),
                ("actions", clean_actions),
            ):
                rows = getattr(rule, column)
                rows = [] if rows is None and column == "conditions" else rows
                if isinstance(rows, list) and len(rows) > MAX_ROWS:
                    errors[column] = [_l("Keep to %(n)d rows.", n=MAX_ROWS)]
                    continue
                kept, problems = clean(session, rule.entity, rows)
                if problems:
                    errors[column] = problems
                else:
                    setattr(rule, column, kept)
    if errors:
        raise ValidationFailed(errors)


@transactional
def save(session: Session, rule: Any) -> Any:
    """Check and save a rule (the screens' form)."""
    prepare(session, rule)
    session.add(rule)
    session.flush()
    return rule


def active_rules(session: Session, entity: str) -> list[Any]:
    """The current tenant's active rules for a kind of record, in their order."""
    return list(
        session.scalars(
            select(AutomationRule)
            .where(AutomationRule.entity == entity, AutomationRule.is_active.is_(True))
            .order_by(AutomationRule.position, AutomationRule.id)
        )
    )


def recent_runs(session: Session, rule_id: int | None = None, limit: int = RUNS_SHOWN) -> list[Any]:
    """The newest runs, of one rule or of every rule of the tenant."""
    query = select(AutomationRun).order_by(AutomationRun.id.desc()).limit(limit)
    if rule_id is not None:
        query = query.where(AutomationRun.rule_id == rule_id)
    return list(session.scalars(query))
