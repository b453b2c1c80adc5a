"""In headless Chromium, under the Content-Security-Policy: the main pages run without a
single violation, and what their scripts do still works (Kanban cards load, the charts
draw, confirmations ask, a picker submits its form, an import shows its progress)."""

import pytest

from tests import factories
from tests.browser_support import chromium, live_server, signed_in
from tests.integration import import_files

REPORT_VIOLATIONS = """document.addEventListener('securitypolicyviolation', function (e) {
  window.cspViolation([e.violatedDirective, e.blockedURI, e.sourceFile + ':' + e.lineNumber,
                       document.location.pathname].join(' '));
});"""


@pytest.mark.browser
def test_the_main_pages_run_under_the_csp_and_their_scripts_work(app, acme, acme_admin, tmp_path):
    customer = factories.customer(app, acme, "Policy Buyer Ltd")
    factories.lead(app, acme, "Policy lead")
    factories.deal(app, acme, "Policy deal", stage="Proposal", value="500")
    factories.pipeline(app, acme, "Enterprise")
    upload = import_files.csv_file(
        tmp_path / "clients.csv", [["Name", "Email"], ["Imported One", "one@x.example"]]
    )
    violations, errors, dialogs = [], [], []
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_admin.username)
        page.expose_function("cspViolation", lambda text: violations.append(text))
        page.add_init_script(REPORT_VIOLATIONS)
        page.on(
            "console",
            lambda m: (
                errors.append(m.text)
                if m.type == "error" and "Content Security Policy" in m.text
                else None
            ),
        )
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        def dismiss(dialog):
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)

        page.goto(f"{base}/customers/list/")
        page.wait_for_load_state("networkidle")
        page.goto(f"{base}/customers/show/{customer}")
        page.wait_for_load_state("networkidle")
        page.click("form[data-confirm] button")  # the delete form: asks, and is dismissed
        page.wait_for_load_state("networkidle")
        still_on_customer = page.url.endswith(f"/customers/show/{customer}")

        page.goto(f"{base}/deal-board/")
        page.locator(".crm-kanban .crm-card").first.wait_for()
        with page.expect_navigation():
            page.select_option("#board-pipeline", label="Enterprise")
        switched = "pipeline=" in page.url

        page.goto(f"{base}/lead-board/")
        page.locator(".crm-kanban .crm-card").first.wait_for()

        page.goto(f"{base}/dashboard/")
        page.wait_for_function(
            "() => window.crmDashboardCharts && Object.keys(window.crmDashboardCharts)"
            ".length === document.querySelectorAll('canvas[data-chart]').length"
        )
        charts = page.evaluate("() => Object.keys(window.crmDashboardCharts).length")

        page.goto(f"{base}/import/")
        page.set_input_files("input[type=file]", str(upload))
        with page.expect_navigation():
            page.click("form button.btn-primary[type=submit]")
        with page.expect_navigation():
            page.click("form button.btn-primary[type=submit]")  # the mapping, as proposed
        with page.expect_navigation():
            page.click("form button.btn-primary[type=submit]")  # the preview: run it
        page.wait_for_function(
            "() => /100%/.test(document.getElementById('import-bar').textContent)"
        )
        page.goto(f"{base}/import-history/")
        page.wait_for_load_state("networkidle")

    assert violations == [] and errors == []
    assert dialogs == ["Delete this customer permanently?"] and still_on_customer
    assert switched and charts > 0
