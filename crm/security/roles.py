"""The role matrix, as data.

Every CRM view and its REST API share one permission name (the entity) and
four verbs. Admin is FAB's admin role and receives every permission.
"""

from crm.security import masking

# Which verb each view or API method needs. Views and APIs of one entity share
# ``class_permission_name``, so one row of the matrix covers the screen and the API.
METHOD_VERBS = {
    # ModelView
    "list": "read",
    "show": "read",
    "download": "read",
    "download_file": "read",
    "file": "read",
    "export": "read",  # a list's rows as xlsx or csv
    "lookup": "read",  # the pickers' search-as-you-type endpoints
    "filter_choices": "read",  # a list's relation filter's choices (crm/views/search_choices.py)
    "lookup_deals": "read",
    "lookup_leads": "read",
    "lookup_contacts": "read",
    "mark_done": "edit",
    "reopen": "edit",  # a task's quick actions
    "close": "edit",  # a support ticket's (it reopens with "reopen")
    "add": "add",
    "clone": "add",
    "upload": "add",
    "edit": "edit",
    "archive": "edit",
    "restore": "edit",
    "toggle_active": "edit",
    "rotate_secret": "edit",  # a webhook's signing secret
    "resend": "edit",  # a webhook delivery, sent again
    "save_custom_fields": "edit",
    "custom_fields": "edit",
    # Kanban boards, conversion, settings
    "board": "read",
    "cards": "read",
    "my_tasks": "read",
    "export_settings": "read",
    "notifications": "read",
    "mark_read": "read",
    "my_settings": "read",  # one's own settings, read and set (the user's alone)
    # background jobs: a user's own (an Admin's: the tenant's); the health refresh on demand
    "job_status": "read",
    "cancel_job": "read",
    "job_result": "read",
    "refresh_health": "edit",
    "move": "edit",
    "stage": "edit",
    "reorder": "edit",
    "import_settings": "edit",
    "move_deals": "edit",  # empty a stage into another stage of its pipeline
    "reset_settings": "edit",
    "convert": "add",
    # Imports: upload, match columns, preview and run add records; the rest reads them.
    "map_columns": "add",
    "change_encoding": "add",
    "preview_import": "add",
    "run_import": "add",
    "resume_import": "add",
    "preview_again": "add",
    "progress": "read",
    "import_status": "read",
    "template": "read",
    "error_report": "read",
    "revert": "edit",
    # statements of account: read them; e-mailing one (or a batch from the customer list) edits
    "statement": "read",
    "email_statement": "edit",
    "email_statements": "edit",
    "send_statements": "edit",
    # sales orders and invoices: status actions; an invoice made from an order
    "confirm": "edit",
    "ship": "edit",
    "cancel": "edit",
    "issue": "edit",
    "void": "edit",
    "invoice": "add",
    "prefill": "add",  # a new order's or invoice's header from the chosen customer
    # payments: allocate credit to invoices, take an allocation off; credit notes' invoice picker
    "allocate": "edit",
    "unallocate": "edit",
    "lookup_invoices": "read",
    # duplicates: the finder, the merge wizard (Merge) and the customer form's hints (Customer)
    "duplicate_list": "read",
    "duplicate_pairs": "read",
    "duplicate_check": "read",
    "merge_wizard": "read",
    "merge_preview": "read",
    "merge_confirm": "edit",
    "merge_customers": "edit",
    # batch actions on the customer list's selection
    "batch_archive": "edit",
    "batch_restore": "edit",
    "batch_assign_group": "edit",
    "batch_assign_owner": "edit",
    "batch_add_tag": "edit",
    "batch_remove_tag": "edit",
    "batch_form": "edit",
    # the dashboard: the page, its figures as JSON and its charts as xlsx
    "dashboard": "read",
    "dashboard_data": "read",
    "dashboard_xlsx": "read",
    # the forecast report (part of the dashboard) and its xlsx
    "forecast": "read",
    "forecast_xlsx": "read",
    # saved views of the lists (crm/views/saved_views.py, crm/api/saved_views.py)
    "saved_views": "read",
    "save_view": "add",
    "rename_view": "edit",
    "share_view": "edit",
    "delete_view": "delete",
    "set_default": "edit",
    "clear_default": "edit",
    "delete": "delete",
    "muldelete": "delete",
    # email from the record (logs an interaction), the unmatched inbound mail, settings
    "compose_email": "add",
    "send_email": "add",
    "unmatched": "read",
    "assign": "edit",
    "discard": "edit",
    "attachment": "read",
    "send_test": "edit",
    # ModelRestApi
    "get": "read",
    "get_list": "read",
    "info": "read",
    "post": "add",
    "put": "edit",
}
VERBS = ("read", "add", "edit", "delete")

# Entities of the CRM; each is the permission name of a view and an API.
CUSTOMER_ENTITIES = (
    "Customer",
    "Contact",
    "Address",
    "Plant",
    "BankAccount",
    "TaxRegistration",
    "Document",
    "Note",
    "CustomFieldValue",
    "Company",
    "CustomerGroup",
    "SupportTicket",
)
SETTINGS_ENTITIES = (
    "PaymentTerm",
    "Segment",
    "SubSegment",
    "Region",
    "TaxRegime",
    "CustomField",
    "LeadStatus",
    "LeadSource",
    "Pipeline",
    "Stage",
    "CrmSettings",
)
PIPELINE_ENTITIES = ("Lead", "Deal", "Interaction", "Task")
# The customer ledger: Managers add and edit documents, Members read them.
LEDGER_ENTITIES = ("SalesOrder", "Invoice", "Payment", "CreditNote", "Contract", "Statement")
# Financial figures by class (crm.security.masking): a role reads a class to see its
# figures unmasked. Bank details: account numbers. Credit figures: credit limits. Ledger
# amounts: document totals and lines, payments, credit notes, allocations, and the
# balances, order totals, aging, receivables and statements made of them. ("Financials"
# covers every class, for roles given it by hand.)
BANK_DETAILS, CREDIT_FIGURES, LEDGER_AMOUNTS = ((name,) for name in masking.FINANCIAL_CLASSES)
# Bulk data: imports (and their history), duplicate merges. Not for read-only roles.
BULK_ENTITIES = ("Import", "Merge")
# Every signed-in user reads and marks their own notifications, follows and cancels their
# own jobs and sets their own settings (scoped to them by the service).
PERSONAL_ENTITIES = ("Notification", "Job", "MySettings")
ADMIN_ONLY = ("AuditEntry", "Webhook", "Automation", "MailSettings")
# Email from the record and the inbound mail waiting to be assigned; templates.
EMAIL_ENTITIES = ("Email", "EmailTemplate")
# The dashboard: every role reads it.
DASHBOARD_ENTITIES = ("Dashboard",)
# Overriding a credit refusal: confirming an order or issuing an invoice past the customer's
# credit limit or hold, with a reason for the audit trail. Admin's; an Admin may give it to
# any other role. Its verb is its own: (entity, permission).
CREDIT_OVERRIDE = ("CreditOverride", "can_override")

# Saved views of the lists: every user keeps their own (the service scopes them to their
# owner). Sharing one with the tenant is "edit" of SharedView; deleting another user's
# shared view is "delete" of SharedView (Admin's, who holds every permission).
SAVED_VIEW_ENTITIES = ("SavedView",)
SHARED_VIEWS = ("SharedView",)

# Tags: Managers also add them (typing a new one on a customer's form, or in Settings).
TAG_ENTITIES = ("Tag",)

# role -> entity group -> verbs. Admin is not listed: it gets everything.
ROLE_MATRIX = {
    "Manager": {
        CUSTOMER_ENTITIES: ("read", "add", "edit"),
        PIPELINE_ENTITIES: ("read", "add", "edit"),
        LEDGER_ENTITIES: ("read", "add", "edit"),
        BANK_DETAILS: ("read",),
        CREDIT_FIGURES: ("read",),
        LEDGER_AMOUNTS: ("read",),
        BULK_ENTITIES: ("read", "add", "edit"),
        SETTINGS_ENTITIES: ("read",),
        TAG_ENTITIES: ("read", "add"),
        EMAIL_ENTITIES: ("read", "add", "edit"),
        PERSONAL_ENTITIES: ("read",),
        DASHBOARD_ENTITIES: ("read",),
        SAVED_VIEW_ENTITIES: VERBS,
        SHARED_VIEWS: ("edit",),
    },
    # Members read the ledger's documents (numbers, dates, status) but no figure class:
    # every amount, balance, credit limit and account number is masked for them.
    "Member": {
        CUSTOMER_ENTITIES: ("read",),
        PIPELINE_ENTITIES: ("read",),
        LEDGER_ENTITIES: ("read",),
        SETTINGS_ENTITIES: ("read",),
        TAG_ENTITIES: ("read",),
        EMAIL_ENTITIES: ("read",),
        PERSONAL_ENTITIES: ("read",),
        DASHBOARD_ENTITIES: ("read",),
        SAVED_VIEW_ENTITIES: VERBS,
    },
}

# Menu entries every role reaches (FAB needs menu_access on the category too).
_EVERYONE = (
    "CRM",
    "Dashboard",
    "Forecast",
    "Customers",
    "Contacts",
    "Companies",
    "Customer Groups",
    "Settings",
    "Payment Terms",
    "Segments",
    "Sub-segments",
    "Regions",
    "Tags",
    "Tax Regimes",
    "Custom Fields",
    "Sales",
    "Leads",
    "Lead Board",
    "Deals",
    "Deal Board",
    "Interactions",
    "Tasks",
    "My Tasks",
    "Lead Statuses",
    "Lead Sources",
    "Pipelines",
    "Stages",
    "CRM Settings",
    "Finance",
    "Sales Orders",
    "Invoices",
    "Payments",
    "Credit Notes",
    "Contracts",
    "Support Tickets",
    "Jobs",
    "Email",
    "Email Templates",
    "Unmatched Email",
)
_BULK_MENUS = ("Import", "Import History", "Duplicates")
MENUS = {"Manager": _EVERYONE + _BULK_MENUS, "Member": _EVERYONE}

# Pages every signed-in user needs: their own profile and password.
SELF_SERVICE = [
    ["UserInfoEditView$", "can_this_form_get$|can_this_form_post$"],
    ["ResetMyPasswordView$", "can_this_form_get$|can_this_form_post$"],
    ["TenantUserView$", "can_userinfo$|can_resetmypassword$|can_userinfoedit$"],
    ["OpenApi$", "can_get$"],
    ["SwaggerView$", "can_show$"],
]


def _alternatives(names):
    return "|".join(f"{n}$" for n in names)


def fab_roles():
    """FAB_ROLES built from the matrix: {role: [[view_regex, permission_regex], ...]}."""
    roles = {}
    for role, grants in ROLE_MATRIX.items():
        rows = [
            [_alternatives(entities), _alternatives(f"can_{v}" for v in verbs)]
            for entities, verbs in grants.items()
        ]
        # FAB also stores each regex as a view-menu name, varchar(250) on PostgreSQL: a
        # longer one makes the role fail to be created there. Ten menu names per row.
        menus = MENUS[role]
        rows.extend(
            [_alternatives(menus[i : i + 10]), "menu_access$"] for i in range(0, len(menus), 10)
        )
        rows.extend(SELF_SERVICE)
        roles[role] = rows
    return roles


def is_admin(user):
    """Whether ``user`` holds the Admin role (who sees every job of the tenant)."""
    return bool(user is not None and any(role.name == "Admin" for role in user.roles))


def role_names():
    return ("Admin", *ROLE_MATRIX)


def may_share_views(security_manager):
    """Whether the signed-in user may share saved views with the tenant (``SHARED_VIEWS``)."""
    return bool(security_manager.has_access("can_edit", SHARED_VIEWS[0]))


def may_delete_shared_views(security_manager):
    """Whether the signed-in user may delete other users' shared views."""
    return bool(security_manager.has_access("can_delete", SHARED_VIEWS[0]))


def may_override_credit(security_manager):
    """Whether the signed-in user's roles hold ``CREDIT_OVERRIDE``."""
    entity, permission = CREDIT_OVERRIDE
    return bool(security_manager.has_access(permission, entity))
