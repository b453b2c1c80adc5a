"""Lead rules without HTTP: statuses, the conversion status, moves and assignment notices."""

import pytest

from crm.extensions import db
from crm.models import Lead, LeadStatus, Notification
from crm.security.tenancy import tenant_scope
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.pipeline import lead_conversion, leads
from tests import factories
from tests.conftest import make_user


@pytest.fixture
def acme_session(app, acme):
    with app.app_context(), tenant_scope(acme.id):
        yield db.session
        db.session.remove()


def _status(session, name):
    return session.query(LeadStatus).filter_by(name=name).one()


def test_the_default_status_falls_back_to_the_first_open_one(acme, acme_session):
    s = acme_session
    assert leads.default_status(s, acme.id).name == "New"
    _status(s, "New").is_default = False
    _status(s, "Contacted").position = -1
    s.flush()
    assert leads.default_status(s, acme.id).name == "Contacted"


def test_the_conversion_status_is_the_final_one_called_converted(acme, acme_session):
    s = acme_session
    assert leads.conversion_status(s, acme.id).name == "Converted"
    _status(s, "Converted").name = "Won over"
    s.flush()
    # No final status is called Converted: the first final one (by position) is used.
    assert leads.conversion_status(s, acme.id).name == "Won over"
    for status in s.query(LeadStatus).filter_by(is_final=True):
        status.is_final = False
    s.flush()
    assert leads.conversion_status(s, acme.id) is None


def test_without_a_final_status_conversion_is_refused(app, acme, acme_session):
    s = acme_session
    for status in s.query(LeadStatus).filter_by(is_final=True):
        status.is_final = False
    s.commit()
    lead = s.get(Lead, factories.lead(app, acme, "Nowhere to go", contact_email="n@x.example"))
    with pytest.raises(NotAllowed, match="no final lead status"):
        lead_conversion.convert_lead(s, lead, {})


def test_a_move_applies_the_same_rules_as_the_form(app, acme, acme_session):
    s = acme_session
    lead = s.get(Lead, factories.lead(app, acme, "Mover"))
    with pytest.raises(ValidationFailed) as refused:
        leads.move_to_status(s, lead, _status(s, "Converted"))
    assert "status" in refused.value.errors
    assert s.get(Lead, lead.id).status.name == "New"  # rolled back
    leads.move_to_status(s, lead, _status(s, "Lost"))
    leads.move_to_status(s, lead, _status(s, "Qualified"))  # a lost lead may be reopened
    assert s.get(Lead, lead.id).status.name == "Qualified"


def test_a_notice_goes_to_each_new_assignee_once(app, acme, acme_session):
    """Written by a script (no signed-in user): every assignment is somebody else's doing."""
    s = acme_session
    first = make_user(app, acme, "Member", "first-member")
    second = make_user(app, acme, "Member", "second-member")
    lead = Lead(tenant_id=acme.id, title="Scripted", assigned_to_id=first.id)
    leads.prepare(s, lead)
    s.add(lead)
    s.commit()
    lead.title = "Scripted, renamed"
    s.commit()
    lead.assigned_to_id = second.id
    s.commit()
    lead.assigned_to_id = None
    s.commit()
    notes = [(n.user_id, n.link) for n in s.query(Notification).order_by(Notification.id)]
    assert notes == [(first.id, f"/leads/show/{lead.id}"), (second.id, f"/leads/show/{lead.id}")]


def test_prefill_suggests_an_existing_company_of_the_same_name(app, acme, acme_session):
    company = factories.company(app, acme, "Initech")
    s = acme_session
    lead = s.get(
        Lead,
        factories.lead(
            app, acme, "TPS reports", contact_name="Peter Gibbons", company_name="INITECH", value=10
        ),
    )
    data = lead_conversion.prefill(s, lead)
    assert (
        data["company_option"],
        data["company_id"],
        data["customer_name"],
        data["create_deal"],
    ) == ("existing", company, "Peter Gibbons", True)
    other = s.get(Lead, factories.lead(app, acme, "Other", company_name="Umbrella"))
    data = lead_conversion.prefill(s, other)
    assert (data["company_option"], data["new_company_name"]) == ("new", "Umbrella")
