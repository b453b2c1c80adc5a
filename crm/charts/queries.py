"""The dashboard's figures: one SQL aggregate each (GROUP BY in the database).

Every function takes a session and a ``DashboardFilter`` and runs under the
current tenant (the session-wide scoping of crm.security.tenancy adds it).
The filter's date range is on when records were created; the owner is the
record's owner (assigned user of companies, leads and deals, owner of customers,
assignee of tasks); the pipeline narrows deals only.

Money is summed per currency and never added across currencies. A deal is won or
lost by its stage's flags; the stages (a short settings table) are read once and
the deal queries group by ``stage_id``, so the big table is never joined.
"""

import datetime as dt
from collections import namedtuple
from dataclasses import dataclass

from sqlalchemy import case, func, select

from crm.models import Company, Customer, Deal, Lead, LeadSource, LeadStatus, Pipeline, Stage, Task
from crm.services.ledger.arithmetic import aging_by_currency
from crm.services.pipeline.tasks import OPEN_STATUSES

QUALIFIED_STATUS = "qualified"  # the lead status (by name, any case) counted as qualified
NOT_SCORED = "not_scored"
HEALTH_BANDS = ("healthy", "watch", "at_risk")
MONTHS = 6

StageInfo = namedtuple("StageInfo", "id name pipeline_id pipeline_name position is_won is_lost")
DealGroup = namedtuple("DealGroup", "stage_id currency count amount")
MonthGroup = namedtuple("MonthGroup", "month stage_id currency count amount")


@dataclass(frozen=True)
class DashboardFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    owner_id: int | None = None
    pipeline_id: int | None = None


def _start_of(day):
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.timezone.utc)


def _created_in(column, flt):
    """Conditions on a created_at column for the filter's date range (whole days, UTC)."""
    where = []
    if flt.date_from is not None:
        where.append(column >= _start_of(flt.date_from))
    if flt.date_to is not None:
        where.append(column < _start_of(flt.date_to + dt.timedelta(days=1)))
    return where


def _owned(column, flt):
    return [column == flt.owner_id] if flt.owner_id is not None else []


# --- settings read once --------------------------------------------------------------


def stages(session):
    """{stage id: StageInfo} of the tenant's stages, pipelines in board order."""
    rows = session.execute(
        select(
            Stage.id,
            Stage.name,
            Pipeline.id,
            Pipeline.name,
            Stage.position,
            Stage.is_won,
            Stage.is_lost,
        )
        .join(Pipeline, Stage.pipeline_id == Pipeline.id)
        .order_by(
            Pipeline.is_default.desc(), Pipeline.position, Pipeline.name, Stage.position, Stage.id
        )
    )
    return {row[0]: StageInfo(*row) for row in rows}


# --- cards ---------------------------------------------------------------------------


def company_counts(session, flt):
    """(total, active) companies."""
    total, active = session.execute(
        select(func.count(Company.id), func.count(case((Company.is_active.is_(True), 1)))).where(
            *_created_in(Company.created_at, flt), *_owned(Company.assigned_to_id, flt)
        )
    ).one()
    return total, active


def _customers(flt):
    # Active customers (archived ones, merged duplicates among them, are left out): the
    # count and the health bands then come from the index on (tenant, active, band) alone.
    return [
        Customer.is_active.is_(True),
        *_created_in(Customer.created_at, flt),
        *_owned(Customer.owner_id, flt),
    ]


def customer_count(session, flt):
    """Active customers."""
    return session.scalar(select(func.count()).select_from(Customer).where(*_customers(flt)))


def lead_counts(session, flt):
    """(total, qualified) leads; qualified: in the status named "Qualified"."""
    qualified = select(LeadStatus.id).where(func.lower(LeadStatus.name) == QUALIFIED_STATUS)
    total, qualified_count = session.execute(
        select(func.count(Lead.id), func.count(case((Lead.status_id.in_(qualified), 1)))).where(
            *_created_in(Lead.created_at, flt), *_owned(Lead.assigned_to_id, flt)
        )
    ).one()
    return total, qualified_count


def _deals(flt):
    where = [*_created_in(Deal.created_at, flt), *_owned(Deal.assigned_to_id, flt)]
    if flt.pipeline_id is not None:
        where.append(Deal.pipeline_id == flt.pipeline_id)
    return where


def deal_groups(session, flt):
    """[DealGroup] — deals counted and summed per stage and currency, the source of the deal
    cards, the revenue figures and the open-deals-per-stage chart."""
    rows = session.execute(
        select(Deal.stage_id, Deal.currency, func.count(), func.sum(Deal.value))
        .where(*_deals(flt))
        .group_by(Deal.stage_id, Deal.currency)
    )
    return [DealGroup(*row) for row in rows]


def task_groups(session, flt):
    """{status: count} of tasks."""
    rows = session.execute(
        select(Task.status, func.count(Task.id))
        .where(*_created_in(Task.created_at, flt), *_owned(Task.assignee_id, flt))
        .group_by(Task.status)
    )
    return dict(rows.all())


# --- charts --------------------------------------------------------------------------


def month_starts(last_day, months=MONTHS):
    """The first days of the ``months`` calendar months ending with ``last_day``'s month,
    oldest first, plus the first day of the month after (the window's end)."""
    year, month = last_day.year, last_day.month
    firsts = []
    for _ in range(months + 1):
        firsts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    firsts.reverse()
    end = last_day.replace(day=1) + dt.timedelta(days=32)
    return firsts[1:] + [end.replace(day=1)]


def deals_by_month(session, flt, today=None):
    """[MonthGroup] of deals created in the six months ending with the filter's end month
    (today's when open), per month (its first day), stage and currency. The month comes from
    a CASE over the month boundaries computed here, so the SQL is the same on every database."""
    last_day = flt.date_to or today or dt.date.today()
    firsts = month_starts(last_day)
    bounds = [_start_of(day) for day in firsts]
    month = case(*((Deal.created_at < bounds[i + 1], i) for i in range(MONTHS)))
    rows = session.execute(
        select(month, Deal.stage_id, Deal.currency, func.count(), func.sum(Deal.value))
        .where(Deal.created_at >= bounds[0], Deal.created_at < bounds[-1], *_deals(flt))
        .group_by(month, Deal.stage_id, Deal.currency)
    )
    return firsts[:-1], [MonthGroup(firsts[index], *rest) for index, *rest in rows]


def leads_by_source(session, flt):
    """[(source id, name, count)], biggest first; leads without a source last among equals."""
    counts = session.execute(
        select(Lead.source_id, func.count(Lead.id))
        .where(*_created_in(Lead.created_at, flt), *_owned(Lead.assigned_to_id, flt))
        .group_by(Lead.source_id)
    ).all()
    names = dict(session.execute(select(LeadSource.id, LeadSource.name)).all())
    return sorted(
        ((source_id, names.get(source_id), count) for source_id, count in counts),
        key=lambda row: (-row[2], row[1] is None, row[1] or ""),
    )


def customers_by_health(session, flt):
    """{band or NOT_SCORED: count}; every customer is "not scored yet" until scored."""
    band = getattr(Customer, "health_band", None)
    if band is None:
        return {NOT_SCORED: customer_count(session, flt)}
    rows = session.execute(
        select(band, func.count()).select_from(Customer).where(*_customers(flt)).group_by(band)
    )
    result = {}
    for key, count in rows:
        key = key if key in HEALTH_BANDS else NOT_SCORED
        result[key] = result.get(key, 0) + count
    return result


def receivables(session, today=None):
    """{currency: {aging bucket: amount due, "total": ...}} over open invoices."""
    return aging_by_currency(session, as_of=today)


# --- recent records ------------------------------------------------------------------

RECENT = 5


def recent_companies(session, flt):
    return session.scalars(
        select(Company)
        .where(*_created_in(Company.created_at, flt), *_owned(Company.assigned_to_id, flt))
        .order_by(Company.id.desc())
        .limit(RECENT)
    ).all()


def recent_customers(session, flt):
    return session.scalars(
        select(Customer).where(*_customers(flt)).order_by(Customer.id.desc()).limit(RECENT)
    ).all()


def recent_deals(session, flt):
    return session.scalars(
        select(Deal).where(*_deals(flt)).order_by(Deal.id.desc()).limit(RECENT)
    ).all()


def upcoming_tasks(session, flt, today=None):
    """The next open tasks due today or later, soonest first."""
    today = today or dt.date.today()
    return session.scalars(
        select(Task)
        .where(
            Task.status.in_(OPEN_STATUSES), Task.due_date >= today, *_owned(Task.assignee_id, flt)
        )
        .order_by(Task.due_date, Task.id)
        .limit(RECENT)
    ).all()
