"""Record pickers: choose one related row out of a million without loading the table.

FAB's QuerySelectField loads every row of the related table to render its
<select> and again to check the posted choice. A ``RecordPickerField`` renders
only the chosen record, lets ``static/pickers.js`` fetch matches from a lookup
endpoint as the user types, and on POST loads the one row whose id was posted,
through the tenant-scoped session, so another tenant's id reads as unknown.
"""

import json

from flask import jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms.fields import Field
from wtforms.validators import ValidationError
from wtforms.widgets import html_params

from crm.extensions import db
from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.security.tenancy import get_owned

MESSAGES = {
    "missing": _l("Choose one from the list."),
    "unknown": _l("This record does not exist. Choose one from the list."),
    "inactive": _l("%(name)s is archived or inactive and cannot be chosen."),
}
# Select2's own texts, handed to pickers.js so they are translated like the rest.
SELECT2_TEXTS = {
    "searching": _l("Searching…"),
    "noResults": _l("No matches found"),
    "loadingMore": _l("Loading more results…"),
    "errorLoading": _l("The results could not be loaded."),
    "inputTooShort": _l("Keep typing to search."),
    "removeAllItems": _l("Clear"),
}
_UNSET = object()


def _id_of(value):
    """A posted or given primary key as an int (crm.i18n.inputs.record_id), None when it
    cannot be one."""
    try:
        return inputs.record_id(value)
    except InputInvalid:
        return None


class RecordPickerWidget:
    """A <select> holding at most the chosen record, marked for pickers.js.

    It carries neither of FAB's ``my_select2`` classes, so ab.js leaves it alone
    and pickers.js alone sets it up with search against ``data-lookup-url``.
    """

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs["class"] = " ".join(
            filter(None, ["form-control crm-picker", kwargs.pop("class", "")])
        )
        attributes = {
            "data-crm-picker": "1",
            "data-lookup-url": url_for(field.lookup),
            "data-placeholder": str(field.placeholder),
            "data-allow-clear": "false" if field.required else "true",
            "data-minimum-input-length": str(field.min_input),
            "data-picker-texts": json.dumps({k: str(v) for k, v in SELECT2_TEXTS.items()}),
        }
        # An empty first option lets Select2 show the placeholder and clear the choice.
        options = ['<option value=""></option>']
        record = field.record
        if record is not None:
            options.append(
                f'<option value="{escape(record.id)}" selected>{escape(field.label_of(record))}</option>'
            )
        return Markup(
            f"<select {html_params(name=field.name, **kwargs, **attributes)}>"
            + "".join(options)
            + "</select>"
        )


class RecordPickerField(Field):
    """One row of ``model``, posted as its primary key.

    ``lookup`` is the endpoint pickers.js searches. ``required`` refuses a blank
    choice; ``active_only`` refuses a row whose ``active_attr`` is false, except
    the value the record under edit already holds, so a record whose customer
    was archived can still be saved without moving it. ``messages`` overrides
    any of ``MESSAGES``. ``data`` may be set to a row or an id (FAB does so for
    the hidden parent field of a related view's add form); both are checked.
    """

    widget = RecordPickerWidget()

    def __init__(
        self,
        label=None,
        validators=None,
        model=None,
        lookup=None,
        required=True,
        active_only=True,
        active_attr="is_active",
        placeholder="",
        min_input=0,
        messages=None,
        label_of=str,
        **kwargs,
    ):
        super().__init__(label, validators, **kwargs)
        self.model = model
        self.lookup = lookup
        self.required = required
        self.flags.required = required
        self.active_only = active_only
        self.active_attr = active_attr
        self.placeholder = placeholder
        self.min_input = min_input
        self.messages = {**MESSAGES, **(messages or {})}
        self.label_of = label_of
        self._loaded_for, self._loaded = _UNSET, None

    # --- data in: a row from the record under edit, an id from the browser -------

    def process_data(self, value):
        self.data = value

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = (valuelist[0] or "").strip() or None

    @staticmethod
    def _blank(value):
        return value is None or value == ""

    @property
    def record(self):
        """The chosen row, loaded once through the tenant-scoped session, else None."""
        if self._blank(self.data):
            return None
        key = _id_of(self.data.id if isinstance(self.data, self.model) else self.data)
        if self._loaded_for != key:
            # Even a row handed over as an object is looked up again: the tenant
            # hook then guarantees it is the current tenant's.
            self._loaded_for = key
            self._loaded = None if key is None else get_owned(db.session, self.model, key)
        return self._loaded

    def _value(self):
        record = self.record
        return "" if record is None else str(record.id)

    # --- checks --------------------------------------------------------------------

    def _held_by_record_under_edit(self, form, record):
        record_under_edit = getattr(form, "record_under_edit", None)
        current = record_under_edit() if record_under_edit is not None else None
        held = getattr(current, self.short_name, None) if current is not None else None
        return held is not None and held.id == record.id

    def pre_validate(self, form):
        if self._blank(self.data):
            if self.required:
                raise ValidationError(str(self.messages["missing"]))
            self.data = None
            return
        record = self.record
        if record is None:
            raise ValidationError(str(self.messages["unknown"]))
        if (
            self.active_only
            and not getattr(record, self.active_attr)
            and not self._held_by_record_under_edit(form, record)
        ):
            raise ValidationError(str(self.messages["inactive"]) % {"name": self.label_of(record)})
        self.data = record

    def populate_obj(self, obj, name):
        setattr(obj, name, self.record)


def lookup_response(matches, label_of=str):
    """The JSON a picker reads: ``{"results": [{"id", "text"}], "more": bool}``."""
    return jsonify(
        results=[{"id": r.id, "text": label_of(r)} for r in matches.records], more=matches.more
    )


def lookup_args():
    """The typed term and the page asked for, from the query string."""
    return request.args.get("q", "")[:200], request.args.get("page", 1, type=int)
