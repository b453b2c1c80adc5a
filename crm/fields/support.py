"""Support tickets: their fields, status and priority labels, and column lists."""

from flask_babel import lazy_gettext as _l

from crm.fields.catalogue import Entity, Field
from crm.fields.pipeline import PRIORITIES
from crm.models import SupportTicket

TICKET_STATUSES = {"open": _l("Open"), "pending": _l("Pending"), "closed": _l("Closed")}

SUPPORT_TICKET = Entity(
    SupportTicket,
    (
        Field("customer", _l("Customer"), "relation"),
        Field("subject", _l("Subject")),
        Field("description", _l("Description")),
        Field("status", _l("Status"), "choice", TICKET_STATUSES),
        Field("priority", _l("Priority"), "choice", PRIORITIES),
        Field("opened_at", _l("Opened"), "datetime"),
        Field("closed_at", _l("Closed"), "datetime"),
        Field("owner", _l("Owner"), "relation"),
        Field("created_at", _l("Created"), "datetime"),
        Field("updated_at", _l("Updated"), "datetime"),
    ),
    list=["subject", "customer", "status", "priority", "opened_at", "closed_at", "owner"],
    show=[
        "subject",
        "customer",
        "description",
        "status",
        "priority",
        "opened_at",
        "closed_at",
        "owner",
        "created_at",
        "updated_at",
    ],
    search=["subject", "status", "priority", "owner", "opened_at", "closed_at"],
    form=["customer", "subject", "description", "status", "priority", "owner"],
    api_read=[
        "id",
        "subject",
        "description",
        "status",
        "priority",
        "opened_at",
        "closed_at",
        "customer.id",
        "customer.name",
        "owner.id",
        "owner.username",
        "created_at",
        "updated_at",
    ],
)
