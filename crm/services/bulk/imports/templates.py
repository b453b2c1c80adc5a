"""A downloadable template per entity: heading row, an example row and a notes sheet."""

import io

from flask_babel import gettext, lazy_gettext as _l

from crm.services.bulk.data_fields import DataField, exported_fields
from crm.services.core.workbooks import new_workbook

KIND_RULES = {
    "text": _l("Text."),
    "email": _l("An email address, e.g. anna@example.com."),
    "phone": _l(
        "A phone number with its country code, e.g. +44 20 7946 0958 (or without it, "
        "read in the row's country)."
    ),
    "country": _l("A two-letter ISO country code, e.g. DE, FR, GB."),
    "currency": _l("A three-letter ISO 4217 currency code, e.g. EUR, USD."),
    "decimal": _l("A number, zero or more: 1234.50, 1,234.50 or 1.234,50."),
    "percent": _l("A percentage from 0 to 100."),
    "date": _l("A date: 2025-03-31 or 31.03.2025."),
    "bool": _l("yes or no."),
    "choice": _l("One of: %(choices)s."),
    "reference": _l("The %(target)s of an existing record, as shown in the CRM."),
    "url": _l("A web address, e.g. example.com."),
}

EXAMPLES = {
    "customers": {
        "name": "Müller Maschinenbau GmbH",
        "kind": "company",
        "email": "info@mueller-maschinen.example",
        "phone": "+49 30 1234567",
        "website": "mueller-maschinen.example",
        "currency": "EUR",
        "discount_rate": "5",
        "tax_regime": "VAT",
        "tax_number": "DE136695976",
        "credit_limit": "25000.00",
        "credit_hold": "no",
        "contact_name": "Anna Müller",
        "contact_email": "anna@mueller-maschinen.example",
        "billing_line1": "Hauptstraße 1",
        "billing_postal_code": "10115",
        "billing_city": "Berlin",
        "billing_country": "DE",
    },
    "companies": {
        "name": "Northwind Holdings",
        "office_email": "office@northwind.example",
        "office_phone": "+44 20 7946 0958",
        "website": "northwind.example",
        "street": "1 King Street",
        "postal_code": "EC2V 8AU",
        "city": "London",
        "country": "GB",
    },
    "leads": {
        "title": "Fleet renewal 2026",
        "contact_name": "Jean Dupont",
        "contact_email": "jean.dupont@example.com",
        "contact_phone": "+33 1 42 68 53 00",
        "company_name": "Dupont Logistique",
        "value": "12000.00",
    },
}


def rule_of(data_field: DataField) -> str:
    rule = str(KIND_RULES[data_field.kind]) % {
        "choices": ", ".join(data_field.choices),
        "target": data_field.target_attr,
    }
    if data_field.required:
        rule = gettext("Required.") + " " + rule
    if data_field.max_length:
        rule += " " + gettext("At most %(n)d characters.", n=data_field.max_length)
    if data_field.note:
        rule += " " + str(data_field.note)
    return rule


def template_workbook(entity: str) -> bytes:
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet(gettext("Data"))
    notes = workbook.add_worksheet(gettext("Notes"))
    example = EXAMPLES[entity]
    notes.write_string(0, 0, gettext("Column"), bold)
    notes.write_string(0, 1, gettext("Rules"), bold)
    for col, data_field in enumerate(exported_fields(entity)):
        sheet.write_string(0, col, str(data_field.label), bold)
        if example.get(data_field.key):
            sheet.write_string(1, col, example[data_field.key])
        notes.write_string(col + 1, 0, str(data_field.label))
        notes.write_string(col + 1, 1, rule_of(data_field))
    sheet.freeze_panes(1, 0)
    notes.set_column(0, 0, 24)
    notes.set_column(1, 1, 100)
    workbook.close()
    return buffer.getvalue()
