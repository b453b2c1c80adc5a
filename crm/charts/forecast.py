"""The forecast as the dashboard and the report show it: period names, and the link from
each figure to the deals behind it (the deals list: open, expected close in the period,
the currency, the owner)."""

import datetime as dt
from typing import Any

from flask import url_for
from flask_babel import format_date, lazy_gettext as _l
from werkzeug.routing import BuildError

from crm.services.insight import forecast

PERIOD_LABELS = {
    "this_month": _l("Closing this month"),
    "next_month": _l("Closing next month"),
    "this_quarter": _l("Closing this quarter"),
}
CARD_PERIODS = tuple(PERIOD_LABELS)


def period_label(period: dict[str, Any]) -> str:
    label = PERIOD_LABELS.get(period["key"])
    if label is not None:
        return str(label)
    return format_date(dt.date.fromisoformat(period["from"]), "MMMM yyyy")


def deals_link(
    period: dict[str, Any],
    currency: str | None = None,
    owner_id: int | None = None,
    pipeline_id: int | None = None,
) -> str | None:
    """The deals list showing exactly the deals behind a figure, or None without that list."""
    args = {
        "open": 1,
        "close_from": period["from"],
        "close_to": period["to"],
        "currency": currency,
        "owner": owner_id,
        "pipeline": pipeline_id,
    }
    try:
        return url_for("DealView.list", **{k: v for k, v in args.items() if v is not None})
    except BuildError:
        return None


def with_links(
    data: dict[str, Any], owner_id: int | None = None, pipeline_id: int | None = None
) -> dict[str, Any]:
    """``forecast.as_data`` with each period's label and each figure's link (in place).
    An unassigned owner's figure has no link: the list cannot filter on "no owner"."""
    for period in data["periods"]:
        period["label"] = period_label(period)
        period["link"] = deals_link(period, None, owner_id, pipeline_id)
        for line in period["currencies"]:
            line["link"] = deals_link(period, line["currency"], owner_id, pipeline_id)
        for line in period.get("owners", ()):
            line["link"] = (
                deals_link(period, line["currency"], line["owner_id"], pipeline_id)
                if line["owner_id"] is not None
                else None
            )
    return data


def cards(session: Any, owner_id: int | None, pipeline_id: int | None) -> list[dict[str, Any]]:
    """The dashboard's forecast cards: this month, next month, this quarter."""
    data = forecast.as_data(forecast.forecast(session, owner_id=owner_id, pipeline_id=pipeline_id))
    data["periods"] = [p for p in data["periods"] if p["key"] in CARD_PERIODS]
    for period in data["periods"]:
        del period["owners"]
    return with_links(data, owner_id, pipeline_id)["periods"]
