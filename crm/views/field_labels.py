"""Translated field labels and code labels by record kind, for the activity timeline.

The screens already name every column they show (``label_columns``) and every stored
code they turn into words (formatters made by ``label_of`` or ``status_badge``, which
keep their ``labels``); the timeline reads the audit trail's raw column names and
values, so it borrows those names. Labels FAB made up from a column name (plain English
strings) are left out: the raw name is shown rather than an untranslated guess.
"""
from flask import current_app
from flask_babel.speaklater import LazyString

from crm.security.masking import mask_change, mask_summary
from crm.services.core.audit import entity_name


def _collect(appbuilder):
    labels, codes = {}, {}
    for view in appbuilder.baseviews:
        datamodel = getattr(view, "datamodel", None)
        model = getattr(datamodel, "obj", None)
        if model is None:
            continue
        own = labels.setdefault(entity_name(model), {})
        for column, label in (view.label_columns or {}).items():
            if isinstance(label, LazyString):
                own.setdefault(column, label)
                if not column.endswith("_id"):  # the trail names a relation by its key
                    own.setdefault(f"{column}_id", label)
        for column, formatter in (getattr(view, "formatters_columns", None) or {}).items():
            if getattr(formatter, "labels", None):
                codes.setdefault(entity_name(model), {}).setdefault(column, formatter.labels)
    return labels, codes


def install(appbuilder):
    labels, codes = _collect(appbuilder)

    def field_label(entity, column):
        return labels.get(entity, {}).get(column, column)

    def field_value(entity, column, value):
        """A changed value as the screens show it: a code by its label, None as a dash,
        a financial figure masked for users who may not see it."""
        if value is None:
            return "—"
        value = mask_change(entity, column, value)
        known = codes.get(entity, {}).get(column)
        return known.get(value, value) if known and isinstance(value, str) else value

    def entry_summary(entry):
        """An audit entry's summary, its amounts masked for users who may not see them."""
        return mask_summary(entry.entity, entry.summary)

    current_app.add_template_global(field_label)
    current_app.add_template_global(entry_summary)
    current_app.add_template_global(field_value)
