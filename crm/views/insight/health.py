"""The health score on screens: the badge (customer list and page) and the panel that
shows why a score is what it is. The formula lives in ``crm.services.insight.health``."""

from markupsafe import Markup, escape

from crm import formatting
from crm.fields.customers import HEALTH_BANDS, HEALTH_FACTORS, NOT_SCORED
from crm.services.insight import health

BAND_STYLES = {"healthy": "success", "watch": "warning", "at_risk": "danger"}


def health_badge(score):
    """The score in its band's colour; "not scored yet" before the first refresh."""
    if score is None:
        return Markup(
            f'<span class="label label-default crm-health" data-band="">{escape(NOT_SCORED)}</span>'
        )
    band = health.band_of(score)
    return Markup(
        f'<span class="label label-{BAND_STYLES[band]} crm-health" data-band="{band}" '
        f'title="{escape(HEALTH_BANDS[band])}">{escape(HEALTH_BANDS[band])} {score}</span>'
    )


def health_panel(session, customer):
    """What the customer page's health panel shows."""
    refreshed = health.last_refreshed(session, customer.tenant_id)
    factors = health.explain(customer)
    return {
        "badge": health_badge(customer.health_score),
        "score": customer.health_score,
        "factors": [(HEALTH_FACTORS[name], weight, score) for name, weight, score in factors or []],
        "refreshed_at": formatting.moment(refreshed) if refreshed else None,
    }
