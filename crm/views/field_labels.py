"""Template globals reading stored values in words (crm.i18n.values): the activity
timeline's changes, audit summaries, a record's field and an import run's state."""

from flask import current_app

from crm.extensions import db
from crm.i18n import values


def change_reader(entries):
    """The changes of a page's timeline entries in words (related names loaded once)."""
    return values.ChangeReader(db.session, entries)


def entry_summary(entry):
    """An audit entry's summary, its amounts masked for users who may not see them."""
    return values.summary(entry)


def record_value(entity, column, value):
    """A field of a record of ``entity`` (as the audit trail names it) as screens show it."""
    return values.value(values.model_of(entity), column, value)


def install(appbuilder):
    current_app.add_template_global(change_reader)
    current_app.add_template_global(entry_summary)
    current_app.add_template_global(record_value)
    current_app.add_template_global(values.import_status)
    current_app.add_template_global(values.audit_action)
    current_app.add_template_global(values.audit_entity)
    current_app.add_template_global(values.country, "country_name")
