"""Statements to many customers run as one background job: the batch page submits it, the
Jobs screen shows its progress and summary and gives its report (xlsx) of what was sent and
what failed; cancel stops it between customers. Mail goes to a real SMTP server on loopback."""

import io
import threading

import openpyxl
import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.jobs import runner
from crm.models import Job
from crm.security.tenancy import tenant_scope
from crm.services.jobs import lifecycle
from crm.services.jobs.lifecycle import JobCancelled
from crm.services.statements import batch
from crm.services.statements.files import FORMATS
from tests import factories
from tests.conftest import make_user
from tests.integration.test_jobs import HeldQueue
from tests.integration.test_statement_mail import (
    email_interactions,
    settings_of,
    smtp_server as smtp_server,  # the fixture
)

PERIOD = {"from": "2026-01-01", "to": "2026-03-31"}


def _customer(app, tenant, name, email):
    pk = factories.customer(app, tenant, name)
    if email:
        factories.contact(app, tenant, pk, name=f"Accounts of {name}", email=email)
    return pk


@pytest.fixture
def four_customers(app, acme):
    """Alpha and Beta can be sent to; Gamma has no contact; Delta's server refuses."""
    return [
        _customer(app, acme, "Alpha Foods", "ap@alpha.example"),
        _customer(app, acme, "Gamma Without Contact", None),
        _customer(app, acme, "Delta Refused", "dee@refused.example"),
        _customer(app, acme, "Beta Tools", "ap@beta.example"),
    ]


def _jobs(app):
    with app.app_context():
        rows = db.session.scalars(
            select(Job).order_by(Job.id).execution_options(all_tenants=True)
        ).all()
        for row in rows:
            db.session.expunge(row)
        db.session.remove()
    return rows


def _submit(b, ids, headers=None, **form):
    data = {"ids": ",".join(map(str, ids)), **PERIOD, **form}
    return b.post("/statements/batch", data, headers=headers)


def _report(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return {row[0]: row[1:] for row in rows[1:] if row[0] and row[2]}, rows


def test_the_batch_runs_as_one_job_whose_report_lists_what_was_sent_and_what_failed(
    app, acme, acme_manager, browser, smtp_server, four_customers
):
    b = browser(acme_manager)
    response = _submit(b, four_customers)
    assert response.status_code == 302 and response.location.endswith("/jobs/")
    [job] = _jobs(app)
    assert (job.kind, job.status, job.user_id) == ("statement_batch", "done", acme_manager.id)
    assert job.progress_done == job.progress_total == 4
    assert job.parameters["customer_ids"] == four_customers
    assert job.summary == "2 sent, 2 failed."
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == [
        "ap@alpha.example",
        "ap@beta.example",
    ]
    page = b.get("/jobs/").get_data(as_text=True)
    assert "Statements by e-mail" in page and "2 sent, 2 failed." in page
    assert "being sent in the background" in page
    [state] = b.get(f"/jobs/status?ids={job.id}").json["jobs"]
    assert (state["done"], state["total"], state["percent"]) == (4, 4, 100)
    assert state["summary"] == "2 sent, 2 failed."
    download = b.get(f"/jobs/{job.id}/result")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "statements-sent-2026-01-01-2026-03-31.xlsx" in download.headers["Content-Disposition"]
    report, rows = _report(download)
    assert rows[0] == ["Customer", "Code", "Status", "Sent to", "Reason"]
    assert report["Alpha Foods"][1:3] == ["Sent", "ap@alpha.example"]
    assert report["Beta Tools"][1:3] == ["Sent", "ap@beta.example"]
    assert report["Gamma Without Contact"][1] == "Failed"
    assert "no primary contact with an email address" in report["Gamma Without Contact"][3]
    assert report["Delta Refused"][1] == "Failed" and "550" in report["Delta Refused"][3]
    assert rows[-1][0] == "2 sent, 2 failed."
    assert len(email_interactions(app, four_customers[0])) == 1
    assert email_interactions(app, four_customers[2]) == []


def test_the_job_mails_in_the_language_of_the_user_who_sent_the_batch(
    app, acme, acme_manager, browser, smtp_server
):
    pk = _customer(app, acme, "Alpha Foods", "ap@alpha.example")
    response = _submit(browser(acme_manager), [pk], headers={"Accept-Language": "de"})
    assert response.status_code == 302
    [job] = _jobs(app)
    assert job.parameters["locale"] == "de" and job.status == "done"
    [message] = smtp_server.messages()
    assert message["Subject"].startswith("Kontoauszug Alpha Foods")


def test_the_statements_may_go_as_excel_files(app, acme, acme_manager, browser, smtp_server):
    pk = _customer(app, acme, "Alpha Foods", "ap@alpha.example")
    _submit(browser(acme_manager), [pk], format="xlsx")
    [message] = smtp_server.messages()
    [attachment] = [part for part in message.walk() if part.get_filename()]
    assert attachment.get_filename().endswith(".xlsx")
    assert attachment.get_content_type().endswith("spreadsheetml.sheet")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"from": "2026-05-01"}, "The last day must not be before the first day."),
        ({"format": "docx"}, "Choose pdf or xlsx."),
        ({"ids": "x,,"}, "Choose at least one customer."),
    ],
)
def test_a_bad_batch_is_refused_on_the_form_and_submits_no_job(
    app, acme, acme_manager, browser, smtp_server, form, message
):
    pk = _customer(app, acme, "Alpha Foods", "ap@alpha.example")
    response = browser(acme_manager).post("/statements/batch", {"ids": str(pk), **PERIOD, **form})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _jobs(app) == [] and smtp_server.envelopes == []


class CancelAfter:
    """A job's progress report that raises JobCancelled once ``sent`` customers are done."""

    def __init__(self, sent):
        self.sent, self.reports = sent, []

    def __call__(self, done, total=None, force=False):
        self.reports.append((done, total))
        if done >= self.sent:
            raise JobCancelled()


def test_a_cancel_stops_the_batch_between_customers_and_keeps_what_was_sent(
    app, acme, smtp_server, four_customers
):
    alpha, gamma, delta, beta = four_customers
    parameters = {"customer_ids": [alpha, beta, gamma, delta], **PERIOD, "format": "pdf"}
    with app.app_context(), tenant_scope(acme.id):
        outcome = batch.send_batch(
            db.session, parameters, settings=settings_of(app), progress=CancelAfter(2)
        )
        report = io.BytesIO()
        batch.write_report(outcome, report)
        db.session.remove()
    assert outcome.cancelled and [r.name for r in outcome.sent] == ["Alpha Foods", "Beta Tools"]
    assert [c.name for c in outcome.not_reached] == ["Gamma Without Contact", "Delta Refused"]
    assert len(smtp_server.envelopes) == 2
    assert len(email_interactions(app, beta)) == 1
    sheet = openpyxl.load_workbook(report).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [(row[0], row[2]) for row in rows[1:5]] == [
        ("Alpha Foods", "Sent"),
        ("Beta Tools", "Sent"),
        ("Gamma Without Contact", "Not sent"),
        ("Delta Refused", "Not sent"),
    ]
    assert rows[-1][0] == "2 sent, 0 failed. Cancelled: 2 not sent."


def test_a_failing_customer_does_not_stop_the_others_and_progress_reaches_the_total(
    app, acme, smtp_server, four_customers
):
    reports = CancelAfter(99)
    parameters = {"customer_ids": [*four_customers, 999999], **PERIOD, "format": "pdf"}
    with app.app_context(), tenant_scope(acme.id):
        outcome = batch.send_batch(
            db.session, parameters, settings=settings_of(app), progress=reports
        )
        db.session.remove()
    assert not outcome.cancelled and len(outcome.results) == 5
    assert (len(outcome.sent), len(outcome.failed)) == (2, 3)
    assert reports.reports[0] == (0, 5) and reports.reports[-1] == (5, 5)
    assert [done for done, _ in reports.reports] == [0, 1, 2, 3, 4, 5]


def test_an_unexpected_error_with_one_customer_fails_only_that_customer(
    app, acme, smtp_server, four_customers, monkeypatch
):
    render, mimetype = FORMATS["pdf"]

    def render_but_not_beta(statement):
        if statement.customer_name == "Beta Tools":
            raise ValueError("a line the PDF cannot take")
        return render(statement)

    monkeypatch.setitem(FORMATS, "pdf", (render_but_not_beta, mimetype))
    alpha, _, _, beta = four_customers
    parameters = {"customer_ids": [beta, alpha], **PERIOD, "format": "pdf"}
    with app.app_context(), tenant_scope(acme.id):
        outcome = batch.send_batch(
            db.session, parameters, settings=settings_of(app), progress=CancelAfter(99)
        )
        db.session.remove()
    [failed] = outcome.failed
    assert failed.name == "Beta Tools" and failed.reason == "Unexpected error: ValueError"
    assert [r.name for r in outcome.sent] == ["Alpha Foods"]
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["ap@alpha.example"]]
    assert email_interactions(app, beta) == []


def test_a_user_cancels_a_running_batch_and_downloads_what_it_sent(
    app, acme, acme_manager, browser, smtp_server, four_customers, monkeypatch
):
    """The Jobs screen's cancel while the batch waits between its second and third customer:
    the job ends cancelled, the two statements sent stay sent and are in its report."""
    reached, resume = threading.Event(), threading.Event()

    class PausingProgress(lifecycle.Progress):
        def __init__(self, session, job_id, **kwargs):
            super().__init__(session, job_id, **{**kwargs, "interval": 0})

        def __call__(self, done, total=None, force=False):
            if done == 2 and not reached.is_set():
                reached.set()
                resume.wait(10)
            super().__call__(done, total, force)

    queue = HeldQueue()
    monkeypatch.setitem(app.extensions, "crm_jobs", queue)
    b = browser(acme_manager)
    alpha, gamma, delta, beta = four_customers
    assert _submit(b, [alpha, beta, gamma, delta]).status_code == 302
    [job] = _jobs(app)
    assert job.status == "queued" and len(queue.sent) == 1
    monkeypatch.setattr(lifecycle, "Progress", PausingProgress)
    worker = threading.Thread(target=runner.run_job, args=(app, job.id))
    worker.start()
    try:
        assert reached.wait(20)
        answer = b.post(f"/jobs/{job.id}/cancel", follow_redirects=True)
        assert "stops at its next step" in answer.get_data(as_text=True)
    finally:
        resume.set()
        worker.join(20)
    [job] = _jobs(app)
    assert job.status == "cancelled" and job.progress_done == 2
    assert job.summary == "2 sent, 0 failed. Cancelled: 2 not sent."
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == [
        "ap@alpha.example",
        "ap@beta.example",
    ]
    page = b.get("/jobs/").get_data(as_text=True)
    assert f"/jobs/{job.id}/result" in page and "Cancelled: 2 not sent." in page
    report, _ = _report(b.get(f"/jobs/{job.id}/result"))
    assert report["Alpha Foods"][1] == report["Beta Tools"][1] == "Sent"
    assert report["Gamma Without Contact"][1] == report["Delta Refused"][1] == "Not sent"


def test_a_member_cannot_see_another_users_batch(
    app, acme, acme_manager, acme_member, browser, api, smtp_server, four_customers
):
    _submit(browser(acme_manager), four_customers)
    [job] = _jobs(app)
    b = browser(acme_member)
    assert f'data-job-id="{job.id}"' not in b.get("/jobs/").get_data(as_text=True)
    assert b.get(f"/jobs/{job.id}/result").status_code == 404
    assert b.get(f"/jobs/status?ids={job.id}").json == {"jobs": []}
    assert api(acme_member).get(f"/api/v1/job/{job.id}").status_code == 404
    other_manager = make_user(app, acme, "Manager", "acme-other-manager")
    assert browser(other_manager).get(f"/jobs/{job.id}/result").status_code == 404


def test_another_tenants_batch_is_404(
    app, acme, acme_admin, globex, globex_admin, browser, api, smtp_server
):
    pk = _customer(app, globex, "Globex Buyer", "ap@globex-buyer.example")
    _submit(browser(globex_admin), [pk])
    [job] = _jobs(app)
    assert job.status == "done" and job.tenant_id == globex.id
    b = browser(acme_admin)
    assert b.get(f"/jobs/{job.id}/result").status_code == 404
    assert b.post(f"/jobs/{job.id}/cancel").status_code == 404
    assert api(acme_admin).get(f"/api/v1/job/{job.id}").status_code == 404


def test_a_batch_leaves_out_another_tenants_customers(
    app, acme, acme_manager, globex, browser, smtp_server
):
    theirs = _customer(app, globex, "Globex Buyer", "ap@globex-buyer.example")
    ours = _customer(app, acme, "Alpha Foods", "ap@alpha.example")
    b = browser(acme_manager)
    _submit(b, [theirs, ours])
    [job] = _jobs(app)
    assert job.parameters["customer_ids"] == [ours] and job.summary == "1 sent, 0 failed."
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["ap@alpha.example"]]
    only_theirs = _submit(b, [theirs])
    assert "Choose at least one customer." in only_theirs.get_data(as_text=True)
    assert len(_jobs(app)) == 1
