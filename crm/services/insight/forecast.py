"""The sales forecast: open deals by expected close month, per currency and per owner,
at full value and weighted by their stage's probability.

One grouped query (index ix_deal_forecast) reads every figure; open stages are picked by
id from the short stage table, so the deal table is never joined. Months are the tenant's
(CRM setting ``timezone``). Amounts are never added across currencies.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytz
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from crm.models import CrmUser, Deal, Stage
from crm.models.base import utcnow
from crm.services.ledger.arithmetic import money
from crm.services.settings.preferences import get_setting

MONTHS_AHEAD = 6  # the report's months, this one first
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Period:
    """Whole months from ``first`` to ``last`` (inclusive days). ``key``: this_month,
    next_month, this_quarter, or the month as YYYY-MM."""

    key: str
    first: dt.date
    last: dt.date


@dataclass
class Figure:
    count: int = 0
    value: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)

    def add(self, count: int, value: Decimal, weighted: Decimal) -> None:
        self.count += count
        self.value += value
        self.weighted += weighted


@dataclass
class Forecast:
    today: dt.date
    periods: list[Period]
    # period key -> currency -> Figure
    totals: dict[str, dict[str, Figure]] = field(default_factory=dict)
    # period key -> (owner id or None, currency) -> Figure
    owners: dict[str, dict[tuple[int | None, str], Figure]] = field(default_factory=dict)
    owner_names: dict[int, str] = field(default_factory=dict)


def tenant_today(session: Session, now: dt.datetime | None = None) -> dt.date:
    """Today's date in the tenant's timezone."""
    zone = pytz.timezone(get_setting(session, "timezone") or "UTC")
    return (now or utcnow()).astimezone(zone).date()


def _month_after(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1)


def _month(first: dt.date) -> Period:
    return Period(first.strftime("%Y-%m"), first, _month_after(first) - dt.timedelta(days=1))


def periods_of(today: dt.date) -> tuple[list[Period], list[Period]]:
    """(the cards' periods: this month, next month, this quarter; the report's months)."""
    this = today.replace(day=1)
    following = _month_after(this)
    quarter = this.replace(month=(this.month - 1) // 3 * 3 + 1)
    quarter_end = _month_after(_month_after(_month_after(quarter))) - dt.timedelta(days=1)
    months, first = [], this
    for _ in range(MONTHS_AHEAD):
        months.append(_month(first))
        first = _month_after(first)
    cards = [
        Period("this_month", this, following - dt.timedelta(days=1)),
        Period("next_month", following, _month_after(following) - dt.timedelta(days=1)),
        Period("this_quarter", quarter, quarter_end),
    ]
    return cards, months


def open_stage_probabilities(session: Session, pipeline_id: int | None = None) -> dict[int, int]:
    """{stage id: probability} of the stages that are neither won nor lost."""
    query = select(Stage.id, Stage.probability).where(
        Stage.is_won.is_(False), Stage.is_lost.is_(False)
    )
    if pipeline_id is not None:
        query = query.where(Stage.pipeline_id == pipeline_id)
    return {stage_id: probability or 0 for stage_id, probability in session.execute(query)}


def open_stage_ids(session: Session) -> list[int]:
    return list(open_stage_probabilities(session))


def forecast(
    session: Session,
    *,
    owner_id: int | None = None,
    pipeline_id: int | None = None,
    today: dt.date | None = None,
) -> Forecast:
    """Open deals expected to close in each period, per currency and per owner."""
    today = today or tenant_today(session)
    cards, months = periods_of(today)
    periods = cards + months
    result = Forecast(today=today, periods=periods)
    for period in periods:
        result.totals[period.key] = {}
        result.owners[period.key] = {}
    probabilities = open_stage_probabilities(session, pipeline_id)
    if not probabilities:
        return result
    # Calendar months from the quarter's first to the report's last; a CASE over their
    # first days names each deal's month, so the SQL is the same on every database.
    firsts = [min(p.first for p in periods)]
    end = max(p.last for p in periods) + dt.timedelta(days=1)
    while firsts[-1] < end:
        firsts.append(_month_after(firsts[-1]))
    month = case(*((Deal.expected_close_date < firsts[i + 1], i) for i in range(len(firsts) - 1)))
    where = [
        Deal.expected_close_date >= firsts[0],
        Deal.expected_close_date < firsts[-1],
        Deal.stage_id.in_(list(probabilities)),
    ]
    if owner_id is not None:
        where.append(Deal.assigned_to_id == owner_id)
    if pipeline_id is not None:
        where.append(Deal.pipeline_id == pipeline_id)
    rows = session.execute(
        select(
            month,
            Deal.stage_id,
            Deal.currency,
            Deal.assigned_to_id,
            func.count(),
            func.sum(Deal.value),
        )
        .where(*where)
        .group_by(month, Deal.stage_id, Deal.currency, Deal.assigned_to_id)
    )
    for index, stage_id, currency, owner, count, amount in rows:
        first = firsts[index]
        value = Decimal(amount or 0)
        weighted = value * probabilities[stage_id] / HUNDRED
        for period in periods:
            if period.first <= first <= period.last:
                result.totals[period.key].setdefault(currency, Figure()).add(count, value, weighted)
                result.owners[period.key].setdefault((owner, currency), Figure()).add(
                    count, value, weighted
                )
    owner_ids = {owner for figures in result.owners.values() for owner, _ in figures} - {None}
    if owner_ids:
        users = session.scalars(select(CrmUser).where(CrmUser.id.in_(owner_ids)))
        result.owner_names = {user.id: str(user) for user in users}
    return result


def _figure(figure: Figure) -> dict[str, Any]:
    return {
        "count": figure.count,
        "value": str(money(figure.value)),
        "weighted": str(money(figure.weighted)),
    }


def owner_rows(result: Forecast, key: str) -> list[dict[str, Any]]:
    """A period's figures per owner and currency: owners by name (unassigned last)."""
    figures = result.owners[key]

    def order(item: tuple[tuple[int | None, str], Figure]) -> tuple[bool, str, int, str]:
        (owner, currency), _ = item
        name = result.owner_names.get(owner, "") if owner is not None else ""
        return (owner is None, name.lower(), owner or 0, currency)

    return [
        {
            "owner_id": owner,
            "owner": result.owner_names.get(owner) if owner else None,
            "currency": currency,
            **_figure(figure),
        }
        for (owner, currency), figure in sorted(figures.items(), key=order)
    ]


def as_data(result: Forecast) -> dict[str, Any]:
    """The forecast as JSON-ready data; money as exact decimal strings."""
    return {
        "today": result.today.isoformat(),
        "periods": [
            {
                "key": period.key,
                "from": period.first.isoformat(),
                "to": period.last.isoformat(),
                "currencies": [
                    {"currency": currency, **_figure(result.totals[period.key][currency])}
                    for currency in sorted(result.totals[period.key])
                ],
                "owners": owner_rows(result, period.key),
            }
            for period in result.periods
        ],
    }
