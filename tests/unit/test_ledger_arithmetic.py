"""The ledger's arithmetic: line and document totals, balances with partial payments,
unallocated credit, credit notes, voids, aging at its bucket boundaries and several
currencies kept apart. Exact Decimals throughout, on SQLite and PostgreSQL alike."""

import datetime as dt
from decimal import Decimal as D

import pytest

from crm.models import CreditNote, Customer, Invoice
from crm.services.ledger import arithmetic as ledger, credit_notes, payments
from tests import factories
from tests.factories import books, invoice

AS_OF = dt.date(2026, 3, 31)


@pytest.fixture
def buyer(app, acme):
    return factories.customer(app, acme, "Ledger Buyer GmbH", currency="EUR")


def credit_note(session, customer_id, amount, invoice_id=None, issue=True):
    note = CreditNote(
        customer_id=customer_id, invoice_id=invoice_id, amount=amount, reason="Damaged goods"
    )
    credit_notes.prepare(session, note)
    session.add(note)
    session.flush()
    if issue:
        credit_notes.issue(session, note)
    return note


# --- lines and documents --------------------------------------------------------------------


@pytest.mark.parametrize(
    "quantity, price, discount, tax, expected",
    [
        ("1", "0.125", "0", "0", ("0.13", "0.00", "0.13")),  # half up, not to even
        ("3", "0.335", "10", "19", ("0.90", "0.17", "1.07")),  # 1.005 -> 0.9045 -> 0.90; tax 0.171
        ("2.5", "19.99", "0", "7", ("49.98", "3.50", "53.48")),  # 49.975 rounds up; 3.4986
        ("1", "100", "100", "20", ("0.00", "0.00", "0.00")),
        ("0.333", "3", "0", "0", ("1.00", "0.00", "1.00")),  # 0.999
    ],
)
def test_a_line_is_discounted_then_taxed_and_rounded_half_up_to_the_cent(
    quantity, price, discount, tax, expected
):
    assert ledger.line_amounts(D(quantity), D(price), D(discount), D(tax)) == tuple(
        D(v) for v in expected
    )


def test_document_totals_add_up_to_the_lines(app, acme, buyer):
    with books(app, acme) as s:
        item = invoice(s, buyer, (3, "0.335", 10, 19), (2.5, "19.99", 0, 7), (1, "0.125", 0, 0))
        assert [line.position for line in item.lines] == [1, 2, 3]
        assert (item.subtotal, item.discount_total, item.tax_total, item.total) == (
            D("51.12"),
            D("0.11"),
            D("3.67"),
            D("54.68"),
        )
        assert item.total == sum(line.total for line in item.lines)
        assert item.subtotal - item.discount_total + item.tax_total == item.total


# --- balances ---------------------------------------------------------------------------------


def test_partial_payments_leave_the_rest_due_until_the_invoice_is_paid(app, acme, buyer):
    with books(app, acme) as s:
        inv = invoice(s, buyer, total="1000.00")
        assert ledger.balance_of(s, buyer) == D("1000.00")
        payments.record_payment(s, buyer, "400.00", allocations=[(inv, "400.00")])
        assert (inv.status, inv.amount_paid, inv.amount_due) == (
            "partly_paid",
            D("400.00"),
            D("600.00"),
        )
        assert s.get(Customer, buyer).balance == ledger.balance_of(s, buyer) == D("600.00")
        payments.record_payment(s, buyer, "600.00", allocations=[(inv.id, "600.00")])
        assert (inv.status, inv.amount_due) == ("paid", D("0.00"))
        assert s.get(Customer, buyer).balance == D("0.00")


def test_the_unallocated_part_of_a_payment_is_credit(app, acme, buyer):
    with books(app, acme) as s:
        inv = invoice(s, buyer, total="250.00")
        payment = payments.record_payment(s, buyer, "500.00", allocations=[(inv, "200.00")])
        assert payments.unallocated(s, payment) == D("300.00")
        assert ledger.unallocated_credit(s, buyer) == D("300.00")
        assert ledger.balance_of(s, buyer) == D("-250.00")  # we owe them
        payments.allocate(s, payment, [(inv, "50.00")])
        assert (inv.status, payments.unallocated(s, payment)) == ("paid", D("250.00"))
        assert ledger.unallocated_credit(s, buyer) == D("250.00")
        assert ledger.balance_of(s, buyer) == D("-250.00")  # allocating moves no money


def test_a_credit_note_against_an_invoice_counts_as_paid_on_it(app, acme, buyer):
    with books(app, acme) as s:
        inv = invoice(s, buyer, total="300.00")
        credit_note(s, buyer, "120.00", invoice_id=inv.id)
        assert (inv.status, inv.amount_paid) == ("partly_paid", D("120.00"))
        assert s.get(Customer, buyer).balance == D("180.00")
        assert ledger.unallocated_credit(s, buyer) == D("0.00")


def test_a_loose_credit_note_reduces_the_balance_as_credit(app, acme, buyer):
    with books(app, acme) as s:
        inv = invoice(s, buyer, total="300.00")
        credit_note(s, buyer, "45.50")
        assert (inv.status, inv.amount_paid) == ("issued", D("0.00"))
        assert s.get(Customer, buyer).balance == D("254.50")
        assert ledger.unallocated_credit(s, buyer) == D("45.50")


def test_drafts_count_for_nothing(app, acme, buyer):
    with books(app, acme) as s:
        invoice(s, buyer, total="80.00", status="draft")
        credit_note(s, buyer, "10.00", issue=False)
        assert ledger.balance_of(s, buyer) == D("0.00")
        assert ledger.aging(s, buyer, as_of=AS_OF)["total"] == D("0.00")


def test_voiding_a_payment_makes_its_invoices_due_again(app, acme, buyer):
    with books(app, acme) as s:
        first, second = invoice(s, buyer, total="100.00"), invoice(s, buyer, total="50.00")
        payment = payments.record_payment(
            s, buyer, "170.00", allocations=[(first, "100.00"), (second, "30.00")]
        )
        assert (first.status, second.status, s.get(Customer, buyer).balance) == (
            "paid",
            "partly_paid",
            D("-20.00"),
        )
        payments.void_payment(s, payment)
        assert (first.status, first.amount_paid, second.status, second.amount_paid) == (
            "issued",
            D("0.00"),
            "issued",
            D("0.00"),
        )
        assert s.get(Customer, buyer).balance == D("150.00")
        assert ledger.unallocated_credit(s, buyer) == D("0.00")


def test_voiding_an_issued_credit_note_takes_it_off_the_invoice(app, acme, buyer):
    with books(app, acme) as s:
        inv = invoice(s, buyer, total="90.00")
        note = credit_note(s, buyer, "90.00", invoice_id=inv.id)
        assert (inv.status, s.get(Customer, buyer).balance) == ("paid", D("0.00"))
        credit_notes.void_credit_note(s, note)
        assert (inv.status, inv.amount_paid, s.get(Customer, buyer).balance) == (
            "issued",
            D("0.00"),
            D("90.00"),
        )


def test_removing_an_allocation_turns_it_back_into_credit(app, acme, buyer):
    with books(app, acme) as s:
        inv = invoice(s, buyer, total="60.00")
        payment = payments.record_payment(s, buyer, "60.00", allocations=[(inv, "60.00")])
        payments.remove_allocation(s, payment, inv.id)
        assert (inv.status, ledger.unallocated_credit(s, buyer)) == ("issued", D("60.00"))
        assert s.get(Customer, buyer).balance == D("0.00")


def test_balance_until_a_day_counts_only_documents_dated_by_then(app, acme, buyer):
    with books(app, acme) as s:
        inv = invoice(s, buyer, total="500.00", issue_date=dt.date(2026, 1, 10))
        invoice(s, buyer, total="70.00", issue_date=dt.date(2026, 2, 10))
        payments.record_payment(
            s, buyer, "200.00", payment_date=dt.date(2026, 1, 20), allocations=[(inv, "200.00")]
        )
        assert ledger.balance_of(s, buyer, until=dt.date(2026, 1, 9)) == D("0.00")
        assert ledger.balance_of(s, buyer, until=dt.date(2026, 1, 10)) == D("500.00")
        assert ledger.balance_of(s, buyer, until=dt.date(2026, 1, 31)) == D("300.00")
        assert ledger.balance_of(s, buyer) == D("370.00")


# --- aging --------------------------------------------------------------------------------------

BOUNDARIES = [  # days past due -> bucket
    (-5, "current"),
    (0, "current"),
    (1, "days_1_30"),
    (30, "days_1_30"),
    (31, "days_31_60"),
    (60, "days_31_60"),
    (61, "days_61_90"),
    (90, "days_61_90"),
    (91, "over_90"),
    (400, "over_90"),
]


@pytest.mark.parametrize("days, bucket", BOUNDARIES)
def test_bucket_of_each_boundary(days, bucket):
    assert ledger.bucket_of(days) == bucket


def test_aging_puts_each_invoice_in_its_bucket_at_the_boundaries(app, acme, buyer):
    with books(app, acme) as s:
        for index, (days, _) in enumerate(BOUNDARIES):
            due = AS_OF - dt.timedelta(days=days)
            invoice(
                s,
                buyer,
                total=D(10) ** index / 100,
                issue_date=due - dt.timedelta(days=30),
                due_date=due,
            )
        aged = ledger.aging(s, buyer, as_of=AS_OF)
    expected = dict.fromkeys([key for key, _, _ in ledger.AGING_BUCKETS], D("0.00"))
    for index, (_, bucket) in enumerate(BOUNDARIES):
        expected[bucket] += D(10) ** index / 100
    expected["total"] = sum(D(10) ** i / 100 for i in range(len(BOUNDARIES)))
    assert aged == expected
    # current: 0.01 + 0.10; 1-30: 1 + 10; 31-60: 100 + 1,000; ...
    assert aged["current"] == D("0.11") and aged["over_90"] == D("11000000.00")


def test_aging_counts_what_is_still_due_on_open_invoices_only(app, acme, buyer):
    with books(app, acme) as s:
        due = AS_OF - dt.timedelta(days=45)
        partly = invoice(s, buyer, total="1000.00", issue_date=due, due_date=due)
        paid = invoice(s, buyer, total="200.00", issue_date=due, due_date=due)
        invoice(s, buyer, total="999.00", due_date=due, status="void")
        invoice(s, buyer, total="999.00", due_date=due, status="draft")
        payments.record_payment(
            s, buyer, "450.00", allocations=[(partly, "250.00"), (paid, "200.00")]
        )
        credit_note(s, buyer, "100.00", invoice_id=partly.id)
        aged = ledger.aging(s, buyer, as_of=AS_OF)
        assert (aged["days_31_60"], aged["total"]) == (D("650.00"), D("650.00"))
        # Loose credit is not aged: it lowers the balance, not what each invoice has due.
        credit_note(s, buyer, "50.00")
        assert ledger.aging(s, buyer, as_of=AS_OF)["total"] == D("650.00")
        assert ledger.balance_of(s, buyer) == D("600.00")


def test_currencies_are_kept_apart(app, acme, globex):
    euro = factories.customer(app, acme, "Euro Buyer", currency="EUR")
    dollar = factories.customer(app, acme, "Dollar Buyer", currency="USD")
    yen = factories.customer(app, globex, "Other Tenant Buyer", currency="JPY")
    with books(app, globex) as s:
        invoice(s, yen, total="5000.00", due_date=AS_OF - dt.timedelta(days=10))
        s.commit()
    with books(app, acme) as s:
        eur = invoice(s, euro, total="100.00", due_date=AS_OF - dt.timedelta(days=10))
        invoice(s, euro, total="40.00", due_date=AS_OF + dt.timedelta(days=10))
        usd = invoice(s, dollar, total="300.00", due_date=AS_OF - dt.timedelta(days=95))
        payments.record_payment(s, dollar, "120.00", allocations=[(usd, "20.00")])
        assert (eur.currency, usd.currency) == ("EUR", "USD")
        by_currency = ledger.aging_by_currency(s, as_of=AS_OF)
        assert set(by_currency) == {"EUR", "USD"}
        assert (
            by_currency["EUR"]["current"],
            by_currency["EUR"]["days_1_30"],
            by_currency["EUR"]["total"],
        ) == (D("40.00"), D("100.00"), D("140.00"))
        assert (by_currency["USD"]["over_90"], by_currency["USD"]["total"]) == (
            D("280.00"),
            D("280.00"),
        )
        assert s.get(Customer, euro).balance == D("140.00")
        assert s.get(Customer, dollar).balance == D("180.00")


def test_stored_balance_always_equals_the_documents(app, acme, buyer):
    """Whatever sequence of changes: the stored balance is the one computed from scratch."""
    with books(app, acme) as s:
        a, b = invoice(s, buyer, total="19.99"), invoice(s, buyer, (3, "33.333", 5, 19))
        p = payments.record_payment(s, buyer, "10.01", allocations=[(a, "10.01")])
        payments.allocate(s, payments.record_payment(s, buyer, "50.00"), [(b, "25.55")])
        note = credit_note(s, buyer, "9.98", invoice_id=a.id)
        payments.void_payment(s, p)
        credit_notes.void_credit_note(s, note)
        s.expire_all()
        assert s.get(Customer, buyer).balance == ledger.balance_of(s, buyer)
        assert ledger.balance_of(s, buyer) == b.total + a.total - D("50.00")
        assert s.get(Invoice, a.id).status == "issued"
