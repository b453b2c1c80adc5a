"""The dashboard at /dashboard/: cards, recent records and charts, with filters.

The figures come from ``crm.charts.payloads.dashboard`` (one SQL aggregate per figure),
kept for a minute in the shared cache (``crm.charts.snapshot``; the page says how old);
the page embeds them as JSON for crm/static/dashboard.js (Chart.js) and shows every
chart's numbers as a table. ``data`` serves the same JSON, ``xlsx`` the numbers as a
workbook (one chart, or all of them).
"""

import datetime as dt
from decimal import Decimal

from flask import abort, current_app, flash, jsonify, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from sqlalchemy import select

from crm import formatting
from crm.charts import queries, snapshot
from crm.charts.xlsx import workbook
from crm.datamodel.choices import owners as owner_choices
from crm.downloads import send_download
from crm.extensions import db
from crm.i18n import current_language
from crm.models import Pipeline
from crm.security.masking import LEDGER_AMOUNTS, can_view
from crm.security.roles import METHOD_VERBS
from crm.security.tenancy import current_tenant_id
from crm.views.query_args import date_arg, record_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def dashboard_filter(warn=False):
    """The filter bar's choices from the query string; unreadable values are left out."""
    date_from = date_arg("from", gettext("From"), warn)
    date_to = date_arg("to", gettext("To"), warn)
    if date_from and date_to and date_from > date_to:
        if warn:
            flash(gettext("The date range ends before it starts; it was ignored."), "warning")
        date_from = date_to = None
    return queries.DashboardFilter(
        date_from=date_from,
        date_to=date_to,
        owner_id=record_id(request.args, "owner"),
        pipeline_id=record_id(request.args, "pipeline"),
    )


def filter_args(flt):
    args = {
        "from": flt.date_from,
        "to": flt.date_to,
        "owner": flt.owner_id,
        "pipeline": flt.pipeline_id,
    }
    return {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in args.items()
        if v is not None
    }


def _money(amount, currency):
    return formatting.money(Decimal(amount), currency)


def _day_text(iso):
    return formatting.day(dt.date.fromisoformat(iso))


def _build(flt, fresh=False):
    """(the dashboard's data, the moment it was computed): from the shared cache when it
    is younger than CRM_DASHBOARD_CACHE_SECONDS, unless ``fresh``."""
    return snapshot.figures(
        db.session,
        flt,
        tenant_id=current_tenant_id(),
        language=current_language(),
        financials=can_view(LEDGER_AMOUNTS),
        max_age=current_app.config["CRM_DASHBOARD_CACHE_SECONDS"],
        fresh=fresh,
    )


class DashboardView(BaseView):
    route_base = "/dashboard"
    class_permission_name = "Dashboard"
    method_permission_name = METHOD_VERBS
    default_view = "dashboard"
    template = "crm/dashboard.html"

    @expose("/")
    @has_access
    def dashboard(self):
        flt = dashboard_filter(warn=True)
        data, computed_at = _build(flt, fresh=request.args.get("fresh") == "1")
        args = filter_args(flt)
        pipelines = db.session.scalars(
            select(Pipeline).order_by(Pipeline.position, Pipeline.name)
        ).all()
        return self.render_template(
            self.template,
            data=data,
            computed_at=formatting.moment(computed_at),
            refresh_url=url_for(".dashboard", fresh=1, **args),
            flt=flt,
            args=args,
            owners=owner_choices(False),
            pipelines=pipelines,
            title=gettext("Dashboard"),
            money=_money,
            day=_day_text,
            number=formatting.quantity,
            xlsx_url=lambda key=None: url_for(".dashboard_xlsx", chart=key, **args),
        )

    @expose("/data")
    @has_access
    def dashboard_data(self):
        data, computed_at = _build(dashboard_filter(), fresh=request.args.get("fresh") == "1")
        return jsonify({**data, "computed_at": computed_at.isoformat()})

    @expose("/xlsx")
    @has_access
    def dashboard_xlsx(self):
        """?chart=<key>: that chart's numbers; without it, every chart (a sheet each)."""
        charts = _build(dashboard_filter())[0]["charts"]
        key = request.args.get("chart")
        if key:
            charts = [chart for chart in charts if chart["key"] == key]
            if not charts:
                abort(404)
        data = workbook(charts, gettext("Label"))
        name = f"dashboard-{key or 'charts'}-{dt.date.today().isoformat()}.xlsx"
        return send_download(data, name, XLSX)
