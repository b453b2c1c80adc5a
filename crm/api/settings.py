"""REST endpoints for the tenant's reference lists."""

from crm.api.base import CrmModelApi
from crm.datamodel.interface import CrmInterface
from crm.models import CustomFieldDefinition, PaymentTerm, Region, Segment, SubSegment, Tag
from crm.services.customers import custom_fields
from crm.services.settings import reference_lists as settings


class SettingApi(CrmModelApi):
    prepare = staticmethod(settings.prepare_named)
    check_delete = staticmethod(settings.check_delete)


class PaymentTermApi(SettingApi):
    resource_name = "payment_term"
    datamodel = CrmInterface(PaymentTerm)
    class_permission_name = "PaymentTerm"
    list_columns = show_columns = ["id", "name", "days", "is_active"]
    add_columns = edit_columns = ["name", "days", "is_active"]


class SegmentApi(SettingApi):
    resource_name = "segment"
    datamodel = CrmInterface(Segment)
    class_permission_name = "Segment"
    list_columns = show_columns = ["id", "name"]
    add_columns = edit_columns = ["name"]


class SubSegmentApi(SettingApi):
    resource_name = "sub_segment"
    datamodel = CrmInterface(SubSegment)
    class_permission_name = "SubSegment"
    list_columns = show_columns = ["id", "segment.id", "segment.name", "name"]
    add_columns = edit_columns = ["segment", "name"]


class RegionApi(SettingApi):
    resource_name = "region"
    datamodel = CrmInterface(Region)
    class_permission_name = "Region"
    list_columns = show_columns = ["id", "name"]
    add_columns = edit_columns = ["name"]


class TagApi(SettingApi):
    resource_name = "tag"
    datamodel = CrmInterface(Tag)
    class_permission_name = "Tag"
    list_columns = show_columns = ["id", "name", "colour"]
    add_columns = edit_columns = ["name", "colour"]


class CustomFieldApi(CrmModelApi):
    resource_name = "custom_field"
    datamodel = CrmInterface(CustomFieldDefinition)
    class_permission_name = "CustomField"
    list_columns = show_columns = [
        "id",
        "name",
        "label",
        "field_type",
        "choices",
        "required",
        "position",
        "is_active",
    ]
    add_columns = edit_columns = [
        "name",
        "label",
        "field_type",
        "choices",
        "required",
        "position",
        "is_active",
    ]
    prepare = staticmethod(custom_fields.prepare_definition)
