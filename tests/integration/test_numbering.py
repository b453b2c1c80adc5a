"""Document numbers: the next free one per tenant, and a number taken by someone saving
at the same moment refused on the number field instead of failing the page."""

import datetime as dt
from unittest import mock

import pytest

from crm.models import Contract, Payment
from crm.services.core import numbering
from crm.services.core.errors import ValidationFailed
from tests import factories
from tests.factories import books, form_errors


def test_numbers_follow_the_tenants_own_series(app, acme, globex):
    buyer = factories.customer(app, acme, "Numbered Buyer")
    with books(app, acme) as s:
        assert numbering.next_number(s, Contract) == "CT-000001"
        s.add(
            Contract(
                tenant_id=acme.id,
                customer_id=buyer,
                number="CT-000041",
                title="A",
                start_date=dt.date(2026, 1, 1),
            )
        )
        s.commit()
        assert numbering.next_number(s, Contract) == "CT-000042"
        assert numbering.next_number(s, Contract, tenant_id=globex.id) == "CT-000001"


def test_a_number_taken_meanwhile_is_refused_and_nothing_is_saved(app, acme):
    buyer = factories.customer(app, acme, "Racing Buyer")
    with books(app, acme) as s:
        for title in ("first", "second"):
            s.add(
                Contract(
                    tenant_id=acme.id,
                    customer_id=buyer,
                    number="CT-000007",
                    title=title,
                    start_date=dt.date(2026, 1, 1),
                )
            )
        with pytest.raises(ValidationFailed) as refused:
            numbering.commit_numbered(s)
        assert refused.value.errors == {"number": [numbering.NUMBER_TAKEN]}
        assert s.query(Contract).count() == 0


def test_the_payment_form_reports_a_clash_as_a_message(app, browser, acme, acme_manager):
    buyer = factories.customer(app, acme, "Paying Buyer")
    b = browser(acme_manager)
    with mock.patch("crm.services.ledger.payments.next_number", return_value="PAY-000001"):
        for reference in ("first", "second"):
            r = b.post(
                "/payments/add",
                {
                    "customer": buyer,
                    "payment_date": "2026-03-01",
                    "amount": "10",
                    "method": "bank_transfer",
                    "reference": reference,
                },
                follow_redirects=True,
            )
            assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "This number was just taken" in html, form_errors(html)
    with books(app, acme) as s:
        assert [p.reference for p in s.query(Payment)] == ["first"]
