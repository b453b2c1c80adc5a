"""The round-robin cursor is shared by every consumer: turns taken at the same moment by
separate sessions (as consumers in other threads or processes would) are all different."""

import threading

from sqlalchemy.orm import Session

from crm.extensions import db
from crm.models import AutomationRule
from crm.security.tenancy import tenant_scope
from crm.services.automation.actions.round_robin import take_turn
from crm.services.core.transaction import transaction


def test_turns_taken_at_once_by_eight_consumers_are_all_different(app, acme):
    with app.app_context(), tenant_scope(acme.id):
        rule = AutomationRule(
            tenant_id=acme.id, name="Share", entity="lead", trigger="created", actions=[]
        )
        db.session.add(rule)
        db.session.commit()
        rule_id = rule.id
        engine = db.engine
        db.session.remove()
    start = threading.Barrier(8)
    turns = []

    def consumer():
        start.wait()
        with Session(bind=engine) as session, tenant_scope(acme.id):
            with transaction(session):
                turns.append(take_turn(session, acme.id, rule_id, 0))

    threads = [threading.Thread(target=consumer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(turns) == list(range(8))
