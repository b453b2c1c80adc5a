"""Lead screens: list, detail, add/edit, conversion. The board is in lead_board.py."""

import re

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from werkzeug.routing import BuildError

from crm import formatting
from crm.datamodel.interface import FilterSearchText
from crm.datamodel.leads import LeadInterface
from crm.fields.pipeline import INTERACTION_KINDS, LEAD
from crm.models import Lead, LeadSource, LeadStatus
from crm.services.core.errors import CrmError
from crm.services.pipeline import interactions, lead_conversion, leads as lead_rules
from crm.views.base import CrmModelView, flash_error
from crm.views.pipeline.lead_forms import ConversionForm, apply_errors

_COLOUR = re.compile(r"^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$")


def status_badge(status):
    if status is None:
        return ""
    colour = status.colour if status.colour and _COLOUR.match(status.colour) else "#777"
    return Markup('<span class="label crm-status" style="background:{}">{}</span>').format(
        colour, escape(status.name)
    )


def money(value):
    return formatting.money(value)


def _deal_url(deal_id):
    # The deal screens are another module's; link to them when they are installed.
    if deal_id is None:
        return None
    try:
        return url_for("DealView.show", pk=deal_id)
    except BuildError:
        return None


ACTIVE_ONLY = [["is_active", FilterEqual, True]]
ACTIVE_USERS = [["active", FilterEqual, True]]


class LeadView(CrmModelView):
    quick_log_target = "lead"
    datamodel = LeadInterface(Lead)
    class_permission_name = "Lead"
    route_base = "/leads"
    list_title = _l("Leads")
    show_title = _l("Lead")
    add_title = _l("Add lead")
    edit_title = _l("Edit lead")
    label_columns = LEAD.labels()
    list_columns = LEAD.columns("list")
    order_columns = [
        "title",
        "contact_name",
        "contact_email",
        "company_name",
        "value",
        "created_at",
    ]
    base_order = ("created_at", "desc")
    search_columns = LEAD.columns("search")
    add_columns = edit_columns = LEAD.columns("form")
    show_columns = LEAD.columns("show")
    formatters_columns = {"status": status_badge, "value": money}
    description_columns = {
        "contact_email": _l("Unique among the leads, ignoring case."),
        "contact_phone": _l("With country code, e.g. +49 30 1234567; stored in E.164."),
        "status": _l("Left empty, the lead gets the default status."),
    }
    add_form_query_rel_fields = {"source": ACTIVE_ONLY, "assigned_to": ACTIVE_USERS}
    list_template = "crm/lead_list.html"
    list_args = ("q",)
    show_template = "crm/lead_show.html"

    prepare = staticmethod(lead_rules.prepare)
    check_delete = staticmethod(lead_rules.check_delete)

    def _get_list_widget(self, filters, **kwargs):
        term = request.args.get("q", "").strip()[:200]
        if term:
            # The indexed search of the other lists, under the name bookmarks already use.
            search = self.datamodel.get_filters().add_filter("search_text", FilterSearchText, term)
            filters = filters.get_joined_filters(search)
        return super()._get_list_widget(filters=filters, **kwargs)

    @expose("/list/")
    @has_access
    def list(self):
        statuses = self.session.scalars(
            select(LeadStatus).order_by(LeadStatus.position, LeadStatus.id)
        ).all()
        sources = self.session.scalars(select(LeadSource).order_by(LeadSource.name)).all()
        widgets = self._list()
        return self.render_template(
            self.list_template,
            title=self.list_title,
            widgets=widgets,
            statuses=statuses,
            sources=sources,
        )

    def _get_lead(self, pk):
        lead = self.datamodel.get(pk, self._base_filters)
        if lead is None:
            abort(404)
        return lead

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        lead = self._get_lead(self._deserialize_pk_if_composite(pk))
        self.update_redirect()
        return self.render_template(
            self.show_template,
            pk=lead.id,
            title=self.show_title,
            lead=lead,
            status_badge=status_badge,
            money=money,
            deal_url=_deal_url(lead.deal_id),
            tasks=lead_rules.open_tasks(self.session, lead),
            interactions=interactions.for_lead(self.session, lead.id),
            kind_labels=INTERACTION_KINDS,
            activity=lead_rules.activity(self.session, lead),
        )

    @expose("/convert/<int:pk>", methods=["GET", "POST"])
    @has_access
    def convert(self, pk):
        lead = self._get_lead(pk)
        if lead.converted_at is not None:
            flash(gettext("This lead was already converted; a lead is converted once."), "warning")
            return redirect(url_for(".show", pk=pk))
        form = ConversionForm(
            request.form if request.method == "POST" else None,
            data=lead_conversion.prefill(self.session, lead),
        )
        if request.method == "POST" and form.validate():
            try:
                result = lead_conversion.convert_lead(self.session, lead, form.conversion_fields())
            except CrmError as exc:
                if not apply_errors(form, exc):
                    flash_error(exc)
            else:
                flash(gettext("%(title)s was converted.", title=lead.title), "success")
                return redirect(url_for(".show", pk=result.lead_id))
        lead = self._get_lead(pk)
        return self.render_template(
            "crm/lead_convert.html", form=form, lead=lead, title=gettext("Convert lead")
        )
