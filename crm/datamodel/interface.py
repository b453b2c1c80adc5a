"""FAB's SQLAlchemy interface, tuned for large tenant tables.

* Counts stop at ``CRM_LIST_MAX_DEPTH`` rows, so a list of a million customers
  does not count them all on every page; pages past that depth are not served
  (users narrow the list with search and filters instead).
* Pages past the first find their rows' ids first (in the sort index alone)
  and then load just those rows, instead of reading every row they skip.
* A ``search_text`` column (customers, companies, contacts, leads, deals, invoices)
  gets the indexed substring filter. Counting it
  starts from the trigram index; a page starts from the matches when they are
  few (or the page lies deep among them) and otherwise walks the sort index
  (see ``crm.services.customers.search`` and ``search_plan``).
* Unpaged queries (choices of a related field in a form, unique checks) read
  every row anyway: their count is their length, and SQL-computed columns (a
  customer group's number of customers) are left for whoever reads them.
* An add, edit or delete is one transaction with the entity's derived updates
  (``after_write``, ``after_delete``), see ``CrmInterface``.
"""

import contextlib
import contextvars
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn, cast

from flask import current_app, g, has_request_context
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.filters import BaseFilter, Filters
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Text, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Query, Session, defer, undefer
from sqlalchemy.orm.attributes import InstrumentedAttribute
from sqlalchemy.orm.interfaces import LoaderOption

from crm.datamodel.values import column_values, money_formatter, shown
from crm.models.base import stored_columns
from crm.services.core.integrity import refusal
from crm.services.core.transaction import transaction
from crm.services.customers.search import IN_ORDER, MATCHES_FIRST, filter_by_text

# Up to this many matches a page is sorted from the matches; above it walking
# the sort index is cheaper (for a tenant of about a million customers).
FEW_MATCHES = {"sqlite": 2_000, "postgresql": 4_000}
# ... unless the page ends deeper than 1/20 of the matches: walking the index
# there reads about (page end) x (rows / matches) entries.
DEEP_AMONG_MATCHES = 20

# Set around a list query (not its count) once the matches are counted.
_search_plan: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "crm_search_plan", default=None
)
_depth: contextvars.ContextVar[int | None] = contextvars.ContextVar("crm_list_depth", default=None)


def search_plan(dialect_name: str, count: int, page_end: int) -> str:
    few = FEW_MATCHES.get(dialect_name, FEW_MATCHES["postgresql"])
    return MATCHES_FIRST if count <= max(few, DEEP_AMONG_MATCHES * page_end) else IN_ORDER


class FilterSearchText(BaseFilter):
    name = _l("Contains")
    arg_name = "srch"

    def apply(self, query: Query[Any], value: str) -> Query[Any]:
        return filter_by_text(
            query,
            self.datamodel.obj,
            query.session.get_bind().dialect.name,
            value,
            plan=_search_plan.get(),
        )


class CrmFilterConverter(SQLAFilterConverter):
    conversion_table = (
        ("is_search_text", [FilterSearchText]),
    ) + SQLAFilterConverter.conversion_table

    def convert(self, col_name: str) -> list[BaseFilter] | None:
        """FAB makes a column's filters each time it builds a ``Filters`` (for every column
        of the model, several times a request: 170 conversions for a customer list). A
        filter holds only its column and datamodel, so they are made once per datamodel
        and column; the caller gets a list of its own (FAB extends it in place)."""
        kept = self.datamodel.__dict__.setdefault("_crm_converted_filters", {})
        key = (type(self), col_name)
        if key not in kept:
            kept[key] = super().convert(col_name)
        found = kept[key]
        return None if found is None else list(found)


def max_depth(filters: Filters | None = None) -> int:
    """How deep a list pages: CRM_LIST_MAX_DEPTH rows, CRM_SEARCH_MAX_DEPTH for a search."""
    if filters is not None and any(isinstance(f, FilterSearchText) for f in filters.filters):
        return cast(int, current_app.config.get("CRM_SEARCH_MAX_DEPTH", 5_000))
    return cast(int, current_app.config.get("CRM_LIST_MAX_DEPTH", 50_000))


def refused_save(exc: Exception, model: type[Any]) -> Exception:
    """The service error for a failed save (remembered for the screen's message), else
    the database error itself."""
    cause = exc.__cause__ if isinstance(exc, DatabaseException) else exc
    refused: Exception | None = refusal(cause, model)
    if refused is None:
        return exc
    if has_request_context():
        g.crm_save_refused = refused
    return refused


class CrmInterface(SQLAInterface):
    """FAB's add, edit and delete (the framework's unit of work for generic screens and
    endpoints), each one transaction: the write, then the entity's derived updates after
    the flush (``after_write(session, item)`` for an add or edit, ``after_delete`` for a
    delete; e.g. a customer's location from its addresses), then the commit. A unique
    value taken meanwhile or a stale version refuse like a service rule (422 / 409),
    never as a database error. ``commit=False`` (FAB's signature) joins the caller's
    transaction instead."""

    filter_converter_class = CrmFilterConverter

    def __init__(
        self,
        obj: type[Any],
        session: Session | None = None,
        after_write: Callable[[Session, Any], object] | None = None,
        after_delete: Callable[[Session, Any], object] | None = None,
        undeferred: Sequence[str] = (),
    ) -> None:
        super().__init__(obj, session)
        searched = self.list_columns.get("search_text")
        if searched is not None and not isinstance(searched, Column):
            # A search text the database computes (crm.models.base.searched_text), described
            # to FAB's forms and filters as the optional text column they expect.
            self.list_columns["search_text"] = Column("search_text", Text)
        self.after_write = after_write
        self.after_delete = after_delete
        # Deferred column properties a list shows, loaded with its rows (not one by one).
        self.undeferred = tuple(undeferred)

    def apply_all(self, query: Query[Any], *args: Any, **kwargs: Any) -> Query[Any]:
        query = super().apply_all(query, *args, **kwargs)
        if self.undeferred:
            query = query.options(*(undefer(getattr(self.obj, name)) for name in self.undeferred))
        return query

    def _write(
        self,
        write: Callable[[Any], Any],
        item: Any,
        commit: bool,
        follow: Callable[[Session, Any], object] | None,
    ) -> None:
        with transaction(self.session) if commit else contextlib.nullcontext():
            item = write(item) or item
            if follow is not None:
                self.session.flush()
                follow(self.session, item)

    def _refuse(self, exc: SQLAlchemyError, wrapped: bool) -> NoReturn:
        refused = refused_save(exc, self.obj)
        if refused is not exc:
            raise refused from exc
        if wrapped:
            raise DatabaseException() from exc  # what FAB's edit and delete raise
        raise exc

    def add(self, item: Any, commit: bool = True) -> None:
        try:
            self._write(self.session.add, item, commit, self.after_write)
        except SQLAlchemyError as exc:
            self._refuse(exc, wrapped=False)

    def edit(self, item: Any, commit: bool = True) -> None:
        try:
            self._write(self.session.merge, item, commit, self.after_write)
        except SQLAlchemyError as exc:
            self._refuse(exc, wrapped=True)

    def delete(self, item: Any, commit: bool = True) -> None:
        def remove(row: Any) -> None:
            self._delete_files(row)
            self.session.delete(row)

        try:
            self._write(remove, item, commit, self.after_delete)
        except SQLAlchemyError as exc:
            self._refuse(exc, wrapped=True)

    def is_nullable(self, col_name: str) -> bool:
        # Forms and API bodies may leave out booleans, columns with a default and
        # columns the service fills in (``__form_optional__``, e.g. a generated code).
        column = self.list_columns.get(col_name)
        if column is not None and (
            self.is_boolean(col_name)
            or getattr(column, "default", None) is not None
            or col_name in getattr(self.obj, "__form_optional__", ())
        ):
            return True
        return cast(bool, super().is_nullable(col_name))

    def is_search_text(self, col_name: str) -> bool:
        return col_name == "search_text"

    # The list and detail widgets' values: financial figures masked for users who may
    # not see them, amounts in the record's currency (crm.datamodel.values). Exports read
    # raw values through _get_attr_value and mask them themselves.
    def get_values(
        self, lst: Sequence[Any], list_columns: Sequence[str]
    ) -> Iterator[dict[str, Any]]:
        formatter: list[Callable[[Any, str], str]] = []

        def money() -> Callable[[Any, str], str]:
            if not formatter:
                formatter.append(money_formatter())
            return formatter[0]

        plan = [(col, column_values(self.obj, col, money)) for col in list_columns]
        value_of = self._get_attr_value
        for item in lst:
            yield {
                col: value_of(item, col) if cell is None else cell(item, value_of(item, col))
                for col, cell in plan
            }

    def get_loaded(
        self, pk: Any, filters: Filters | None, options: Sequence[LoaderOption]
    ) -> Any | None:
        """FAB's ``get`` (the view's filters and the key) with what ``options`` load
        (e.g. the relations a detail page shows) read in the same statement."""
        found = filters.copy() if filters else Filters(self.filter_converter_class, self)
        found.add_filter(self.get_pk_name(), self.FilterEqual, pk)
        query = self.session.query(self.obj).options(*options)
        return self.apply_all(query, found).one_or_none()

    def get_values_item(self, item: Any, show_columns: Sequence[str]) -> list[Any]:
        return [shown(item, col, self._get_attr_value(item, col)) for col in show_columns]

    def _pk_attributes(self) -> list[InstrumentedAttribute[Any]]:
        # Mapped attributes, not table columns: the tenancy hook scopes ORM entities only.
        mapper = self.obj.__mapper__
        return [getattr(self.obj, mapper.get_property_by_column(c).key) for c in mapper.primary_key]

    def query_count(
        self,
        query: Query[Any],
        filters: Filters | None = None,
        select_columns: Sequence[str] | None = None,
    ) -> int:
        inner = self._apply_inner_all(query, filters, aliases_mapping={})
        ids = inner.with_entities(*self._pk_attributes()).order_by(None)
        capped = ids.limit(max_depth(filters) + 1).subquery()
        return cast(int, self.session.scalar(select(func.count()).select_from(capped)))

    def _page(
        self, page: int | None, page_size: int | None, depth: int | None = None
    ) -> int | None:
        if not (page and page_size):
            return page
        return max(0, min(page, (depth or max_depth()) // page_size - 1))

    def apply_pagination(
        self, query: Query[Any], page: int | None, page_size: int | None
    ) -> Query[Any]:
        return cast(
            Query[Any],
            super().apply_pagination(query, self._page(page, page_size, _depth.get()), page_size),
        )

    def _computed_columns(self) -> list[LoaderOption]:
        stored = stored_columns(self.obj)
        return [
            defer(getattr(self.obj, prop.key))
            for prop in self.obj.__mapper__.column_attrs
            if prop not in stored
        ]

    def _rows(self, query: Query[Any]) -> list[Any]:
        rows = query.all()
        if rows and hasattr(rows[0], self.obj.__name__):
            return [getattr(row, self.obj.__name__) for row in rows]
        return rows

    def query(
        self,
        filters: Filters | None = None,
        order_column: str = "",
        order_direction: str = "",
        page: int | None = None,
        page_size: int | None = None,
        select_columns: Sequence[str] | None = None,
        outer_default_load: bool = False,
    ) -> tuple[int, list[Any]]:
        query = self.session.query(self.obj)
        if not page_size:
            if not select_columns:
                query = query.options(*self._computed_columns())
            rows = self._rows(
                self.apply_all(
                    query,
                    filters,
                    order_column,
                    order_direction,
                    page,
                    page_size,
                    select_columns,
                    outer_default_load,
                )
            )
            return len(rows), rows
        count = self.query_count(query, filters, select_columns)
        depth = max_depth(filters)
        offset = (self._page(page, page_size, depth) or 0) * page_size
        # A search that fills its whole depth (at least FEW_MATCHES) matches many rows:
        # walk the sort index.
        plan = (
            IN_ORDER
            if count > depth
            else search_plan(self.session.get_bind().dialect.name, count, offset + page_size)
        )
        token = _search_plan.set(plan)
        depth_token = _depth.set(depth)
        try:
            if offset and not self.is_pk_composite() and "." not in (order_column or ""):
                # The page's ids from the sort index (PostgreSQL reads it alone, without the
                # table), then just those rows: skipped rows are never loaded. Joined, not
                # ``IN``: SQLite would otherwise walk a tenant index looking for the 25 ids.
                pk = self._pk_attributes()[0]
                ids = (
                    self._apply_inner_all(
                        query,
                        filters,
                        order_column,
                        order_direction,
                        page,
                        page_size,
                        aliases_mapping={},
                    )
                    .with_entities(pk)
                    .subquery("crm_page")
                )
                query = query.join(ids, pk == list(ids.c)[0])
                filters, page = None, None
            rows = self._rows(
                self.apply_all(
                    query,
                    filters,
                    order_column,
                    order_direction,
                    page,
                    page_size,
                    select_columns,
                    outer_default_load,
                )
            )
        finally:
            _search_plan.reset(token)
            _depth.reset(depth_token)
        return count, rows
