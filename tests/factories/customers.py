"""Customers and their parts (contacts, addresses, bank accounts), companies, groups and
payment terms, made through the same services the app uses; each returns the new id."""

import re
from decimal import Decimal

from sqlalchemy import select

from crm.extensions import db
from crm.models import Address, BankAccount, Company, Contact, Customer, CustomerGroup, PaymentTerm
from crm.security.tenancy import tenant_scope
from crm.services.customers import addresses, companies, contacts, customers, tax_registrations


def customer(app, tenant, name="Acme Widgets Ltd", email=None, **fields):
    """Create a customer for ``tenant``; returns its id."""
    with app.app_context(), tenant_scope(tenant.id):
        item = Customer(
            tenant_id=tenant.id,
            name=name,
            email=email or re.sub(r"\W+", ".", name.lower()) + "@example.com",
            **fields,
        )
        customers.prepare(db.session, item)
        db.session.add(item)
        db.session.flush()
        tax_registrations.from_customer(db.session, item)
        db.session.commit()
        pk = item.id
        db.session.remove()
    return pk


def contact(app, tenant, customer_id, name="Jo Buyer", **fields):
    with app.app_context(), tenant_scope(tenant.id):
        item = Contact(tenant_id=tenant.id, customer_id=customer_id, name=name, **fields)
        contacts.prepare(db.session, item)
        db.session.add(item)
        db.session.commit()
        pk = item.id
        db.session.remove()
    return pk


def address(app, tenant, customer_id, kind="billing", city="Berlin", country="DE", **fields):
    with app.app_context(), tenant_scope(tenant.id):
        item = Address(
            tenant_id=tenant.id,
            customer_id=customer_id,
            kind=kind,
            line1="1 Main St",
            city=city,
            country=country,
            **fields,
        )
        addresses.prepare(db.session, item)
        db.session.add(item)
        db.session.commit()
        addresses.refresh_customer_location(db.session, customer_id)
        pk = item.id
        db.session.remove()
    return pk


def bank_account(app, tenant, customer_id, number="DE89370400440532013000", **fields):
    """A bank account written as a plain row (its checks are the bank account tests')."""
    with app.app_context(), tenant_scope(tenant.id):
        row = BankAccount(
            tenant_id=tenant.id,
            customer_id=customer_id,
            bank_name="Commerzbank",
            account_holder="Acme Widgets Ltd",
            account_number=number,
            **fields,
        )
        db.session.add(row)
        db.session.commit()
        pk = row.id
        db.session.remove()
    return pk


def company(app, tenant, name="Umbrella Holding", **fields):
    with app.app_context(), tenant_scope(tenant.id):
        item = Company(tenant_id=tenant.id, name=name, **fields)
        companies.prepare_company(db.session, item)
        db.session.add(item)
        db.session.commit()
        pk = item.id
        db.session.remove()
    return pk


def group(app, tenant, name="Key accounts", code="KEY", **fields):
    with app.app_context(), tenant_scope(tenant.id):
        item = CustomerGroup(tenant_id=tenant.id, name=name, code=code, priority=1, **fields)
        companies.prepare_group(db.session, item)
        db.session.add(item)
        db.session.commit()
        pk = item.id
        db.session.remove()
    return pk


def term(app, tenant, days=30):
    """The tenant's payment term of ``days`` days (created if missing); its id."""
    with app.app_context(), tenant_scope(tenant.id):
        row = db.session.scalar(select(PaymentTerm).where(PaymentTerm.days == days))
        if row is None:
            row = PaymentTerm(tenant_id=tenant.id, name=f"Net {days} days", days=days)
            db.session.add(row)
            db.session.commit()
        pk = row.id
        db.session.remove()
    return pk


def buyer(
    app,
    tenant,
    name="Bolt Buyers GmbH",
    credit_limit=None,
    credit_hold=False,
    currency="EUR",
    discount_rate=Decimal("0"),
    days=30,
    **fields,
):
    """A customer with a payment term, a tax number and default billing and shipping
    addresses; its id."""
    pk = customer(
        app,
        tenant,
        name,
        currency=currency,
        discount_rate=discount_rate,
        payment_term_id=term(app, tenant, days),
        credit_limit=credit_limit,
        credit_hold=credit_hold,
        **fields,
    )
    address(app, tenant, pk, kind="billing", city="Berlin", country="DE", postal_code="10115")
    address(app, tenant, pk, kind="shipping", city="Hamburg", country="DE", postal_code="20095")
    return pk
