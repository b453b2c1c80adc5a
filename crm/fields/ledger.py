"""The ledger's records (sales orders, invoices, payments, credit notes, contracts), their
status labels and column lists; the aging buckets and the statement's line kinds."""

from flask_babel import lazy_gettext as _l

from crm.fields.catalogue import Entity, Field
from crm.fields.customers import PAYMENT_METHODS
from crm.models import (
    Contract,
    CreditNote,
    Invoice,
    InvoiceLine,
    Payment,
    SalesOrder,
    SalesOrderLine,
)

ORDER_STATUSES = {
    "quote": _l("Quote"),
    "pending": _l("Pending"),
    "shipped": _l("Shipped"),
    "invoiced": _l("Invoiced"),
    "paid": _l("Paid"),
    "cancelled": _l("Cancelled"),
}
INVOICE_STATUSES = {
    "draft": _l("Draft"),
    "issued": _l("Issued"),
    "partly_paid": _l("Partly paid"),
    "paid": _l("Paid"),
    "void": _l("Void"),
}
PAYMENT_STATUSES = {"received": _l("Received"), "void": _l("Void")}
CREDIT_NOTE_STATUSES = {"draft": _l("Draft"), "issued": _l("Issued"), "void": _l("Void")}
CONTRACT_STATUSES = {
    "draft": _l("Draft"),
    "active": _l("Active"),
    "expired": _l("Expired"),
    "terminated": _l("Terminated"),
}

# Receivables by how long past due (crm.services.ledger.arithmetic.AGING_BUCKETS), the same
# words on the customer page, the dashboard and the statement.
AGING_LABELS = {
    "current": _l("Not yet due"),
    "days_1_30": _l("1–30 days"),
    "days_31_60": _l("31–60 days"),
    "days_61_90": _l("61–90 days"),
    "over_90": _l("Over 90 days"),
    "total": _l("Total due"),
}
# The kinds of line on a statement of account.
STATEMENT_LINE_KINDS = {
    "invoice": _l("Invoice"),
    "payment": _l("Payment"),
    "credit_note": _l("Credit note"),
}
# The columns of a statement's transactions, in order.
STATEMENT_COLUMNS = {
    "date": _l("Date"),
    "kind": _l("Type"),
    "number": _l("Number"),
    "description": _l("Description"),
    "debit": _l("Debit"),
    "credit": _l("Credit"),
    "balance": _l("Balance"),
}

_NUMBER, _CUSTOMER = Field("number", _l("Number")), Field("customer", _l("Customer"), "relation")
_STATUS, _CURRENCY = _l("Status"), Field("currency", _l("Currency"), "currency")
_REFERENCE, _NOTES = Field("reference", _l("Reference")), Field("notes", _l("Notes"))
_TERMS = Field("payment_term", _l("Payment terms"), "relation")
_BILLING = Field("billing_address", _l("Billing address"))

SALES_ORDER = Entity(
    SalesOrder,
    (
        _NUMBER,
        _CUSTOMER,
        Field("order_date", _l("Order date"), "date", list_label=_l("Date")),
        Field("status", _STATUS, "choice", ORDER_STATUSES),
        Field("total", _l("Total"), "money"),
        _CURRENCY,
        _REFERENCE,
        _TERMS,
        _BILLING,
        Field("shipping_address", _l("Shipping address")),
        _NOTES,
    ),
    list=["number", "customer", "order_date", "status", "total"],
    search=["number", "reference", "order_date"],
)

INVOICE = Entity(
    Invoice,
    (
        _NUMBER,
        _CUSTOMER,
        Field("issue_date", _l("Issue date"), "date"),
        Field("due_date", _l("Due date"), "date"),
        Field("status", _STATUS, "choice", INVOICE_STATUSES),
        Field("total", _l("Total"), "money"),
        Field("amount_paid", _l("Paid"), "money"),
        _REFERENCE,
        _TERMS,
        _BILLING,
        Field("sales_order", _l("Sales order"), "relation"),
        Field("tax_number", _l("Tax number")),
        _NOTES,
        Field("search_text", _l("Search")),
    ),
    list=["number", "customer", "issue_date", "due_date", "status", "total", "amount_paid"],
    search=["search_text", "number", "reference", "issue_date", "due_date"],
)

PAYMENT = Entity(
    Payment,
    (
        _NUMBER,
        _CUSTOMER,
        Field("payment_date", _l("Date"), "date"),
        Field("amount", _l("Amount"), "money"),
        _CURRENCY,
        Field("method", _l("Method"), "choice", PAYMENT_METHODS),
        _REFERENCE,
        _NOTES,
        Field("status", _STATUS, "choice", PAYMENT_STATUSES),
        Field("voided_at", _l("Voided"), "datetime"),
        Field("created_at", _l("Recorded"), "datetime"),
    ),
    list=["number", "payment_date", "customer", "amount", "method", "reference", "status"],
    show=[
        "number",
        "customer",
        "payment_date",
        "amount",
        "currency",
        "method",
        "reference",
        "notes",
        "status",
        "voided_at",
        "created_at",
    ],
    search=["number", "payment_date", "amount", "method", "reference", "status"],
    edit=["payment_date", "amount", "method", "reference", "notes"],
    api_read=[
        "id",
        "number",
        "payment_date",
        "amount",
        "currency",
        "method",
        "reference",
        "status",
        "customer.id",
        "customer.name",
    ],
)

CREDIT_NOTE = Entity(
    CreditNote,
    (
        _NUMBER,
        _CUSTOMER,
        Field("invoice", _l("Invoice"), "relation"),
        Field("issue_date", _l("Date"), "date"),
        Field("amount", _l("Amount"), "money"),
        _CURRENCY,
        Field("reason", _l("Reason")),
        Field("status", _STATUS, "choice", CREDIT_NOTE_STATUSES),
        _NOTES,
        Field("issued_at", _l("Issued"), "datetime"),
        Field("voided_at", _l("Voided"), "datetime"),
    ),
    list=["number", "issue_date", "customer", "invoice", "amount", "reason", "status"],
    show=[
        "number",
        "customer",
        "invoice",
        "issue_date",
        "amount",
        "currency",
        "reason",
        "notes",
        "status",
        "issued_at",
        "voided_at",
    ],
    search=["number", "issue_date", "amount", "reason", "status"],
    form=["customer", "invoice", "issue_date", "amount", "reason", "notes"],
    api_read=[
        "id",
        "number",
        "issue_date",
        "amount",
        "currency",
        "reason",
        "status",
        "customer.id",
        "customer.name",
        "invoice.id",
        "invoice.number",
    ],
)

CONTRACT = Entity(
    Contract,
    (
        _NUMBER,
        _CUSTOMER,
        Field("title", _l("Title")),
        Field("value", _l("Value"), "money"),
        _CURRENCY,
        Field("start_date", _l("Start"), "date"),
        Field("end_date", _l("End"), "date"),
        Field("status", _STATUS, "choice", CONTRACT_STATUSES),
        Field("owner", _l("Owner"), "relation"),
        _NOTES,
        Field("created_at", _l("Created"), "datetime"),
        Field("updated_at", _l("Updated"), "datetime"),
    ),
    list=["number", "title", "customer", "value", "start_date", "end_date", "status"],
    show=[
        "number",
        "title",
        "customer",
        "value",
        "currency",
        "start_date",
        "end_date",
        "status",
        "notes",
        "created_at",
        "updated_at",
    ],
    search=["number", "title", "status", "value", "start_date", "end_date"],
    form=["customer", "title", "value", "start_date", "end_date", "status", "notes"],
    api_read=[
        "id",
        "number",
        "title",
        "value",
        "currency",
        "start_date",
        "end_date",
        "status",
        "customer.id",
        "customer.name",
    ],
)

_LINE_FIELDS = (
    Field("description", _l("Description")),
    Field("quantity", _l("Quantity"), "number"),
    Field("unit_price", _l("Unit price"), "money"),
    Field("discount_rate", _l("Discount %"), "percent"),
    Field("tax_rate", _l("Tax %"), "percent"),
)
SALES_ORDER_LINE = Entity(SalesOrderLine, _LINE_FIELDS)
INVOICE_LINE = Entity(InvoiceLine, _LINE_FIELDS)
