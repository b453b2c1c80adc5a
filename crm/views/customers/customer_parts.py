"""Screens for the parts of a customer: contacts, addresses, plants, bank accounts, notes.

They appear as tabs on the customer's page (FAB related views) and as their
own lists. The customer is chosen with a search-as-you-type picker that offers
active customers only and never loads the whole customer table.
"""
from flask_babel import lazy_gettext as _l

from crm.datamodel.interface import CrmInterface
from crm.models import Address, BankAccount, Contact, Note, Plant
from crm.services.customers import addresses, bank_accounts, contacts, notes, plants
from crm.views.base import CrmModelView
from crm.views.fields import (
    ADDRESS_KIND_LABELS,
    choice_field,
    country_field,
    currency_field,
    customer_picker,
    label_of,
)
from crm.views.financials import HiddenFinancialsMixin

COMMON_LABELS = {
    "customer": _l("Customer"), "name": _l("Name"), "email": _l("Email"), "phone": _l("Phone"),
    "city": _l("City"), "country": _l("Country"), "postal_code": _l("Postal code"),
    "is_default": _l("Default"), "created_at": _l("Created"), "updated_at": _l("Updated"),
}


def _fields(**extra):
    return {"customer": customer_picker(), **extra}


class CustomerPartView(CrmModelView):
    # The picker, not FAB's QuerySelectField, which would load every customer.
    add_form_extra_fields = _fields()
    edit_form_extra_fields = _fields()
    search_exclude_columns = ["customer"]


class ContactView(CustomerPartView):
    datamodel = CrmInterface(Contact, after_delete=contacts.keep_a_primary)
    class_permission_name = "Contact"
    route_base = "/contacts"
    list_title = _l("Contacts")
    label_columns = {**COMMON_LABELS, "role": _l("Role"), "is_primary": _l("Primary")}
    list_columns = ["name", "role", "email", "phone", "is_primary", "customer"]
    show_columns = ["customer", "name", "role", "email", "phone", "is_primary", "created_at"]
    add_columns = edit_columns = ["customer", "name", "role", "email", "phone", "is_primary"]
    search_columns = ["name", "role", "email", "phone", "is_primary"]
    base_order = ("name", "asc")
    description_columns = {"is_primary": _l("Exactly one contact per customer is primary.")}
    prepare = staticmethod(contacts.prepare)


def _address_fields():
    return _fields(kind=choice_field(_l("Kind"), ADDRESS_KIND_LABELS), country=country_field())


class AddressView(CustomerPartView):
    datamodel = CrmInterface(Address, after_write=addresses.refresh_location_of,
                             after_delete=addresses.refresh_location_of)
    class_permission_name = "Address"
    route_base = "/addresses"
    list_title = _l("Addresses")
    label_columns = {**COMMON_LABELS, "kind": _l("Kind"), "line1": _l("Address line 1"),
                     "line2": _l("Address line 2"), "state": _l("State / province")}
    list_columns = ["kind", "line1", "postal_code", "city", "country", "is_default", "customer"]
    show_columns = ["customer", "kind", "line1", "line2", "postal_code", "city", "state",
                    "country", "is_default"]
    add_columns = edit_columns = ["customer", "kind", "line1", "line2", "postal_code", "city",
                                  "state", "country", "is_default"]
    search_columns = ["kind", "city", "postal_code", "country", "is_default"]
    formatters_columns = {"kind": label_of(ADDRESS_KIND_LABELS)}
    add_form_extra_fields = _address_fields()
    edit_form_extra_fields = _address_fields()
    description_columns = {"is_default": _l("One default address of each kind per customer.")}
    prepare = staticmethod(addresses.prepare)


class PlantView(CustomerPartView):
    datamodel = CrmInterface(Plant)
    class_permission_name = "Plant"
    route_base = "/plants"
    list_title = _l("Plants")
    label_columns = {**COMMON_LABELS, "code": _l("Code"), "line1": _l("Address"),
                     "contact_name": _l("Site contact"), "notes": _l("Notes"),
                     "is_active": _l("Active")}
    list_columns = ["name", "code", "city", "country", "contact_name", "is_active", "customer"]
    add_columns = edit_columns = show_columns = [
        "customer", "name", "code", "line1", "postal_code", "city", "country", "contact_name",
        "phone", "notes", "is_active"]
    search_columns = ["name", "code", "city", "country", "is_active"]
    add_form_extra_fields = _fields(country=country_field())
    edit_form_extra_fields = _fields(country=country_field())
    prepare = staticmethod(plants.prepare)


class BankAccountView(HiddenFinancialsMixin, CustomerPartView):
    datamodel = CrmInterface(BankAccount)
    class_permission_name = "BankAccount"
    route_base = "/bank-accounts"
    list_title = _l("Bank accounts")
    label_columns = {**COMMON_LABELS, "bank_name": _l("Bank"), "account_holder": _l("Account holder"),
                     "account_number": _l("Account number / IBAN"), "swift_bic": _l("SWIFT/BIC"),
                     "currency": _l("Currency")}
    list_columns = ["bank_name", "account_holder", "account_number", "currency", "is_default",
                    "customer"]
    add_columns = edit_columns = show_columns = [
        "customer", "bank_name", "account_holder", "account_number", "swift_bic", "currency",
        "is_default"]
    search_columns = ["bank_name", "account_holder"]
    add_form_extra_fields = _fields(currency=currency_field(blank=True))
    edit_form_extra_fields = _fields(currency=currency_field(blank=True))
    prepare = staticmethod(bank_accounts.prepare)


class NoteView(CustomerPartView):
    datamodel = CrmInterface(Note)
    class_permission_name = "Note"
    route_base = "/notes"
    list_title = _l("Notes")
    label_columns = {**COMMON_LABELS, "body": _l("Note"), "author": _l("Author")}
    list_columns = ["created_at", "author", "body", "customer"]
    show_columns = ["customer", "body", "author", "created_at"]
    add_columns = edit_columns = ["customer", "body"]
    search_columns = ["body"]
    base_order = ("created_at", "desc")
    prepare = staticmethod(notes.prepare)
