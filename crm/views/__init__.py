"""register_views() is the only menu: every screen, its stable permission name and label."""
from flask_babel import lazy_gettext as _l

from crm.views.audit import AuditView
from crm.views.companies import CompanyView, CustomerGroupView
from crm.views.customer_parts import AddressView, BankAccountView, ContactView, NoteView, PlantView
from crm.views.customers import CustomerView
from crm.views.documents import DocumentView
# --- sales pipeline imports ---
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
]
# Reached from a customer's tabs, not the menu.
NO_MENU = [AddressView, PlantView, BankAccountView, DocumentView, NoteView,
           # --- sales pipeline views without a menu entry ---
           ]
CUSTOMER_TABS = [ContactView, AddressView, PlantView, BankAccountView, DocumentView, NoteView]


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
