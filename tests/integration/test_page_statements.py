"""Pages read what they show once: the customer page reads the customer with the records it
names in one statement and its unallocated credit in one; the deal list and the deal board
do not read their stages, pipelines and owners again for the rows. (Statements for 10 rows
and for 100 rows: tests/integration/test_query_counts.py.)"""

import re

import pytest

from crm.extensions import db
from crm.models import Customer, Region, Segment, SubSegment, Tag
from crm.security.tenancy import tenant_scope
from crm.services.customers import customers
from tests import factories
from tests.factories import counted

FROM = re.compile(r"\bFROM\s+(\w+)", re.IGNORECASE)


def _second_request(app, client, url):
    client.get(url)  # the first request of a session reads what later ones find cached
    with counted(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return statements, response.get_data(as_text=True)


def _reading(statements, table):
    """The statements whose first FROM is ``table``."""
    return [s for s in statements if (m := FROM.search(s)) and m.group(1) == table]


@pytest.fixture
def described_customer(app, acme):
    """A customer with a group, segment, sub-segment, region, payment term, company and
    two tags; its id."""
    term = factories.term(app, acme, 14)
    company = factories.company(app, acme, "Umbrella Holding")
    group = factories.group(app, acme, "Top accounts", "TOPX")
    with app.app_context(), tenant_scope(acme.id):
        segment = Segment(tenant_id=acme.id, name="Boutique retail")
        db.session.add(segment)
        db.session.flush()
        customer = Customer(
            tenant_id=acme.id,
            name="Described Ltd",
            email="described@example.com",
            currency="EUR",
            segment=segment,
            sub_segment=SubSegment(tenant_id=acme.id, name="Corner shops", segment_id=segment.id),
            region=Region(tenant_id=acme.id, name="Far North"),
            customer_group_id=group,
            payment_term_id=term,
            company_id=company,
            tags=[
                Tag(tenant_id=acme.id, name="Very important"),
                Tag(tenant_id=acme.id, name="Exporter"),
            ],
        )
        customers.prepare(db.session, customer)
        db.session.add(customer)
        db.session.commit()
        pk = customer.id
        db.session.remove()
    return pk


def test_the_customer_page_reads_what_it_names_with_the_customer(
    app, browser, acme_admin, described_customer
):
    statements, html = _second_request(
        app, browser(acme_admin).client, f"/customers/show/{described_customer}"
    )
    for shown in ("Boutique retail", "Corner shops", "Far North", "Top accounts", "Net 14 days"):
        assert shown in html
    assert "Very important" in html and "Exporter" in html and "Umbrella Holding" in html
    for table in (
        "crm_customer_group",
        "crm_segment",
        "crm_sub_segment",
        "crm_region",
        "crm_payment_term",
        "crm_tag",
        "crm_company",
    ):
        assert not _reading(statements, table), table
    assert len(_reading(statements, "crm_customer")) == 1
    credit = [s for s in statements if "crm_payment_allocation" in s]
    assert len(credit) == 1 and "crm_credit_note" in credit[0], credit


def test_the_deal_list_reads_its_stages_pipelines_and_owners_once(app, browser, acme, acme_admin):
    for n in range(3):
        factories.deal(app, acme, f"Deal {n}", assigned_to_id=acme_admin.id)
    statements, html = _second_request(app, browser(acme_admin).client, "/deals/list/")
    assert "Deal 2" in html
    assert len(_reading(statements, "crm_stage")) == 1  # the filter bar's stages
    assert len(_reading(statements, "crm_pipeline")) == 1  # the filter bar's pipelines
    # the signed-in user, then the filter bar's owners (the rows' owners among them)
    assert len(_reading(statements, "ab_user")) == 2


def test_the_deal_board_reads_its_stages_once(app, browser, acme, acme_admin):
    factories.deal(app, acme, "On the board")
    statements, html = _second_request(app, browser(acme_admin).client, "/deal-board/")
    assert "crm-kanban" in html
    assert len(_reading(statements, "crm_stage")) == 1
