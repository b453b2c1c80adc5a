"""Companies and customer groups: their fields and the columns forms and API bodies take."""

from flask_babel import lazy_gettext as _l

from crm.fields.catalogue import Entity, Field
from crm.models import Company, CustomerGroup

# What a company is; forms add who looks after it and whether it is active.
COMPANY_DETAILS = [
    "name",
    "website",
    "office_phone",
    "office_email",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "industry",
    "description",
]

COMPANY = Entity(
    Company,
    (
        Field("name", _l("Name")),
        Field("website", _l("Website"), "url"),
        Field("office_phone", _l("Office phone"), "phone", heading=_l("Phone")),
        Field("office_email", _l("Office email"), "email", heading=_l("Email")),
        Field("street", _l("Street")),
        Field("city", _l("City")),
        Field("state", _l("State")),
        Field("postal_code", _l("Postal code"), heading=_l("Postcode")),
        Field("country", _l("Country"), "country"),
        Field("industry", _l("Industry")),
        Field("description", _l("Description")),
        Field("assigned_to", _l("Assigned to"), "relation"),
        Field("is_active", _l("Active"), "flag"),
        Field("search_text", _l("Search")),
        Field("created_at", _l("Created"), "datetime"),
        Field("updated_at", _l("Updated"), "datetime"),
    ),
    list=[
        "name",
        "office_email",
        "office_phone",
        "website",
        "industry",
        "assigned_to",
        "is_active",
    ],
    search=[
        "search_text",
        "name",
        "office_email",
        "office_phone",
        "website",
        "industry",
        "is_active",
    ],
    form=COMPANY_DETAILS + ["assigned_to", "is_active"],
)

CUSTOMER_GROUP = Entity(
    CustomerGroup,
    (
        Field("name", _l("Name")),
        Field("code", _l("Code")),
        Field("description", _l("Description")),
        Field("discount_percent", _l("Discount (%)"), "percent"),
        Field("priority", _l("Priority"), "number"),
        Field("is_active", _l("Active"), "flag"),
        Field("customer_count", _l("Customers"), "number"),
    ),
    list=[
        "name",
        "code",
        "description",
        "discount_percent",
        "priority",
        "customer_count",
        "is_active",
    ],
    search=["name", "code", "is_active"],
    form=["name", "code", "description", "discount_percent", "priority", "is_active"],
)
