"""FAB's SQLAlchemy interface, tuned for large tenant tables.

* Counts stop at ``CRM_LIST_MAX_DEPTH`` rows, so a list of a million customers
  does not count them all on every page; pages past that depth are not served
  (users narrow the list with search and filters instead).
* A ``search_text`` column gets the indexed substring filter.
"""
from flask import current_app
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from crm.services.search import customer_matches


class FilterSearchText(BaseFilter):
    name = _l("Contains")
    arg_name = "srch"

    def apply(self, query, value):
        clause = customer_matches(query.session.get_bind().dialect.name, value)
        return query if clause is None else query.filter(clause)


class CrmFilterConverter(SQLAFilterConverter):
    conversion_table = (("is_search_text", [FilterSearchText]),) + SQLAFilterConverter.conversion_table


def max_depth():
    return current_app.config.get("CRM_LIST_MAX_DEPTH", 50_000)


class CrmInterface(SQLAInterface):
    filter_converter_class = CrmFilterConverter

    def is_nullable(self, col_name):
        # Forms and API bodies may leave out booleans, columns with a default and
        # columns the service fills in (``__form_optional__``, e.g. a generated code).
        column = self.list_columns.get(col_name)
        if column is not None and (self.is_boolean(col_name) or getattr(column, "default", None) is not None
                                   or col_name in getattr(self.obj, "__form_optional__", ())):
            return True
        return super().is_nullable(col_name)

    def is_search_text(self, col_name):
        return col_name == "search_text"

    def query_count(self, query, filters=None, select_columns=None):
        inner = self._apply_inner_all(query, filters, aliases_mapping={})
        ids = inner.with_entities(*self.obj.__mapper__.primary_key).order_by(None)
        capped = ids.limit(max_depth() + 1).subquery()
        return self.session.scalar(select(func.count()).select_from(capped))

    def apply_pagination(self, query, page, page_size):
        if page and page_size:
            page = min(page, max(max_depth() // page_size - 1, 0))
        return super().apply_pagination(query, page, page_size)
