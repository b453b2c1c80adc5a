"""List filters shared by several entities' lists (screens and API alike)."""

from typing import Any

from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Query


class FilterOnOrAfter(BaseFilter):
    name = _l("On or after")
    arg_name = "ge"

    def apply(self, query: Query[Any], value: Any) -> Query[Any]:
        return query.filter(getattr(self.model, self.column_name) >= value)


class FilterOnOrBefore(BaseFilter):
    name = _l("On or before")
    arg_name = "le"

    def apply(self, query: Query[Any], value: Any) -> Query[Any]:
        return query.filter(getattr(self.model, self.column_name) <= value)


class FilterIn(BaseFilter):
    """The column is one of the given values (an empty list matches nothing)."""

    name = _l("Is one of")
    arg_name = "in"

    def apply(self, query: Query[Any], value: Any) -> Query[Any]:
        return query.filter(getattr(self.model, self.column_name).in_(list(value)))
