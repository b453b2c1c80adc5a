"""Input every request is checked for before a view or API endpoint sees it.

A NUL byte is refused here, once, because PostgreSQL cannot store or compare text
holding one; an oversized body is refused before FAB's API wrapper would turn the
413 into a 500; a JSON body too deeply nested to parse and an unreadable ``q=`` are
refused as 400s with a message.
"""

import json
import re

import prison
from flask import abort, current_app, request
from flask_babel import gettext

from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.models.base import MAX_ID

NUL = "\x00"
# \u0000 in a JSON string, not \\u0000 (an escaped backslash followed by "u0000").
_ESCAPED_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def is_record_id(value):
    """An id the database can hold given as a JSON number (crm.i18n.inputs.record_id;
    text such as "12" is not one here)."""
    if not isinstance(value, int):
        return False
    try:
        inputs.record_id(value)
    except InputInvalid:
        return False
    return True


def _refuse_nul():
    abort(400, description=gettext("The request contains a NUL character, which no field accepts."))


def _names_an_id(name):
    return name == "pk" or name.endswith(("_pk", "_id"))


def check_path_ids():
    """Record ids in the URL are ASCII digits no larger than the database's integers."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            abort(404)
        if isinstance(value, str) and _names_an_id(name):
            if not (value.isascii() and value.isdigit()):
                abort(404)  # also Unicode digits such as ١٢٣, which int() would accept
            if int(value) > MAX_ID:
                abort(404)


def check_nul():
    if NUL in request.path:
        _refuse_nul()
    if request.mimetype == "application/x-www-form-urlencoded":
        # Cached first, so an endpoint reading the raw body after the form still finds it.
        request.get_data()
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if NUL in key or NUL in value:
                _refuse_nul()
    for storage in request.files.values():
        if storage.filename and NUL in storage.filename:
            _refuse_nul()


def check_json_body():
    if not request.is_json:
        return
    text = request.get_data(as_text=True)
    if NUL in text or _ESCAPED_NUL.search(text):
        _refuse_nul()
    try:
        request.get_json(silent=True)  # parsed once here; views reuse Flask's cached result
    except RecursionError:
        abort(400, description=gettext("The JSON body is nested too deeply."))


def check_rison():
    """The API's ``q=`` argument must be rison (or JSON, which FAB also accepts)."""
    value = request.args.get("q")
    if not value or not request.path.startswith("/api/"):
        return
    try:
        prison.loads(value)
        return
    except Exception:  # prison raises several kinds (IndexError, RecursionError...) on bad input
        pass
    try:
        json.loads(value)
    except ValueError:
        abort(
            400,
            description=gettext("The q argument is not valid rison, e.g. (page:0,page_size:25)."),
        )


def check_size():
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length and request.content_length > limit:
        abort(413)


def check_request():
    check_size()
    check_path_ids()
    check_nul()
    check_json_body()
    check_rison()


def install(app):
    app.before_request(check_request)
