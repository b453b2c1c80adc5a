"""The deal board: one pipeline's stages as columns, each with its count and total value,
and its cards a page at a time.

Totals come from one grouped query for all columns; cards from the board index
(tenant, stage, id), newest first, so a column of thousands costs one short
index walk per page. The owner and expected-close-date filters apply to both. The shape
is every board's (crm.services.pipeline.kanban); the move is ``deal_stages.change_stage``.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, joinedload, load_only
from sqlalchemy.orm.interfaces import LoaderOption

from crm.models import Company, CrmUser, Customer, Deal, Pipeline, Stage
from crm.security.tenancy import get_owned
from crm.services.core.errors import NotFound
from crm.services.pipeline.deals import CENT
from crm.services.pipeline.kanban import card_page


@dataclass(frozen=True)
class BoardFilter:
    """What the board shows: one owner's deals, and/or those expected to close in a range."""

    owner_id: int | None = None
    close_from: dt.date | None = None
    close_to: dt.date | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = []
        if self.owner_id is not None:
            clauses.append(Deal.assigned_to_id == self.owner_id)
        if self.close_from is not None:
            clauses.append(Deal.expected_close_date >= self.close_from)
        if self.close_to is not None:
            clauses.append(Deal.expected_close_date <= self.close_to)
        return clauses


@dataclass
class ColumnTotal:
    """A column's number of deals and their value per currency (never summed across
    currencies), in full and weighted by the stage's probability."""

    count: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)  # currency -> Decimal
    weighted: dict[str, Decimal] = field(default_factory=dict)  # currency -> Decimal


def board_pipelines(session: Session) -> list[Any]:
    """Pipelines a board can show: active ones, the default first, then in their order."""
    return list(
        session.scalars(
            select(Pipeline)
            .where(Pipeline.is_active.is_(True))
            .order_by(Pipeline.is_default.desc(), Pipeline.position, Pipeline.name, Pipeline.id)
        )
    )


def board_pipeline(pipelines: Sequence[Any], pipeline_id: int | None = None) -> Any:
    """The pipeline asked for among the board's pipelines (the first when none is asked)."""
    if pipeline_id is None:
        return pipelines[0] if pipelines else None
    for pipeline in pipelines:
        if pipeline.id == pipeline_id:
            return pipeline
    raise NotFound()


def columns_of(session: Session, pipeline: Any) -> list[Any]:
    return list(
        session.scalars(
            select(Stage).where(Stage.pipeline_id == pipeline.id).order_by(Stage.position, Stage.id)
        )
    )


def column_figures(
    session: Session,
    stage_ids: Iterable[int],
    board_filter: BoardFilter = BoardFilter(),
    probabilities: Mapping[int, int | None] | None = None,
) -> dict[int, ColumnTotal]:
    """{stage_id: ColumnTotal} for the given stages, in one grouped query over the deals.
    ``probabilities`` ({stage_id: probability}, from stages the caller has loaded) saves
    reading them."""
    totals = {stage_id: ColumnTotal() for stage_id in stage_ids}
    if not totals:
        return totals
    if probabilities is None:
        stages = select(Stage.id, Stage.probability).where(Stage.id.in_(list(totals)))
        probabilities = dict(session.execute(stages).tuples().all())
    rows = session.execute(
        select(Deal.stage_id, Deal.currency, func.count(), func.sum(Deal.value))
        .where(Deal.stage_id.in_(list(totals)), *board_filter.clauses())
        .group_by(Deal.stage_id, Deal.currency)
    )
    for stage_id, currency, count, amount in rows:
        total = totals[stage_id]
        total.count += count
        amount = Decimal(amount or 0)
        total.amounts[currency] = amount.quantize(CENT)
        weight = Decimal(probabilities.get(stage_id) or 0) / 100
        total.weighted[currency] = (amount * weight).quantize(CENT, rounding=ROUND_HALF_UP)
    return totals


def board_column(session: Session, stage_id: object) -> Any:
    """The tenant's stage a column shows; NotFound for anything else."""
    stage = get_owned(session, Stage, stage_id)
    if stage is None:
        raise NotFound()
    return stage


def column_cards(
    session: Session,
    stage: Any,
    offset: int | None = 0,
    board_filter: BoardFilter = BoardFilter(),
    size: int | str | None = None,
) -> tuple[list[Any], int | None]:
    """One page of a column, newest deals first: (deals, next offset or None)."""
    return card_page(
        session,
        select(Deal)
        .where(Deal.stage_id == stage.id, *board_filter.clauses())
        .options(*card_loads())
        .order_by(Deal.id.desc()),
        offset,
        size,
    )


def card_loads() -> tuple[LoaderOption, ...]:
    """What a card shows, loaded with the deals in the same query."""
    return (
        load_only(
            Deal.id,
            Deal.title,
            Deal.value,
            Deal.currency,
            Deal.stage_id,
            Deal.pipeline_id,
            Deal.expected_close_date,
            Deal.tenant_id,
        ),
        joinedload(Deal.customer).load_only(Customer.id, Customer.name),
        joinedload(Deal.company).load_only(Company.id, Company.name),
        joinedload(Deal.assigned_to).load_only(
            CrmUser.id, CrmUser.first_name, CrmUser.last_name, CrmUser.username
        ),
    )


def card(session: Session, deal_id: int) -> Any:
    """One deal as a card shows it (after a move), or None."""
    return session.scalar(select(Deal).where(Deal.id == deal_id).options(*card_loads()))
