"""`flask crm seed-demo` gives the demo customers a realistic ledger whose stored balances
agree with their documents, once."""

from crm.extensions import db
from crm.models import Contract, CreditNote, Customer, Invoice, Payment, Tenant
from crm.security.tenancy import tenant_scope
from crm.services.ledger import arithmetic as ledger


def _books(app):
    with app.app_context():
        s = db.session
        books = {}
        for tenant in s.query(Tenant).order_by(Tenant.id):
            with tenant_scope(tenant.id):
                buyers = s.query(Customer).all()
                payments = s.query(Payment).all()
                books[tenant.name] = {
                    "invoice statuses": {i.status for i in s.query(Invoice)},
                    "invoices": s.query(Invoice).count(),
                    "partial payments": sum(
                        1 for i in s.query(Invoice) if i.status == "partly_paid"
                    ),
                    "unallocated": sum(
                        1 for p in payments if p.amount > sum((a.amount for a in p.allocations), 0)
                    ),
                    "credit notes": s.query(CreditNote).count(),
                    "contracts": s.query(Contract).count(),
                    "aged buckets": {
                        key
                        for by_currency in ledger.aging_by_currency(s).values()
                        for key, amount in by_currency.items()
                        if amount and key != "total"
                    },
                    "wrong balances": [
                        c.name for c in buyers if c.balance != ledger.balance_of(s, c.id)
                    ],
                    "nonzero balances": sum(1 for c in buyers if c.balance),
                }
        s.remove()
    return books


def test_seed_demo_builds_a_ledger_once(app, runner):
    assert runner.invoke(args=["crm", "seed-demo", "--customers", "60"]).exit_code == 0
    books = _books(app)
    for name, book in books.items():
        assert book["wrong balances"] == [], name
        assert {"issued", "partly_paid", "paid"} <= book["invoice statuses"], name
        assert book["partial payments"] and book["unallocated"], name
        assert book["credit notes"] and book["contracts"] and book["nonzero balances"], name
        # Overdue invoices in several buckets, besides those not yet due.
        assert len(book["aged buckets"] - {"current"}) >= 3, (name, book["aged buckets"])
    assert runner.invoke(args=["crm", "seed-demo", "--customers", "60"]).exit_code == 0
    assert _books(app) == books
