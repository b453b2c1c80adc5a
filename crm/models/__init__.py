"""All CRM models, imported so their tables join the shared metadata."""

from .tenant import Tenant
from .user import CrmUser
from .reference import PaymentTerm, Region, Segment, SubSegment, Tag
from .customer_group import CustomerGroup
from .company import Company
from .customer import CUSTOMER_TYPES, PAYMENT_METHODS, Customer, customer_tag
from .contact import Contact
from .address import ADDRESS_KINDS, Address
from .plant import Plant
from .bank_account import BankAccount
from .tax_registration import TaxRegime, TaxRegistration
from .document import Document
from .note import Note
from .custom_field import FIELD_TYPES, CustomFieldDefinition, CustomFieldValue
from .audit import AuditEntry
from .pipeline import Pipeline, Stage
from .lead import Lead, LeadSource, LeadStatus
from .deal import Deal
from .interaction import INTERACTION_KINDS, Interaction, InteractionAttachment
from .task import TASK_PRIORITIES, TASK_STATUSES, Task
from .notification import Notification
from .setting import CrmSetting
from .permission_version import PermissionVersion
from .sequence import NumberSequence
from .sales_order import ORDER_STATUSES, PLACED_ORDER_STATUSES, SalesOrder, SalesOrderLine
from .invoice import (
    INVOICE_STATUSES,
    OPEN_INVOICE_STATUSES,
    POSTED_INVOICE_STATUSES,
    Invoice,
    InvoiceLine,
)
from .payment import PAYMENT_STATUSES, Payment, PaymentAllocation
from .credit_note import CREDIT_NOTE_STATUSES, CreditNote
from .contract import CONTRACT_STATUSES, Contract
from .import_run import IMPORT_ENTITIES, IMPORT_MODES, IMPORT_STATUSES, ImportItem, ImportRun
from .support_ticket import (
    OPEN_TICKET_STATUSES,
    TICKET_PRIORITIES,
    TICKET_STATUSES,
    SupportTicket,
)
from .job import ACTIVE_JOB_STATUSES, JOB_KINDS, JOB_STATUSES, Job
from .webhook import DELIVERY_STATUSES, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .automation import (
    AUTOMATION_ENTITIES,
    AUTOMATION_TRIGGERS,
    RUN_STATUSES,
    AutomationCursor,
    AutomationRule,
    AutomationRun,
)
from .saved_view import SavedView, SavedViewDefault
from .mail_settings import SMTP_SECURITY, MailSettings
from .email_template import TEMPLATE_LANGUAGES, EmailTemplate
from .inbound_email import INBOUND_STATUSES, InboundEmail

from sqlalchemy import func as _func, select as _select
from sqlalchemy.orm import column_property as _column_property

# Shown on the group list; one correlated count instead of a query per row. Deferred:
# a customer's page loads its group too, and counting a large group's customers there
# cost more than the rest of the page's SQL.
CustomerGroup.customer_count = _column_property(
    _select(_func.count(Customer.id))
    .where(Customer.customer_group_id == CustomerGroup.id)
    .correlate_except(Customer)
    .scalar_subquery(),
    deferred=True,
)

from flask_appbuilder import Model as _Model

from .base import (
    autoincrement_on_sqlite as _autoincrement_on_sqlite,
    install_column_defaults as _install_column_defaults,
)

_autoincrement_on_sqlite(_Model.metadata)

_install_column_defaults(
    [
        Tenant,
        PaymentTerm,
        Region,
        Segment,
        SubSegment,
        Tag,
        CustomerGroup,
        Company,
        Customer,
        Contact,
        Address,
        Plant,
        BankAccount,
        TaxRegime,
        TaxRegistration,
        Document,
        Note,
        CustomFieldDefinition,
        CustomFieldValue,
        Pipeline,
        Stage,
        LeadStatus,
        LeadSource,
        Lead,
        Deal,
        Interaction,
        Task,
        Notification,
        CrmSetting,
        SalesOrder,
        SalesOrderLine,
        Invoice,
        InvoiceLine,
        Payment,
        PaymentAllocation,
        CreditNote,
        Contract,
        ImportRun,
        ImportItem,
        SupportTicket,
        Job,
        WebhookEndpoint,
        WebhookDelivery,
        WebhookAttempt,
        AutomationRule,
        AutomationRun,
        AutomationCursor,
        SavedView,
        SavedViewDefault,
        InteractionAttachment,
        MailSettings,
        EmailTemplate,
        InboundEmail,
    ]
)

__all__ = [
    "SavedView",
    "SavedViewDefault",
    "Tenant",
    "CrmUser",
    "PermissionVersion",
    "NumberSequence",
    "PaymentTerm",
    "Region",
    "Segment",
    "SubSegment",
    "Tag",
    "CustomerGroup",
    "Company",
    "Customer",
    "customer_tag",
    "CUSTOMER_TYPES",
    "PAYMENT_METHODS",
    "Contact",
    "Address",
    "ADDRESS_KINDS",
    "Plant",
    "BankAccount",
    "TaxRegime",
    "TaxRegistration",
    "Document",
    "Note",
    "CustomFieldDefinition",
    "CustomFieldValue",
    "FIELD_TYPES",
    "AuditEntry",
    "Pipeline",
    "Stage",
    "Lead",
    "LeadSource",
    "LeadStatus",
    "Deal",
    "Interaction",
    "INTERACTION_KINDS",
    "Task",
    "TASK_PRIORITIES",
    "TASK_STATUSES",
    "Notification",
    "CrmSetting",
    "SalesOrder",
    "SalesOrderLine",
    "ORDER_STATUSES",
    "PLACED_ORDER_STATUSES",
    "Invoice",
    "InvoiceLine",
    "INVOICE_STATUSES",
    "OPEN_INVOICE_STATUSES",
    "POSTED_INVOICE_STATUSES",
    "Payment",
    "PaymentAllocation",
    "PAYMENT_STATUSES",
    "CreditNote",
    "CREDIT_NOTE_STATUSES",
    "Contract",
    "CONTRACT_STATUSES",
    "ImportRun",
    "ImportItem",
    "IMPORT_ENTITIES",
    "IMPORT_MODES",
    "IMPORT_STATUSES",
    "SupportTicket",
    "TICKET_STATUSES",
    "OPEN_TICKET_STATUSES",
    "TICKET_PRIORITIES",
    "Job",
    "DELIVERY_STATUSES",
    "WebhookEndpoint",
    "WebhookDelivery",
    "WebhookAttempt",
    "AutomationRule",
    "AutomationRun",
    "AutomationCursor",
    "AUTOMATION_ENTITIES",
    "AUTOMATION_TRIGGERS",
    "RUN_STATUSES",
    "InteractionAttachment",
    "MailSettings",
    "SMTP_SECURITY",
    "EmailTemplate",
    "TEMPLATE_LANGUAGES",
    "InboundEmail",
    "INBOUND_STATUSES",
    "JOB_KINDS",
    "JOB_STATUSES",
    "ACTIVE_JOB_STATUSES",
]
