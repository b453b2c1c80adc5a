"""Screens for the parts of a customer: contacts, addresses, plants, bank accounts, tax
registrations, notes.

They appear as tabs on the customer's page (FAB related views) and as their
own lists. The customer is chosen with a search-as-you-type picker that offers
active customers only and never loads the whole customer table.
"""

from flask_babel import lazy_gettext as _l

from crm.datamodel.prefetch import PrefetchInterface
from crm.fields.parts import (
    ADDRESS,
    ADDRESS_KINDS,
    BANK_ACCOUNT,
    CONTACT,
    NOTE,
    PLANT,
    TAX_REGISTRATION,
)
from crm.models import Address, BankAccount, Contact, Note, Plant, TaxRegistration
from crm.services.customers import (
    addresses,
    bank_accounts,
    contacts,
    notes,
    plants,
    tax_registrations,
)
from crm.views.base import CrmModelView
from crm.views.fields import (
    choice_field,
    country_field,
    currency_field,
    customer_picker,
    label_of,
    tax_regime_field,
)
from crm.views.financials import HiddenFinancialsMixin


def _fields(**extra):
    return {"customer": customer_picker(), **extra}


class CustomerPartView(CrmModelView):
    # The picker, not FAB's QuerySelectField, which would load every customer.
    add_form_extra_fields = _fields()
    edit_form_extra_fields = _fields()
    search_exclude_columns = ["customer"]


class ContactView(CustomerPartView):
    datamodel = PrefetchInterface(
        Contact, prefetch=("customer",), after_delete=contacts.keep_a_primary
    )
    class_permission_name = "Contact"
    route_base = "/contacts"
    list_title = _l("Contacts")
    show_title = _l("Contact")
    list_template = "crm/contact_list.html"
    show_template = "crm/contact_show.html"  # with the Email button
    label_columns = CONTACT.labels()
    list_columns = CONTACT.columns("list")
    show_columns = CONTACT.columns("show")
    add_columns = edit_columns = CONTACT.columns("form")
    search_columns = CONTACT.columns("search")
    base_order = ("name", "asc")
    description_columns = {"is_primary": _l("Exactly one contact per customer is primary.")}
    prepare = staticmethod(contacts.prepare)


def _address_fields():
    return _fields(kind=choice_field(ADDRESS.label("kind"), ADDRESS_KINDS), country=country_field())


class AddressView(CustomerPartView):
    datamodel = PrefetchInterface(
        Address,
        prefetch=("customer",),
        after_write=addresses.refresh_location_of,
        after_delete=addresses.refresh_location_of,
    )
    class_permission_name = "Address"
    route_base = "/addresses"
    list_title = _l("Addresses")
    show_title = _l("Address")
    label_columns = ADDRESS.labels()
    list_columns = ADDRESS.columns("list")
    show_columns = ADDRESS.columns("show")
    add_columns = edit_columns = ADDRESS.columns("form")
    search_columns = ADDRESS.columns("search")
    formatters_columns = {"kind": label_of(ADDRESS_KINDS)}
    add_form_extra_fields = _address_fields()
    edit_form_extra_fields = _address_fields()
    description_columns = {"is_default": _l("One default address of each kind per customer.")}
    prepare = staticmethod(addresses.prepare)


class PlantView(CustomerPartView):
    datamodel = PrefetchInterface(Plant, prefetch=("customer",))
    class_permission_name = "Plant"
    route_base = "/plants"
    list_title = _l("Plants")
    show_title = _l("Plant")
    label_columns = PLANT.labels()
    list_columns = PLANT.columns("list")
    add_columns = edit_columns = show_columns = PLANT.columns("form")
    search_columns = PLANT.columns("search")
    add_form_extra_fields = _fields(country=country_field())
    edit_form_extra_fields = _fields(country=country_field())
    prepare = staticmethod(plants.prepare)


class BankAccountView(HiddenFinancialsMixin, CustomerPartView):
    datamodel = PrefetchInterface(BankAccount, prefetch=("customer",))
    class_permission_name = "BankAccount"
    route_base = "/bank-accounts"
    list_title = _l("Bank accounts")
    show_title = _l("Bank account")
    label_columns = BANK_ACCOUNT.labels()
    list_columns = BANK_ACCOUNT.columns("list")
    add_columns = edit_columns = show_columns = BANK_ACCOUNT.columns("form")
    search_columns = BANK_ACCOUNT.columns("search")
    add_form_extra_fields = _fields(currency=currency_field(blank=True))
    edit_form_extra_fields = _fields(currency=currency_field(blank=True))
    prepare = staticmethod(bank_accounts.prepare)


class TaxRegistrationView(CustomerPartView):
    datamodel = PrefetchInterface(
        TaxRegistration,
        prefetch=("customer",),
        after_write=tax_registrations.after_write,
        after_delete=tax_registrations.after_delete,
    )
    class_permission_name = "TaxRegistration"
    route_base = "/tax-registrations"
    list_title = _l("Tax registrations")
    label_columns = TAX_REGISTRATION.labels()
    list_columns = TAX_REGISTRATION.columns("list")
    add_columns = edit_columns = show_columns = TAX_REGISTRATION.columns("form")
    search_columns = TAX_REGISTRATION.columns("search")
    base_order = ("regime", "asc")
    add_form_extra_fields = _fields(regime=tax_regime_field(blank=False))
    edit_form_extra_fields = _fields(regime=tax_regime_field(blank=False))
    description_columns = {
        "number": _l("Checked against the regime's checksum where it has one."),
        "for_invoices": _l("Exactly one tax number per customer is printed on its invoices."),
    }
    prepare = staticmethod(tax_registrations.prepare)


class NoteView(CustomerPartView):
    datamodel = PrefetchInterface(Note, prefetch=("customer", "author"))
    class_permission_name = "Note"
    route_base = "/notes"
    list_title = _l("Notes")
    show_title = _l("Note")
    label_columns = NOTE.labels()
    list_columns = NOTE.columns("list")
    show_columns = NOTE.columns("show")
    add_columns = edit_columns = NOTE.columns("form")
    search_columns = NOTE.columns("search")
    base_order = ("created_at", "desc")
    prepare = staticmethod(notes.prepare)
