"""Form fields shared by CRM screens: choice lists (their labels come from crm.fields),
pickers, and dates and amounts read as the user's locale writes them."""

import datetime as dt

from flask_appbuilder.fieldwidgets import DatePickerWidget, Select2Widget
from flask_babel import get_locale, get_timezone, lazy_gettext as _l
from markupsafe import Markup
from wtforms import DateField, DateTimeLocalField, DecimalField, SelectField
from wtforms.validators import Optional
from wtforms.widgets import TextInput, html_params

from crm.extensions import db
from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid, date_invalid_message, number_invalid_message
from crm.i18n.parsing import form_date_formats
from crm.models import Company, Customer
from crm.services.core.validation import country_choices, currency_choices
from crm.services.customers.tax_registrations import regime_choices
from crm.views.pickers import RecordPickerField


def _reader():
    """The locale country and currency names are written in."""
    return str(get_locale() or "en")


def choice_field(label, labels, blank=False, description=""):
    choices = ([("", "—")] if blank else []) + list(labels.items())
    return SelectField(
        label,
        choices=choices,
        description=description,
        coerce=lambda v: v or None,
        widget=Select2Widget(),
    )


def country_field(label=_l("Country")):
    return SelectField(
        label,
        choices=lambda: [("", "—")] + country_choices(_reader()),
        coerce=lambda v: v or None,
        widget=Select2Widget(),
    )


def currency_field(label=_l("Currency"), blank=False):
    return SelectField(
        label,
        choices=lambda: ([("", "—")] if blank else []) + currency_choices(_reader()),
        default="EUR",
        coerce=lambda v: v or None,
        widget=Select2Widget(),
    )


def tax_regime_field(label=_l("Tax regime"), blank=True):
    """The tenant's active tax regimes (Settings → Tax regimes)."""

    def choices():
        return ([("", "—")] if blank else []) + regime_choices(db.session)

    return SelectField(label, choices=choices, coerce=lambda v: v or None, widget=Select2Widget())


def label_of(labels):
    """A list/show formatter turning a stored code into its translated label."""

    def label(value):
        return labels.get(value, value or "")

    return label


def customer_picker(label=_l("Customer")):
    """The customer a record belongs to: required, active customers only."""
    return RecordPickerField(
        label,
        model=Customer,
        lookup="CustomerView.lookup",
        placeholder=_l("Choose a customer"),
        messages={
            "missing": _l("Choose the customer."),
            "unknown": _l("No such customer. Choose one from the list."),
            "inactive": _l("%(name)s is archived. Choose an active customer."),
        },
    )


def company_picker(label=_l("Company")):
    """A customer's company: optional, active companies only."""
    return RecordPickerField(
        label,
        model=Company,
        lookup="CompanyView.lookup",
        required=False,
        placeholder=_l("Choose a company"),
        messages={
            "unknown": _l("No such company. Choose one from the list."),
            "inactive": _l("%(name)s is inactive. Choose an active company."),
        },
    )


class LocaleDateField(DateField):
    """A date typed in ISO (``2025-03-31``, what date pickers and ``<input type="date">``
    post) or as the user's locale writes it short (``31.03.2025`` or ``31.03.25`` in
    German, ``31/03/2025`` in French, ``3/31/2025`` in English; crm.i18n.parsing).
    It is shown in ISO, which every date widget reads. Anything else is refused with
    the accepted forms as examples."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        locale = get_locale()
        formats = tuple(self.strptime_format) + tuple(
            f for f in form_date_formats(locale) if f not in self.strptime_format
        )
        try:
            self.data = inputs.date(" ".join(valuelist), locale, formats)
        except InputInvalid:
            self.data = None
            raise ValueError(self.invalid_value_message or date_invalid_message(locale)) from None


class LocaleDecimalField(DecimalField):
    """An amount typed as the user's locale writes it (``1.234,56`` in German, ``1,234.56``
    in English) or as a plain number (``1234.56``, how the field shows its value).
    A text input: a number input would refuse the locale's group separators."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs["render_kw"] = {"inputmode": "decimal", **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        locale = get_locale()
        try:
            self.data = inputs.amount(valuelist[0], locale)
        except InputInvalid:
            self.data = None
            raise ValueError(self.invalid_value_message or number_invalid_message(locale)) from None


# strptime directives -> bootstrap-datepicker's format tokens.
_PICKER_TOKENS = {"%d": "dd", "%m": "mm", "%Y": "yyyy", "%y": "yy"}


def _picker_format(pattern):
    for directive, token in _PICKER_TOKENS.items():
        pattern = pattern.replace(directive, token)
    return pattern


class LocaleDatePickerWidget(DatePickerWidget):
    """FAB's date picker writing and showing the user's locale's short date (``3/20/2027``
    in English, ``20.03.2027`` in German), the form LocaleDateField reads and the field's
    hint shows. What was typed is left as typed (the picker's own parsing, which reads
    everything as ``yyyy-mm-dd``, is off) and shown again when the form comes back with
    an error. FAB's start-up script sets every ``appbuilder_date`` to ``yyyy-mm-dd``, so
    this picker starts from its data attributes when first focused instead."""

    template = (
        '<div class="input-group date crm-date" data-provide="datepicker"'
        ' data-date-format="%(format)s" data-date-force-parse="false"'
        ' data-date-autoclose="true">'
        '<span class="input-group-addon"><i class="fa fa-calendar cursor-hand"></i></span>'
        '<input class="form-control" %(text)s /></div>'
    )

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("name", field.name)
        value = field.raw_data[0] if field.raw_data else picker_date_text(field.data)
        return self.render(value, **kwargs)

    def render(self, value, **kwargs):
        """The picker holding ``value`` (text as typed or written by picker_date_text)."""
        return Markup(
            self.template
            % {
                "format": _picker_format(_picker_pattern()),
                "text": html_params(type="text", value=value, autocomplete="off", **kwargs),
            }
        )


def _picker_pattern():
    formats = form_date_formats(get_locale())
    return formats[1] if len(formats) > 1 else formats[0]


def picker_date_text(day):
    """``day`` as the date picker writes it in the user's locale (``07.12.2026`` in German),
    blank for None: what a form's date input shows and what a script fills in."""
    return day.strftime(_picker_pattern()) if day else ""


def date_picker(name, value):
    """A hand-built form's date input, the same picker as the generated forms'."""
    if value and hasattr(value, "strftime"):
        value = picker_date_text(value)
    return LocaleDatePickerWidget().render(value or "", id=name, name=name)


def date_field(label, description="", **kwargs):
    """An optional date as ``<input type="date">``, read by LocaleDateField."""
    return LocaleDateField(
        label,
        validators=[Optional()],
        description=description,
        render_kw={"type": "date", "class": "form-control"},
        **kwargs,
    )


class LocalDateTimeField(DateTimeLocalField):
    """A moment as the browser's date-time input enters it, in the tenant's timezone (as
    pages show moments); stored and handed to services as UTC. Optional."""

    FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", self.FORMATS)
        kwargs.setdefault("render_kw", {"class": "form-control"})
        super().__init__(label, validators or [Optional()], **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and self.data.tzinfo is None:
            self.data = get_timezone().localize(self.data).astimezone(dt.timezone.utc)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if self.data is None:
            return ""
        moment = self.data if self.data.tzinfo else self.data.replace(tzinfo=dt.timezone.utc)
        return moment.astimezone(get_timezone()).strftime(self.format[0])


def as_iso_date(text):
    """For forms built by hand, whose services read ISO dates: the text as ISO when it is
    ISO or the user's locale's short date, blank as blank, otherwise the refusal
    (``InputInvalid``), which the service's reader raises again beside the field."""
    if inputs.blank(text):
        return text
    try:
        return inputs.date(text, get_locale()).isoformat()
    except InputInvalid as refusal:
        return refusal


def as_plain_number(text):
    """For forms built by hand, whose services read plain numbers: ``1.234,56`` typed in
    German as ``1234.56``, blank as blank; text that is no number in the user's locale
    as its refusal (``InputInvalid``), which the service's reader raises again, so it is
    never read in another language's way."""
    if inputs.blank(text):
        return text
    try:
        return format(inputs.amount(text, get_locale()), "f")
    except InputInvalid as refusal:
        return refusal


def localise_form(form_class):
    """The inputs FAB generates for Date and Numeric columns (wtforms' DateField with FAB's
    date picker, DecimalField) read as the user's locale writes them: LocaleDateField
    and LocaleDecimalField. Changes ``form_class`` in place, before its first use."""
    for name in dir(form_class):
        field = getattr(form_class, name, None)
        field_class = getattr(field, "field_class", None)
        if field_class is DateField:
            field.field_class = LocaleDateField
            if type(field.kwargs.get("widget")) is DatePickerWidget:
                field.kwargs["widget"] = LocaleDatePickerWidget()
        elif field_class is DecimalField:
            field.field_class = LocaleDecimalField
    return form_class
