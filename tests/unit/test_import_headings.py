"""A file's headings are recognised in every language the interface ships."""

import unicodedata

import pytest

from config import Config
from crm.services.bulk.imports.mapping import guess_mapping

LANGUAGES = tuple(Config.LANGUAGES)  # the interface's, as the screens and the CLI pass them

# Headings as a spreadsheet written in that language would have them.
HEADINGS = {
    "en": {
        "Company Name": "name",
        "E-mail": "email",
        "VAT no.": "tax_number",
        "Zip code": "billing_postal_code",
        "Credit line": "credit_limit",
    },
    "de": {
        "Firmenname": "name",
        "E-Mail-Adresse": "email",
        "USt-IdNr.": "tax_number",
        "PLZ": "billing_postal_code",
        "Kreditlimit": "credit_limit",
    },
    "fr": {
        "Raison sociale": "name",
        "Courriel": "email",
        "N° TVA": "tax_number",
        "Code postal": "billing_postal_code",
        "Plafond de crédit": "credit_limit",
    },
    "es": {
        "Razón social": "name",
        "Correo electrónico": "email",
        "NIF": "tax_number",
        "Código postal": "billing_postal_code",
        "Límite de crédito": "credit_limit",
    },
    "hi": {
        "ग्राहक का नाम": "name",
        "ईमेल": "email",
        "जीएसटीआईएन": "tax_number",
        "पिन कोड": "billing_postal_code",
        "क्रेडिट सीमा": "credit_limit",
    },
}


@pytest.mark.parametrize("language", sorted(HEADINGS))
def test_customer_headings_map_to_their_fields(app, language):
    headings = HEADINGS[language]
    with app.app_context():
        assert guess_mapping("customers", list(headings), languages=LANGUAGES) == headings


def test_the_catalogues_labels_are_headings_too(app):
    """A template exported in German imports back: its headings are the fields' labels."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("de"):
        heading = gettext("Credit limit")
    assert heading != "Credit limit"
    with app.app_context():
        assert guess_mapping("customers", [heading], languages=LANGUAGES) == {
            heading: "credit_limit"
        }


def test_a_precomposed_nukta_matches_the_synonym(app):
    """फ़ typed as one code point (U+095E) or as फ + nukta is the same heading."""
    typed = "\u095e\u094b\u0928"
    assert typed != unicodedata.normalize("NFD", typed)
    with app.app_context():
        assert guess_mapping("customers", [typed]) == {typed: "phone"}


# Headings of common exports and public samples (datablist, CRM contact exports).
EXPORT_HEADINGS = {
    "Customer Id": "code",
    "First Name": "contact_first_name",
    "Last Name": "contact_last_name",
    "companyName": "name",
    "Phone 1": "phone",
    "Phone 2": "contact_phone",
    "Street": "billing_line1",
    "Street2": "billing_line2",
    "Region/State": "billing_state",
    "ZIP/Postal Code": "billing_postal_code",
    "Fax": "",
}


def test_headings_of_common_exports_and_camel_case(app):
    with app.app_context():
        assert guess_mapping("customers", list(EXPORT_HEADINGS)) == EXPORT_HEADINGS
        assert guess_mapping("customers", ["contactName", "Mobile", "postalCode", "Email"]) == {
            "contactName": "contact_name",
            "Mobile": "contact_phone",
            "postalCode": "billing_postal_code",
            "Email": "email",
        }


def test_without_a_name_column_company_names_the_customer(app):
    from crm.services.bulk.imports.mapping import clean_mapping

    with app.app_context():
        assert guess_mapping("customers", ["Company", "Email"]) == {
            "Company": "name",
            "Email": "email",
        }
        assert guess_mapping("customers", ["Name", "Company"]) == {
            "Name": "name",
            "Company": "company",
        }
        # First and last name stand in for the name (validate.py joins them per row).
        headings = ["First Name", "Last Name", "Email"]
        assert clean_mapping("customers", headings, guess_mapping("customers", headings))


def test_a_column_of_numbers_is_never_guessed_as_a_name(app):
    """French "nombre" is a count, Spanish "nombre" a name: the cells decide."""
    headings = ["prenoms", "nombre", "sexe", "annee"]
    rows = [["Adèle", "67", "F", "2004"], ["Zoé", "1 204", "F", "2004"], ["", "", "", ""]]
    with app.app_context():
        for entity in ("customers", "companies"):
            assert guess_mapping(entity, headings, rows)["nombre"] == ""
        assert guess_mapping("customers", ["Nombre", "Correo"], [["Zoé Ferré", "z@x.example"]]) == {
            "Nombre": "name",
            "Correo": "email",
        }
        # Numbers under a heading that names another field are still that field.
        assert guess_mapping("customers", ["Name", "Credit limit"], [["Acme", "1.234,50"]]) == {
            "Name": "name",
            "Credit limit": "credit_limit",
        }


def test_a_heading_is_known_without_the_field_code_another_program_adds(app):
    """Dolibarr's import files write "Label* (table.field)"."""
    headings = [
        "Name* (s.nom)",
        "Town (s.ville)",
        "Zip (s.cp)",
        "Email (s.email)",
        "Capital (s.capital)",
    ]
    with app.app_context():
        assert guess_mapping("companies", headings) == {
            "Name* (s.nom)": "name",
            "Town (s.ville)": "city",
            "Zip (s.cp)": "postal_code",
            "Email (s.email)": "office_email",
            "Capital (s.capital)": "",
        }
        # The parenthesised part still counts where the whole heading is a synonym.
        assert guess_mapping("customers", ["Name", "Discount (%)"]) == {
            "Name": "name",
            "Discount (%)": "discount_rate",
        }
