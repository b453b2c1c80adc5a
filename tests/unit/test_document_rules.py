"""Line totals with discount and tax, line checks, and the credit rule, without HTTP."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from crm.extensions import db
from crm.models import Customer
from crm.security.tenancy import tenant_scope
from crm.services.ledger import credit_rule as credit
from crm.services.ledger.arithmetic import compute_totals, line_amounts
from crm.services.ledger.document_lines import clean_lines
from tests import factories


def test_discount_applies_before_tax_and_rounds_half_up():
    assert line_amounts(Decimal("3"), Decimal("19.99"), Decimal("12.5"), Decimal("7.7")) == (
        Decimal("52.47"),
        Decimal("4.04"),
        Decimal("56.51"),
    )
    doc = SimpleNamespace(
        lines=[
            SimpleNamespace(
                quantity=Decimal("2"), unit_price=Decimal("10.00"), discount_rate=50, tax_rate=20
            ),
            SimpleNamespace(
                quantity=Decimal("1.5"), unit_price=Decimal("3.33"), discount_rate=0, tax_rate=0
            ),
        ]
    )
    compute_totals(doc)
    assert (doc.subtotal, doc.discount_total, doc.tax_total, doc.total) == (
        Decimal("25.00"),
        Decimal("10.00"),
        Decimal("2.00"),
        Decimal("17.00"),
    )


def test_line_checks_name_each_problem_and_default_the_discount():
    errors = {}
    lines = clean_lines(
        [
            {"description": "A", "quantity": "1.5", "unit_price": "2"},
            {
                "description": " ",
                "quantity": "-1",
                "unit_price": "1",
                "discount_rate": "101",
                "tax_rate": "x",
            },
        ],
        Decimal("7"),
        errors,
    )
    assert lines[0]["quantity"] == Decimal("1.500") and lines[0]["discount_rate"] == Decimal("7.00")
    assert set(errors) == {
        "lines.1.description",
        "lines.1.quantity",
        "lines.1.discount_rate",
        "lines.1.tax_rate",
    }


@pytest.mark.parametrize(
    "limit, amount, refused",
    [
        (None, "1000000", False),
        ("500", "499.99", False),
        ("500", "500.00", False),
        ("500", "500.01", True),
        ("0", "0.01", True),
    ],
)
def test_limit_compares_exposure_plus_amount(app, acme, limit, amount, refused):
    customer = factories.buyer(app, acme, credit_limit=Decimal(limit) if limit else None)
    with app.test_request_context(), tenant_scope(acme.id):
        row = db.session.get(Customer, customer)
        result = credit.refusal(db.session, row, Decimal(amount), "order")
        assert (result is not None) == refused
        if refused:
            assert result.shortfall == Decimal(amount) - Decimal(limit)
        db.session.remove()
