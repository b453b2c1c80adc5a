"""The customer health score: 0-100 from four weighted factors, refreshed nightly.

The formula is data (``WEIGHTS``, ``CURVES``, ``BANDS``) so the README, the customer page and
the tests read the same numbers. Each factor has a sub-score 0-100:

* recency — days since the customer's last interaction (``Customer.last_interaction_at``),
  through ``CURVES["recency"]``; never contacted scores 0;
* payment — share of the customer's invoices paid (status paid) among those paid or overdue
  (open past their due date), times 100, less the penalty of ``CURVES["days_overdue"]`` for the
  oldest overdue invoice's days past due; floored at 0. No paid or overdue invoice scores 100;
* contracts — total value of the active contracts running today (in the customer's currency)
  through ``CURVES["contracts"]``;
* tickets — open and pending support tickets through ``CURVES["tickets"]``.

score = round(sum(weight × sub-score) / 100); above 70 healthy, 40-70 watch, below 40 at risk.
Sub-scores and the score are rounded half up.

``refresh_health`` recomputes every customer of a tenant with four set-based reads (the
customers, and one GROUP BY each over invoices, contracts and tickets) and bulk UPDATEs by id;
it stores the score, band, sub-scores and time on the customer and the run time on the tenant.
"""

import datetime as dt
import json
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from sqlalchemy import bindparam, case, func, select, text, update
from sqlalchemy.orm import Session

from crm.models import (
    OPEN_INVOICE_STATUSES,
    OPEN_TICKET_STATUSES,
    Contract,
    Customer,
    Invoice,
    SupportTicket,
    Tenant,
)
from crm.models.base import utcnow
from crm.security.tenancy import tenant_scope
from crm.services.core.transaction import transactional

FACTORS = ("recency", "payment", "contracts", "tickets")
# Fixed weights (sum 100).
WEIGHTS = {"recency": 30, "payment": 30, "contracts": 20, "tickets": 20}
# Piecewise-linear curves: (x, y) points, x ascending; flat beyond the ends.
CURVES = {
    # days since the last interaction -> sub-score
    "recency": ((0, 100), (7, 100), (30, 75), (90, 25), (180, 0)),
    # days the oldest overdue invoice is past due -> points taken off the payment sub-score
    "days_overdue": ((0, 0), (30, 20), (90, 50)),
    # active contract value -> sub-score
    "contracts": ((0, 0), (10000, 50), (50000, 80), (100000, 100)),
    # open (and pending) support tickets -> sub-score
    "tickets": ((0, 100), (5, 0)),
}
# Lowest score of each band, best first.
BANDS = (("healthy", 71), ("watch", 40), ("at_risk", 0))
BATCH = 5000


def _round(value: Decimal | int) -> int:
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def curve(name: str, x: Decimal | int) -> Decimal:
    """The curve's value at ``x`` (a number of days, a count or an amount), unrounded."""
    points = CURVES[name]
    x = Decimal(x)
    if x <= points[0][0]:
        return Decimal(points[0][1])
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1:
            return Decimal(y0) + (Decimal(y1) - y0) * (x - x0) / (x1 - x0)
    return Decimal(points[-1][1])


def recency_score(days_since: int | None) -> int:
    """``days_since`` the last interaction, None when there was none."""
    return 0 if days_since is None else _round(curve("recency", max(days_since, 0)))


def payment_score(paid: int, overdue: int, oldest_days_overdue: int | None = 0) -> int:
    considered = paid + overdue
    if not considered:
        return 100
    share = Decimal(100) * paid / considered
    return max(0, _round(share - curve("days_overdue", oldest_days_overdue or 0)))


def contracts_score(active_value: Decimal | int | None) -> int:
    return _round(curve("contracts", max(active_value or 0, 0)))


def tickets_score(open_tickets: int | None) -> int:
    return _round(curve("tickets", open_tickets or 0))


def combine(subscores: Mapping[str, int]) -> int:
    """The score from the four sub-scores."""
    return _round(Decimal(sum(WEIGHTS[f] * subscores[f] for f in FACTORS)) / 100)


def band_of(score: int | None) -> str | None:
    if score is None:
        return None
    return next(band for band, lowest in BANDS if score >= lowest)


def score_customer(
    days_since: int | None,
    paid: int,
    overdue: int,
    oldest_days_overdue: int | None,
    active_value: Decimal | int | None,
    open_tickets: int | None,
) -> tuple[int, str | None, dict[str, int]]:
    """(score, band, {factor: sub-score}) of one customer's figures."""
    subscores = {
        "recency": recency_score(days_since),
        "payment": payment_score(paid, overdue, oldest_days_overdue),
        "contracts": contracts_score(active_value),
        "tickets": tickets_score(open_tickets),
    }
    score = combine(subscores)
    return score, band_of(score), subscores


# --- the nightly refresh --------------------------------------------------------------


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if isinstance(value, dt.datetime):  # stored in UTC; PostgreSQL may hand it back in another zone
        return (value.astimezone(dt.timezone.utc) if value.tzinfo else value).date()
    if isinstance(value, str):  # a date read through an untyped aggregate on SQLite
        return dt.date.fromisoformat(value[:10])
    return value


def _invoice_figures(
    session: Session, today: dt.date
) -> dict[int, tuple[int, int, dt.date | None]]:
    overdue = (Invoice.status.in_(OPEN_INVOICE_STATUSES)) & (Invoice.due_date < today)
    rows = session.execute(
        select(
            Invoice.customer_id,
            func.sum(case((Invoice.status == "paid", 1), else_=0)),
            func.sum(case((overdue, 1), else_=0)),
            func.min(case((overdue, Invoice.due_date), else_=None)),
        )
        .where(Invoice.status.in_(("paid", *OPEN_INVOICE_STATUSES)))
        .group_by(Invoice.customer_id)
    )
    return {
        cid: (int(paid or 0), int(late or 0), _as_date(oldest)) for cid, paid, late, oldest in rows
    }


def _contract_values(session: Session, today: dt.date) -> dict[int, Decimal]:
    rows = session.execute(
        select(Contract.customer_id, func.sum(Contract.value))
        .where(
            Contract.status == "active",
            Contract.start_date <= today,
            (Contract.end_date.is_(None)) | (Contract.end_date >= today),
        )
        .group_by(Contract.customer_id)
    )
    return {cid: Decimal(total or 0) for cid, total in rows}


def _open_tickets(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(SupportTicket.customer_id, func.count())
        .where(SupportTicket.status.in_(OPEN_TICKET_STATUSES))
        .group_by(SupportTicket.customer_id)
    )
    return dict(rows.tuples().all())


_UPDATE = (
    update(Customer.__table__)
    .where(
        Customer.__table__.c.id == bindparam("customer_id"),
        Customer.__table__.c.tenant_id == bindparam("tenant"),
    )
    .values(
        health_score=bindparam("score"),
        health_band=bindparam("band"),
        health_factors=bindparam("factors"),
        health_refreshed_at=bindparam("at"),
    )
)


# PostgreSQL: one statement per batch (arrays unnested) instead of a round trip per row, and
# rows whose score, band and sub-scores are unchanged are not rewritten (a rewrite there adds
# a row version to every index of crm_customer).
_UPDATE_PG = text(
    "UPDATE crm_customer AS c SET health_score = v.score, health_band = v.band, "
    "health_factors = CAST(v.factors AS json), health_refreshed_at = :at "
    "FROM (SELECT unnest(CAST(:ids AS integer[])) AS id, unnest(CAST(:scores AS integer[])) AS score, "
    "unnest(CAST(:bands AS varchar[])) AS band, unnest(CAST(:factors AS text[])) AS factors) AS v "
    "WHERE c.id = v.id AND c.tenant_id = :tenant AND (c.health_score IS DISTINCT FROM v.score "
    "OR c.health_band IS DISTINCT FROM v.band OR CAST(c.health_factors AS text) IS DISTINCT FROM v.factors)"
)


def _write(session: Session, tenant_id: int, batch: list[dict[str, Any]], now: dt.datetime) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            _UPDATE_PG,
            {
                "ids": [row["customer_id"] for row in batch],
                "scores": [row["score"] for row in batch],
                "bands": [row["band"] for row in batch],
                "factors": [json.dumps(row["factors"]) for row in batch],
                "at": now,
                "tenant": tenant_id,
            },
        )
    else:
        session.execute(_UPDATE, batch)


@transactional
def _refresh_tenant(session: Session, tenant_id: int, today: dt.date, now: dt.datetime) -> int:
    with tenant_scope(tenant_id):
        invoices = _invoice_figures(session, today)
        contracts = _contract_values(session, today)
        tickets = _open_tickets(session)
        customers = session.execute(select(Customer.id, Customer.last_interaction_at)).all()
    updated = 0
    batch = []
    for customer_id, last_interaction in customers:
        days_since = (
            None
            if last_interaction is None
            else (today - cast(dt.date, _as_date(last_interaction))).days
        )
        paid, late, oldest = invoices.get(customer_id, (0, 0, None))
        score, band, subscores = score_customer(
            days_since,
            paid,
            late,
            (today - oldest).days if oldest else 0,
            contracts.get(customer_id, 0),
            tickets.get(customer_id, 0),
        )
        batch.append(
            {
                "customer_id": customer_id,
                "tenant": tenant_id,
                "score": score,
                "band": band,
                "factors": subscores,
                "at": now,
            }
        )
        if len(batch) >= BATCH:
            _write(session, tenant_id, batch, now)
            updated += len(batch)
            batch = []
    if batch:
        _write(session, tenant_id, batch, now)
        updated += len(batch)
    session.execute(
        update(Tenant.__table__)
        .where(Tenant.__table__.c.id == tenant_id)
        .values(health_refreshed_at=now)
    )
    return updated


def refresh_health(
    session: Session, tenant_id: int | None = None, today: dt.date | None = None
) -> int:
    """Recompute the health score of every customer of ``tenant_id`` (every tenant when
    None), one transaction per tenant; return how many customers were updated."""
    now = utcnow()
    today = today or now.date()
    tenant_ids = (
        [tenant_id]
        if tenant_id is not None
        else list(session.scalars(select(Tenant.id).order_by(Tenant.id)))
    )
    return sum(_refresh_tenant(session, tid, today, now) for tid in tenant_ids)


def last_refreshed(session: Session, tenant_id: int) -> dt.datetime | None:
    """When the tenant's scores were last recomputed, None before the first run."""
    return session.scalar(select(Tenant.health_refreshed_at).where(Tenant.id == tenant_id))


def explain(customer: Customer) -> list[tuple[str, int, int | None]] | None:
    """[(factor, weight, sub-score)] for the customer page, None when not scored yet."""
    factors = customer.health_factors
    if customer.health_score is None or not isinstance(factors, dict):
        return None
    return [(factor, WEIGHTS[factor], factors.get(factor)) for factor in FACTORS]
