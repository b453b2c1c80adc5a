"""The forecast's periods: calendar months in the tenant's timezone, the quarter around
this month, across the turn of a year."""

import datetime as dt

from crm.models import CrmSetting
from crm.security.tenancy import tenant_scope
from crm.services.insight.forecast import periods_of, tenant_today


def test_this_month_next_month_and_quarter_across_the_turn_of_the_year():
    cards, months = periods_of(dt.date(2026, 12, 31))
    assert [(p.key, p.first, p.last) for p in cards] == [
        ("this_month", dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
        ("next_month", dt.date(2027, 1, 1), dt.date(2027, 1, 31)),
        ("this_quarter", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ]
    assert [p.key for p in months] == [
        "2026-12",
        "2027-01",
        "2027-02",
        "2027-03",
        "2027-04",
        "2027-05",
    ]
    assert months[2].last == dt.date(2027, 2, 28)


def test_the_quarter_of_its_first_month_holds_the_next_month():
    cards, _ = periods_of(dt.date(2028, 1, 1))
    assert cards[2].first == dt.date(2028, 1, 1) and cards[2].last == dt.date(2028, 3, 31)
    assert cards[1].last == dt.date(2028, 2, 29)  # a leap year


def test_this_month_is_the_tenants(app, acme, db_session):
    """At 23:30 UTC on 31 January it is already February in Auckland."""
    moment = dt.datetime(2027, 1, 31, 23, 30, tzinfo=dt.timezone.utc)
    with db_session() as s, tenant_scope(acme.id):
        assert tenant_today(s, moment) == dt.date(2027, 1, 31)
        s.add(CrmSetting(tenant_id=acme.id, key="timezone", value="Pacific/Auckland"))
        s.commit()
        assert tenant_today(s, moment) == dt.date(2027, 2, 1)
