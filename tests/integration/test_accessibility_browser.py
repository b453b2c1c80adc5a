"""In headless Chromium: axe-core's accessibility rules on the main screens find no serious
or critical violation (the dashboard, the customer list and a customer's page, both boards
and the forms people fill in most)."""

from pathlib import Path

import pytest

from tests import factories
from tests.browser_support import chromium, live_server, signed_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"

PAGES = [
    "/dashboard/",
    "/customers/list/",
    "/customers/show/{customer}",
    "/customers/add",
    "/customers/edit/{customer}",
    "/deal-board/",
    "/lead-board/",
    "/deals/add",
    "/tasks/add",
    "/interactions/add",
]


def _violations(page):
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return found


def test_the_main_screens_have_no_serious_accessibility_violations(app, acme, acme_admin):
    customer = factories.customer(app, acme, "Axe Checked GmbH")
    factories.contact(app, acme, customer, name="Ada Reader", email="ada@example.com")
    factories.lead(app, acme, "Accessible lead")
    report = {}
    with live_server(app) as base, chromium() as browser:
        # The page's CSP (rightly) refuses a script it did not name: the check is let in.
        context = browser.new_context(bypass_csp=True)
        page = signed_in(context, base, acme_admin.username)
        for path in PAGES:
            page.goto(base + path.format(customer=customer))
            page.wait_for_load_state("networkidle")
            found = _violations(page)
            if found:
                report[path] = found
    assert report == {}, _readable(report)


def _readable(report):
    return "\n".join(
        f"{path}: {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['nodes'])}"
        for path, found in report.items()
        for v in found
    )
