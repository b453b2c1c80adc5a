"""register_views() is the only menu: every screen, its stable permission name and label."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from crm.jobs import register_kind
from crm.views import field_labels, menu, saved_views
from crm.views.bulk import export_jobs
from crm.views.bulk.imports import ImportHistoryView, ImportView
from crm.views.customers.companies import CompanyView, CustomerGroupView
from crm.views.customers.customer_parts import (
    AddressView,
    BankAccountView,
    ContactView,
    NoteView,
    PlantView,
    TaxRegistrationView,
)
from crm.views.customers.customers import CustomerView
from crm.views.customers.documents import DocumentView
from crm.views.customers.merge import DuplicateCheckView, DuplicateView
from crm.views.customers.support_tickets import SupportTicketView
from crm.views.financials import FIGURE_CLASS_PERMISSIONS, FinancialsPermission, figure
from crm.views.insight.audit import AuditView
from crm.views.insight.dashboard import DashboardView
from crm.views.insight.forecast import ForecastView
from crm.views.jobs import JobView
from crm.views.language import LanguageView
from crm.views.ledger.contracts import ContractView
from crm.views.ledger.credit_notes import CreditNoteView
from crm.views.ledger.invoices import InvoiceView
from crm.views.ledger.payments import PaymentView
from crm.views.ledger.priced_documents import CreditOverridePermission
from crm.views.ledger.sales_orders import SalesOrderView
from crm.views.ledger.statements import StatementView
from crm.views.mail.email import EmailView
from crm.views.mail.settings import MailSettingsView
from crm.views.mail.templates import EmailTemplateView
from crm.views.notifications import NotificationView
from crm.views.pipeline.deal_board import DealBoardView
from crm.views.pipeline.deals import DealView
from crm.views.pipeline.interactions import InteractionView
from crm.views.pipeline.lead_board import LeadBoardView
from crm.views.pipeline.leads import LeadView
from crm.views.pipeline.tasks import MyTasksView, TaskView
from crm.views.saved_views import SavedViewsView, SharedViewPermission
from crm.views.settings.automation import AutomationRuleView, AutomationRunView
from crm.views.settings.lead_settings import LeadSourceView, LeadStatusView
from crm.views.settings.my_settings import MySettingsView
from crm.views.settings.pipeline_settings import PipelineView, StageView
from crm.views.settings.preferences import CrmSettingsView
from crm.views.settings.reference_lists import (
    CustomFieldView,
    PaymentTermView,
    RegionView,
    SegmentView,
    SubSegmentView,
    TagView,
    TaxRegimeView,
)
from crm.views.settings.webhooks import WebhookAttemptView, WebhookDeliveryView, WebhookView

CRM = ("CRM", _l("CRM"), "fa-address-book")
SETTINGS = ("Settings", _l("Settings"), "fa-sliders-h")
SECURITY = ("Security", _l("Security"), "fa-cogs")
SALES = ("Sales", _l("Sales"), "fa-funnel-dollar")
FINANCE = ("Finance", _l("Finance"), "fa-coins")
EMAIL = ("Email", _l("Email"), "fa-envelope")

# (view, menu name, label, icon, category) — menu names are the permission keys in roles.py.
MENU = [
    (DashboardView, "Dashboard", _l("Dashboard"), "fa-tachometer-alt", CRM),
    (ForecastView, "Forecast", _l("Forecast"), "fa-chart-line", CRM),
    (CustomerView, "Customers", _l("Customers"), "fa-users", CRM),
    (ContactView, "Contacts", _l("Contacts"), "fa-id-card", CRM),
    (CompanyView, "Companies", _l("Companies"), "fa-building", CRM),
    (CustomerGroupView, "Customer Groups", _l("Customer groups"), "fa-layer-group", CRM),
    (DuplicateView, "Duplicates", _l("Duplicates"), "fa-clone", CRM),
    (ImportView, "Import", _l("Import"), "fa-file-import", CRM),
    (ImportHistoryView, "Import History", _l("Import history"), "fa-history", CRM),
    (SupportTicketView, "Support Tickets", _l("Support tickets"), "fa-life-ring", CRM),
    (JobView, "Jobs", _l("Jobs"), "fa-tasks", CRM),
    (PaymentTermView, "Payment Terms", _l("Payment terms"), "fa-calendar-check", SETTINGS),
    (SegmentView, "Segments", _l("Segments"), "fa-chart-pie", SETTINGS),
    (SubSegmentView, "Sub-segments", _l("Sub-segments"), "fa-sitemap", SETTINGS),
    (RegionView, "Regions", _l("Regions"), "fa-globe", SETTINGS),
    (TagView, "Tags", _l("Tags"), "fa-tags", SETTINGS),
    (TaxRegimeView, "Tax Regimes", _l("Tax regimes"), "fa-percent", SETTINGS),
    (CustomFieldView, "Custom Fields", _l("Custom fields"), "fa-list-alt", SETTINGS),
    (AuditView, "Audit Trail", _l("Audit trail"), "fa-history", SECURITY),
    (DealView, "Deals", _l("Deals"), "fa-handshake", SALES),
    (DealBoardView, "Deal Board", _l("Deal board"), "fa-columns", SALES),
    (LeadStatusView, "Lead Statuses", _l("Lead statuses"), "fa-flag", SETTINGS),
    (LeadSourceView, "Lead Sources", _l("Lead sources"), "fa-route", SETTINGS),
    (PipelineView, "Pipelines", _l("Pipelines"), "fa-stream", SETTINGS),
    (StageView, "Stages", _l("Stages"), "fa-columns", SETTINGS),
    (CrmSettingsView, "CRM Settings", _l("CRM settings"), "fa-cog", SETTINGS),
    (WebhookView, "Webhooks", _l("Webhooks"), "fa-satellite-dish", SETTINGS),  # Admins only
    (AutomationRuleView, "Automation", _l("Automation"), "fa-robot", SETTINGS),  # Admins only
    (AutomationRunView, "Automation Runs", _l("Automation runs"), "fa-history", SETTINGS),
    (MailSettingsView, "Email Settings", _l("Email"), "fa-at", SETTINGS),  # Admins only
    (LeadView, "Leads", _l("Leads"), "fa-bullseye", SALES),
    (LeadBoardView, "Lead Board", _l("Lead board"), "fa-columns", SALES),
    (InteractionView, "Interactions", _l("Interactions"), "fa-comments", SALES),
    (TaskView, "Tasks", _l("Tasks"), "fa-tasks", SALES),
    (MyTasksView, "My Tasks", _l("My tasks"), "fa-check-square", SALES),
    (SalesOrderView, "Sales Orders", _l("Sales orders"), "fa-shopping-cart", FINANCE),
    (InvoiceView, "Invoices", _l("Invoices"), "fa-file-invoice-dollar", FINANCE),
    (PaymentView, "Payments", _l("Payments"), "fa-money-bill-wave", FINANCE),
    (CreditNoteView, "Credit Notes", _l("Credit notes"), "fa-receipt", FINANCE),
    (ContractView, "Contracts", _l("Contracts"), "fa-file-signature", FINANCE),
    (EmailView, "Unmatched Email", _l("Unmatched"), "fa-inbox", EMAIL),
    (EmailTemplateView, "Email Templates", _l("Templates"), "fa-envelope-open-text", EMAIL),
]
# Reached from a customer's tabs, not the menu.
NO_MENU = [
    AddressView,
    PlantView,
    BankAccountView,
    TaxRegistrationView,
    DocumentView,
    NoteView,
    DuplicateCheckView,  # the customer form's duplicate hints
    NotificationView,  # the navbar's bell leads there
    MySettingsView,  # the user menu's "My settings"
    LanguageView,  # the navbar's language picker
    StatementView,  # from a customer's page and the customer list
    FinancialsPermission,  # no page: keeps "can read Financials" in the database
    *FIGURE_CLASS_PERMISSIONS,  # likewise for each class of financial figure
    CreditOverridePermission,  # no page: keeps "can override CreditOverride"
    WebhookDeliveryView,  # a webhook's deliveries, from its page
    WebhookAttemptView,  # a delivery's attempts, from its page
    SavedViewsView,  # the lists' Views menu leads there
    SharedViewPermission,  # no page: keeps "can edit/delete SharedView"
]
CUSTOMER_TABS = [
    ContactView,
    AddressView,
    PlantView,
    BankAccountView,
    TaxRegistrationView,
    DocumentView,
    NoteView,
    InteractionView,
    TaskView,
    DealView,
    SalesOrderView,
    InvoiceView,
    PaymentView,
    CreditNoteView,
    ContractView,
    SupportTicketView,
]


def register_views(appbuilder):
    # A list's export above CRM_EXPORT_BACKGROUND_ROWS runs as a job the lists define.
    register_kind("export", export_jobs.run_export)
    CustomerView.related_views = CUSTOMER_TABS
    CompanyView.related_views = [CustomerView]
    CustomerGroupView.related_views = [CustomerView]
    for view, name, label, icon, (category, category_label, category_icon) in MENU:
        appbuilder.add_view(
            view,
            name,
            label=label,
            icon=icon,
            category=category,
            category_label=category_label,
            category_icon=category_icon,
        )
    # After the menu views, so the customer's tabs read Contacts, Addresses, Plants, ...
    for view in NO_MENU:
        appbuilder.add_view_no_menu(view)
    field_labels.install(appbuilder)
    current_app.add_template_global(figure)
    menu.install(current_app)
    saved_views.install(current_app)
