"""In headless Chromium: dragging a lead card to another status column saves its status."""

import pytest

from crm.extensions import db
from crm.models import Lead, LeadStatus
from tests import factories
from tests.browser_support import chromium, live_server, signed_in

pytestmark = pytest.mark.browser


def _grab(card):
    """Where a hand takes a card: its top right corner (its title is a link and its foot
    the "Move to…" list, neither of which starts a drag)."""
    return {"x": card.bounding_box()["width"] - 6, "y": 6}


def _column(page, status_id):
    return page.locator(f'.crm-kanban-column[data-column-id="{status_id}"]')


def test_dragging_a_card_to_another_column_persists_the_status(app, acme, acme_manager):
    pk = factories.lead(app, acme, "Drag me along", contact_name="Rosa Parks", value=900)
    factories.lead(app, acme, "Stay put")
    with app.app_context():
        statuses = {s.name: s.id for s in db.session.query(LeadStatus).filter_by(tenant_id=acme.id)}
        db.session.remove()
    new, qualified = statuses["New"], statuses["Qualified"]

    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        page.goto(f"{base}/lead-board/")
        card = _column(page, new).locator(".crm-card", has_text="Drag me along")
        card.wait_for()
        target = _column(page, qualified).locator(".crm-kanban-cards")
        with page.expect_response(lambda r: r.url.endswith("/lead-board/move")) as moved:
            card.drag_to(target, source_position=_grab(card))
        assert moved.value.status == 200
        # The count is redrawn after the reply is handled, so wait for it rather than read it once.
        page.wait_for_function(
            "s => document.querySelector(s + ' .crm-kanban-count').textContent.trim() === '1'",
            arg=f'.crm-kanban-column[data-column-id="{qualified}"]',
        )

        page.reload()
        _column(page, qualified).locator(".crm-card", has_text="Drag me along").wait_for()
        assert _column(page, new).locator(".crm-card", has_text="Drag me along").count() == 0
        assert _column(page, new).locator(".crm-card", has_text="Stay put").count() == 1

    with app.app_context():
        assert db.session.get(Lead, pk).status_id == qualified
        db.session.remove()


def test_a_refused_drop_puts_the_card_back_and_says_why(app, acme, acme_manager, api):
    """Someone converts the lead while the board is open: the drop is refused and undone."""
    pk = factories.lead(app, acme, "Bounce back", contact_email="bounce@example.com")
    with app.app_context():
        statuses = {s.name: s.id for s in db.session.query(LeadStatus).filter_by(tenant_id=acme.id)}
        db.session.remove()
    new, contacted = statuses["New"], statuses["Contacted"]

    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        page.goto(f"{base}/lead-board/")
        card = _column(page, new).locator(".crm-card", has_text="Bounce back")
        card.wait_for()
        assert api(acme_manager).post(f"/api/v1/lead/{pk}/convert", json={}).status_code == 201
        with page.expect_response(lambda r: r.url.endswith("/lead-board/move")) as moved:
            card.drag_to(
                _column(page, contacted).locator(".crm-kanban-cards"), source_position=_grab(card)
            )
        assert moved.value.status == 422
        alert = page.locator(".crm-kanban-alert")
        alert.wait_for()
        assert "converted" in alert.inner_text()
        assert _column(page, new).locator(".crm-card", has_text="Bounce back").count() == 1
        assert _column(page, contacted).locator(".crm-card").count() == 0

    with app.app_context():
        assert db.session.get(Lead, pk).status.name == "Converted"
        db.session.remove()


def test_a_card_moves_with_the_keyboard_only_and_the_move_is_announced(app, acme, acme_manager):
    pk = factories.lead(app, acme, "Keyboard lead", contact_name="Ada Lovelace")
    with app.app_context():
        statuses = {s.name: s.id for s in db.session.query(LeadStatus).filter_by(tenant_id=acme.id)}
        db.session.remove()
    new = statuses["New"]

    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        page.goto(f"{base}/lead-board/")
        card = _column(page, new).locator(".crm-card", has_text="Keyboard lead")
        card.wait_for()
        titles = page.locator(".crm-kanban-column h2.crm-kanban-title").all_inner_texts()
        assert len(titles) == page.locator(".crm-kanban-column").count() and "New" in titles
        # From the card's link, Tab reaches its "Move to…" list; an arrow key picks the
        # first other column, as a keyboard user does.
        card.locator("a").focus()
        page.keyboard.press("Tab")
        menu = page.locator(":focus")
        assert "crm-card-move" in menu.get_attribute("class")
        target_name = menu.locator("option").nth(1).inner_text()
        with page.expect_response(lambda r: r.url.endswith("/lead-board/move")) as moved:
            page.keyboard.press("ArrowDown")
        assert moved.value.status == 200
        target = statuses[target_name]
        page.wait_for_function(
            "s => document.querySelector(s + ' .crm-kanban-count').textContent.trim() === '1'",
            arg=f'.crm-kanban-column[data-column-id="{target}"]',
        )
        status = page.locator(".crm-kanban-status")
        assert status.inner_text() == f"Keyboard lead moved to {target_name}, which now holds 1."
        # The focus stays on the moved card's list, which now offers the other columns.
        assert "crm-card-move" in page.locator(":focus").get_attribute("class")
        moved_card = _column(page, target).locator(".crm-card", has_text="Keyboard lead")
        assert moved_card.count() == 1
        assert target_name not in moved_card.locator("option").all_inner_texts()

    with app.app_context():
        assert db.session.get(Lead, pk).status_id == target
        db.session.remove()


def test_a_member_sees_no_move_lists(app, acme, acme_member):
    factories.lead(app, acme, "Read only lead")
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_member.username)
        page.goto(f"{base}/lead-board/")
        page.locator(".crm-card", has_text="Read only lead").wait_for()
        assert page.locator(".crm-card-move").count() == 0
