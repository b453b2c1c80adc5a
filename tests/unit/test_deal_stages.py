"""The one stage rule (crm.services.pipeline.deal_stages): won and lost close a deal today, a lost
deal keeps its reason, reopening clears both, a deal never leaves its pipeline."""

import datetime as dt

import pytest

from crm.models import Deal, Stage
from crm.security.tenancy import tenant_scope
from crm.services.core.errors import NotFound, ValidationFailed
from crm.services.pipeline import deal_stages, deals
from tests import factories

TODAY = dt.date.today()


@pytest.fixture
def sales(app, acme):
    return factories.sales(app, acme)


@pytest.fixture
def moving(app, acme, db_session):
    """move(deal_id, stage_id, reason=None) -> the deal after the move, committed."""

    def move(deal_id, stage_id, reason=None):
        with db_session() as s, tenant_scope(acme.id):
            deal = s.get(Deal, deal_id)
            deal_stages.move_deal_to_stage(s, deal, s.get(Stage, stage_id), reason)
            s.commit()
        return factories.load_deal(app, deal_id)

    return move


def test_moving_to_the_won_stage_closes_the_deal_today(app, acme, sales, moving):
    pk = factories.deal(app, acme, stage="Proposal")
    deal = moving(pk, sales.stages["Won"], "ignored for a won deal")
    assert (deal.stage_name, deal.actual_close_date, deal.lost_reason) == ("Won", TODAY, None)


def test_moving_to_the_lost_stage_closes_it_and_keeps_the_reason(app, acme, sales, moving):
    pk = factories.deal(app, acme, stage="Negotiation")
    deal = moving(pk, sales.stages["Lost"], "  Too expensive  ")
    assert (deal.stage_name, deal.actual_close_date, deal.lost_reason) == (
        "Lost",
        TODAY,
        "Too expensive",
    )


def test_the_lost_reason_is_optional(app, acme, sales, moving):
    deal = moving(factories.deal(app, acme), sales.stages["Lost"], "   ")
    assert (deal.actual_close_date, deal.lost_reason) == (TODAY, None)


@pytest.mark.parametrize("closed", ["Won", "Lost"])
def test_reopening_clears_the_close_date_and_the_lost_reason(app, acme, sales, moving, closed):
    pk = factories.deal(app, acme)
    moving(pk, sales.stages[closed], "No budget")
    deal = moving(pk, sales.stages["Qualified"])
    assert (deal.stage_name, deal.actual_close_date, deal.lost_reason) == ("Qualified", None, None)


def test_moving_to_the_stage_it_is_in_changes_nothing(app, acme, sales, moving, db_session):
    pk = factories.deal(app, acme, stage="Lost", lost_reason="Went elsewhere")
    last_month = TODAY - dt.timedelta(days=30)
    with db_session() as s:
        s.get(Deal, pk).actual_close_date = last_month
        s.commit()
    deal = moving(pk, sales.stages["Lost"], "A new reason")
    assert (deal.actual_close_date, deal.lost_reason) == (last_month, "Went elsewhere")


def test_a_stage_of_another_pipeline_is_refused(app, acme, sales, moving):
    other = factories.pipeline(app, acme)
    pk = factories.deal(app, acme, stage="Proposal")
    with pytest.raises(ValidationFailed) as refused:
        moving(pk, other.stages["Signed"])
    assert "another pipeline" in str(refused.value.errors["stage"][0])
    deal = factories.load_deal(app, pk)
    assert (deal.stage_name, deal.pipeline_id, deal.actual_close_date) == (
        "Proposal",
        sales.id,
        None,
    )


def test_an_overlong_lost_reason_is_refused(app, acme, sales, moving):
    pk = factories.deal(app, acme)
    with pytest.raises(ValidationFailed) as refused:
        moving(pk, sales.stages["Lost"], "x" * 256)
    assert "lost_reason" in refused.value.errors
    assert factories.load_deal(app, pk).stage_name == "Lead"


def test_change_stage_looks_the_stage_up_in_the_tenant_only(app, acme, globex, db_session):
    pk = factories.deal(app, acme)
    foreign_stage = factories.sales(app, globex).stages["Won"]
    with db_session() as s, tenant_scope(acme.id):
        with pytest.raises(NotFound):
            deal_stages.change_stage(s, s.get(Deal, pk), foreign_stage)
    assert factories.load_deal(app, pk).stage_name == "Lead"


def test_the_rule_holds_when_the_change_was_flushed_before_it_ran(app, acme, sales, db_session):
    """An edit form or API body may flush the new stage before ``prepare`` runs (autoflush
    while loading related rows): the close date must still follow the move."""
    pk = factories.deal(app, acme, stage="Negotiation")
    with db_session() as s, tenant_scope(acme.id):
        deal = s.get(Deal, pk)
        deal.stage = s.get(Stage, sales.stages["Won"])
        s.flush()
        deals.prepare(s, deal)
        s.commit()
    deal = factories.load_deal(app, pk)
    assert (deal.stage_name, deal.actual_close_date) == ("Won", TODAY)
