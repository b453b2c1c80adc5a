"""Settings screens: payment terms, segments, sub-segments, regions, tags, custom fields."""
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField

from crm.datamodel.interface import CrmInterface
from crm.models import CustomFieldDefinition, PaymentTerm, Region, Segment, SubSegment, Tag
from crm.services.customers import custom_fields
from crm.services.settings import reference_lists as settings
from crm.views.base import CrmModelView
from crm.views.fields import FIELD_TYPE_LABELS, choice_field, label_of


class SettingView(CrmModelView):
    prepare = staticmethod(settings.prepare_named)
    check_delete = staticmethod(settings.check_delete)
    base_order = ("name", "asc")


class PaymentTermView(SettingView):
    datamodel = CrmInterface(PaymentTerm)
    class_permission_name = "PaymentTerm"
    route_base = "/payment-terms"
    list_title = _l("Payment terms")
    label_columns = {"name": _l("Name"), "days": _l("Days until due"), "is_active": _l("Active")}
    list_columns = add_columns = edit_columns = show_columns = ["name", "days", "is_active"]
    base_order = ("days", "asc")


class SegmentView(SettingView):
    datamodel = CrmInterface(Segment)
    class_permission_name = "Segment"
    route_base = "/segments"
    list_title = _l("Segments")
    label_columns = {"name": _l("Name")}
    list_columns = add_columns = edit_columns = show_columns = ["name"]


class SubSegmentView(SettingView):
    datamodel = CrmInterface(SubSegment)
    class_permission_name = "SubSegment"
    route_base = "/sub-segments"
    list_title = _l("Sub-segments")
    label_columns = {"name": _l("Name"), "segment": _l("Segment")}
    list_columns = add_columns = edit_columns = show_columns = ["segment", "name"]


class RegionView(SettingView):
    datamodel = CrmInterface(Region)
    class_permission_name = "Region"
    route_base = "/regions"
    list_title = _l("Regions")
    label_columns = {"name": _l("Name")}
    list_columns = add_columns = edit_columns = show_columns = ["name"]


class TagView(SettingView):
    datamodel = CrmInterface(Tag)
    class_permission_name = "Tag"
    route_base = "/tags"
    list_title = _l("Tags")
    label_columns = {"name": _l("Name"), "colour": _l("Colour")}
    list_columns = add_columns = edit_columns = show_columns = ["name", "colour"]
    description_columns = {"colour": _l("A colour like #2e86c1, for the tag's badge.")}


def _definition_fields():
    return {
        "field_type": choice_field(_l("Type"), FIELD_TYPE_LABELS),
        "choices": TextAreaField(_l("Options"), description=_l("Choice fields: one option per line.")),
    }


class CustomFieldView(CrmModelView):
    datamodel = CrmInterface(CustomFieldDefinition)
    class_permission_name = "CustomField"
    route_base = "/custom-fields"
    list_title = _l("Custom fields")
    label_columns = {"name": _l("Key"), "label": _l("Label"), "field_type": _l("Type"),
                     "choices": _l("Options"), "required": _l("Required"),
                     "position": _l("Position"), "is_active": _l("Active")}
    list_columns = ["position", "label", "name", "field_type", "required", "is_active"]
    add_columns = edit_columns = show_columns = ["label", "name", "field_type", "choices",
                                                 "required", "position", "is_active"]
    base_order = ("position", "asc")
    formatters_columns = {"field_type": label_of(FIELD_TYPE_LABELS)}
    add_form_extra_fields = _definition_fields()
    edit_form_extra_fields = _definition_fields()
    prepare = staticmethod(custom_fields.prepare_definition)
