"""The activity timeline's field names and stored codes in words, by the audit trail's
entity names: labels and choice labels from the field catalogue (crm.fields). A column
the catalogue does not name is shown by its raw name."""

from flask import current_app

from crm.fields.registry import ENTITIES
from crm.security.masking import mask_change, mask_summary
from crm.services.core.audit import entity_name
from crm.services.core.validation import TAX_REGIMES

LABELS = {entity_name(e.model): e.audit_labels() for e in ENTITIES.values()}
CODES = {
    entity_name(e.model): {f.name: f.choices for f in e.fields.values() if f.choices}
    for e in ENTITIES.values()
}
# The tax regimes' names live with their checksums.
CODES["customer"]["tax_regime"] = {code: name for code, (name, _) in TAX_REGIMES.items()}


def field_label(entity, column):
    return LABELS.get(entity, {}).get(column, column)


def field_value(entity, column, value):
    """A changed value as the screens show it: a code by its label, None as a dash,
    a financial figure masked for users who may not see it."""
    if value is None:
        return "—"
    value = mask_change(entity, column, value)
    known = CODES.get(entity, {}).get(column)
    return known.get(value, value) if known and isinstance(value, str) else value


def entry_summary(entry):
    """An audit entry's summary, its amounts masked for users who may not see them."""
    return mask_summary(entry.entity, entry.summary)


def install(appbuilder):
    current_app.add_template_global(field_label)
    current_app.add_template_global(entry_summary)
    current_app.add_template_global(field_value)
