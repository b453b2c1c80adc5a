"""Deal screens: the list with its filter bar, add/edit forms, the deal page and its stage control.

Every rule lives in ``crm.services.pipeline.deals`` (checks before a save) and
``crm.services.pipeline.deal_stages`` (what a change of stage does); the board in
``crm.views.pipeline.deal_board`` and the API use the same functions.
"""

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.routing import BuildError
from wtforms.validators import DataRequired, Optional

from crm import formatting
from crm.datamodel import choices
from crm.datamodel.deals import DealInterface
from crm.datamodel.filters import FilterIn, FilterOnOrAfter, FilterOnOrBefore
from crm.datamodel.values import Money
from crm.extensions import db
from crm.fields.pipeline import DEAL, INTERACTION_KINDS, PRIORITIES, TASK_STATUSES
from crm.models import Customer, Deal
from crm.services.core.errors import CrmError
from crm.services.insight.forecast import open_stage_ids
from crm.services.pipeline import deal_stages, deals as deal_rules
from crm.views.base import CrmModelView, display, flash_error
from crm.views.fields import company_picker
from crm.views.pickers import RecordPickerField
from crm.views.query_args import date_arg, record_id


def money(value, currency=None):
    """An amount in its currency, formatted for the user's locale (€12,500.00 in English)."""
    if isinstance(value, Money):
        value, currency = value
    if isinstance(value, str):  # a figure masked for this user (crm.security.masking)
        return value
    return formatting.money(value, currency)


def stage_badge(stage):
    """The pipeline and stage as a label in the stage's colour, won and lost marked."""
    if stage is None:
        return ""
    text = f"{stage.pipeline.name} · {stage.name}"
    marks = " ✓" if stage.is_won else (" ✗" if stage.is_lost else "")
    style = f' style="background:{escape(stage.colour)}"' if stage.colour else ""
    return Markup(f'<span class="label crm-stage-badge"{style}>{escape(text)}{marks}</span>')


# --- form fields ---------------------------------------------------------------------------


def _form_fields(adding):
    """New deals choose among active pipelines and users; an edit may keep an inactive one."""
    return {
        "pipeline": QuerySelectField(
            DEAL.label("pipeline"),
            query_func=lambda: choices.pipelines(adding),
            get_pk_func=lambda p: p.id,
            get_label="name",
            validators=[DataRequired()],
            widget=Select2Widget(),
            default=(lambda: deal_rules.default_pipeline(db.session)) if adding else None,
        ),
        "stage": QuerySelectField(
            DEAL.label("stage"),
            query_func=lambda: choices.stages(adding),
            get_pk_func=lambda s: s.id,
            allow_blank=True,
            validators=[Optional()],
            widget=Select2Widget(),
            description=_l(
                "A stage of the chosen pipeline. Left empty, the deal starts in "
                "the pipeline's default stage."
            ),
        ),
        "assigned_to": QuerySelectField(
            DEAL.label("assigned_to"),
            query_func=lambda: choices.owners(adding),
            get_pk_func=lambda u: u.id,
            allow_blank=True,
            validators=[Optional()],
            widget=Select2Widget(),
        ),
        # Pickers, not FAB's QuerySelectField, which would load every customer or company.
        "company": company_picker(),
        "customer": RecordPickerField(
            DEAL.label("customer"),
            model=Customer,
            lookup="CustomerView.lookup",
            required=False,
            placeholder=_l("Choose a customer"),
            messages={
                "unknown": _l("No such customer. Choose one from the list."),
                "inactive": _l("%(name)s is archived. Choose an active customer."),
            },
        ),
    }


# --- list filters ------------------------------------------------------------------------


def _currency_arg():
    """?currency=: a three-letter code, upper case; anything else is left out."""
    code = (request.args.get("currency") or "").strip().upper()
    return code if len(code) == 3 and code.isascii() and code.isalpha() else None


def list_filter_args():
    """The filter bar's choices from the query string: owner, pipeline, stage, close-date range.
    Read once per request, so an unreadable date is reported once."""
    if "_crm_deal_filters" not in g:
        g._crm_deal_filters = {
            "owner": record_id(request.args, "owner"),
            "pipeline": record_id(request.args, "pipeline"),
            "stage": record_id(request.args, "stage"),
            "close_from": date_arg("close_from", gettext("Expected close from")),
            "close_to": date_arg("close_to", gettext("Expected close to")),
            "open": request.args.get("open") == "1",
            "currency": _currency_arg(),
        }
    return g._crm_deal_filters


class DealView(CrmModelView):
    quick_log_target = "deal"
    datamodel = DealInterface(Deal)
    class_permission_name = "Deal"
    route_base = "/deals"
    list_args = ("owner", "pipeline", "stage", "close_from", "close_to", "open", "currency")
    list_title = _l("Deals")
    show_title = _l("Deal")
    add_title = _l("Add deal")
    edit_title = _l("Edit deal")
    label_columns = DEAL.labels()
    list_columns = DEAL.columns("list")
    export_columns = DEAL.columns("export")
    order_columns = ["title", "value", "expected_close_date", "created_at"]
    base_order = ("created_at", "desc")
    search_columns = DEAL.columns("search")
    add_columns = DEAL.columns("form")
    edit_columns = DEAL.columns("edit")
    add_form_extra_fields = _form_fields(adding=True)
    edit_form_extra_fields = _form_fields(adding=False)
    description_columns = {
        "lost_reason": _l("Kept only while the deal is in a lost stage."),
        "probability": _l("Win probability, 0 to 100."),
    }
    formatters_columns = {"stage": stage_badge, "value": money}
    list_template = "crm/deal_list.html"
    show_template = "crm/deal_show.html"

    prepare = staticmethod(deal_rules.prepare)
    check_delete = staticmethod(deal_rules.check_delete)

    def _get_list_widget(self, filters, **kwargs):
        args = list_filter_args()
        for column, key in (
            ("assigned_to_id", "owner"),
            ("pipeline_id", "pipeline"),
            ("stage_id", "stage"),
        ):
            if args[key] is not None:
                filters.add_filter(column, FilterEqual, args[key])
        if args["close_from"] is not None:
            filters.add_filter("expected_close_date", FilterOnOrAfter, args["close_from"])
        if args["close_to"] is not None:
            filters.add_filter("expected_close_date", FilterOnOrBefore, args["close_to"])
        if args["currency"] is not None:
            filters.add_filter("currency", FilterEqual, args["currency"])
        if args["open"]:
            filters.add_filter("stage_id", FilterIn, open_stage_ids(self.session))
        return super()._get_list_widget(filters=filters, **kwargs)

    @expose("/list/")
    @has_access
    def list(self):
        self.update_redirect()
        # The filter bar's choices first: the rows' stages, pipelines and owners are among
        # them, so the page's rows find them loaded instead of reading them again.
        bar = {
            "owners": choices.owners(False),
            "pipelines": choices.pipelines(False),
            "stages": choices.stages(False),
        }
        return self.render_template(
            self.list_template,
            title=self.list_title,
            widgets=self._list(),
            filter_args=list_filter_args(),
            **bar,
        )

    def _get_deal(self, pk):
        deal = self.datamodel.get(pk, self._base_filters)
        if deal is None:
            abort(404)
        return deal

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        deal = self._get_deal(self._deserialize_pk_if_composite(pk))
        session = self.session
        info = [(column, self._show_value(deal, column)) for column in DEAL.columns("show")]
        return self.render_template(
            self.show_template,
            pk=deal.id,
            deal=deal,
            title=self.show_title,
            info=info,
            stages=choices.stages_of(session, deal),
            tasks=deal_rules.open_tasks(session, deal),
            interactions=deal_rules.interactions(session, deal),
            activity=deal_rules.activity(session, deal),
            labels=DEAL.audit_labels(),
            links={
                "task": _url_maker("TaskView.show"),
                "add_task": _optional_url("TaskView.add", _flt_0_deal=deal.id),
                "log_interaction": _optional_url("InteractionView.add", _flt_0_deal=deal.id),
            },
            task_labels={**TASK_STATUSES, **PRIORITIES},
            kind_labels=INTERACTION_KINDS,
            stage_badge=stage_badge,
        )

    def _show_value(self, deal, column):
        if column == "value":
            return money(deal.value, deal.currency)
        return display(getattr(deal, column))

    @expose("/stage/<int:pk>", methods=["POST"])
    @has_access
    def stage(self, pk):
        """The stage control on the deal page: the same move as a drop on the board."""
        deal = self._get_deal(pk)
        try:
            deal_stages.change_stage(
                self.session,
                deal,
                request.form.get("stage_id", type=int),
                request.form.get("lost_reason"),
            )
        except CrmError as exc:
            flash_error(exc)
        else:
            flash(
                gettext("%(title)s is now in %(stage)s.", title=deal.title, stage=deal.stage.name),
                "success",
            )
        return redirect(url_for(".show", pk=pk))


def _optional_url(endpoint, **values):
    """The URL of another area's screen, or None when the app has no such screen."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _url_maker(endpoint):
    """pk -> URL of ``endpoint``, or None when the app has no such screen."""
    if _optional_url(endpoint, pk=0) is None:
        return None
    return lambda pk: url_for(endpoint, pk=pk)
