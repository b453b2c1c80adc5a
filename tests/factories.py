"""Records for tests, made through the same services the app uses."""
import re

from crm.extensions import db
from crm.models import Address, Company, Contact, Customer, CustomerGroup
from crm.security.tenancy import tenant_scope
from crm.services.customers import addresses, companies, contacts, customers


def customer(app, tenant, name="Acme Widgets Ltd", email=None, **fields):
    """Create a customer for ``tenant``; returns its id."""
    with app.app_context(), tenant_scope(tenant.id):
        item = Customer(tenant_id=tenant.id, name=name,
                        email=email or re.sub(r"\W+", ".", name.lower()) + "@example.com", **fields)
        customers.prepare(db.session, item)
        db.session.add(item)
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
        item = Address(tenant_id=tenant.id, customer_id=customer_id, kind=kind, line1="1 Main St",
                       city=city, country=country, **fields)
        addresses.prepare(db.session, item)
        db.session.add(item)
        db.session.commit()
        addresses.refresh_customer_location(db.session, customer_id)
        pk = item.id
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


def load(app, model, pk):
    """Read a row back (all tenants), detached, for assertions."""
    with app.app_context():
        item = db.session.get(model, pk)
        if item is not None:
            db.session.refresh(item)
            db.session.expunge(item)
        db.session.remove()
    return item


def form_errors(html):
    """The validation messages a re-rendered FAB form shows."""
    return [re.sub(r"\s+", " ", m).strip() for m in
            re.findall(r'<div class="alert alert-danger">(.*?)</div>', html, re.S)]


def lead(app, tenant, title="Website redesign", status=None, **fields):
    """Create a lead for ``tenant`` through the lead rules; ``status`` is a status name."""
    from crm.models import Lead, LeadStatus
    from crm.services.pipeline import leads

    with app.app_context(), tenant_scope(tenant.id):
        item = Lead(tenant_id=tenant.id, title=title, **fields)
        if status is not None:
            item.status = db.session.query(LeadStatus).filter_by(tenant_id=tenant.id, name=status).one()
        leads.prepare(db.session, item)
        db.session.add(item)
        db.session.commit()
        pk = item.id
        db.session.remove()
    return pk
