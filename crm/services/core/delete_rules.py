"""Which linked records stop a parent from being deleted: ``DELETE_RULES``, one table.

``delete_blockers`` counts a parent's rows of the table, in its order, so the refusal
says exactly what is in the way. The merge wizard (crm.services.customers.merge)
re-links *every* row that points at a customer, found from the schema: besides the
rows below it moves the customer's own parts, which are deleted with it and never
block a delete (``CUSTOMER_PARTS``); tests/unit/test_delete_rules.py checks that each
foreign key to customers is in one list or the other.
"""

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.models import (
    Company,
    Contract,
    CreditNote,
    Customer,
    CustomerGroup,
    Deal,
    Interaction,
    Invoice,
    Lead,
    Payment,
    PaymentAllocation,
    PaymentTerm,
    Region,
    SalesOrder,
    Segment,
    SubSegment,
    SupportTicket,
    Tag,
    Task,
    customer_tag,
)

# (parent, child table or model, the child's column pointing at the parent, what the
# refusal calls those rows). A deal's history stays with it: its tasks, logged
# interactions and the lead it came from; a customer's is archived, never deleted.
DELETE_RULES = (
    (Company, Customer, Customer.company_id, _l("customers")),
    (Company, Deal, Deal.company_id, _l("deals")),
    (Company, Lead, Lead.company_id, _l("leads")),
    (Company, Task, Task.company_id, _l("tasks")),
    (CustomerGroup, Customer, Customer.customer_group_id, _l("customers")),
    (Customer, SalesOrder, SalesOrder.customer_id, _l("sales orders")),
    (Customer, Payment, Payment.customer_id, _l("payments")),
    (Customer, Contract, Contract.customer_id, _l("contracts")),
    (Customer, CreditNote, CreditNote.customer_id, _l("credit notes")),
    (Customer, Deal, Deal.customer_id, _l("deals")),
    (Customer, Interaction, Interaction.customer_id, _l("interactions")),
    (Customer, Invoice, Invoice.customer_id, _l("invoices")),
    (Customer, Lead, Lead.customer_id, _l("leads")),
    (Customer, SupportTicket, SupportTicket.customer_id, _l("support tickets")),
    (Customer, Task, Task.customer_id, _l("tasks")),
    (SalesOrder, Invoice, Invoice.sales_order_id, _l("invoices")),
    (Invoice, PaymentAllocation, PaymentAllocation.invoice_id, _l("payment allocations")),
    (Invoice, CreditNote, CreditNote.invoice_id, _l("credit notes")),
    (Deal, Task, Task.deal_id, _l("tasks")),
    (Deal, Interaction, Interaction.deal_id, _l("interactions")),
    (Deal, Lead, Lead.deal_id, _l("converted leads")),
    (Lead, Task, Task.lead_id, _l("tasks")),
    (Lead, Interaction, Interaction.lead_id, _l("interactions")),
    (PaymentTerm, Customer, Customer.payment_term_id, _l("customers")),
    (Segment, Customer, Customer.segment_id, _l("customers")),
    (SubSegment, Customer, Customer.sub_segment_id, _l("customers")),
    (Region, Customer, Customer.region_id, _l("customers")),
    (Tag, customer_tag, customer_tag.c.tag_id, _l("tagged customers")),
)

# Tables whose rows are part of a customer (contacts, addresses, plants, bank accounts, tax
# registrations, documents, notes, custom field values, tags): deleted with it, moved by a merge.
CUSTOMER_PARTS = (
    "crm_contact",
    "crm_address",
    "crm_plant",
    "crm_bank_account",
    "crm_tax_registration",
    "crm_document",
    "crm_note",
    "crm_custom_field_value",
    "crm_customer_tag",
)


def rules_of(parent: type[Any]) -> list[tuple[Any, Any, Any]]:
    """(child, column, label) of every rule of ``parent``, in the table's order."""
    return [
        (child, column, label) for owner, child, column, label in DELETE_RULES if owner is parent
    ]


def delete_blockers(session: Session, obj: Any) -> list[tuple[Any, int]]:
    """[(label, count), ...] of linked records that prevent deleting ``obj``."""
    found = []
    for child, column, label in rules_of(type(obj)):
        count = session.scalar(
            select(func.count()).select_from(child).where(column == obj.id),
            execution_options={"all_tenants": True},
        )
        if count:
            found.append((label, count))
    return found
