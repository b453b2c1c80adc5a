"""The customer add form also takes the primary contact and the billing (and, when ticked,
a different shipping) address; crm.services.customers.entry checks and saves them with the
customer as one save."""

from flask import g
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField

from crm.fields.customers import CUSTOMER
from crm.services.core.errors import CrmError, ValidationFailed
from crm.services.customers import entry
from crm.views.base import discard_candidate, flash_error
from crm.views.fields import country_field

# A service part's fields are this prefix and the field's name on the form.
FORM_PREFIX = {
    entry.CONTACT_PART: "contact",
    "billing_address": "billing",
    "shipping_address": "shipping",
}
DIFFERENT_SHIPPING = "different_shipping"
LABELS = {
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "line1": _l("Address line 1"),
    "line2": _l("Address line 2"),
    "postal_code": _l("Postal code"),
    "city": _l("City"),
    "state": _l("State / province"),
    "country": _l("Country"),
}


class _PartText(StringField):
    """A part's field: read by the entry service, never set on the customer."""

    def populate_obj(self, obj, name):
        pass


class _PartCountry(SelectField):
    def populate_obj(self, obj, name):
        pass


class _PartFlag(BooleanField):
    def populate_obj(self, obj, name):
        pass


def _part_field(key):
    if key == "country":
        unbound = country_field(LABELS[key])
        return _PartCountry(*unbound.args, **unbound.kwargs)
    return _PartText(LABELS[key])


def _names(part):
    return [f"{FORM_PREFIX[part]}_{key}" for key in entry.PARTS[part]]


def entry_fields():
    fields = {
        name: _part_field(key)
        for part in entry.PARTS
        for name, key in zip(_names(part), entry.PARTS[part])
    }
    fields[DIFFERENT_SHIPPING] = _PartFlag(_l("Different shipping address"))
    return fields


ENTRY_COLUMNS = [
    *_names(entry.CONTACT_PART),
    *_names("billing_address"),
    DIFFERENT_SHIPPING,
    *_names("shipping_address"),
]
ADD_FIELDSETS = [
    (_l("Customer"), {"fields": CUSTOMER.columns("form")}),
    (_l("Primary contact"), {"fields": _names(entry.CONTACT_PART)}),
    (_l("Billing address"), {"fields": _names("billing_address")}),
    (_l("Shipping address"), {"fields": [DIFFERENT_SHIPPING, *_names("shipping_address")]}),
]


def entry_parts(form):
    """The parts the add form carries (a shipping address only when ticked)."""
    values = {}
    for part, prefix in FORM_PREFIX.items():
        if part == "shipping_address" and not form[DIFFERENT_SHIPPING].data:
            continue
        values[part] = {key: form[f"{prefix}_{key}"].data for key in entry.PARTS[part]}
    return entry.read_parts(values)


def _on_form(exc):
    """The service's refusal with its part fields named as the form names them."""
    if not exc.errors:
        return exc
    errors = {}
    for field, messages in exc.errors.items():
        part, _, key = field.partition(".")
        errors[f"{FORM_PREFIX[part]}_{key}" if part in FORM_PREFIX else field] = messages
    return ValidationFailed(errors)


class CustomerEntry:
    """Mixed into CustomerView before CrmModelView: its add form checks and saves the parts."""

    def check_form(self, form):
        if getattr(form, "_id", None) is not None:
            return super().check_form(form)
        session = self.session
        with session.no_autoflush:
            item = self._candidate(form)
            try:
                entry.detach(session, item, entry.attach(session, item, entry_parts(form)))
                return True
            except CrmError as exc:
                flash_error(_on_form(exc), form)
                return False
            finally:
                discard_candidate(session, item)

    def process_form(self, form, is_created):
        super().process_form(form, is_created)
        if is_created:
            g.crm_entry_parts = entry_parts(form)

    def before_save(self, item):
        if item.id is None:
            entry.attach(self.session, item, g.pop("crm_entry_parts", {}))
        else:
            super().before_save(item)
