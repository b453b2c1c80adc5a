"""Translated field labels by record kind, for the activity timeline's change lines.

The screens already name every column they show (``label_columns``); the timeline
reads the audit trail's raw column names, so it borrows those names. Labels FAB made
up from a column name (plain English strings) are left out: the raw name is shown
rather than an untranslated guess.
"""
from flask import current_app
from flask_babel.speaklater import LazyString

from crm.services.audit import entity_name


def _collect(appbuilder):
    labels = {}
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
    return labels


def install(appbuilder):
    labels = _collect(appbuilder)

    def field_label(entity, column):
        return labels.get(entity, {}).get(column, column)

    current_app.add_template_global(field_label)
