"""Checks FAB's URL arguments before FAB parses them.

FAB reads ``page_<View>``, ``psize_<View>`` and ``_oc_<View>`` from any page's
query string with bare ``int()`` and unchecked column names, so a typo in a URL
became a server error. Here a bad value is a 400 with a message (record ids are
checked in crm/web/request_input.py), page sizes are capped, and sorting is
limited to each view's sortable columns.
"""

import re

from flask import abort, current_app, request
from flask_babel import gettext

from crm.services.saved_views.lists import MAX_PAGE_SIZE

_ARG = re.compile(r"^(page|psize|_oc|_od)_(\w+)$")


def _view_named(name):
    return next((v for v in current_app.appbuilder.baseviews if type(v).__name__ == name), None)


def check_request_args():
    for arg, value in request.args.items():
        match = _ARG.match(arg)
        if not match:
            continue
        kind, view_name = match.groups()
        if kind in ("page", "psize"):
            if not value.isdigit() or (kind == "psize" and not 0 < int(value) <= MAX_PAGE_SIZE):
                abort(
                    400,
                    description=gettext(
                        "“%(value)s” is not a valid page or page size (page sizes go up to %(max)s).",
                        value=value,
                        max=MAX_PAGE_SIZE,
                    ),
                )
        elif kind == "_od" and value not in ("asc", "desc"):
            abort(400, description=gettext("Sort direction must be asc or desc."))
        elif kind == "_oc":
            view = _view_named(view_name)
            if view is not None and value not in (getattr(view, "order_columns", None) or ()):
                abort(
                    400,
                    description=gettext("The list cannot be sorted by “%(value)s”.", value=value),
                )


def install(app):
    app.before_request(check_request_args)
