"""What each list knows: the arguments a saved view may hold, read from a query string or
an API body, and written back as one. Lists register themselves (crm/views/saved_views.py)
so the API finds a list by name without importing the screens.

A view's state is its search and filters (``{argument: [values]}`` as in the query
string: ``_flt_<n>_<column>`` of the list's searchable columns and the list's own extra
arguments such as the customer list's ``archived``), its sort, page size and columns.
Anything else is left out.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from crm.services.core.errors import NotFound, ValidationFailed

MAX_PAGE_SIZE = 100
DIRECTIONS = ("asc", "desc")
# The list's chosen columns in its query string (repeated, in list order).
COLUMNS_ARG = "_cols"
# The saved view a list shows, in its query string.
VIEW_ARG = "_view"
_FILTER_ARG = re.compile(r"^_flt_\d+_(\w+)$")
MAX_VALUE_LENGTH = 500


@dataclass(frozen=True)
class ListSpec:
    name: str  # the list's route, e.g. "customers"
    view_name: str  # the suffix of its _oc_/_od_/psize_ arguments (the view's class name)
    permission: str  # the entity whose "read" lets a user see the list
    filter_columns: frozenset[str]
    extra_args: frozenset[str]
    order_columns: tuple[str, ...]
    columns: tuple[str, ...]


@dataclass
class ViewState:
    filters: dict[str, list[str]] = field(default_factory=dict)
    order_column: str | None = None
    order_direction: str | None = None
    page_size: int | None = None
    columns: list[str] | None = None


_LISTS: dict[str, ListSpec] = {}


def register(spec: ListSpec) -> None:
    _LISTS[spec.name] = spec


def unknown_list(name: object) -> ValidationFailed:
    return ValidationFailed({"list_name": [_l("“%(name)s” is not a list.", name=name)]})


def spec_named(name: object) -> ListSpec:
    spec = _LISTS.get(name) if isinstance(name, str) else None
    if spec is None:
        raise unknown_list(name)
    return spec


def spec_or_none(name: str) -> ListSpec | None:
    return _LISTS.get(name)


def known_lists() -> list[str]:
    return sorted(_LISTS)


def knows_filter(spec: ListSpec, arg: str) -> bool:
    match = _FILTER_ARG.match(arg)
    if match:
        return match.group(1) in spec.filter_columns
    return arg in spec.extra_args


def state_from_query(spec: ListSpec, pairs: Iterable[tuple[str, str]]) -> ViewState:
    """The state a list's query string describes; arguments the list does not know, the
    page number and blank filters are left out."""
    state = ViewState()
    columns: list[str] = []
    for arg, value in pairs:
        if arg == f"_oc_{spec.view_name}":
            state.order_column = value
        elif arg == f"_od_{spec.view_name}":
            state.order_direction = value
        elif arg == f"psize_{spec.view_name}":
            state.page_size = int(value) if value.isdigit() else None
        elif arg == COLUMNS_ARG:
            columns.append(value)
        elif value.strip() and knows_filter(spec, arg):
            state.filters.setdefault(arg, []).append(value)
    state.columns = columns or None
    return clean_state(spec, state)


def _values(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values if v is not None and not isinstance(v, (dict, list))]


def clean_state(spec: ListSpec, state: ViewState) -> ViewState:
    """``state`` with what the list does not know dropped; a page size or sort direction
    it cannot take is refused (ValidationFailed)."""
    errors: dict[str, list[Any]] = {}
    filters: dict[str, list[str]] = {}
    raw_filters = state.filters if isinstance(state.filters, Mapping) else {}
    for arg, value in raw_filters.items():
        if isinstance(arg, str) and knows_filter(spec, arg):
            kept = [v[:MAX_VALUE_LENGTH] for v in _values(value) if v.strip()]
            if kept:
                filters[arg] = kept
    order_column = state.order_column if state.order_column in spec.order_columns else None
    direction = state.order_direction or None
    if order_column is None:
        direction = None
    elif direction is None:
        direction = "asc"
    elif direction not in DIRECTIONS:
        errors["order_direction"] = [_l("Sort direction must be asc or desc.")]
    page_size = state.page_size
    if page_size is not None and (
        isinstance(page_size, bool)
        or not isinstance(page_size, int)
        or not 0 < page_size <= MAX_PAGE_SIZE
    ):
        errors["page_size"] = [_l("Choose a page size from 1 to %(max)s.", max=MAX_PAGE_SIZE)]
    wanted = set(_values(state.columns)) if state.columns is not None else set()
    # The list's own order, whatever order they were asked in.
    columns = [c for c in spec.columns if c in wanted] or None
    if errors:
        raise ValidationFailed(errors)
    return ViewState(filters, order_column, direction, page_size, columns)


def query_of(spec: ListSpec, state: ViewState) -> list[tuple[str, str]]:
    """The list's query string arguments that show ``state``."""
    pairs = [(arg, value) for arg, values in state.filters.items() for value in values]
    if state.order_column:
        pairs.append((f"_oc_{spec.view_name}", state.order_column))
        pairs.append((f"_od_{spec.view_name}", state.order_direction or "asc"))
    if state.page_size:
        pairs.append((f"psize_{spec.view_name}", str(state.page_size)))
    pairs.extend((COLUMNS_ARG, column) for column in state.columns or ())
    return pairs


def chosen_columns(spec: ListSpec, asked: Iterable[str]) -> list[str] | None:
    """The list's columns among ``asked``, in list order; None (all) when none is."""
    wanted = set(asked)
    return [c for c in spec.columns if c in wanted] or None


def not_found() -> NotFound:
    return NotFound(_l("No such saved view."))
