"""The CRM's list widget: the work per column done once per page, per cell only the value.

FAB's list widget renders each row through macros that call ``url_for``, ``gettext``
and filters for every row and cell. Here a page's columns are planned once (their
formatter), each row's cells are written by one compiled function, and the row's
show/edit/delete links are one URL prefix per page with the row's key appended. The first
column's text links to the record too (or to what the view's ``row_link`` names, such as a
document's file), so a name is clicked rather than a magnifier icon.
"""

import datetime as dt
from urllib.parse import quote

from flask import current_app, url_for
from flask_appbuilder.widgets import ListWidget
from markupsafe import Markup, escape

# Stands for the row's key in the URL prefixes built once per page.
_KEY = "__crm_row_key__"
_INT_KEY = 918273645546372819


# Values whose equal ones format alike: a column's formatter (a label, Yes/No, a date in
# the reader's locale) runs once per distinct value on a page. (Decimals are left out:
# 1.0 == 1.00 but they are written differently.)
_MEMO_TYPES = frozenset({str, int, bool, type(None), dt.date, dt.datetime})


def breakable(value):
    """An address (email, website) that may wrap anywhere (crm.css ``.crm-breakable``): a
    long one otherwise sets its column's width and pushes a list past the window. The
    text itself stays whole, so it is found and copied as written."""
    if not value:
        return ""
    return Markup('<span class="crm-breakable">%s</span>') % value


def _formatted(formatter):
    """``formatter`` remembering its cells' text for the page."""
    memo = {}

    def cell(value):
        if type(value) not in _MEMO_TYPES:
            return escape(formatter(value))
        key = (type(value), value)
        text = memo.get(key)
        if text is None:
            text = memo[key] = escape(formatter(value))
        return text

    return cell


def _cell_writer(include_columns, formatters_columns, link=None):
    """A function writing one row's ``<td>`` cells from its values (a dict) and its key
    as in URLs; ``link`` (a URL's prefix and suffix) makes the first cell's text a link."""
    plan = [
        (name, _formatted(formatters_columns[name]) if name in formatters_columns else escape)
        for name in include_columns
    ]
    if not plan:
        return lambda values, key: Markup("")
    (first, first_cell), rest = plan[0], plan[1:]

    def cells(values, key):
        text = first_cell(values[first])
        if link is not None and text:
            text = f'<a href="{link[0]}{key}{link[1]}">{text}</a>'
        return Markup(
            f"<td>{text}</td>" + "".join([f"<td>{cell(values[name])}</td>" for name, cell in rest])
        )

    return cells


def _row_url(endpoint, link_filters=""):
    """``(prefix, suffix)`` of the endpoint's URL for any row; None when it has no route."""
    for key in (_KEY, _INT_KEY):  # routes taking ``<pk>`` or ``<int:pk>``
        try:
            url = url_for(endpoint, pk=key)
        except Exception:  # the view has no such route, or not for this kind of key
            continue
        prefix, _, suffix = url.partition(str(key))
        return prefix, suffix + link_filters
    return None


def _link_filters(filters):
    """The related-view filters FAB's show and edit links carry (``?_flt_0_customer=7``)."""
    text = ""
    for flt, value in filters.get_filters_values():
        if flt.is_related_view:
            text += ("&" if "?" in text else "?") + f"_flt_0_{flt.column_name}={value}"
    return text


class Rows:
    """The page's rows for the template: ``(key, key as in URLs, cells)`` each."""

    def __init__(self, pks, value_columns, cells):
        self._pks = pks
        self._values = value_columns
        self._cells = cells

    def __iter__(self):
        for pk, values in zip(self._pks, self._values):
            key = quote(str(pk), safe="")
            yield pk, key, self._cells(values, key)


class LeanListWidget(ListWidget):
    """Every CRM list's rows (crm/templates/crm/widgets/lean_list.html)."""

    template = "crm/widgets/lean_list.html"

    def __call__(self, **kwargs):
        args = {**self.template_args, **kwargs}
        name = args["modelview_name"]
        filters = args["filters"]
        flt = _link_filters(filters)
        args["row_urls"] = {
            "show": _row_url(f"{name}.show", flt),
            "edit": _row_url(f"{name}.edit", flt),
            "delete": _row_url(f"{name}.delete"),
        }
        link_to = args.get("row_link", "show")
        link = None
        # The same permission answer the template's show link asks for.
        if link_to and current_app.jinja_env.filters["is_item_visible"]("can_show", name):
            link = args["row_urls"]["show"] if link_to == "show" else _row_url(f"{name}.{link_to}")
        cells = _cell_writer(args["include_columns"], args.get("formatters_columns") or {}, link)
        args["rows"] = Rows(args["pks"], args["value_columns"], cells)
        self.template_args = args
        return super().__call__()
