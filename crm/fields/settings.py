"""A tenant's reference lists (payment terms, segments, sub-segments, regions, tags, custom
fields) and the sales pipeline's settings (lead statuses and sources, pipelines, stages)."""

from flask_babel import lazy_gettext as _l

from crm.fields.catalogue import Entity, Field
from crm.models import (
    CustomFieldDefinition,
    LeadSource,
    LeadStatus,
    PaymentTerm,
    Pipeline,
    Region,
    Segment,
    Stage,
    SubSegment,
    Tag,
    TaxRegime,
)

CUSTOM_FIELD_TYPES = {
    "text": _l("Text"),
    "number": _l("Number"),
    "date": _l("Date"),
    "choice": _l("Choice"),
}

_NAME, _ACTIVE = Field("name", _l("Name")), Field("is_active", _l("Active"), "flag")
_COLOUR, _DEFAULT = Field("colour", _l("Colour")), Field("is_default", _l("Default"), "flag")
_POSITION = Field("position", _l("Position"), "number")

PAYMENT_TERM = Entity(PaymentTerm, (_NAME, Field("days", _l("Days until due"), "number"), _ACTIVE))
SEGMENT = Entity(Segment, (_NAME,))
SUB_SEGMENT = Entity(SubSegment, (_NAME, Field("segment", _l("Segment"), "relation")))
REGION = Entity(Region, (_NAME,))
TAG = Entity(Tag, (_NAME, _COLOUR))
TAX_REGIME = Entity(
    TaxRegime,
    (
        Field("code", _l("Code")),
        _NAME,
        Field("country", _l("Country"), "country"),
        Field("validator", _l("Number check"), "choice"),
        _ACTIVE,
    ),
)
CUSTOM_FIELD = Entity(
    CustomFieldDefinition,
    (
        Field("name", _l("Key")),
        Field("label", _l("Label")),
        Field("field_type", _l("Type"), "choice", CUSTOM_FIELD_TYPES),
        Field("choices", _l("Options")),
        Field("required", _l("Required"), "flag"),
        _POSITION,
        _ACTIVE,
    ),
)
LEAD_STATUS = Entity(
    LeadStatus, (_NAME, _COLOUR, _DEFAULT, Field("is_final", _l("Final"), "flag"), _POSITION)
)
LEAD_SOURCE = Entity(LeadSource, (_NAME, _ACTIVE))
PIPELINE = Entity(
    Pipeline, (_NAME, Field("description", _l("Description")), _ACTIVE, _DEFAULT, _POSITION)
)
STAGE = Entity(
    Stage,
    (
        Field("pipeline", _l("Pipeline"), "relation"),
        _NAME,
        _COLOUR,
        Field("probability", _l("Probability (%)"), "percent"),
        _DEFAULT,
        Field("is_won", _l("Won"), "flag"),
        Field("is_lost", _l("Lost"), "flag"),
        _POSITION,
    ),
)
