"""The dashboard's figures, kept for CRM_DASHBOARD_CACHE_SECONDS in the shared cache
(crm.caching) per tenant, filter, language, day and whether financial figures may be
shown, so a busy dashboard runs its aggregates once a minute rather than once a view.

Each entry carries the moment it was computed; the page shows it and offers a refresh
(``fresh``), which computes the figures again and replaces the entry.
"""

import datetime as dt
import json
from typing import Any

from crm.caching import cache
from crm.charts import payloads
from crm.charts.queries import DashboardFilter
from crm.models.base import utcnow


def _key(tenant_id: int | None, flt: DashboardFilter, language: str, financials: bool) -> str:
    parts = (
        tenant_id,
        language,
        int(financials),
        flt.date_from,
        flt.date_to,
        flt.owner_id,
        flt.pipeline_id,
        dt.date.today(),
    )
    return "dashboard:" + ":".join("" if part is None else str(part) for part in parts)


def figures(
    session: Any,
    flt: DashboardFilter,
    *,
    tenant_id: int | None,
    language: str,
    financials: bool,
    max_age: int,
    fresh: bool = False,
) -> tuple[dict[str, Any], dt.datetime]:
    """(the dashboard's data, the moment (UTC) it was computed)."""
    key = _key(tenant_id, flt, language, financials)
    if max_age > 0 and not fresh:
        kept = cache.get(key)
        if kept is not None:
            return kept["data"], dt.datetime.fromisoformat(kept["at"])
    # Through JSON: lazy translations become the text of this language, as served.
    data = json.loads(
        json.dumps(payloads.dashboard(session, flt, financials=financials), default=str)
    )
    at = utcnow()
    if max_age > 0:
        cache.set(key, {"data": data, "at": at.isoformat()}, timeout=max_age)
    return data, at
