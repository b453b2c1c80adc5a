"""What a deal must satisfy before it is saved (crm.services.pipeline.deals.prepare / create_deal),
and what keeps it, its customer or its company from being deleted."""

import datetime as dt
from decimal import Decimal

import pytest

from crm.models import Company, CrmSetting, Customer, Deal, Pipeline, Stage
from crm.security.tenancy import tenant_scope
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.customers import customers
from crm.services.pipeline import deals
from tests import factories


@pytest.fixture
def create(app, acme, db_session):
    """create(**fields) -> the new deal (detached), through deals.create_deal."""

    def make(**fields):
        with db_session() as s, tenant_scope(acme.id):
            deal = deals.create_deal(s, **fields)
            s.refresh(deal)
            stage_name = deal.stage.name
            s.expunge(deal)
        deal.stage_name = stage_name
        return deal

    return make


def refused(create, **fields):
    with pytest.raises(ValidationFailed) as caught:
        create(**fields)
    return caught.value.errors


def test_without_a_stage_a_deal_starts_in_the_pipelines_default_stage(app, acme, create):
    sales = factories.sales(app, acme)
    deal = create(title="Rollout", pipeline_id=sales.id)
    assert (deal.stage_name, deal.pipeline_id) == ("Lead", sales.id)


def test_without_a_default_stage_it_starts_in_the_first(app, acme, create):
    other = factories.pipeline(app, acme, stages=(("Second", {}), ("First", {})))
    with app.app_context():
        from crm.extensions import db

        db.session.get(Stage, other.stages["First"]).position = -1
        db.session.commit()
        db.session.remove()
    assert create(title="Rollout", pipeline_id=other.id).stage_name == "First"


def test_without_a_pipeline_create_deal_uses_the_default_pipeline(app, acme, create):
    assert create(title="Rollout").pipeline_id == factories.sales(app, acme).id


def test_a_deal_created_in_a_won_stage_is_closed_today(app, acme, create):
    sales = factories.sales(app, acme)
    deal = create(title="Done deal", pipeline_id=sales.id, stage_id=sales.stages["Won"])
    assert deal.actual_close_date == dt.date.today()


def test_fields_are_checked_together(app, acme, create):
    errors = refused(
        create, title="  ", value=Decimal("-1"), probability=101, expected_close_date="next week"
    )
    assert set(errors) == {"title", "value", "probability", "expected_close_date"}


def test_value_is_kept_to_the_cent_and_defaults_to_zero(app, acme, create):
    assert create(title="A", value="1234.565").value == Decimal("1234.57")
    assert create(title="B").value == Decimal("0.00")


def test_a_stage_must_belong_to_the_pipeline(app, acme, create):
    other = factories.pipeline(app, acme)
    errors = refused(
        create, title="X", pipeline_id=factories.sales(app, acme).id, stage_id=other.stages["Intro"]
    )
    assert "another pipeline" in str(errors["stage"][0])


def test_new_deals_need_an_active_pipeline(app, acme, create):
    inactive = factories.pipeline(app, acme, name="Old process", is_active=False)
    assert "inactive" in str(refused(create, title="X", pipeline_id=inactive.id)["pipeline"][0])


def test_a_deal_in_a_pipeline_made_inactive_later_can_still_be_edited(app, acme, db_session):
    other = factories.pipeline(app, acme)
    pk = factories.deal(app, acme, pipeline_id=other.id)
    with db_session() as s, tenant_scope(acme.id):
        s.get(Pipeline, other.id).is_active = False
        s.commit()
        deal = s.get(Deal, pk)
        deal.title = "Renamed"
        deal.stage = s.get(Stage, other.stages["Signed"])
        deals.prepare(s, deal)
        s.commit()
    assert factories.load_deal(app, pk).stage_name == "Signed"


def test_currency_follows_the_customer_else_the_crm_default(app, acme, create, db_session):
    usd = factories.customer(app, acme, "Yankee Trading", currency="USD")
    assert create(title="A", customer_id=usd).currency == "USD"
    assert create(title="B").currency == "EUR"
    with db_session() as s:
        s.add(CrmSetting(tenant_id=acme.id, key="default_deal_currency", value="CHF"))
        s.commit()
    assert create(title="C").currency == "CHF"


def test_archived_customers_and_inactive_companies_are_refused_for_new_deals(
    app, acme, create, db_session
):
    customer = factories.customer(app, acme, "Gone Ltd")
    company = factories.company(app, acme, "Dormant Holding")
    with db_session() as s:
        s.get(Customer, customer).is_active = False
        s.get(Company, company).is_active = False
        s.commit()
    errors = refused(create, title="X", customer_id=customer, company_id=company)
    assert set(errors) == {"customer", "company"}


def test_ids_of_another_tenant_are_unknown(app, acme, globex, create):
    foreign = factories.customer(app, globex, "Globex Buyer")
    assert "customer" in refused(create, title="X", customer_id=foreign)


def test_a_customer_or_company_with_deals_cannot_be_deleted(app, acme, db_session):
    customer = factories.customer(app, acme, "Loyal Buyer")
    company = factories.company(app, acme, "Parent Holding")
    factories.deal(app, acme, customer_id=customer, company_id=company)
    with db_session() as s, tenant_scope(acme.id):
        with pytest.raises(NotAllowed, match="1 deals"):
            customers.check_delete(s, s.get(Customer, customer))
        with pytest.raises(NotAllowed, match="1 deals"):
            customers.check_parent_delete(s, s.get(Company, company))


def test_a_deal_with_tasks_or_interactions_cannot_be_deleted(app, acme, db_session):
    customer = factories.customer(app, acme, "Loyal Buyer")
    pk = factories.deal(app, acme, customer_id=customer)
    factories.task(app, acme, deal_id=pk)
    factories.interaction(app, acme, customer, deal=pk)
    with db_session() as s, tenant_scope(acme.id):
        with pytest.raises(NotAllowed) as caught:
            deals.check_delete(s, s.get(Deal, pk))
    assert "1 tasks" in str(caught.value) and "1 interactions" in str(caught.value)
