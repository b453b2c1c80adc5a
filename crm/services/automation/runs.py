"""Running the rules for one committed change of a record: each matching rule in a
transaction of its own, as the record's tenant and "acting as" the rule, its run logged.

Loop protection: a rule's writes are noted with the chain of rules that caused them
(``recording.caused_by``); a rule never acts on a change its own chain caused, and no rule
acts once ``MAX_DEPTH`` rules led to the change. Either way the run is logged as skipped.
"""

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from flask_babel import gettext
from sqlalchemy.orm import Session

from crm.models import AutomationRun
from crm.models.base import utcnow
from crm.security.tenancy import get_owned, tenant_scope
from crm.services.automation import conditions, rules
from crm.services.automation.actions import ACTIONS, Context
from crm.services.automation.catalogue import ENTITIES, MAX_DEPTH
from crm.services.core.audit import acting_as
from crm.services.core.errors import CrmError
from crm.services.core.transaction import transaction
from crm.services.webhooks.recording import Cause, Noted, caused_by

log = logging.getLogger(__name__)
MODELS = {entity.model: name for name, entity in ENTITIES.items()}
MESSAGE_LENGTH = 500


@dataclass
class Change:
    """One committed change of a record, as the queue carries it (JSON-ready)."""

    tenant_id: int
    entity: str
    record_id: int
    created: bool
    changes: dict[str, list[Any]] = field(default_factory=dict)
    rule_ids: list[int] = field(default_factory=list)
    actor_id: int | None = None

    @classmethod
    def from_noted(cls, noted: Noted) -> "Change | None":
        entity = MODELS.get(noted.model)
        prefix = f"{entity}."
        if entity is None or any(e == f"{prefix}deleted" for e in noted.events):
            return None
        created = f"{prefix}created" in noted.events
        return cls(
            noted.tenant_id,
            entity,
            noted.record_id,
            created,
            noted.changes,
            list(noted.cause.rule_ids),
            noted.cause.actor_id,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Delivery:
    """How a run hands over the record (``serialise``), a webhook delivery (``send``) and
    an email from the record (``email``: the arguments of compose.submit_email)."""

    serialise: Callable[[Any], dict[str, Any] | None] = lambda record: None
    send: Callable[[int], None] = lambda delivery_id: None
    email: Callable[[Session, dict[str, Any]], None] = lambda session, message: None


def _triggered(trigger: str, created: bool) -> bool:
    return trigger == "created_or_changed" or (trigger == "created") == created


def _message(exc: Exception) -> str:
    if isinstance(exc, CrmError):
        details = [f"{name}: {m}" for name, ms in exc.errors.items() for m in ms]
        return "; ".join(details) or str(exc.message)
    return str(exc) or type(exc).__name__


def run_rules(session: Session, change: Change, delivery: Delivery | None = None) -> list[int]:
    """Run every active rule of the record's tenant that ``change`` triggers; the ids of
    the runs logged."""
    delivery = delivery or Delivery()
    logged = []
    with tenant_scope(change.tenant_id), caused_by(None):
        with transaction(session):
            rule_ids = [
                rule.id
                for rule in rules.active_rules(session, change.entity)
                if _triggered(rule.trigger, change.created)
            ]
        for rule_id in rule_ids:
            run_id = run_rule(session, rule_id, change, delivery)
            if run_id is not None:
                logged.append(run_id)
    return logged


def _log(
    session: Session,
    rule: Any,
    change: Change,
    record: Any,
    status: str,
    message: str,
    started: Any = None,
) -> int:
    run = AutomationRun(
        tenant_id=change.tenant_id,
        rule_id=rule.id,
        entity=change.entity,
        record_id=change.record_id,
        record_label=str(record)[:200],
        status=status,
        message=message[:MESSAGE_LENGTH] or None,
        depth=len(change.rule_ids),
        started_at=started or utcnow(),
    )
    session.add(run)
    session.flush()
    run.finished_at = utcnow()
    return int(run.id)


def run_rule(session: Session, rule_id: int, change: Change, delivery: Delivery) -> int | None:
    """Run one rule for ``change`` if its conditions hold; the id of its logged run."""
    spec = ENTITIES[change.entity]
    with transaction(session):
        rule = get_owned(session, rules.AutomationRule, rule_id)
        record = get_owned(session, spec.model, change.record_id)
        if rule is None or record is None:  # deleted meanwhile
            return None
        check = conditions.Change(change.created, change.changes)
        if not conditions.holds(change.entity, record, check, rule.conditions or []):
            return None
        if rule.id in change.rule_ids or len(change.rule_ids) >= MAX_DEPTH:
            return _log(
                session,
                rule,
                change,
                record,
                "skipped",
                gettext(
                    "Stopped: loop. %(n)d rule(s) in a row led to this change, this rule "
                    "included or too many.",
                    n=len(change.rule_ids),
                ),
            )
        rule_name, label = rule.name, str(record)
    context = Context(
        session,
        rule,
        change.entity,
        record,
        change.actor_id,
        serialise=delivery.serialise,
        send_delivery=delivery.send,
        send_email=delivery.email,
    )
    cause = Cause((*change.rule_ids, rule_id), change.actor_id)
    started = utcnow()
    try:
        with acting_as(gettext("Automation: %(rule)s", rule=rule_name)[:100]), caused_by(cause):
            with transaction(session):
                for index, action in enumerate(rule.actions):
                    ACTIONS[action["type"]].run(context, action, index)
                run_id = _log(session, rule, change, record, "done", "", started)
    except Exception as exc:
        log.info("automation rule %s failed on %s %s", rule_id, change.entity, change.record_id)
        message = _message(exc)
        with transaction(session):
            rule = get_owned(session, rules.AutomationRule, rule_id)
            if rule is None:
                return None
            failed = AutomationRun(
                tenant_id=change.tenant_id,
                rule_id=rule_id,
                entity=change.entity,
                record_id=change.record_id,
                record_label=label[:200],
                status="failed",
                message=message[:MESSAGE_LENGTH],
                depth=len(change.rule_ids),
                started_at=started,
                finished_at=utcnow(),
            )
            session.add(failed)
            session.flush()
            return int(failed.id)
    for callback in context.after_commit:
        try:
            callback()
        except Exception:
            log.warning("after-commit step of automation rule %s failed", rule_id, exc_info=True)
    return run_id
