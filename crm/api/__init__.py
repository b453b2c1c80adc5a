"""REST API under /api/v1/: one ModelRestApi per entity, sharing the screens' rules."""

from flask import current_app
from flask_appbuilder.api.manager import SwaggerView

from crm.api.audit import AuditApi
from crm.api.automation import AutomationRuleApi, AutomationRunApi
from crm.api.companies import CompanyApi, CustomerGroupApi
from crm.api.contracts import ContractApi
from crm.api.credit_notes import CreditNoteApi
from crm.api.crm_settings import CrmSettingsApi
from crm.api.customers import (
    AddressApi,
    BankAccountApi,
    ContactApi,
    CustomerApi,
    CustomFieldValueApi,
    DocumentApi,
    NoteApi,
    PlantApi,
    TaxRegistrationApi,
)
from crm.api.deals import DealApi
from crm.api.email import EmailApi, EmailTemplateApi
from crm.api.forecast import ForecastApi
from crm.api.interactions import InteractionApi
from crm.api.invoices import InvoiceApi
from crm.api.jobs import JobApi
from crm.api.leads import LeadApi
from crm.api.merge import MergeApi
from crm.api.my_settings import MySettingsApi
from crm.api.notifications import NotificationApi
from crm.api.openapi import OpenApi
from crm.api.payments import PaymentApi
from crm.api.pipeline_settings import LeadSourceApi, LeadStatusApi, PipelineApi, StageApi
from crm.api.sales_orders import SalesOrderApi
from crm.api.saved_views import SavedViewApi
from crm.api.settings import (
    CustomFieldApi,
    PaymentTermApi,
    RegionApi,
    SegmentApi,
    SubSegmentApi,
    TagApi,
)
from crm.api.statements import StatementApi
from crm.api.support_tickets import SupportTicketApi
from crm.api.tasks import TaskApi
from crm.api.webhooks import WebhookApi, WebhookDeliveryApi

APIS = [
    CustomerApi,
    ContactApi,
    AddressApi,
    PlantApi,
    BankAccountApi,
    TaxRegistrationApi,
    DocumentApi,
    NoteApi,
    CustomFieldValueApi,
    CompanyApi,
    CustomerGroupApi,
    PaymentTermApi,
    SegmentApi,
    SubSegmentApi,
    RegionApi,
    TagApi,
    CustomFieldApi,
    AuditApi,
    DealApi,
    LeadStatusApi,
    LeadSourceApi,
    PipelineApi,
    StageApi,
    CrmSettingsApi,
    InteractionApi,
    TaskApi,
    LeadApi,
    NotificationApi,
    MySettingsApi,
    SavedViewApi,
    MergeApi,  # POST /api/v1/customer/merge, GET /api/v1/customer/duplicates
    StatementApi,
    SalesOrderApi,
    InvoiceApi,
    PaymentApi,
    CreditNoteApi,
    ContractApi,
    SupportTicketApi,
    JobApi,
    WebhookApi,
    WebhookDeliveryApi,
    AutomationRuleApi,
    AutomationRunApi,
    ForecastApi,
    EmailApi,
    EmailTemplateApi,
]


def register_apis(appbuilder):
    for api in APIS:
        appbuilder.add_api(api)
    # FAB's own registration is off (FAB_ADD_OPENAPI_VIEWS): ours caches the document.
    if current_app.config["FAB_API_SWAGGER_UI"]:
        appbuilder.add_api(OpenApi)
        appbuilder.add_view_no_menu(SwaggerView)
