"""The rules of the sales pipeline settings, called as services (no HTTP)."""

import datetime as dt

import pytest

from crm.models import Deal, LeadStatus, Pipeline, Stage
from crm.security.tenancy import tenant_scope
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.pipeline import lead_statuses, pipelines, positions, stages
from crm.services.settings import configuration as crm_configuration, preferences as crm_settings
from tests import factories, pipeline_settings_support as support


@pytest.fixture
def acme_session(app, acme, db_session):
    """A session acting as Acme (as an operator command would)."""
    with db_session() as s, tenant_scope(acme.id):
        yield s


def status(session, name):
    return session.query(LeadStatus).filter_by(name=name).one()


def stage(session, name, pipeline="Sales"):
    return (
        session.query(Stage)
        .join(Pipeline)
        .filter(Pipeline.name == pipeline, Stage.name == name)
        .one()
    )


def test_a_new_default_status_takes_the_flag_from_the_old_one(acme_session):
    s = acme_session
    hot = LeadStatus(name="Hot", is_default=True)
    lead_statuses.prepare(s, hot)
    s.add(hot)
    s.commit()
    assert [x.name for x in s.query(LeadStatus).filter_by(is_default=True)] == ["Hot"]
    assert hot.position == 5  # after the five seeded statuses


def test_the_default_status_cannot_simply_be_unchecked(acme_session):
    new = status(acme_session, "New")
    new.is_default = False
    with pytest.raises(ValidationFailed) as refused:
        lead_statuses.prepare(acme_session, new)
    assert "is_default" in refused.value.errors


def test_the_default_status_cannot_be_final(acme_session):
    lost = status(acme_session, "Lost")
    lost.is_default = True
    with pytest.raises(ValidationFailed) as refused:
        lead_statuses.prepare(acme_session, lost)
    assert "is_final" in refused.value.errors


@pytest.mark.parametrize(
    "name, colour, problem",
    [
        ("new", None, "name"),  # unique ignoring case
        ("  ", None, "name"),
        ("Warm", "red", "colour"),
        ("Warm", "#12345", "colour"),
    ],
)
def test_status_names_and_colours_are_checked(acme_session, name, colour, problem):
    with pytest.raises(ValidationFailed) as refused:
        lead_statuses.prepare(acme_session, LeadStatus(name=name, colour=colour))
    assert problem in refused.value.errors


def test_colours_are_stored_in_one_spelling(acme_session):
    warm = LeadStatus(name="Warm", colour=" 2E86C1 ")
    lead_statuses.prepare(acme_session, warm)
    assert warm.colour == "#2e86c1"


def test_a_second_won_or_lost_stage_is_refused_naming_the_first(acme_session):
    s = acme_session
    sales = s.query(Pipeline).filter_by(name="Sales").one()
    with pytest.raises(ValidationFailed) as refused:
        stages.prepare(s, Stage(pipeline=sales, name="Closed won", is_won=True))
    assert "“Won” is already the won stage" in str(refused.value.errors["is_won"][0])
    s.rollback()
    sales = s.query(Pipeline).filter_by(name="Sales").one()
    with pytest.raises(ValidationFailed) as refused:
        stages.prepare(s, Stage(pipeline=sales, name="Dropped", is_lost=True))
    assert "“Lost” is already the lost stage" in str(refused.value.errors["is_lost"][0])


def test_won_and_lost_flags_are_per_pipeline(app, acme, acme_session):
    support.pipeline(app, acme, "Partners", ["Intro"])
    s = acme_session
    partners = s.query(Pipeline).filter_by(name="Partners").one()
    won = Stage(pipeline=partners, name="Won", is_won=True, probability=None)
    stages.prepare(s, won)  # Sales has a won stage too; no clash across pipelines
    assert won.probability == 100 and won.position == 1


def test_a_stage_is_never_both_won_and_lost_nor_a_closed_default(acme_session):
    s = acme_session
    won = stage(s, "Won")
    won.is_lost = True
    with pytest.raises(ValidationFailed) as refused:
        stages.prepare(s, won)
    assert "is_lost" in refused.value.errors
    s.rollback()
    won = stage(s, "Won")
    won.is_default = True
    with pytest.raises(ValidationFailed) as refused:
        stages.prepare(s, won)
    assert "is_default" in refused.value.errors


@pytest.mark.parametrize("probability", [-1, 101])
def test_stage_probability_is_a_percentage(acme_session, probability):
    proposal = stage(acme_session, "Proposal")
    proposal.probability = probability
    with pytest.raises(ValidationFailed) as refused:
        stages.prepare(acme_session, proposal)
    assert "probability" in refused.value.errors


def test_a_new_default_stage_takes_the_flag_only_within_its_pipeline(app, acme, acme_session):
    support.pipeline(app, acme, "Partners", ["Intro", "Pilot"])
    s = acme_session
    intro = stage(s, "Intro", "Partners")
    intro.is_default = True
    stages.prepare(s, intro)
    s.commit()
    assert stage(s, "Lead").is_default  # Sales keeps its default
    pilot = stage(s, "Pilot", "Partners")
    pilot.is_default = True
    stages.prepare(s, pilot)
    s.commit()
    assert [x.name for x in s.query(Stage).filter_by(is_default=True).order_by(Stage.name)] == [
        "Lead",
        "Pilot",
    ]


def test_the_default_pipeline_is_active_and_cannot_be_unchecked(acme_session):
    sales = acme_session.query(Pipeline).filter_by(name="Sales").one()
    sales.is_active = False
    with pytest.raises(ValidationFailed) as refused:
        pipelines.prepare(acme_session, sales)
    assert "is_active" in refused.value.errors
    sales.is_active, sales.is_default = True, False
    with pytest.raises(ValidationFailed) as refused:
        pipelines.prepare(acme_session, sales)
    assert "is_default" in refused.value.errors


def test_pipeline_delete_names_every_reason(app, acme, acme_session):
    factories.deal(app, acme, stage="Proposal")
    sales = acme_session.query(Pipeline).filter_by(name="Sales").one()
    with pytest.raises(NotAllowed) as refused:
        pipelines.check_delete(acme_session, sales)
    message = str(refused.value.message)
    assert "default pipeline" in message and "6 stages" in message and "1 deal is in it" in message


def test_reorder_needs_every_row_of_the_group_once(acme_session):
    ids = [x.id for x in acme_session.query(LeadStatus).order_by(LeadStatus.position)]
    for wrong in ([], ids[:-1], ids + ids[:1], ids[:-1] + [999999], ["x"], "1,2"):
        with pytest.raises(ValidationFailed):
            lead_statuses.reorder(acme_session, wrong)
    lead_statuses.reorder(acme_session, list(reversed(ids)))
    assert [x.id for x in acme_session.query(LeadStatus).order_by(LeadStatus.position)] == ids[::-1]


def test_a_new_row_goes_to_the_end(acme_session):
    assert positions.next_position(acme_session, Stage, Stage.pipeline_id == -1) == 0
    sales = acme_session.query(Pipeline).filter_by(name="Sales").one()
    extra = Stage(pipeline=sales, name="Extra")
    stages.prepare(acme_session, extra)
    assert extra.position == 6


def test_moving_a_stages_deals_applies_the_deal_stage_rule(app, acme, acme_session):
    pk = factories.deal(app, acme, stage="Proposal")
    s = acme_session
    moved = stages.move_deals(s, stage(s, "Proposal"), stage(s, "Won"))
    assert moved == 1
    deal = s.get(Deal, pk)
    assert deal.stage.name == "Won" and deal.actual_close_date == dt.date.today()
    assert support.audit_actions(app, acme, "deal", pk) == ["create", "update"]


def test_deals_move_only_within_their_pipeline(app, acme, acme_session):
    support.pipeline(app, acme, "Partners", ["Intro"])
    s = acme_session
    for target in (None, stage(s, "Proposal"), stage(s, "Intro", "Partners")):
        with pytest.raises(ValidationFailed):
            stages.move_deals(s, stage(s, "Proposal"), target)


def test_settings_have_defaults_and_refuse_bad_values(acme_session):
    assert crm_settings.get_setting(acme_session, "kanban_page_size") == 20
    crm_settings.save_settings(acme_session, {"kanban_page_size": "30"})
    assert crm_settings.get_setting(acme_session, "kanban_page_size") == 30
    for bad in (
        {"kanban_page_size": 4},
        {"show_activity_timeline": "maybe"},
        {"default_deal_currency": "EURO"},
        {"colour_scheme": "dark"},
    ):
        with pytest.raises(ValidationFailed):
            crm_settings.save_settings(acme_session, bad)
    with pytest.raises(KeyError):
        crm_settings.get_setting(acme_session, "colour_scheme")


def test_the_default_configuration_passes_its_own_check():
    clean = crm_configuration.check(crm_configuration.default_configuration())
    assert [p["name"] for p in clean["pipelines"]] == ["Sales"]
    assert len(clean["pipelines"][0]["stages"]) == 6
