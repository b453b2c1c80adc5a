"""Each main page runs as many SQL statements for a tenant with 100 rows as for one with 10:
nothing is loaded row by row (an N+1 query)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import (
    Company,
    Contact,
    Contract,
    CreditNote,
    Customer,
    Deal,
    Lead,
    LeadStatus,
    Note,
    Payment,
    Pipeline,
    SalesOrder,
    SalesOrderLine,
    Tag,
    Task,
)
from crm.security.tenancy import tenant_scope
from crm.services.core.numbering import next_number
from crm.services.customers import companies, contacts, customers
from crm.services.pipeline import interactions, leads
from tests import factories
from tests.conftest import PASSWORD, Browser, empty_database, make_tenant, make_user
from tests.factories import counted

SMALL, LARGE = 10, 100


def fill(app, tenant, user_id, n):
    """``n`` customers, each with its own company, two of ``n`` tags, a contact, a deal, a
    lead, an invoice with a credit note, a contract, an order, a payment, a task, an
    interaction and a note; the first
    customer's company has ``n`` more customers, and the first customer and deal ``n``
    more interactions, notes and tasks. Ids of the records the detail pages open."""
    with app.app_context(), tenant_scope(tenant.id):
        s = db.session
        pipeline = s.scalar(select(Pipeline).where(Pipeline.name == "Sales"))
        stages = list(pipeline.stages)
        status = s.scalar(select(LeadStatus).order_by(LeadStatus.id))
        tags = [Tag(tenant_id=tenant.id, name=f"Tag {i}") for i in range(n)]
        s.add_all(tags)
        rows = []
        for i in range(n):
            company = Company(tenant_id=tenant.id, name=f"Company {i:03d}", assigned_to_id=user_id)
            companies.prepare_company(s, company)
            s.add(company)
            customer = Customer(
                tenant_id=tenant.id,
                name=f"Customer {i:03d}",
                email=f"customer{i}@example.com",
                company=company,
                owner_id=user_id,
                tags=[tags[i], tags[(i + 1) % n]],
            )
            customers.prepare(s, customer)
            s.add(customer)
            rows.append((customer, company))
        s.flush()
        for i, (customer, company) in enumerate(rows):
            contact = Contact(tenant_id=tenant.id, customer=customer, name=f"Buyer {i}")
            contacts.prepare(s, contact)
            s.add(contact)
            deal = Deal(
                tenant_id=tenant.id,
                title=f"Deal {i:03d}",
                pipeline=pipeline,
                stage=stages[i % len(stages)],
                customer=customer,
                company=company,
                assigned_to_id=user_id,
                value=Decimal("1000"),
            )
            s.add(deal)
            lead = Lead(
                tenant_id=tenant.id,
                title=f"Lead {i:03d}",
                status=status,
                customer=customer,
                company=company,
                assigned_to_id=user_id,
            )
            leads.prepare(s, lead)
            s.add(lead)
            s.flush()
            invoice = factories.invoice(s, customer.id, total="100.00")
            s.add(
                CreditNote(
                    tenant_id=tenant.id,
                    customer=customer,
                    invoice=invoice,
                    number=next_number(s, CreditNote),
                    issue_date=factories.TODAY,
                    amount=Decimal("10"),
                    currency=customer.currency,
                    reason="Damaged goods",
                    status="draft",
                )
            )
            s.add(
                Contract(
                    tenant_id=tenant.id,
                    customer=customer,
                    number=next_number(s, Contract),
                    title=f"Contract {i}",
                    start_date=factories.TODAY,
                    value=Decimal("500"),
                    currency=customer.currency,
                )
            )
            order = SalesOrder(
                tenant_id=tenant.id,
                customer=customer,
                number=next_number(s, SalesOrder),
                order_date=factories.TODAY,
                currency=customer.currency,
            )
            order.lines.append(
                SalesOrderLine(
                    tenant_id=tenant.id, description="Widgets", quantity=1, unit_price=Decimal(10)
                )
            )
            s.add(order)
            s.add(
                Payment(
                    tenant_id=tenant.id,
                    customer=customer,
                    number=next_number(s, Payment),
                    payment_date=factories.TODAY,
                    amount=Decimal("50"),
                    currency=customer.currency,
                )
            )
            s.add(
                Task(
                    tenant_id=tenant.id,
                    title=f"Task {i}",
                    assignee_id=user_id,
                    customer=customer,
                    company=company,
                    deal=deal,
                    lead=lead,
                )
            )
            interactions.log_interaction(
                s, customer, f"Call {i}", deal=deal, contact=contact, user_id=user_id
            )
            s.add(Note(tenant_id=tenant.id, customer=customer, body=f"Note {i}", author_id=user_id))
            s.flush()
        first, company = rows[0]
        deal = s.scalar(select(Deal).where(Deal.customer_id == first.id))
        for i in range(n):
            branch = Customer(
                tenant_id=tenant.id,
                name=f"Branch {i:03d}",
                email=f"branch{i}@example.com",
                company=company,
                owner_id=user_id,
            )
            customers.prepare(s, branch)
            s.add(branch)
            interactions.log_interaction(
                s,
                first,
                f"Follow-up {i}",
                occurred_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=i),
                deal=deal,
                user_id=user_id,
            )
            s.add(Note(tenant_id=tenant.id, customer=first, body=f"More {i}", author_id=user_id))
            s.add(Task(tenant_id=tenant.id, title=f"Chase {i}", customer=first, deal=deal))
        s.commit()
        found = SimpleNamespace(customer=first.id, company=company.id, deal=deal.id)
        s.remove()
    return found


@pytest.fixture(scope="module")
def tenants(_app):
    """A tenant with SMALL rows of everything and one with LARGE, each with its admin."""
    empty_database(_app)
    found = {}
    for n in (SMALL, LARGE):
        tenant = make_tenant(_app, f"Tenant {n}")
        admin = make_user(_app, tenant, "Admin", f"admin-{n}")
        found[n] = SimpleNamespace(admin=admin, ids=fill(_app, tenant, admin.id, n))
    yield found
    empty_database(_app)


@pytest.fixture
def browser_of(_app):
    return lambda user: Browser(_app.test_client()).login(user.username)


@pytest.fixture
def api_of(_app):
    """A client whose requests carry the user's API token."""

    def signed_in(user):
        client = _app.test_client()
        response = client.post(
            "/api/v1/security/login",
            json={"username": user.username, "password": PASSWORD, "provider": "db"},
        )
        client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + response.json["access_token"]
        return client

    return signed_in


HTML_LISTS = {
    "customers": "/customers/list/?psize_CustomerView=100",
    "companies": "/companies/list/?psize_CompanyView=100",
    "contacts": "/contacts/list/?psize_ContactView=100",
    "leads": "/leads/list/?psize_LeadView=100",
    "deals": "/deals/list/?psize_DealView=100",
    "invoices": "/invoices/list/?psize_InvoiceView=100",
    "orders": "/sales_orders/list/?psize_SalesOrderView=100",
    "payments": "/payments/list/?psize_PaymentView=100",
    "tasks": "/tasks/list/?psize_TaskView=100",
    "interactions": "/interactions/list/?psize_InteractionView=100",
    "credit notes": "/credit-notes/list/?psize_CreditNoteView=100",
    "contracts": "/contracts/list/?psize_ContractView=100",
    "notes": "/notes/list/?psize_NoteView=100",
}
API_LISTS = {
    f"api {name}": f"/api/v1/{name}/?q=(page_size:100)"
    for name in ("customer", "company", "contact", "lead", "deal", "invoice")
}
DETAIL_PAGES = {
    "customer page": "/customers/show/{ids.customer}",
    "company page": "/companies/show/{ids.company}",
    "deal page": "/deals/show/{ids.deal}",
    "deal board": "/deal-board/",
    "dashboard": "/dashboard/",
}


def statements_of(app, url, client):
    """The statements of a second request of ``url`` and how many rows it showed."""
    client.get(url)  # the first request of a session reads what later ones find cached
    with counted(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return statements, _rows_shown(response)


def _rows_shown(response):
    if response.is_json:
        return len(response.json["result"])
    return response.get_data(as_text=True).count("<tr")


def compare(app, tenants, url, client_of):
    counts, shown = {}, {}
    for n, world in tenants.items():
        counts[n], shown[n] = statements_of(app, url.format(ids=world.ids), client_of(world.admin))
    return counts, shown


@pytest.mark.parametrize("url", list(HTML_LISTS.values()), ids=list(HTML_LISTS))
def test_list_runs_as_many_statements_for_100_rows_as_for_10(_app, tenants, browser_of, url):
    counts, shown = compare(_app, tenants, url, browser_of)
    assert shown[LARGE] > LARGE > shown[SMALL]  # the page listed every row
    assert len(counts[LARGE]) == len(counts[SMALL]), _difference(counts)


@pytest.mark.parametrize("url", list(DETAIL_PAGES.values()), ids=list(DETAIL_PAGES))
def test_page_runs_as_many_statements_for_100_rows_as_for_10(_app, tenants, browser_of, url):
    counts, _ = compare(_app, tenants, url, browser_of)
    assert len(counts[LARGE]) == len(counts[SMALL]), _difference(counts)


@pytest.mark.parametrize("url", list(API_LISTS.values()), ids=list(API_LISTS))
def test_api_list_runs_as_many_statements_for_100_rows_as_for_10(_app, tenants, api_of, url):
    counts, shown = compare(_app, tenants, url, api_of)
    assert shown[LARGE] == LARGE > shown[SMALL] >= SMALL
    assert len(counts[LARGE]) == len(counts[SMALL]), _difference(counts)


def _difference(counts):
    small, large = counts[SMALL], counts[LARGE]
    extra = [s for s in large if large.count(s) > small.count(s)]
    return f"{len(small)} statements for {SMALL} rows, {len(large)} for {LARGE}; repeated: " + (
        extra[0][:400] if extra else "-"
    )
