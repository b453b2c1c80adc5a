"""Settings screens for deals: pipelines and their stages (the deal board's columns)."""

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import SelectField

from crm.datamodel.interface import CrmInterface
from crm.fields.settings import PIPELINE, STAGE
from crm.models import Pipeline, Stage
from crm.security.tenancy import get_owned
from crm.services.core.errors import CrmError, NotAllowed
from crm.services.pipeline import pipelines, stages
from crm.views.base import CrmModelView, flash_error, refusal_messages
from crm.views.settings.lead_settings import COLOUR_HINT
from crm.views.settings.settings_lists import SortableViewMixin, TimelineShowMixin, colour_swatch


class StageView(SortableViewMixin, TimelineShowMixin, CrmModelView):
    datamodel = CrmInterface(Stage)
    class_permission_name = "Stage"
    route_base = "/stages"
    list_title = _l("Stages")
    show_title = _l("Stage")
    add_title = _l("Add stage")
    edit_title = _l("Edit stage")
    list_template = "crm/stage_list.html"
    label_columns = STAGE.labels()
    list_columns = ["name", "colour", "probability", "is_default", "is_won", "is_lost"]
    show_columns = [
        "pipeline",
        "name",
        "colour",
        "probability",
        "is_default",
        "is_won",
        "is_lost",
        "position",
    ]
    add_columns = ["pipeline", "name", "colour", "probability", "is_default", "is_won", "is_lost"]
    # A stage keeps its pipeline: its deals belong to that pipeline.
    edit_columns = ["name", "colour", "probability", "is_default", "is_won", "is_lost"]
    search_columns = ["name", "is_default", "is_won", "is_lost"]
    order_columns = ["name", "probability", "position"]
    description_columns = {
        "colour": COLOUR_HINT,
        "probability": _l("Chance of winning a deal in this stage, 0 to 100."),
        "is_default": _l(
            "New deals of the pipeline start here. One per pipeline; choosing "
            "another moves the flag."
        ),
        "is_won": _l("Deals reaching this stage are won. One per pipeline."),
        "is_lost": _l("Deals reaching this stage are lost. One per pipeline."),
    }
    formatters_columns = {"colour": colour_swatch}
    prepare = staticmethod(stages.prepare)
    check_delete = staticmethod(stages.check_delete)
    reorder_rows = staticmethod(stages.reorder)

    def list_extras(self):
        """The pipeline picker: ``?pipeline=<id>``, else the default pipeline."""
        choices = pipelines.ordered(self.session)
        chosen = request.args.get("pipeline")
        if chosen:
            pipeline = get_owned(self.session, Pipeline, chosen)
            if pipeline is None:
                abort(404)
        else:
            pipeline = next((p for p in choices if p.is_default), choices[0] if choices else None)
        can_add = self.appbuilder.sm.has_access("can_add", self.class_permission_name)
        return {
            "pipeline": pipeline,
            "pipelines": choices,
            "sortable": pipeline is not None,
            "can_add_stage": can_add,
        }

    def list_widget_args(self, extras):
        return {"pipeline": extras["pipeline"]}

    def _get_list_widget(self, filters, pipeline=None, **kwargs):
        if pipeline is not None:
            filters.add_filter("pipeline_id", FilterEqual, pipeline.id)
        return super()._get_list_widget(filters=filters, **kwargs)

    def show_extras(self, stage):
        return {
            "record_links": [
                (
                    gettext("All stages of %(pipeline)s", pipeline=stage.pipeline.name),
                    url_for(".list", pipeline=stage.pipeline_id),
                    "fa-columns",
                ),
                (
                    gettext("Move deals (%(count)d)", count=stages.deal_count(self.session, stage)),
                    url_for(".move_deals", pk=stage.id),
                    "fa-exchange-alt",
                ),
            ]
        }

    def pre_delete(self, item):
        try:
            super().pre_delete(item)
        except NotAllowed:
            if stages.deal_count(self.session, item):
                flash(
                    Markup('<a href="{0}">{1}</a>').format(
                        url_for(".move_deals", pk=item.id),
                        gettext("Move the deals of “%(name)s” to another stage", name=item.name),
                    ),
                    "info",
                )
            raise

    @expose("/move-deals/<int:pk>", methods=["GET", "POST"])
    @has_access
    def move_deals(self, pk):
        """Move every deal of a stage to another stage of its pipeline (so it can be deleted)."""
        stage = get_owned(self.session, Stage, pk)
        if stage is None:
            abort(404)
        targets = [s for s in stages.of_pipeline(self.session, stage.pipeline) if s.id != stage.id]
        form = MoveDealsForm()
        form.target.choices = [(str(s.id), s.name) for s in targets]
        if request.method == "POST" and form.validate():
            target = next((s for s in targets if str(s.id) == form.target.data), None)
            try:
                moved = stages.move_deals(self.session, stage, target)
            except CrmError as exc:
                form.target.errors = [" ".join(refusal_messages(exc))]
            else:
                flash(
                    gettext(
                        "%(count)d deals moved from “%(source)s” to “%(target)s”.",
                        count=moved,
                        source=stage.name,
                        target=target.name,
                    ),
                    "success",
                )
                return redirect(url_for(".list", pipeline=stage.pipeline_id))
        return self.render_template(
            "crm/stage_move_deals.html",
            form=form,
            stage=stage,
            deal_count=stages.deal_count(self.session, stage),
            title=self.show_title,
        )


class MoveDealsForm(FlaskForm):
    target = SelectField(_l("Move the deals to"), choices=[])


class PipelineView(SortableViewMixin, TimelineShowMixin, CrmModelView):
    datamodel = CrmInterface(Pipeline)
    class_permission_name = "Pipeline"
    route_base = "/pipelines"
    list_title = _l("Pipelines")
    show_title = _l("Pipeline")
    add_title = _l("Add pipeline")
    edit_title = _l("Edit pipeline")
    label_columns = PIPELINE.labels()
    list_columns = ["name", "description", "is_active", "is_default"]
    show_columns = ["name", "description", "is_active", "is_default", "position"]
    add_columns = edit_columns = ["name", "description", "is_active", "is_default"]
    search_columns = ["name", "is_active", "is_default"]
    order_columns = ["name", "position"]
    description_columns = {
        "is_default": _l(
            "New deals go to this pipeline. Exactly one pipeline is the default; "
            "choosing another moves the flag."
        ),
        "is_active": _l("Inactive pipelines keep their deals but take no new ones."),
    }
    prepare = staticmethod(pipelines.prepare)
    check_delete = staticmethod(pipelines.check_delete)
    reorder_rows = staticmethod(pipelines.reorder)
    row_links = ((_l("Stages"), "fa-columns", "StageView.list", "pipeline"),)
    related_views = [StageView]

    def show_extras(self, pipeline):
        return {
            "record_links": [
                (
                    gettext("Manage stages"),
                    url_for("StageView.list", pipeline=pipeline.id),
                    "fa-columns",
                )
            ]
        }

    @action("toggle_active", _l("Enable / disable"), icon="fa-toggle-on")
    def toggle_active(self, items):
        for pipeline in items if isinstance(items, list) else [items]:
            try:
                flash(pipelines.toggle_active(self.session, pipeline), "success")
            except CrmError as exc:
                flash_error(exc)
        self.update_redirect()
        return redirect(self.get_redirect())
