"""The customer list's money filters, shared by the screen and the REST API.

On the screen they are query arguments in FAB's form (``_flt_<n>_<column>=<value>``); in
the API, ``q=(filters:!((col:<column>,opr:<opr>,value:<value>)))``:

* credit customers (balance below zero), overdue customers (an open invoice past its due
  date), over their credit limit: screen ``_flt_0_balance=credit|overdue|over_limit``,
  API ``(col:balance,opr:balance_is,value:credit)``;
* last order on or after / on or before a day: screen ``_flt_0_last_order_date=2024-01-31``
  / ``_flt_1_last_order_date=...``, API ``(col:last_order_date,opr:order_from,value:'2024-01-31')``
  / ``opr:order_until``;
* on credit hold: screen ``_flt_0_credit_hold=y``, API ``(col:credit_hold,opr:eq,value:!t)``;
* payment terms: screen ``_flt_0_payment_term=<id>``,
  API ``(col:payment_term,opr:rel_o_m,value:<id>)``;
* health band (crm.services.insight.health): screen ``_flt_0_health_band=healthy|watch|at_risk``,
  API ``(col:health_band,opr:health_band_is,value:at_risk)``.

The balance filters reveal balances and aging, so they apply only for users who may
see financials (the screen offers and applies them only to those; the API refuses them).
"""

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from flask_appbuilder.exceptions import FABException
from flask_appbuilder.models.filters import BaseFilter, Filters
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Query, QueryableAttribute, Session

from crm.datamodel.interface import CrmFilterConverter, CrmInterface
from crm.fields.customers import CUSTOMER_TYPES
from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.models import Customer, PaymentTerm
from crm.security.masking import can_view_financials
from crm.services.ledger.arithmetic import is_overdue_clause

BALANCE_STATES = {
    "credit": _l("Credit customers (balance below zero)"),
    "overdue": _l("Overdue customers"),
    "over_limit": _l("Over their credit limit"),
}


def balance_condition(state: str, as_of: dt.date | None = None) -> ColumnElement[bool]:
    """SQL condition on customers for one of ``BALANCE_STATES``."""
    if state == "credit":
        return cast(ColumnElement[bool], Customer.balance < 0)
    if state == "overdue":
        return cast(ColumnElement[bool], is_overdue_clause(as_of))
    if state == "over_limit":
        return and_(Customer.credit_limit.isnot(None), Customer.balance > Customer.credit_limit)
    raise KeyError(state)


class FilterBalanceState(BaseFilter):
    name = _l("Is")
    arg_name = "balance_is"

    def check(self, value: Any) -> None:
        if value not in BALANCE_STATES:
            raise FABException(f"Balance filter: choose one of {', '.join(BALANCE_STATES)}")
        if not can_view_financials():
            raise FABException("Filtering by balance needs the permission to view financials")

    def apply(self, query: Query[Any], value: Any) -> Query[Any]:
        # Not for users who may not see balances, and an unknown state filters nothing.
        if value not in BALANCE_STATES or not can_view_financials():
            return query
        return query.filter(balance_condition(value))


def parse_day(value: Any) -> dt.date | None:
    """A ``YYYY-MM-DD`` day (crm.i18n.inputs.date), else None."""
    try:
        day: dt.date | None = inputs.date(value)
        return day
    except InputInvalid:
        return None


class _DayFilter(BaseFilter):
    condition: Callable[[QueryableAttribute[dt.date], dt.date], ColumnElement[bool]]

    def check(self, value: Any) -> None:
        if parse_day(value) is None:
            raise FABException(f"{self.column_name}: not a date (YYYY-MM-DD): {value}")

    def apply(self, query: Query[Any], value: Any) -> Query[Any]:
        day = parse_day(value)
        if day is None:  # left empty or mistyped on the screen: no filter
            return query
        return query.filter(self.condition(getattr(self.model, self.column_name), day))


class FilterOnOrAfter(_DayFilter):
    name = _l("From")
    arg_name = "order_from"

    @staticmethod
    def condition(column: QueryableAttribute[dt.date], day: dt.date) -> ColumnElement[bool]:
        return column >= day


class FilterOnOrBefore(_DayFilter):
    name = _l("Until")
    arg_name = "order_until"

    @staticmethod
    def condition(column: QueryableAttribute[dt.date], day: dt.date) -> ColumnElement[bool]:
        return column <= day


HEALTH_BANDS = {
    "healthy": _l("Healthy (above 70)"),
    "watch": _l("Watch (40–70)"),
    "at_risk": _l("At risk (below 40)"),
}


class FilterHealthBand(BaseFilter):
    name = _l("Is")
    arg_name = "health_band_is"

    def check(self, value: Any) -> None:
        if value not in HEALTH_BANDS:
            raise FABException(f"Health band filter: choose one of {', '.join(HEALTH_BANDS)}")

    def apply(self, query: Query[Any], value: Any) -> Query[Any]:
        if value not in HEALTH_BANDS:  # left empty on the screen: no filter
            return query
        return query.filter(Customer.health_band == value)


class CustomerFilterConverter(CrmFilterConverter):
    """Balance and last order date get the filters above instead of FAB's comparisons
    (which would let anyone probe a masked balance with greater-than)."""

    conversion_table = (
        ("is_balance_state", [FilterBalanceState]),
        ("is_last_order_date", [FilterOnOrAfter, FilterOnOrBefore]),
        ("is_health_band", [FilterHealthBand]),
    ) + CrmFilterConverter.conversion_table


class CustomerInterface(CrmInterface):
    filter_converter_class = CustomerFilterConverter

    def is_balance_state(self, col_name: str) -> bool:
        return col_name == "balance"

    def is_last_order_date(self, col_name: str) -> bool:
        return col_name == "last_order_date"

    def is_health_band(self, col_name: str) -> bool:
        return col_name == "health_band"


def check_filters(filters: Filters) -> None:
    """Refuse (FABException, a 400 in the API) money filters with bad values or asked
    for by users who may not see balances."""
    for flt, values in zip(filters.filters, filters.values):
        check = getattr(flt, "check", None)
        if check is None:
            continue
        for value in values if isinstance(values, list) else [values]:
            check(value)


def drop_empty(filters: Filters) -> Filters:
    """Leave out filters whose fields were left empty on the screen's filter bar (an
    empty payment-terms choice means "any", not "none")."""
    kept = [
        (flt, values)
        for flt, values in zip(filters.filters, filters.values)
        if any(str(v).strip() for v in (values if isinstance(values, list) else [values]))
    ]
    filters.filters = [flt for flt, _ in kept]
    filters.values = [values for _, values in kept]
    return filters


def filter_bar(session: Session) -> dict[str, Any]:
    """What the customer list's filter bar offers the current user."""
    terms = session.execute(
        select(PaymentTerm.id, PaymentTerm.name)
        .where(PaymentTerm.is_active.is_(True))
        .order_by(PaymentTerm.name)
    ).all()
    return {
        "balance_states": BALANCE_STATES if can_view_financials() else {},
        "payment_terms": [(str(pk), name) for pk, name in terms],
        "health_bands": HEALTH_BANDS,
        "customer_types": CUSTOMER_TYPES,
    }
