"""Demo data: two organisations with logins, a few hundred realistic customers, deals and
leads on their boards, a ledger, support tickets and health scores.

Idempotent: a tenant that exists keeps its data; missing logins are added.
"""

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import phonenumbers
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.iso7064 import mod_11_10

from crm.data import demo_names as names
from crm.models import (
    Address,
    Company,
    Contact,
    CrmUser,
    Customer,
    CustomerGroup,
    Interaction,
    Lead,
    LeadSource,
    LeadStatus,
    PaymentTerm,
    Pipeline,
    Region,
    Segment,
    SupportTicket,
    Tag,
    Task,
    TaxRegistration,
    Tenant,
)
from crm.models.base import utcnow
from crm.security.tenancy import tenant_scope
from crm.services.accounts import tenants
from crm.services.core import audit
from crm.services.core.transaction import transactional
from crm.services.customers import customers
from crm.services.demo.ledger import seed_ledger
from crm.services.insight import health

DEMO_PASSWORD = "demo-pass-2026"
DEMO_TENANTS = (("Northwind Traders", "northwind"), ("Globex Industries", "globex"))
GROUPS = (
    ("Wholesale partners", "WHOLESALE", 5, 20),
    ("Key accounts", "KEY", 10, 30),
    ("Standard", "STD", 0, 10),
)


def seed(security_manager: Any, customers_per_tenant: int = 300) -> list[tuple[str, str, str]]:
    session = security_manager.session
    logins = []
    with audit.acting_as("demo-loader"):
        for index, (tenant_name, prefix) in enumerate(DEMO_TENANTS):
            tenant = session.scalar(select(Tenant).where(Tenant.name == tenant_name))
            if tenant is None:
                tenant = tenants.create_tenant(session, tenant_name)
            for role in ("Admin", "Manager", "Member"):
                username = f"{prefix}-{role.lower()}"
                if session.scalar(select(CrmUser.id).where(CrmUser.username == username)) is None:
                    tenants.create_user(
                        security_manager,
                        tenant,
                        role,
                        username,
                        DEMO_PASSWORD,
                        f"{username}@example.com",
                        role,
                        tenant_name.split()[0],
                    )
                logins.append((tenant_name, role, username))
            with tenant_scope(tenant.id):
                existing = session.scalar(
                    select(func.count(Customer.id)).where(Customer.tenant_id == tenant.id)
                )
                if existing == 0:
                    rng = random.Random(index + 1)
                    owners = _customers(session, tenant, customers_per_tenant, rng)
                    _pipeline(session, tenant.id, owners, rng)
                seed_ledger(session, tenant.id, random.Random(index + 101))
                _tickets(session, tenant.id, random.Random(index + 201))
                _interactions(session, tenant.id, random.Random(index + 301))
                health.refresh_health(session, tenant.id)
    return logins


TICKET_SUBJECTS = (
    "Invoice copy requested",
    "Delivery arrived damaged",
    "Login to the portal fails",
    "Question about payment terms",
    "Wrong quantity shipped",
    "Change of address",
)


INTERACTION_SUMMARIES = {
    "call": ("Discussed the next order", "Chased an overdue invoice", "Quarterly check-in"),
    "meeting": ("Site visit", "Contract review", "Product demo"),
    "email": ("Sent the price list", "Confirmed delivery dates", "Answered a billing question"),
}


@transactional
def _interactions(session: Session, tenant_id: int, rng: random.Random) -> None:
    """A few calls, meetings and emails per customer over the last half year, newest kept
    on the customer (health score recency)."""
    if session.scalar(select(func.count(Interaction.id)).where(Interaction.tenant_id == tenant_id)):
        return
    now = utcnow()
    for customer in session.scalars(
        select(Customer).where(Customer.tenant_id == tenant_id).order_by(Customer.id)
    ):
        newest = None
        for _ in range(rng.choice((0, 1, 2, 3, 4))):
            kind = rng.choice(tuple(INTERACTION_SUMMARIES))
            when = now - dt.timedelta(
                days=rng.choice((1, 3, 6, 12, 25, 40, 75, 120, 200)), hours=rng.randint(0, 8)
            )
            session.add(
                Interaction(
                    tenant_id=tenant_id,
                    customer_id=customer.id,
                    kind=kind,
                    summary=rng.choice(INTERACTION_SUMMARIES[kind]),
                    occurred_at=when,
                )
            )
            newest = when if newest is None or when > newest else newest
        customer.last_interaction_at = newest


@transactional
def _tickets(session: Session, tenant_id: int, rng: random.Random) -> None:
    """Support tickets for about one customer in six, some still open (health score input)."""
    if session.scalar(
        select(func.count(SupportTicket.id)).where(SupportTicket.tenant_id == tenant_id)
    ):
        return
    now = utcnow()
    for customer_id in session.scalars(
        select(Customer.id).where(Customer.tenant_id == tenant_id).order_by(Customer.id)
    ):
        if rng.random() > 0.17:
            continue
        for _ in range(rng.randint(1, 3)):
            opened = now - dt.timedelta(days=rng.randint(1, 120))
            status = rng.choice(("open", "pending", "closed", "closed"))
            session.add(
                SupportTicket(
                    tenant_id=tenant_id,
                    customer_id=customer_id,
                    subject=rng.choice(TICKET_SUBJECTS),
                    status=status,
                    priority=rng.choice(("low", "normal", "normal", "high", "urgent")),
                    opened_at=opened,
                    closed_at=opened + dt.timedelta(days=rng.randint(0, 10))
                    if status == "closed"
                    else None,
                )
            )


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _phone(rng: random.Random, pattern: str, country: str) -> str | None:
    for _ in range(20):
        text = pattern.format(n7=_digits(rng, 7), n8=_digits(rng, 8), n4="0" + _digits(rng, 3))
        number = phonenumbers.parse(text, country)
        if phonenumbers.is_valid_number(number):
            return text
    return None


def _german_vat(rng: random.Random) -> str:
    body = str(rng.randint(1, 9)) + _digits(rng, 7)
    return "DE" + body + mod_11_10.calc_check_digit(body)


@transactional
def _customers(session: Session, tenant: Any, count: int, rng: random.Random) -> list[Any]:
    """Groups, companies and customers with contacts and addresses; returns the owners."""
    tid = tenant.id
    groups = [
        CustomerGroup(tenant_id=tid, name=n, code=c, discount_percent=Decimal(d), priority=p)
        for n, c, d, p in GROUPS
    ]
    session.add_all(groups)
    terms = list(session.scalars(select(PaymentTerm).where(PaymentTerm.tenant_id == tid)))
    segments = list(session.scalars(select(Segment).where(Segment.tenant_id == tid)))
    regions = list(session.scalars(select(Region).where(Region.tenant_id == tid)))
    tags = list(session.scalars(select(Tag).where(Tag.tenant_id == tid)))
    owners = list(session.scalars(select(CrmUser).where(CrmUser.tenant_id == tid)))
    companies = []
    for stem in rng.sample(names.COMPANY_STEMS, 12):
        country = rng.choice(list(names.CITIES))
        city, postal, phone = rng.choice(names.CITIES[country])
        companies.append(
            Company(
                tenant_id=tid,
                name=f"{stem} Holding",
                country=country,
                city=city,
                postal_code=postal,
                street=f"{rng.randint(1, 200)} {rng.choice(names.STREETS)}",
                industry=rng.choice(names.INDUSTRIES),
                website=f"https://{stem.lower()}-holding.example",
                office_email=f"office@{stem.lower()}-holding.example",
                office_phone=_phone(rng, phone, country),
            )
        )
    session.add_all(companies)
    used = set()
    for n in range(count):
        country = rng.choice(list(names.CITIES))
        city, postal, phone_pattern = rng.choice(names.CITIES[country])
        individual = rng.random() < 0.2
        first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
        if individual:
            name = f"{first} {last}"
        else:
            name = (
                f"{rng.choice(names.COMPANY_STEMS)} {rng.choice(names.COMPANY_KINDS)} "
                f"{names.COMPANY_SUFFIXES[country]}"
            )
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:24]
        email = f"{'info' if not individual else first.lower()}@{slug}{n}.example"
        if email in used:
            continue
        used.add(email)
        segment = rng.choice(segments)
        customer = Customer(
            tenant_id=tid,
            kind="individual" if individual else "company",
            name=name,
            email=email,
            code=f"C{n + 1:06d}",
            phone=_phone(rng, phone_pattern, country),
            currency=names.CURRENCIES[country],
            industry=None if individual else rng.choice(names.INDUSTRIES),
            website=None if individual else f"https://www.{slug}.example",
            segment=segment,
            sub_segment=rng.choice(segment.sub_segments) if segment.sub_segments else None,
            region=rng.choice(regions),
            payment_term=rng.choice(terms),
            discount_rate=Decimal(rng.choice((0, 0, 0, 2, 5, 10))),
            payment_method=rng.choice(("bank_transfer", "credit_card", "direct_debit")),
            credit_limit=Decimal(rng.choice((5000, 10000, 25000, 50000, 100000))),
            customer_group=rng.choice(groups + [None]),
            company=rng.choice(companies) if not individual and rng.random() < 0.4 else None,
            owner=rng.choice(owners) if owners else None,
            city=city,
            country=country,
            tags=rng.sample(tags, rng.choice((0, 0, 1, 2))),
        )
        if country == "DE" and not individual:
            customer.tax_regime, customer.tax_number = "VAT", _german_vat(rng)
        customers.prepare(session, customer)
        if customer.tax_number:
            customer.tax_registrations = [
                TaxRegistration(
                    tenant_id=tid,
                    regime=customer.tax_regime,
                    number=customer.tax_number,
                    for_invoices=True,
                )
            ]
        person = f"{rng.choice(names.FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}"
        customer.contacts = [
            Contact(
                tenant_id=tid,
                name=person if not individual else name,
                role=None if individual else rng.choice(names.ROLES),
                email=email,
                phone=customer.phone,
                is_primary=True,
            )
        ]
        if not individual and rng.random() < 0.5:
            customer.contacts.append(
                Contact(
                    tenant_id=tid,
                    name=f"{rng.choice(names.FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}",
                    role=rng.choice(names.ROLES),
                    email=f"accounts@{slug}{n}.example",
                )
            )
        street = f"{rng.randint(1, 250)} {rng.choice(names.STREETS)}"
        customer.addresses = [
            Address(
                tenant_id=tid,
                kind="contact",
                line1=street,
                city=city,
                postal_code=postal,
                country=country,
                is_default=True,
            ),
            Address(
                tenant_id=tid,
                kind="billing",
                line1=street,
                city=city,
                postal_code=postal,
                country=country,
                is_default=True,
            ),
        ]
        session.add(customer)
        if n % 100 == 99:
            session.flush()
    return owners


DEAL_WORDS = (
    "Framework agreement",
    "Annual renewal",
    "Pilot project",
    "Spare parts",
    "Service contract",
    "Fleet upgrade",
    "Consulting days",
    "Warehouse fit-out",
)
LEAD_WORDS = (
    "Enquiry from trade show",
    "Website request",
    "Referral",
    "Cold call follow-up",
    "Partner introduction",
)


@transactional
def _pipeline(session: Session, tenant_id: int, owners: list[Any], rng: random.Random) -> None:
    """A few dozen deals spread over the stages and some open leads, so the boards show life."""
    from crm.services.pipeline import deal_stages, deals, leads

    pipeline: Any = session.scalar(
        select(Pipeline).where(Pipeline.tenant_id == tenant_id, Pipeline.is_default.is_(True))
    )
    buyers = list(
        session.scalars(
            select(Customer).where(Customer.tenant_id == tenant_id).order_by(Customer.id).limit(60)
        )
    )
    statuses = list(
        session.scalars(
            select(LeadStatus).where(
                LeadStatus.tenant_id == tenant_id, LeadStatus.is_final.is_(False)
            )
        )
    )
    sources = list(session.scalars(select(LeadSource).where(LeadSource.tenant_id == tenant_id)))
    today = dt.date.today()
    for n, customer in enumerate(buyers[:40]):
        deal = deals.create_deal(
            session,
            title=f"{rng.choice(DEAL_WORDS)} — {customer.name}",
            value=Decimal(rng.randrange(2_000, 90_000, 500)),
            customer=customer,
            company=customer.company,
            pipeline=pipeline,
            expected_close_date=today + dt.timedelta(days=rng.randint(5, 120)),
            assigned_to=rng.choice(owners) if owners else None,
        )
        stage = rng.choice(pipeline.stages)
        deal_stages.move_deal_to_stage(session, deal, stage, "Price" if stage.is_lost else None)
        # Opened over the last half year, so the dashboard's months show a history.
        deal.created_at = utcnow() - dt.timedelta(days=rng.randint(0, 175))
        if n % 3 == 0:
            status = rng.choice(("open", "open", "in_progress", "done"))
            session.add(
                Task(
                    tenant_id=tenant_id,
                    title=f"Follow up: {deal.title}"[:200],
                    deal=deal,
                    customer=customer,
                    assignee=deal.assigned_to,
                    due_date=today + dt.timedelta(days=rng.randint(-5, 20)),
                    priority=rng.choice(("low", "normal", "high")),
                    status=status,
                    completed_at=utcnow() if status == "done" else None,
                )
            )
    for n, _customer in enumerate(buyers[40:]):
        first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
        lead = Lead(
            tenant_id=tenant_id,
            title=rng.choice(LEAD_WORDS),
            contact_name=f"{first} {last}",
            contact_email=f"{first.lower()}.{last.lower()}{n}@prospect.example",
            company_name=f"{rng.choice(names.COMPANY_STEMS)} {rng.choice(names.COMPANY_KINDS)}",
            value=Decimal(rng.randrange(1_000, 40_000, 500)),
            status=rng.choice(statuses),
            source=rng.choice(sources),
        )
        leads.prepare(session, lead)
        session.add(lead)
