"""In a real browser: dragging a deal card to the Won column records the move, and after a
reload the deal is still won, closed today."""

import datetime as dt

import pytest
from babel.dates import format_date

from tests import factories
from tests.browser_support import chromium, live_server, signed_in


def drag(page, source, target):
    """Press, move in small steps and release, as a hand does: SortableJS starts a drag only
    after the pointer has moved."""
    start, end = source.bounding_box(), target.bounding_box()
    # Grab the card by its top right corner: its title is a link and its foot the
    # "Move to…" list, neither of which starts a drag.
    x, y = start["x"] + start["width"] - 6, start["y"] + 6
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 10, y + 10, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 30, steps=20)
    page.mouse.up()


@pytest.mark.browser
def test_dragging_a_card_to_won_persists_the_stage_and_the_close_date(app, acme, acme_manager):
    pk = factories.deal(app, acme, "Browser fleet deal", stage="Negotiation", value="777")
    won = factories.sales(app, acme).stages["Won"]
    card_selector = f'.crm-card[data-card-id="{pk}"]'
    won_column = f'.crm-kanban-column[data-column-id="{won}"]'
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        page.goto(f"{base}/deal-board/")
        card = page.locator(card_selector)
        card.wait_for()
        with page.expect_response(lambda r: "/deal-board/move" in r.url) as moved:
            drag(page, card, page.locator(f"{won_column} .crm-kanban-cards"))
        assert moved.value.status == 200, moved.value.text()
        page.wait_for_function(
            "s => document.querySelector(s + ' .crm-kanban-count').textContent.trim() === '1'",
            arg=won_column,
        )

        page.reload()
        page.locator(f"{won_column} {card_selector}").wait_for()
        page.goto(f"{base}/deals/show/{pk}")
        current = page.locator(".crm-stage-path li[aria-current=step]").inner_text()
        closed = page.locator("td.crm-actual_close_date").inner_text()
    assert current.strip() == "Won"
    assert closed.strip() == format_date(dt.date.today(), "medium", locale="en")  # Dec 3, 2026
    deal = factories.load_deal(app, pk)
    assert (deal.stage_name, deal.actual_close_date) == ("Won", dt.date.today())
