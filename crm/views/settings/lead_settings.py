"""Settings screens for leads: statuses (the lead board's columns) and sources."""

from flask import flash, redirect
from flask_appbuilder.actions import action
from flask_babel import lazy_gettext as _l

from crm.datamodel.interface import CrmInterface
from crm.fields.settings import LEAD_SOURCE, LEAD_STATUS
from crm.models import LeadSource, LeadStatus
from crm.services.core.errors import CrmError
from crm.services.pipeline import lead_sources, lead_statuses
from crm.views.base import CrmModelView, flash_error
from crm.views.settings.settings_lists import SortableViewMixin, TimelineShowMixin, colour_swatch

COLOUR_HINT = _l("A colour like #2e86c1, for badges and board columns.")


class LeadStatusView(SortableViewMixin, TimelineShowMixin, CrmModelView):
    datamodel = CrmInterface(LeadStatus)
    class_permission_name = "LeadStatus"
    route_base = "/lead-statuses"
    list_title = _l("Lead statuses")
    show_title = _l("Lead status")
    add_title = _l("Add lead status")
    edit_title = _l("Edit lead status")
    label_columns = LEAD_STATUS.labels()
    list_columns = ["name", "colour", "is_default", "is_final"]
    show_columns = ["name", "colour", "is_default", "is_final", "position"]
    add_columns = edit_columns = ["name", "colour", "is_default", "is_final"]
    search_columns = ["name", "is_default", "is_final"]
    order_columns = ["name", "position"]
    description_columns = {
        "colour": COLOUR_HINT,
        "is_default": _l(
            "New leads get this status. Exactly one status is the default; "
            "choosing another moves the flag."
        ),
        "is_final": _l("Leads in a final status (converted, lost) leave the lead board."),
    }
    formatters_columns = {"colour": colour_swatch}
    prepare = staticmethod(lead_statuses.prepare)
    check_delete = staticmethod(lead_statuses.check_delete)
    reorder_rows = staticmethod(lead_statuses.reorder)


class LeadSourceView(TimelineShowMixin, CrmModelView):
    datamodel = CrmInterface(LeadSource)
    class_permission_name = "LeadSource"
    route_base = "/lead-sources"
    list_title = _l("Lead sources")
    show_title = _l("Lead source")
    add_title = _l("Add lead source")
    edit_title = _l("Edit lead source")
    label_columns = LEAD_SOURCE.labels()
    list_columns = show_columns = add_columns = edit_columns = ["name", "is_active"]
    search_columns = ["name", "is_active"]
    order_columns = ["name", "is_active"]
    base_order = ("name", "asc")
    description_columns = {
        "is_active": _l(
            "Inactive sources are kept for existing leads but not offered for new ones."
        )
    }
    prepare = staticmethod(lead_sources.prepare)
    check_delete = staticmethod(lead_sources.check_delete)

    @action("toggle_active", _l("Activate / deactivate"), icon="fa-toggle-on")
    def toggle_active(self, items):
        for source in items if isinstance(items, list) else [items]:
            try:
                flash(lead_sources.toggle_active(self.session, source), "success")
            except CrmError as exc:
                flash_error(exc)
        self.update_redirect()
        return redirect(self.get_redirect())
