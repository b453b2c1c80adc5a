"""Deals: the checks before every save, creation for other services, the delete rule,
and what a deal's page shows besides its own fields.

``prepare(session, deal)`` — forms and the API call it before saving a new or
changed deal. It normalises the deal and raises one ValidationFailed listing
every problem:

* title required; value a non-negative amount (Decimal, to the cent); probability
  0–100 or empty;
* pipeline required; a new deal (or one moved to another pipeline) needs an
  active pipeline;
* the stage must belong to the pipeline; without a stage the deal goes to the
  pipeline's default stage, else its first;
* customer and company optional; a newly chosen one must be active;
* currency: the customer's when a customer is chosen, else the CRM default
  (setting ``default_deal_currency``, EUR unless changed);
* a change of stage goes through ``deal_stages.move_deal_to_stage``, so the close
  date and lost reason follow the same rule as on the board. A lost reason is only
  kept while the deal is in a lost stage.

``create_deal(session, **fields)`` — for other services, e.g. lead
conversion::

    deal = create_deal(session, title="Rollout", value=Decimal("12000"),
                       customer=customer, company=company,   # rows, or customer_id=...
                       pipeline_id=3, stage_id=None,          # default pipeline / stage
                       expected_close_date=date(2026, 6, 30), assigned_to_id=user_id)

  ``fields`` are Deal attributes: title (required), description, value,
  probability, expected_close_date (date or ISO text), lost_reason, and for each
  of pipeline, stage, customer, company and assigned_to either the row or its
  ``<name>_id``. Ids name rows of the current tenant; unknown ids are refused.
  Without a pipeline the tenant's default active pipeline is used. Runs
  ``prepare``; raises ValidationFailed. The deal is added and flushed; called inside
  another service's transaction it is saved with the rest of it (conversion creates
  customer and deal in one transaction).
"""

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.models import (
    AuditEntry,
    Company,
    CrmUser,
    Customer,
    Deal,
    Interaction,
    Pipeline,
    Stage,
    Task,
)
from crm.security.tenancy import get_owned
from crm.services.core.delete_rules import delete_blockers
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.insight import timeline
from crm.services.pipeline.deal_stages import clean_lost_reason, move_deal_to_stage
from crm.services.settings import preferences

MAX_VALUE = Decimal("999999999999.99")  # Numeric(14, 2)
CENT = Decimal("0.01")
TITLE_LENGTH = Deal.__table__.c.title.type.length
OPEN_TASK_STATUSES = ("open", "in_progress")
RELATED_ROWS_SHOWN = 50
# Relations create_deal accepts as a row or as "<name>_id".
RELATIONS = {
    "pipeline": Pipeline,
    "stage": Stage,
    "customer": Customer,
    "company": Company,
    "assigned_to": CrmUser,
}
PLAIN_FIELDS = (
    "title",
    "description",
    "value",
    "probability",
    "expected_close_date",
    "lost_reason",
)


# --- defaults -----------------------------------------------------------------------------


def default_currency(session: Session) -> str:
    """The currency a deal without a customer gets: the CRM setting ``default_deal_currency``."""
    return str(preferences.get_setting(session, "default_deal_currency")).upper()


def default_pipeline(session: Session) -> Any:
    """The tenant's default active pipeline, else its first active one."""
    return session.scalar(
        select(Pipeline)
        .where(Pipeline.is_active.is_(True))
        .order_by(Pipeline.is_default.desc(), Pipeline.position, Pipeline.id)
        .limit(1)
    )


def default_stage(session: Session, pipeline: Any) -> Any:
    """Where a deal starts in ``pipeline``: its default stage, else its first."""
    return session.scalar(
        select(Stage)
        .where(Stage.pipeline_id == pipeline.id)
        .order_by(Stage.is_default.desc(), Stage.position, Stage.id)
        .limit(1)
    )


# --- field checks ---------------------------------------------------------------------------


def clean_value(value: object) -> Decimal:
    if value is None or value == "":
        return Decimal("0.00")
    try:
        amount: Decimal = inputs.amount(value)
    except InputInvalid:
        raise ValueError(_l("Enter an amount, e.g. 12500.00.")) from None
    if amount < 0:
        raise ValueError(_l("The value cannot be negative."))
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if amount > MAX_VALUE:
        raise ValueError(_l("The value is too large."))
    return amount


def clean_probability(value: int | float | str | Decimal | None) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(_l("Enter a whole percentage between 0 and 100."))
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(_l("Enter a whole percentage between 0 and 100."))
    if number != value and str(number) != str(value).strip():
        raise ValueError(_l("Enter a whole percentage between 0 and 100."))
    if not 0 <= number <= 100:
        raise ValueError(_l("Enter a whole percentage between 0 and 100."))
    return number


def clean_date(value: object) -> dt.date | None:
    if inputs.blank(value):
        return None
    try:
        return cast(dt.date, inputs.date(value))
    except InputInvalid:
        raise ValueError(_l("Enter a date as YYYY-MM-DD.")) from None


def _check(
    errors: dict[str, list[Any]], field: str, func: Callable[[Any], object], value: Any
) -> Any:
    try:
        return func(value)
    except ValueError as exc:
        errors.setdefault(field, []).append(exc.args[0])
        return value


def _newly_chosen(deal: Any, relation: str, is_new: bool) -> Any:
    """The row ``relation`` points at if it was just chosen (new deal or changed), else None."""
    row = getattr(deal, relation)
    if row is None:
        return None
    return row if is_new or row.id != getattr(deal, f"{relation}_id") else None


# --- prepare ----------------------------------------------------------------------------------


def prepare(session: Session, deal: Any) -> None:
    """Normalise and validate a deal about to be saved; see the module docstring."""
    errors: dict[str, list[Any]] = {}
    is_new = deal.id is None
    with session.no_autoflush:
        deal.title = (deal.title or "").strip()
        if not deal.title:
            errors["title"] = [_l("A title is required.")]
        elif len(deal.title) > TITLE_LENGTH:
            errors["title"] = [_l("Keep the title under %(count)s characters.", count=TITLE_LENGTH)]
        deal.description = (deal.description or "").strip() or None
        deal.value = _check(errors, "value", clean_value, deal.value)
        deal.probability = _check(errors, "probability", clean_probability, deal.probability)
        deal.expected_close_date = _check(
            errors, "expected_close_date", clean_date, deal.expected_close_date
        )
        try:
            lost_reason = clean_lost_reason(deal.lost_reason)
        except ValidationFailed as exc:
            errors.update(exc.errors)
            lost_reason = None

        pipeline = deal.pipeline
        stage = deal.stage
        if pipeline is None:
            errors["pipeline"] = [_l("Choose a pipeline.")]
        elif not pipeline.is_active and _newly_chosen(deal, "pipeline", is_new) is not None:
            errors["pipeline"] = [
                gettext(
                    "The pipeline %(name)s is inactive; choose an active pipeline.",
                    name=pipeline.name,
                )
            ]
        elif stage is None:
            stage = default_stage(session, pipeline)
            if stage is None:
                errors["stage"] = [
                    gettext("The pipeline %(name)s has no stages yet.", name=pipeline.name)
                ]
        elif stage.pipeline_id != pipeline.id:
            errors["stage"] = [
                gettext(
                    "%(stage)s is a stage of another pipeline; choose a stage of %(pipeline)s.",
                    stage=stage.name,
                    pipeline=pipeline.name,
                )
            ]

        for relation, message in (
            ("customer", _l("%(name)s is archived; choose an active customer.")),
            ("company", _l("%(name)s is inactive; choose an active company.")),
        ):
            chosen = _newly_chosen(deal, relation, is_new)
            if chosen is not None and not chosen.is_active:
                errors[relation] = [message % {"name": chosen.name}]
        owner = _newly_chosen(deal, "assigned_to", is_new)
        if owner is not None and not owner.active:
            errors["assigned_to"] = [
                gettext("%(name)s can no longer sign in; choose another owner.", name=str(owner))
            ]
        if errors:
            raise ValidationFailed(errors)

        customer = _newly_chosen(deal, "customer", is_new)
        if customer is not None:
            deal.currency = customer.currency or default_currency(session)
        elif is_new:
            deal.currency = default_currency(session)
        move_deal_to_stage(session, deal, stage, lost_reason)
        # Whatever was typed, only a lost deal keeps a lost reason.
        deal.lost_reason = lost_reason if stage.is_lost else None


@transactional
def create_deal(session: Session, /, **fields: Any) -> Any:
    """A new deal from plain fields; see the module docstring."""
    unknown = set(fields) - set(PLAIN_FIELDS) - set(RELATIONS) - {f"{r}_id" for r in RELATIONS}
    if unknown:
        raise TypeError(f"create_deal() got unexpected fields: {', '.join(sorted(unknown))}")
    deal = Deal(**{k: v for k, v in fields.items() if k in PLAIN_FIELDS})
    errors: dict[str, list[Any]] = {}
    for relation, model in RELATIONS.items():
        row = fields.get(relation)
        pk = fields.get(f"{relation}_id")
        if row is None and pk not in (None, ""):
            row = get_owned(session, model, pk)
            if row is None:
                errors[relation] = [_l("No such record.")]
        setattr(deal, relation, row)
    if errors:
        raise ValidationFailed(errors)
    if deal.pipeline is None:
        deal.pipeline = default_pipeline(session)
    prepare(session, deal)
    session.add(deal)
    session.flush()
    return deal


# --- delete -----------------------------------------------------------------------------------


def check_delete(session: Session, deal: Any) -> None:
    """A deal with tasks, interactions or a converted lead keeps its history: refuse."""
    found: dict[str, int] = {}
    for label, count in delete_blockers(session, deal):
        found.setdefault(str(label), count)
    if found:
        what = ", ".join(f"{count} {label}" for label, count in found.items())
        raise NotAllowed(
            gettext("%(title)s cannot be deleted: it has %(what)s.", title=deal.title, what=what)
        )


# --- what the deal page shows ------------------------------------------------------------------


def open_tasks(session: Session, deal: Any, limit: int = RELATED_ROWS_SHOWN) -> list[Any]:
    """The deal's open tasks, soonest due first (undated last)."""
    return list(
        session.scalars(
            select(Task)
            .where(Task.deal_id == deal.id, Task.status.in_(OPEN_TASK_STATUSES))
            .options(selectinload(Task.assignee))
            .order_by(Task.due_date.is_(None), Task.due_date, Task.id)
            .limit(limit)
        )
    )


def interactions(session: Session, deal: Any, limit: int = RELATED_ROWS_SHOWN) -> list[Any]:
    """Calls, meetings, emails and notes logged against the deal, newest first."""
    return list(
        session.scalars(
            select(Interaction)
            .where(Interaction.deal_id == deal.id)
            .options(
                selectinload(Interaction.user),
                selectinload(Interaction.contact),
                selectinload(Interaction.attachments),  # an email's files, listed with it
            )
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
            .limit(limit)
        )
    )


# Columns whose audit values are ids: shown by the name of the row they point at.
_NAMED_COLUMNS = {
    "stage_id": (Stage, "name"),
    "pipeline_id": (Pipeline, "name"),
    "customer_id": (Customer, "name"),
    "company_id": (Company, "name"),
    "assigned_to_id": (CrmUser, None),
}


def activity(
    session: Session, deal: Any
) -> list[tuple[AuditEntry, list[tuple[str, object, object]]]]:
    """The deal's timeline with ids shown as names (see timeline.named_activity)."""
    return timeline.named_activity(session, deal, _NAMED_COLUMNS)
