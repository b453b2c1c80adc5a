"""The list endpoints' plain query parameters, besides Rison's ``q``.

``?page=2&page_size=25&order_column=name&order_direction=desc`` mean what the same keys
of ``q`` mean (client generators drop ``q``, whose schema is a JSON document); a key
given both ways is taken from ``q``.
"""

from flask import request
from flask_babel import gettext

from crm.models.base import MAX_ID

PAGE_KEYS = ("page", "page_size")
ORDER_KEYS = ("order_column", "order_direction")
DIRECTIONS = ("asc", "desc")

# The parameters as the OpenAPI document declares them.
PARAMETERS = [
    {
        "in": "query",
        "name": "page",
        "description": "The page to return, from 0.",
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    },
    {
        "in": "query",
        "name": "page_size",
        "description": "Records per page (at most the server's maximum).",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    },
    {
        "in": "query",
        "name": "order_column",
        "description": "The column to sort by (one of the list's order_columns).",
        "schema": {"type": "string"},
    },
    {
        "in": "query",
        "name": "order_direction",
        "schema": {"type": "string", "enum": list(DIRECTIONS)},
    },
]


class ListArgsError(ValueError):
    pass


def merged_list_args(rison_args):
    """``rison_args`` completed with the plain parameters of the request.

    Raises ListArgsError (its message is the client's) for a malformed one."""
    args = dict(rison_args or {})
    for key in PAGE_KEYS:
        raw = request.args.get(key)
        if raw is None or key in args:
            continue
        if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_ID:
            raise ListArgsError(gettext("%(name)s must be a whole number.", name=key))
        if key == "page_size" and int(raw) < 1:
            raise ListArgsError(gettext("page_size must be at least 1."))
        args[key] = int(raw)
    for key in ORDER_KEYS:
        raw = request.args.get(key)
        if raw is None or key in args:
            continue
        if key == "order_direction" and raw not in DIRECTIONS:
            raise ListArgsError(gettext("order_direction must be asc or desc."))
        args[key] = raw
    return args
