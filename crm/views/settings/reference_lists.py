"""Settings screens: payment terms, segments, sub-segments, regions, tags, custom fields."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField

from crm.datamodel.interface import CrmInterface
from crm.fields.settings import (
    CUSTOM_FIELD,
    CUSTOM_FIELD_TYPES,
    PAYMENT_TERM,
    REGION,
    SEGMENT,
    SUB_SEGMENT,
    TAG,
    TAX_REGIME,
)
from crm.models import (
    CustomFieldDefinition,
    PaymentTerm,
    Region,
    Segment,
    SubSegment,
    Tag,
    TaxRegime,
)
from crm.services.customers import custom_fields
from crm.services.settings import reference_lists as settings, tax_regimes
from crm.views.base import CrmModelView
from crm.views.fields import choice_field, country_field, label_of


class SettingView(CrmModelView):
    prepare = staticmethod(settings.prepare_named)
    check_delete = staticmethod(settings.check_delete)
    base_order = ("name", "asc")


class PaymentTermView(SettingView):
    datamodel = CrmInterface(PaymentTerm)
    class_permission_name = "PaymentTerm"
    route_base = "/payment-terms"
    list_title = _l("Payment terms")
    show_title = _l("Payment term")
    label_columns = PAYMENT_TERM.labels()
    list_columns = add_columns = edit_columns = show_columns = ["name", "days", "is_active"]
    base_order = ("days", "asc")


class SegmentView(SettingView):
    datamodel = CrmInterface(Segment)
    class_permission_name = "Segment"
    route_base = "/segments"
    list_title = _l("Segments")
    show_title = _l("Segment")
    label_columns = SEGMENT.labels()
    list_columns = add_columns = edit_columns = show_columns = ["name"]


class SubSegmentView(SettingView):
    datamodel = CrmInterface(SubSegment)
    class_permission_name = "SubSegment"
    route_base = "/sub-segments"
    list_title = _l("Sub-segments")
    show_title = _l("Sub-segment")
    label_columns = SUB_SEGMENT.labels()
    list_columns = add_columns = edit_columns = show_columns = ["segment", "name"]


class RegionView(SettingView):
    datamodel = CrmInterface(Region)
    class_permission_name = "Region"
    route_base = "/regions"
    list_title = _l("Regions")
    show_title = _l("Region")
    label_columns = REGION.labels()
    list_columns = add_columns = edit_columns = show_columns = ["name"]


class TagView(SettingView):
    datamodel = CrmInterface(Tag)
    class_permission_name = "Tag"
    route_base = "/tags"
    list_title = _l("Tags")
    show_title = _l("Tag")
    label_columns = TAG.labels()
    list_columns = add_columns = edit_columns = show_columns = ["name", "colour"]
    description_columns = {"colour": _l("A colour like #2e86c1, for the tag's badge.")}


def _definition_fields():
    return {
        "field_type": choice_field(CUSTOM_FIELD.label("field_type"), CUSTOM_FIELD_TYPES),
        "choices": TextAreaField(
            _l("Options"), description=_l("Choice fields: one option per line.")
        ),
    }


class CustomFieldView(CrmModelView):
    datamodel = CrmInterface(CustomFieldDefinition)
    class_permission_name = "CustomField"
    route_base = "/custom-fields"
    list_title = _l("Custom fields")
    show_title = _l("Custom field")
    label_columns = CUSTOM_FIELD.labels()
    list_columns = ["position", "label", "name", "field_type", "required", "is_active"]
    add_columns = edit_columns = show_columns = [
        "label",
        "name",
        "field_type",
        "choices",
        "required",
        "position",
        "is_active",
    ]
    base_order = ("position", "asc")
    formatters_columns = {"field_type": label_of(CUSTOM_FIELD_TYPES)}
    add_form_extra_fields = _definition_fields()
    edit_form_extra_fields = _definition_fields()
    prepare = staticmethod(custom_fields.prepare_definition)


def _regime_fields():
    return {
        "country": country_field(),
        "validator": choice_field(
            TAX_REGIME.label("validator"),
            tax_regimes.validator_choices(),
            description=_l("The checksum its numbers must pass; “Other” takes any text."),
        ),
    }


class TaxRegimeView(CrmModelView):
    datamodel = CrmInterface(TaxRegime)
    class_permission_name = "TaxRegime"
    route_base = "/tax-regimes"
    list_title = _l("Tax regimes")
    label_columns = TAX_REGIME.labels()
    list_columns = add_columns = edit_columns = show_columns = [
        "code",
        "name",
        "country",
        "validator",
        "is_active",
    ]
    base_order = ("code", "asc")
    formatters_columns = {"validator": label_of(tax_regimes.validator_choices())}
    add_form_extra_fields = _regime_fields()
    edit_form_extra_fields = _regime_fields()
    prepare = staticmethod(tax_regimes.prepare)
    check_delete = staticmethod(tax_regimes.check_delete)
