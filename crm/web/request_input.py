"""Input every request is checked for before a view or API endpoint sees it.

A NUL byte is refused here, once, because PostgreSQL cannot store or compare text
holding one; an oversized body is refused before FAB's API wrapper would turn the
413 into a 500; a JSON body too deeply nested to parse and an unreadable ``q=`` are
refused as 400s with a message.
"""
import json

import prison
from flask import abort, current_app, request
from flask_babel import gettext

NUL = "\x00"
# Deeper JSON than any CRM body needs; Python's parser fails with RecursionError near 1,000.
MAX_JSON_DEPTH = 64
MAX_ID = 2**63 - 1
ID_ARGS = ("pk", "customer_pk")


def _refuse_nul():
    abort(400, description=gettext("The request contains a NUL character, which no field accepts."))


def check_path_ids():
    """Record ids in the URL are ASCII digits no larger than the database's integers."""
    for name in ID_ARGS:
        value = (request.view_args or {}).get(name)
        if isinstance(value, str) and not (value.isascii() and value.isdigit()):
            abort(404)  # also Unicode digits such as ١٢٣, which int() would accept
        if value is not None and int(value) > MAX_ID:
            abort(404)


def check_nul():
    if NUL in request.path:
        _refuse_nul()
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if NUL in key or NUL in value:
                _refuse_nul()
    for storage in request.files.values():
        if storage.filename and NUL in storage.filename:
            _refuse_nul()


def _depth(text):
    """How deeply the JSON text nests arrays and objects (brackets in strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def check_json_body():
    if not request.is_json:
        return
    text = request.get_data(as_text=True)
    if _depth(text) > MAX_JSON_DEPTH:
        abort(400, description=gettext("The JSON body is nested more than %(max)s levels deep.",
                                       max=MAX_JSON_DEPTH))
    try:
        body = json.loads(text) if text.strip() else None
    except ValueError:
        abort(400, description=gettext("The body is not valid JSON."))
    if _holds_nul(body):
        _refuse_nul()


def _holds_nul(value):
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


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
        abort(400, description=gettext("The q argument is not valid rison, e.g. (page:0,page_size:25)."))


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
