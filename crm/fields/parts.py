"""The parts of a customer (contacts, addresses, plants, bank accounts, notes, documents):
their fields and column lists."""

from flask_babel import lazy_gettext as _l

from crm.fields.catalogue import Entity, Field
from crm.models import Address, BankAccount, Contact, Document, Note, Plant, TaxRegistration

ADDRESS_KINDS = {"contact": _l("Contact"), "billing": _l("Billing"), "shipping": _l("Shipping")}


def _common(*names):
    """The fields every part names alike, those of ``names``."""
    common = {
        "customer": Field("customer", _l("Customer"), "relation"),
        "name": Field("name", _l("Name")),
        "email": Field("email", _l("Email"), "email"),
        "phone": Field("phone", _l("Phone"), "phone"),
        "city": Field("city", _l("City")),
        "country": Field("country", _l("Country"), "country"),
        "postal_code": Field("postal_code", _l("Postal code")),
        "is_default": Field("is_default", _l("Default"), "flag"),
        "created_at": Field("created_at", _l("Created"), "datetime"),
        "updated_at": Field("updated_at", _l("Updated"), "datetime"),
    }
    return tuple(common[n] for n in names)


CONTACT = Entity(
    Contact,
    (
        *_common("customer", "name", "email", "phone", "created_at", "updated_at"),
        Field("role", _l("Role")),
        Field("is_primary", _l("Primary"), "flag"),
        Field("search_text", _l("Search")),
    ),
    list=["name", "role", "email", "phone", "is_primary", "customer"],
    show=["customer", "name", "role", "email", "phone", "is_primary", "created_at"],
    form=["customer", "name", "role", "email", "phone", "is_primary"],
    search=["search_text", "name", "role", "email", "phone", "is_primary"],
)

ADDRESS = Entity(
    Address,
    (
        *_common(
            "customer", "city", "country", "postal_code", "is_default", "created_at", "updated_at"
        ),
        Field("kind", _l("Kind"), "choice", ADDRESS_KINDS),
        Field("line1", _l("Address line 1")),
        Field("line2", _l("Address line 2")),
        Field("state", _l("State / province")),
    ),
    list=["kind", "line1", "postal_code", "city", "country", "is_default", "customer"],
    show=[
        "customer",
        "kind",
        "line1",
        "line2",
        "postal_code",
        "city",
        "state",
        "country",
        "is_default",
    ],
    form=[
        "customer",
        "kind",
        "line1",
        "line2",
        "postal_code",
        "city",
        "state",
        "country",
        "is_default",
    ],
    search=["kind", "city", "postal_code", "country", "is_default"],
)

PLANT = Entity(
    Plant,
    (
        *_common(
            "customer",
            "name",
            "phone",
            "city",
            "country",
            "postal_code",
            "created_at",
            "updated_at",
        ),
        Field("code", _l("Code")),
        Field("line1", _l("Address")),
        Field("contact_name", _l("Site contact")),
        Field("notes", _l("Notes")),
        Field("is_active", _l("Active"), "flag"),
    ),
    list=["name", "code", "city", "country", "contact_name", "is_active", "customer"],
    form=[
        "customer",
        "name",
        "code",
        "line1",
        "postal_code",
        "city",
        "country",
        "contact_name",
        "phone",
        "notes",
        "is_active",
    ],
    search=["name", "code", "city", "country", "is_active"],
)

BANK_ACCOUNT = Entity(
    BankAccount,
    (
        *_common("customer", "is_default", "created_at", "updated_at"),
        Field("bank_name", _l("Bank")),
        Field("account_holder", _l("Account holder")),
        Field("account_number", _l("Account number / IBAN")),
        Field("swift_bic", _l("SWIFT/BIC")),
        Field("currency", _l("Currency"), "currency"),
    ),
    list=["bank_name", "account_holder", "account_number", "currency", "is_default", "customer"],
    form=[
        "customer",
        "bank_name",
        "account_holder",
        "account_number",
        "swift_bic",
        "currency",
        "is_default",
    ],
    search=["bank_name", "account_holder"],
)

TAX_REGISTRATION = Entity(
    TaxRegistration,
    (
        *_common("customer", "created_at", "updated_at"),
        Field("regime", _l("Tax regime"), "choice"),
        Field("number", _l("Tax number")),
        Field("for_invoices", _l("Used on invoices"), "flag"),
    ),
    list=["regime", "number", "for_invoices", "customer"],
    form=["customer", "regime", "number", "for_invoices"],
    search=["regime", "number", "for_invoices"],
)

NOTE = Entity(
    Note,
    (
        *_common("customer", "created_at"),
        Field("body", _l("Note")),
        Field("author", _l("Author"), "relation"),
    ),
    list=["created_at", "author", "body", "customer"],
    show=["customer", "body", "author", "created_at"],
    form=["customer", "body"],
    search=["body"],
)

DOCUMENT = Entity(
    Document,
    (
        Field("filename", _l("File")),
        Field("content_type", _l("Type")),
        Field("size", _l("Size"), "number"),
        Field("description", _l("Description")),
        Field("uploaded_by", _l("Uploaded by"), "relation"),
        Field("uploaded_at", _l("Uploaded"), "datetime"),
        Field("customer", _l("Customer"), "relation"),
    ),
    list=["filename", "description", "size", "uploaded_by", "uploaded_at", "customer"],
    show=[
        "customer",
        "filename",
        "description",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ],
    search=["filename", "description"],
)
