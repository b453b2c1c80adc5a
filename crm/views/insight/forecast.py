"""The forecast report at /forecast/: open deals by expected close month, per currency and
owner, at full value and weighted by stage probability; ``xlsx`` downloads the same figures.

The figures come from ``crm.services.insight.forecast`` (one grouped query); each links to
the deals list filtered to the deals behind it (``crm.charts.forecast``).
"""

import datetime as dt
from decimal import Decimal

from flask import request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext

from crm import formatting
from crm.charts.forecast import period_label, with_links
from crm.datamodel.choices import owners as owner_choices, pipelines as pipeline_choices
from crm.downloads import send_download
from crm.extensions import db
from crm.security.roles import METHOD_VERBS
from crm.services.insight import forecast, forecast_xlsx
from crm.views.query_args import record_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters():
    return {
        "owner": record_id(request.args, "owner"),
        "pipeline": record_id(request.args, "pipeline"),
    }


def _figures(args):
    result = forecast.forecast(db.session, owner_id=args["owner"], pipeline_id=args["pipeline"])
    return with_links(forecast.as_data(result), args["owner"], args["pipeline"])


class ForecastView(BaseView):
    route_base = "/forecast"
    # Part of the dashboard: every role that reads the dashboard reads the forecast.
    class_permission_name = "Dashboard"
    method_permission_name = METHOD_VERBS
    default_view = "forecast"
    template = "crm/forecast.html"

    @expose("/")
    @has_access
    def forecast(self):
        args = _filters()
        query = {k: v for k, v in args.items() if v is not None}
        return self.render_template(
            self.template,
            title=gettext("Forecast"),
            data=_figures(args),
            args=args,
            owners=owner_choices(False),
            pipelines=pipeline_choices(False),
            money=lambda amount, currency: formatting.money(Decimal(amount), currency),
            number=formatting.quantity,
            xlsx_url=url_for(".forecast_xlsx", **query),
        )

    @expose("/xlsx")
    @has_access
    def forecast_xlsx(self):
        data = _figures(_filters())
        name = f"forecast-{dt.date.fromisoformat(data['today']).isoformat()}.xlsx"
        return send_download(forecast_xlsx.workbook(data, period_label), name, XLSX)
