"""The dashboard as data: cards, recent records and chart payloads from crm.charts.queries.

A chart payload is what the page draws (Chart.js), tabulates (the accessible table) and
downloads (xlsx)::

    {"key", "title", "type": "bar" | "doughnut", "labels": [...],
     "datasets": [{"label", "data": [...], "kind": "count" | "money", "currency"}],
     "links": [URL of the filtered list behind each label, or None]}

Money is a string of the exact Decimal (Chart.js reads numeric strings), per currency.
Folding the aggregates' few rows (per stage, per month) into figures happens here; the
rows themselves are always counted and summed in the database.
"""

import datetime as dt
from decimal import Decimal

from flask import url_for
from flask_babel import format_date, gettext, lazy_gettext as _l
from werkzeug.routing import BuildError

from crm.charts import forecast, queries
from crm.fields.customers import HEALTH_BANDS, NOT_SCORED
from crm.fields.ledger import AGING_LABELS
from crm.fields.pipeline import TASK_STATUSES
from crm.services.ledger.arithmetic import AGING_BUCKETS, money
from crm.services.pipeline.tasks import OPEN_STATUSES

HEALTH_LABELS = {**HEALTH_BANDS, queries.NOT_SCORED: NOT_SCORED}
CHART_KEYS = (
    "deals_by_month",
    "leads_by_source",
    "tasks_by_status",
    "open_deals",
    "customers_by_health",
    "receivables",
)


def _url(endpoint, **args):
    """The URL of a list with its filters (empty ones left out), or None without that list."""
    try:
        return url_for(endpoint, **{k: v for k, v in args.items() if v is not None})
    except BuildError:
        return None


def _text(value):
    return str(money(value))


def _per_currency(amounts):
    """{currency: Decimal} -> {currency: "1234.50"}, currencies sorted."""
    return {currency: _text(amounts[currency]) for currency in sorted(amounts)}


def _deal_args(flt, **more):
    return {"owner": flt.owner_id, "pipeline": flt.pipeline_id, **more}


# --- cards ---------------------------------------------------------------------------


def deal_figures(stage_map, groups):
    """Deal counts and money per currency from the per-stage, per-currency groups."""
    figures = {"total": 0, "open": 0, "won": 0, "lost": 0}
    revenue, potential, won_count = {}, {}, {}
    for group in groups:
        stage = stage_map.get(group.stage_id)
        figures["total"] += group.count
        amount = money(group.amount)
        if stage is not None and stage.is_won:
            figures["won"] += group.count
            revenue[group.currency] = revenue.get(group.currency, Decimal(0)) + amount
            won_count[group.currency] = won_count.get(group.currency, 0) + group.count
        elif stage is not None and stage.is_lost:
            figures["lost"] += group.count
        else:
            figures["open"] += group.count
            potential[group.currency] = potential.get(group.currency, Decimal(0)) + amount
    average = {currency: revenue[currency] / won_count[currency] for currency in revenue}
    figures.update(
        revenue=_per_currency(revenue),
        potential=_per_currency(potential),
        average=_per_currency(average),
    )
    return figures


def cards(session, flt, stage_map, groups):
    companies, active_companies = queries.company_counts(session, flt)
    leads, qualified = queries.lead_counts(session, flt)
    tasks = queries.task_groups(session, flt)
    deals = deal_figures(stage_map, groups)
    return {
        "companies": {"total": companies, "active": active_companies},
        "customers": {"total": queries.customer_count(session, flt)},
        "leads": {"total": leads, "qualified": qualified},
        "deals": {key: deals[key] for key in ("total", "open", "won", "lost")},
        "tasks": {
            "total": sum(tasks.values()),
            "pending": sum(tasks.get(status, 0) for status in OPEN_STATUSES),
            "completed": tasks.get("done", 0),
        },
        "revenue": deals["revenue"],
        "potential": deals["potential"],
        "average_deal": deals["average"],
    }, tasks


# --- charts --------------------------------------------------------------------------


def _chart(key, title, labels, datasets, links, chart_type="bar"):
    return {
        "key": key,
        "title": str(title),
        "type": chart_type,
        "labels": [str(x) for x in labels],
        "datasets": datasets,
        "links": links,
    }


def _counts(label, data):
    return {"label": str(label), "data": data, "kind": "count", "currency": None}


def deals_by_month_chart(session, flt, stage_map, today=None):
    firsts, rows = queries.deals_by_month(session, flt, today)
    index = {first: i for i, first in enumerate(firsts)}
    total, won, lost = ([0] * len(firsts) for _ in range(3))
    revenue = {}
    for row in rows:
        i = index[row.month]
        stage = stage_map.get(row.stage_id)
        total[i] += row.count
        if stage is not None and stage.is_won:
            won[i] += row.count
            amounts = revenue.setdefault(row.currency, [Decimal(0)] * len(firsts))
            amounts[i] += money(row.amount)
        elif stage is not None and stage.is_lost:
            lost[i] += row.count
    datasets = [_counts(_l("Deals"), total), _counts(_l("Won"), won), _counts(_l("Lost"), lost)]
    for currency in sorted(revenue):
        datasets.append(
            {
                "label": gettext("Revenue (%(currency)s)", currency=currency),
                "data": [_text(v) for v in revenue[currency]],
                "kind": "money",
                "currency": currency,
            }
        )
    link = _url("DealView.list", **_deal_args(flt))
    return _chart(
        "deals_by_month",
        _l("Deals by month"),
        [format_date(first, "MMM yyyy") for first in firsts],
        datasets,
        [link] * len(firsts),
    )


def leads_by_source_chart(session, flt):
    rows = queries.leads_by_source(session, flt)
    labels = [name if name is not None else gettext("No source") for _, name, _ in rows]
    links = [
        _url("LeadView.list", _flt_0_source=source_id, _flt_0_assigned_to=flt.owner_id)
        if source_id is not None
        else None
        for source_id, _, _ in rows
    ]
    return _chart(
        "leads_by_source",
        _l("Leads by source"),
        labels,
        [_counts(_l("Leads"), [count for _, _, count in rows])],
        links,
        "doughnut",
    )


def tasks_by_status_chart(flt, task_counts):
    statuses = [s for s in TASK_STATUSES if task_counts.get(s)] + sorted(
        s for s in task_counts if s not in TASK_STATUSES
    )
    return _chart(
        "tasks_by_status",
        _l("Tasks by status"),
        [TASK_STATUSES.get(s, s) for s in statuses],
        [_counts(_l("Tasks"), [task_counts[s] for s in statuses])],
        [_url("TaskView.list", _flt_3_status=s, _flt_0_assignee=flt.owner_id) for s in statuses],
        "doughnut",
    )


def open_deals_chart(flt, stage_map, groups):
    counts = {}
    for group in groups:
        stage = stage_map.get(group.stage_id)
        if stage is not None and not (stage.is_won or stage.is_lost):
            counts[stage.id] = counts.get(stage.id, 0) + group.count
    ordered = [stage for stage in stage_map.values() if stage.id in counts]
    return _chart(
        "open_deals",
        _l("Open deals per pipeline and stage"),
        [f"{stage.pipeline_name} · {stage.name}" for stage in ordered],
        [_counts(_l("Open deals"), [counts[stage.id] for stage in ordered])],
        [
            _url("DealView.list", **_deal_args(flt, pipeline=stage.pipeline_id, stage=stage.id))
            for stage in ordered
        ],
    )


def customers_by_health_chart(session, flt):
    counts = queries.customers_by_health(session, flt)
    keys = [key for key in HEALTH_LABELS if counts.get(key)]
    links = [
        _url(
            "CustomerView.list",
            _flt_0_health_band=key if key != queries.NOT_SCORED else None,
            _flt_0_owner=flt.owner_id,
        )
        for key in keys
    ]
    return _chart(
        "customers_by_health",
        _l("Customers by health"),
        [HEALTH_LABELS[key] for key in keys],
        [_counts(_l("Customers"), [counts[key] for key in keys])],
        links,
        "doughnut",
    )


def receivables_chart(session, today=None):
    by_currency = queries.receivables(session, today)
    keys = [key for key, _, _ in AGING_BUCKETS]
    datasets = [
        {
            "label": currency,
            "data": [_text(by_currency[currency][key]) for key in keys],
            "kind": "money",
            "currency": currency,
        }
        for currency in sorted(by_currency)
    ]
    links = [
        _url("CustomerView.list", _flt_0_balance="overdue") if key != "current" else None
        for key in keys
    ]
    return _chart(
        "receivables",
        _l("Receivables by aging"),
        [AGING_LABELS[key] for key in keys],
        datasets,
        links,
    )


# --- the whole dashboard -------------------------------------------------------------


def _recent(session, flt, today):
    return {
        "companies": [
            {"id": c.id, "name": c.name, "created_at": c.created_at.isoformat()}
            for c in queries.recent_companies(session, flt)
        ],
        "customers": [
            {"id": c.id, "name": c.name, "code": c.code, "created_at": c.created_at.isoformat()}
            for c in queries.recent_customers(session, flt)
        ],
        "deals": [
            {
                "id": d.id,
                "title": d.title,
                "value": _text(d.value),
                "currency": d.currency,
                "created_at": d.created_at.isoformat(),
            }
            for d in queries.recent_deals(session, flt)
        ],
        "tasks": [
            {"id": t.id, "title": t.title, "status": t.status, "due_date": t.due_date.isoformat()}
            for t in queries.upcoming_tasks(session, flt, today)
        ],
    }


def dashboard(session, flt, today=None, financials=True):
    """Everything the dashboard shows. ``financials``: include receivables (aging is a
    financial figure, see crm.security.masking)."""
    today = today or dt.date.today()
    stage_map = queries.stages(session)
    groups = queries.deal_groups(session, flt)
    card_figures, task_counts = cards(session, flt, stage_map, groups)
    charts = [
        deals_by_month_chart(session, flt, stage_map, today),
        leads_by_source_chart(session, flt),
        tasks_by_status_chart(flt, task_counts),
        open_deals_chart(flt, stage_map, groups),
        customers_by_health_chart(session, flt),
    ]
    if financials:
        charts.append(receivables_chart(session, today))
    return {
        "cards": card_figures,
        "forecast": forecast.cards(session, flt.owner_id, flt.pipeline_id),
        "recent": _recent(session, flt, today),
        "charts": charts,
    }
