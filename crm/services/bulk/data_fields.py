"""The columns of the customers, companies and leads files, shared by exports and imports.

Per entity an ordered list of ``DataField``: its key (also the heading's fallback),
a translatable heading, its kind (how a cell is read and checked), the synonyms an
import recognises (crm/data/field_synonyms.py, per language) and where the value
lives on a record:

* ``part`` "record" is the row itself; for customers "contact" is the primary
  contact, "billing"/"shipping" the default address of that kind;
* ``attr`` is the column on that part; for ``kind == "reference"`` it is the
  foreign key column and ``target``/``target_attr`` name the referenced model and the
  column holding the name a file uses (a company's name, a user's username ...).

Export writes ``header`` (the label) and ``read_value``; import maps the same headings
back, so an exported file imports back unchanged.
"""

from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any, cast

from flask_babel import lazy_gettext as _l

from crm.data.field_synonyms import SYNONYMS
from crm.fields.companies import COMPANY
from crm.fields.customers import CUSTOMER
from crm.fields.pipeline import LEAD
from crm.models import CUSTOMER_TYPES, PAYMENT_METHODS
from crm.services.core.validation import TAX_REGIMES

KINDS = (
    "text",
    "email",
    "phone",
    "country",
    "currency",
    "decimal",
    "percent",
    "date",
    "bool",
    "choice",
    "reference",
    "url",
)
ENTITIES = ("customers", "companies", "leads")


@dataclass(frozen=True)
class DataField:
    key: str
    label: object  # lazy string
    kind: str = "text"
    part: str = "record"
    attr: str | None = None
    required: bool = False
    choices: tuple[str, ...] = ()
    target: str | None = None  # model class name for references
    target_attr: str = "name"
    max_length: int | None = None
    note: object = None  # extra rule shown on the template's notes sheet
    exported: bool = True  # False: a heading imports read that no record stores as such
    entity: str = field(default="", compare=False)

    @property
    def column(self) -> str:
        return self.attr or self.key

    def synonyms(self, languages: Container[str] | None = None) -> tuple[str, ...]:
        """Every heading this field answers to, lower case, in the given (default all) languages."""
        found: list[str] = []
        for language, table in SYNONYMS.items():
            if languages is None or language in languages:
                found.extend(table.get(f"{self.entity}.{self.key}", ()))
        return tuple(found)


def _fields(entity: str, *fields: DataField) -> tuple[DataField, ...]:
    return tuple(DataField(**{**f.__dict__, "entity": entity}) for f in fields)


def _address(kind: str, label: object) -> tuple[DataField, ...]:
    return (
        DataField(
            f"{kind}_line1",
            _l("%(kind)s street", kind=label),
            part=kind,
            attr="line1",
            max_length=200,
            note=_l("City and country make an address; the street may be left empty."),
        ),
        DataField(
            f"{kind}_line2",
            _l("%(kind)s street 2", kind=label),
            part=kind,
            attr="line2",
            max_length=200,
        ),
        DataField(
            f"{kind}_postal_code",
            _l("%(kind)s postcode", kind=label),
            part=kind,
            attr="postal_code",
            max_length=20,
        ),
        DataField(
            f"{kind}_city", _l("%(kind)s city", kind=label), part=kind, attr="city", max_length=100
        ),
        DataField(
            f"{kind}_state",
            _l("%(kind)s state", kind=label),
            part=kind,
            attr="state",
            max_length=100,
        ),
        DataField(
            f"{kind}_country",
            _l("%(kind)s country", kind=label),
            "country",
            part=kind,
            attr="country",
        ),
    )


CUSTOMER_FIELDS = _fields(
    "customers",
    DataField("name", CUSTOMER.heading("name"), required=True, max_length=200),
    DataField(
        "code",
        CUSTOMER.heading("code"),
        max_length=40,
        note=_l("Left empty, a new customer gets the next free code."),
    ),
    DataField("kind", CUSTOMER.heading("kind"), "choice", choices=CUSTOMER_TYPES),
    DataField(
        "email",
        CUSTOMER.heading("email"),
        "email",
        required=True,
        max_length=254,
        note=_l("Existing customers are matched by email (ignoring case and spaces) and updated."),
    ),
    DataField("phone", CUSTOMER.heading("phone"), "phone"),
    DataField("website", CUSTOMER.heading("website"), "url", max_length=255),
    DataField("industry", CUSTOMER.heading("industry"), max_length=100),
    DataField("currency", CUSTOMER.heading("currency"), "currency"),
    DataField(
        "payment_term",
        CUSTOMER.heading("payment_term"),
        "reference",
        attr="payment_term_id",
        target="PaymentTerm",
    ),
    DataField("discount_rate", CUSTOMER.heading("discount_rate"), "percent"),
    DataField(
        "payment_method", CUSTOMER.heading("payment_method"), "choice", choices=PAYMENT_METHODS
    ),
    DataField("tax_regime", CUSTOMER.heading("tax_regime"), "choice", choices=tuple(TAX_REGIMES)),
    DataField(
        "tax_number",
        CUSTOMER.heading("tax_number"),
        max_length=50,
        note=_l("Checked with the regime's checksum."),
    ),
    DataField("credit_limit", CUSTOMER.heading("credit_limit"), "decimal"),
    DataField("credit_hold", CUSTOMER.heading("credit_hold"), "bool"),
    DataField(
        "segment", CUSTOMER.heading("segment"), "reference", attr="segment_id", target="Segment"
    ),
    DataField("region", CUSTOMER.heading("region"), "reference", attr="region_id", target="Region"),
    DataField(
        "customer_group",
        CUSTOMER.heading("customer_group"),
        "reference",
        attr="customer_group_id",
        target="CustomerGroup",
        target_attr="code",
    ),
    DataField(
        "company", CUSTOMER.heading("company"), "reference", attr="company_id", target="Company"
    ),
    DataField(
        "owner",
        CUSTOMER.heading("owner"),
        "reference",
        attr="owner_id",
        target="CrmUser",
        target_attr="username",
    ),
    DataField("notes", CUSTOMER.heading("notes")),
    DataField("contact_name", _l("Contact name"), part="contact", attr="name", max_length=150),
    DataField(
        "contact_first_name",
        _l("Contact first name"),
        part="contact",
        attr="first_name",
        max_length=70,
        exported=False,
    ),
    DataField(
        "contact_last_name",
        _l("Contact last name"),
        part="contact",
        attr="last_name",
        max_length=70,
        exported=False,
    ),
    DataField("contact_role", _l("Contact role"), part="contact", attr="role", max_length=100),
    DataField(
        "contact_email", _l("Contact email"), "email", part="contact", attr="email", max_length=254
    ),
    DataField("contact_phone", _l("Contact phone"), "phone", part="contact", attr="phone"),
    *_address("billing", _l("Billing")),
    *_address("shipping", _l("Shipping")),
)

COMPANY_FIELDS = _fields(
    "companies",
    DataField("name", COMPANY.heading("name"), required=True, max_length=200),
    DataField(
        "office_email",
        COMPANY.heading("office_email"),
        "email",
        max_length=254,
        note=_l("Existing companies are matched by email and updated."),
    ),
    DataField("office_phone", COMPANY.heading("office_phone"), "phone"),
    DataField("website", COMPANY.heading("website"), "url", max_length=255),
    DataField("industry", COMPANY.heading("industry"), max_length=100),
    DataField("street", COMPANY.heading("street"), max_length=200),
    DataField("postal_code", COMPANY.heading("postal_code"), max_length=20),
    DataField("city", COMPANY.heading("city"), max_length=100),
    DataField("state", COMPANY.heading("state"), max_length=100),
    DataField("country", COMPANY.heading("country"), "country"),
    DataField(
        "assigned_to",
        COMPANY.heading("assigned_to"),
        "reference",
        attr="assigned_to_id",
        target="CrmUser",
        target_attr="username",
    ),
    DataField("description", COMPANY.heading("description")),
)

LEAD_FIELDS = _fields(
    "leads",
    DataField("title", LEAD.heading("title"), required=True, max_length=200),
    DataField("contact_name", LEAD.heading("contact_name"), max_length=150),
    DataField(
        "contact_email",
        LEAD.heading("contact_email"),
        "email",
        max_length=254,
        note=_l("Existing leads are matched by email and updated."),
    ),
    DataField("contact_phone", LEAD.heading("contact_phone"), "phone"),
    DataField("company_name", LEAD.heading("company_name"), max_length=200),
    DataField("value", LEAD.heading("value"), "decimal"),
    DataField("source", LEAD.heading("source"), "reference", attr="source_id", target="LeadSource"),
    DataField(
        "status",
        LEAD.heading("status"),
        "reference",
        attr="status_id",
        target="LeadStatus",
        note=_l("Left empty, a new lead gets the default status."),
    ),
    DataField(
        "assigned_to",
        LEAD.heading("assigned_to"),
        "reference",
        attr="assigned_to_id",
        target="CrmUser",
        target_attr="username",
    ),
    DataField("description", LEAD.heading("description")),
)

FIELDS = {"customers": CUSTOMER_FIELDS, "companies": COMPANY_FIELDS, "leads": LEAD_FIELDS}
# The column that matches a file's row to an existing record (ignoring case and spaces).
MATCH_KEY = {"customers": "email", "companies": "office_email", "leads": "contact_email"}
ENTITY_LABELS = {"customers": _l("Customers"), "companies": _l("Companies"), "leads": _l("Leads")}


def fields_of(entity: str) -> tuple[DataField, ...]:
    return FIELDS[entity]


def exported_fields(entity: str) -> tuple[DataField, ...]:
    """The fields a file of ``entity`` is written with (and its import template shows)."""
    return tuple(f for f in FIELDS[entity] if f.exported)


def field_by_key(entity: str, key: str) -> DataField:
    return next(f for f in FIELDS[entity] if f.key == key)


def model_of(entity: str) -> Any:
    from crm.models import Company, Customer, Lead

    return {"customers": Customer, "companies": Company, "leads": Lead}[entity]


def part_of(record: Any, part: str) -> Any:
    """The object a field's ``part`` names on an ORM record (None when it has none)."""
    if part == "record":
        return record
    if part == "contact":
        return record.primary_contact
    return next((a for a in record.addresses if a.kind == part and a.is_default), None)


def read_value(record: Any, data_field: DataField) -> Any:
    """A field's value on an ORM record, as a file shows it (references by name)."""
    holder = part_of(record, data_field.part)
    if holder is None:
        return None
    if data_field.kind == "reference":
        related = getattr(
            holder, data_field.key if data_field.part == "record" else cast(str, data_field.attr)
        )
        return getattr(related, data_field.target_attr) if related is not None else None
    return getattr(holder, data_field.column)
