"""Form fields shared by CRM screens: translated choice lists and pickers."""
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from crm.models import Company, Customer
from crm.services.validation import TAX_REGIMES, country_choices, currency_choices
from crm.views.pickers import RecordPickerField

CUSTOMER_TYPE_LABELS = {"company": _l("Company"), "individual": _l("Individual")}
PAYMENT_METHOD_LABELS = {
    "bank_transfer": _l("Bank transfer"), "credit_card": _l("Credit card"),
    "direct_debit": _l("Direct debit"), "cash": _l("Cash"), "cheque": _l("Cheque"),
    "paypal": _l("PayPal"),
}
ADDRESS_KIND_LABELS = {"contact": _l("Contact"), "billing": _l("Billing"), "shipping": _l("Shipping")}
FIELD_TYPE_LABELS = {"text": _l("Text"), "number": _l("Number"), "date": _l("Date"),
                     "choice": _l("Choice")}


def choice_field(label, labels, blank=False, description=""):
    choices = ([("", "—")] if blank else []) + list(labels.items())
    return SelectField(label, choices=choices, description=description,
                       coerce=lambda v: v or None, widget=Select2Widget())


def country_field(label=_l("Country")):
    return SelectField(label, choices=lambda: [("", "—")] + country_choices(),
                       coerce=lambda v: v or None, widget=Select2Widget())


def currency_field(label=_l("Currency"), blank=False):
    return SelectField(label, choices=lambda: ([("", "—")] if blank else []) + currency_choices(),
                       default="EUR", coerce=lambda v: v or None, widget=Select2Widget())


def tax_regime_field(label=_l("Tax regime")):
    return choice_field(label, {code: name for code, (name, _) in TAX_REGIMES.items()}, blank=True)


def label_of(labels):
    """A list/show formatter turning a stored code into its translated label."""
    return lambda value: labels.get(value, value or "")


def customer_picker(label=_l("Customer")):
    """The customer a record belongs to: required, active customers only."""
    return RecordPickerField(
        label, model=Customer, lookup="CustomerView.lookup", placeholder=_l("Choose a customer"),
        messages={
            "missing": _l("Choose the customer."),
            "unknown": _l("No such customer. Choose one from the list."),
            "inactive": _l("%(name)s is archived. Choose an active customer."),
        })


def company_picker(label=_l("Company")):
    """A customer's company: optional, active companies only."""
    return RecordPickerField(
        label, model=Company, lookup="CompanyView.lookup", required=False,
        placeholder=_l("Choose a company"),
        messages={
            "unknown": _l("No such company. Choose one from the list."),
            "inactive": _l("%(name)s is inactive. Choose an active company."),
        })
