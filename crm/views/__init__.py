"""register_views() is the only menu: every screen, its stable permission name and label."""
from flask_babel import lazy_gettext as _l

from crm.views.audit import AuditView
from crm.views.companies import CompanyView, CustomerGroupView
from crm.views.customer_parts import AddressView, BankAccountView, ContactView, NoteView, PlantView
from crm.views.customers import CustomerView
from crm.views.documents import DocumentView
# --- sales pipeline imports ---
from crm.views.deal_board import DealBoardView
from crm.views.deals import DealView
from crm.views.crm_settings import CrmSettingsView
from crm.views.lead_settings import LeadSourceView, LeadStatusView
from crm.views.pipeline_settings import PipelineView, StageView
from crm.views.interactions import InteractionView
from crm.views.tasks import MyTasksView, TaskView
from crm.views.lead_board import LeadBoardView
from crm.views.leads import LeadView
from crm.views.notifications import NotificationView
from crm.views.settings import (
    CustomFieldView, PaymentTermView, RegionView, SegmentView, SubSegmentView, TagView,
)

CRM = ("CRM", _l("CRM"), "fa-address-book")
SETTINGS = ("Settings", _l("Settings"), "fa-sliders-h")
SECURITY = ("Security", _l("Security"), "fa-cogs")
SALES = ("Sales", _l("Sales"), "fa-funnel-dollar")

# (view, menu name, label, icon, category) — menu names are the permission keys in roles.py.
MENU = [
    (CustomerView, "Customers", _l("Customers"), "fa-users", CRM),
    (ContactView, "Contacts", _l("Contacts"), "fa-id-card", CRM),
    (CompanyView, "Companies", _l("Companies"), "fa-building", CRM),
    (CustomerGroupView, "Customer Groups", _l("Customer groups"), "fa-layer-group", CRM),
    (PaymentTermView, "Payment Terms", _l("Payment terms"), "fa-calendar-check", SETTINGS),
    (SegmentView, "Segments", _l("Segments"), "fa-chart-pie", SETTINGS),
    (SubSegmentView, "Sub-segments", _l("Sub-segments"), "fa-sitemap", SETTINGS),
    (RegionView, "Regions", _l("Regions"), "fa-globe", SETTINGS),
    (TagView, "Tags", _l("Tags"), "fa-tags", SETTINGS),
    (CustomFieldView, "Custom Fields", _l("Custom fields"), "fa-list-alt", SETTINGS),
    (AuditView, "Audit Trail", _l("Audit trail"), "fa-history", SECURITY),
    # --- sales pipeline views ---
    (DealView, "Deals", _l("Deals"), "fa-handshake", SALES),
    (DealBoardView, "Deal Board", _l("Deal board"), "fa-columns", SALES),
    (LeadStatusView, "Lead Statuses", _l("Lead statuses"), "fa-flag", SETTINGS),
    (LeadSourceView, "Lead Sources", _l("Lead sources"), "fa-route", SETTINGS),
    (PipelineView, "Pipelines", _l("Pipelines"), "fa-stream", SETTINGS),
    (StageView, "Stages", _l("Stages"), "fa-columns", SETTINGS),
    (CrmSettingsView, "CRM Settings", _l("CRM settings"), "fa-cog", SETTINGS),
    (LeadView, "Leads", _l("Leads"), "fa-bullseye", SALES),
    (LeadBoardView, "Lead Board", _l("Lead board"), "fa-columns", SALES),
    (InteractionView, "Interactions", _l("Interactions"), "fa-comments", SALES),
    (TaskView, "Tasks", _l("Tasks"), "fa-tasks", SALES),
    (MyTasksView, "My Tasks", _l("My tasks"), "fa-check-square", SALES),
]
# Reached from a customer's tabs, not the menu.
NO_MENU = [AddressView, PlantView, BankAccountView, DocumentView, NoteView,
           # --- sales pipeline views without a menu entry ---
           NotificationView,  # the navbar's bell leads there
           ]
CUSTOMER_TABS = [ContactView, AddressView, PlantView, BankAccountView, DocumentView, NoteView,
                 InteractionView, TaskView]


def register_views(appbuilder):
    CustomerView.related_views = CUSTOMER_TABS
    CompanyView.related_views = [CustomerView]
    CustomerGroupView.related_views = [CustomerView]
    for view, name, label, icon, (category, category_label, category_icon) in MENU:
        appbuilder.add_view(view, name, label=label, icon=icon, category=category,
                            category_label=category_label, category_icon=category_icon)
    # After the menu views, so the customer's tabs read Contacts, Addresses, Plants, ...
    for view in NO_MENU:
        appbuilder.add_view_no_menu(view)
