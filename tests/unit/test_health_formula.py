"""The health score formula (crm.services.insight.health): each factor's curve at its edges, the
weighting and the bands."""

from decimal import Decimal as D

import pytest

from crm.services.insight import health


def test_weights_are_fixed_and_sum_to_one_hundred():
    assert health.WEIGHTS == {"recency": 30, "payment": 30, "contracts": 20, "tickets": 20}
    assert sum(health.WEIGHTS.values()) == 100


@pytest.mark.parametrize(
    "days, expected",
    [
        (None, 0),  # never contacted
        (0, 100),
        (7, 100),
        (8, 99),
        (30, 75),
        (60, 50),
        (90, 25),
        (135, 13),
        (180, 0),
        (400, 0),
        (-2, 100),  # an interaction dated later today
    ],
)
def test_recency_curve(days, expected):
    assert health.recency_score(days) == expected


@pytest.mark.parametrize(
    "paid, overdue, days, expected",
    [
        (0, 0, 0, 100),  # nothing paid or overdue yet: nothing held against the customer
        (5, 0, 0, 100),
        (3, 1, 0, 75),  # three in four paid, the overdue one due today-ish
        (3, 1, 30, 55),  # ... and 30 days past due: 20 points off
        (1, 1, 15, 40),  # half paid, 10 points off
        (1, 1, 90, 0),  # half paid, 50 points off
        (0, 2, 200, 0),  # never below zero
    ],
)
def test_payment_history(paid, overdue, days, expected):
    assert health.payment_score(paid, overdue, days) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (0, 0),
        (D("100"), 1),
        (D("9999.99"), 50),
        (10000, 50),
        (30000, 65),
        (50000, 80),
        (75000, 90),
        (100000, 100),
        (D("2500000"), 100),
    ],
)
def test_contract_value_curve(value, expected):
    assert health.contracts_score(value) == expected


@pytest.mark.parametrize(
    "tickets, expected", [(0, 100), (1, 80), (2, 60), (4, 20), (5, 0), (12, 0)]
)
def test_open_ticket_curve(tickets, expected):
    assert health.tickets_score(tickets) == expected


@pytest.mark.parametrize(
    "score, band",
    [
        (100, "healthy"),
        (71, "healthy"),
        (70, "watch"),
        (40, "watch"),
        (39, "at_risk"),
        (0, "at_risk"),
        (None, None),
    ],
)
def test_bands(score, band):
    assert health.band_of(score) == band


def test_the_score_is_the_weighted_sum_rounded_half_up():
    assert health.combine({"recency": 100, "payment": 100, "contracts": 100, "tickets": 100}) == 100
    assert health.combine({"recency": 0, "payment": 0, "contracts": 0, "tickets": 0}) == 0
    # 30*75 + 30*55 + 20*65 + 20*80 = 6800 -> 68
    assert health.combine({"recency": 75, "payment": 55, "contracts": 65, "tickets": 80}) == 68
    # 30*1 + 20*1 ... = 0.5 -> rounds up to 1
    assert health.combine({"recency": 1, "payment": 0, "contracts": 1, "tickets": 0}) == 1  # 0.5
    assert health.score_customer(None, 0, 0, 0, 0, 0) == (
        50,
        "watch",
        {"recency": 0, "payment": 100, "contracts": 0, "tickets": 100},
    )
