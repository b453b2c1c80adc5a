"""The sales pipeline's records (leads, deals, interactions, tasks): their fields, choice
labels and column lists."""
from flask_babel import lazy_gettext as _l

from crm.fields.catalogue import Entity, Field
from crm.models import Deal, Interaction, Lead, Task

INTERACTION_KINDS = {"call": _l("Call"), "meeting": _l("Meeting"), "email": _l("Email"),
                     "note": _l("Note")}
TASK_STATUSES = {"open": _l("Open"), "in_progress": _l("In progress"), "done": _l("Done"),
                 "cancelled": _l("Cancelled")}
PRIORITIES = {"low": _l("Low"), "normal": _l("Normal"), "high": _l("High"), "urgent": _l("Urgent")}

_CREATED = (Field("created_at", _l("Created"), "datetime"),
            Field("updated_at", _l("Updated"), "datetime"))

LEAD = Entity(
    Lead,
    (
        Field("title", _l("Title")),
        Field("description", _l("Description")),
        Field("contact_name", _l("Contact name")),
        Field("contact_email", _l("Contact email"), "email"),
        Field("contact_phone", _l("Contact phone"), "phone"),
        Field("company_name", _l("Company name"), heading=_l("Company")),
        Field("value", _l("Value"), "money"),
        Field("source", _l("Lead source"), "relation", heading=_l("Source")),
        Field("status", _l("Lead status"), "relation", heading=_l("Status")),
        Field("assigned_to", _l("Assigned to"), "relation"),
        Field("converted_at", _l("Converted on"), "datetime"),
        Field("customer", _l("Customer"), "relation"),
        Field("company", _l("Company"), "relation"),
        Field("deal", _l("Deal"), "relation"),
        *_CREATED,
    ),
    list=["title", "contact_name", "contact_email", "company_name", "value", "status",
          "source", "assigned_to"],
    search=["status", "source", "assigned_to", "title", "contact_name", "contact_email",
            "company_name", "value", "created_at"],
    form=["title", "description", "contact_name", "contact_email", "contact_phone",
          "company_name", "value", "source", "status", "assigned_to"],
    show=["title", "description", "contact_name", "contact_email", "contact_phone",
          "company_name", "value", "source", "status", "assigned_to", "converted_at", "customer",
          "company", "deal", "created_at", "updated_at"],
)

DEAL = Entity(
    Deal,
    (
        Field("title", _l("Title")),
        Field("description", _l("Description")),
        Field("value", _l("Value"), "money"),
        Field("currency", _l("Currency"), "currency"),
        Field("probability", _l("Probability (%)"), "percent"),
        Field("expected_close_date", _l("Expected close date"), "date"),
        Field("actual_close_date", _l("Actual close date"), "date"),
        Field("lost_reason", _l("Lost reason")),
        Field("pipeline", _l("Pipeline"), "relation"),
        Field("stage", _l("Stage"), "relation"),
        Field("company", _l("Company"), "relation"),
        Field("customer", _l("Customer"), "relation"),
        Field("assigned_to", _l("Owner"), "relation"),
        *_CREATED,
    ),
    list=["title", "stage", "company", "customer", "value", "expected_close_date", "assigned_to"],
    # The deal page's information table (pipeline, stage and the parties show above it).
    show=["title", "value", "probability", "expected_close_date", "actual_close_date",
          "lost_reason", "description", "created_at", "updated_at"],
    # The value as a number next to its currency (the list shows them as one text).
    export=["title", "stage", "company", "customer", "value", "currency", "expected_close_date",
            "assigned_to"],
    search=["title", "assigned_to", "pipeline", "stage", "value", "probability",
            "expected_close_date", "actual_close_date"],
    form=["title", "description", "value", "expected_close_date", "probability", "pipeline",
          "stage", "company", "customer", "assigned_to"],
    edit=["title", "description", "value", "expected_close_date", "probability", "pipeline",
          "stage", "company", "customer", "assigned_to", "lost_reason"],
)

INTERACTION = Entity(
    Interaction,
    (
        Field("kind", _l("Type"), "choice", INTERACTION_KINDS),
        Field("summary", _l("Summary")),
        Field("follow_up", _l("Follow-up")),
        Field("occurred_at", _l("When (UTC)"), "datetime"),
        Field("customer", _l("Customer"), "relation"),
        Field("deal", _l("Deal"), "relation"),
        Field("contact", _l("Contact"), "relation"),
        Field("user", _l("Logged by"), "relation"),
    ),
    list=["occurred_at", "kind", "summary", "follow_up", "customer", "deal", "contact", "user"],
    show=["occurred_at", "kind", "customer", "deal", "contact", "summary", "follow_up", "user"],
    search=["summary", "kind", "occurred_at", "user"],
    form=["customer", "kind", "occurred_at", "summary", "follow_up", "deal", "contact"],
    api_read=["id", "kind", "summary", "follow_up", "occurred_at", "customer.id",
              "customer.name", "deal.id", "deal.title", "contact.id", "contact.name", "user.id",
              "user.username"],
)

TASK = Entity(
    Task,
    (
        Field("title", _l("Title")),
        Field("description", _l("Description")),
        Field("due_date", _l("Due date"), "date"),
        Field("priority", _l("Priority"), "choice", PRIORITIES),
        Field("status", _l("Status"), "choice", TASK_STATUSES),
        Field("completed_at", _l("Completed"), "datetime"),
        Field("assignee", _l("Assigned to"), "relation"),
        Field("lead", _l("Lead"), "relation"),
        Field("deal", _l("Deal"), "relation"),
        Field("company", _l("Company"), "relation"),
        Field("customer", _l("Customer"), "relation"),
        *_CREATED,
    ),
    list=["title", "due_date", "priority", "status", "assignee", "customer", "company", "deal",
          "lead"],
    show=["title", "description", "due_date", "priority", "status", "completed_at", "assignee",
          "customer", "company", "deal", "lead", "created_at", "updated_at"],
    search=["title", "status", "priority", "assignee", "due_date"],
    form=["title", "description", "due_date", "priority", "status", "assignee", "customer",
          "company", "deal", "lead"],
    api_read=["id", "title", "description", "due_date", "priority", "status", "completed_at",
              "assignee.id", "assignee.username", "customer.id", "customer.name", "company.id",
              "company.name", "deal.id", "deal.title", "lead.id", "lead.title", "created_at",
              "updated_at"],
)
