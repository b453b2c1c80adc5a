"""A customer with a ledger across a statement period, for the statement tests."""

from tests.factories.customers import address, contact, customer
from tests.factories.ledger import credit_note, payment, saved_invoice


def customer_with_ledger(
    app, tenant, name="Nordlicht GmbH", email_contact="anna@nordlicht.example", series="", **fields
):
    """A EUR customer with a billing address, a primary contact and this ledger:

    2025-12-10 INV-000001 1,000.00 (due 2026-01-09), paid 400.00 on 2025-12-20 (PAY-000001)
    -> opening balance on 2026-01-01: 600.00
    2026-01-15 INV-000002 250.00 (due 2026-02-14)
    2026-02-01 PAY-000002 600.00 allocated to INV-000001
    2026-02-10 CN-000001 50.00 against INV-000002
    2026-02-20 INV-000003 99.90 void (not on the statement)
    2026-03-05 PAY-000003 30.00 unallocated
    2026-04-02 INV-000004 500.00 (after the period)
    -> closing balance on 2026-03-31: 600 + 250 - 600 - 50 - 30 = 170.00

    ``series`` goes before the numbers' digits (INV-A000001), for more than one such customer.
    """
    fields.setdefault("tax_regime", "other")
    fields.setdefault("tax_number", "DE-TAX-4711")
    pk = customer(app, tenant, name, currency="EUR", **fields)
    address(app, tenant, pk, kind="billing", city="Köln", postal_code="50667", country="DE")
    if email_contact:
        contact(app, tenant, pk, name="Anna Müller", email=email_contact)

    def bill(number, issued, due, total, status="issued"):
        return saved_invoice(
            app,
            tenant,
            pk,
            total,
            number=f"INV-{series}{number}",
            issue_date=issued,
            due_date=due,
            status=status,
        )

    first = bill("000001", "2025-12-10", "2026-01-09", "1000.00")
    payment(
        app,
        tenant,
        pk,
        "400.00",
        number=f"PAY-{series}000001",
        paid="2025-12-20",
        allocations={first: "400.00"},
    )
    second = bill("000002", "2026-01-15", "2026-02-14", "250.00")
    payment(
        app,
        tenant,
        pk,
        "600.00",
        number=f"PAY-{series}000002",
        paid="2026-02-01",
        allocations={first: "600.00"},
        reference="Wire 88",
    )
    credit_note(
        app,
        tenant,
        pk,
        "50.00",
        number=f"CN-{series}000001",
        issued="2026-02-10",
        invoice_id=second,
        reason="Damaged goods",
    )
    bill("000003", "2026-02-20", "2026-03-20", "99.90", status="void")
    payment(app, tenant, pk, "30.00", number=f"PAY-{series}000003", paid="2026-03-05")
    bill("000004", "2026-04-02", "2026-05-02", "500.00")
    return pk
