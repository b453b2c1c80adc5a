"""Background jobs through the screens and the API, the queue in immediate mode: submit,
progress, finish, cancel, the dead-consumer rule, and who sees which job."""

import datetime as dt
import threading
import time

import pytest
import pytz
from sqlalchemy import select

from crm import jobs as job_queue
from crm.extensions import db
from crm.jobs import runner
from crm.models import Job
from crm.models.base import utcnow
from crm.security.tenancy import tenant_scope
from crm.services import jobs
from crm.services.jobs import lifecycle
from tests import factories
from tests.conftest import make_user


def _job(app, job_id):
    with app.app_context():
        job = db.session.execute(
            select(Job).where(Job.id == job_id).execution_options(all_tenants=True)
        ).scalar_one()
        db.session.expunge(job)
        db.session.remove()
    return job


def _jobs_of(app, tenant_id):
    with app.app_context():
        rows = db.session.execute(
            select(Job.id)
            .where(Job.tenant_id == tenant_id)
            .order_by(Job.id)
            .execution_options(all_tenants=True)
        ).all()
        db.session.remove()
    return [r[0] for r in rows]


def _submit(app, tenant, user, kind="health_refresh", parameters=None, queue=None):
    with app.app_context(), tenant_scope(tenant.id):
        job = jobs.submit(
            db.session,
            queue or job_queue.queue(app),
            kind,
            parameters,
            tenant_id=tenant.id,
            user_id=user.id,
            username=user.username,
        )
        job_id = job.id
        db.session.remove()
    return job_id


class HeldQueue:
    """A queue that keeps what it is sent, so a test runs the task when it chooses."""

    def __init__(self):
        self.sent = []

    def prepare(self, job_id):
        return type("Task", (), {"id": f"task-{job_id}", "job_id": job_id})()

    def send(self, task):
        self.sent.append(task)

    def revoke(self, task_id):
        self.sent = [t for t in self.sent if t.id != task_id]


@pytest.fixture
def slow_kind(monkeypatch):
    """A kind of job that reports progress until it is cancelled (or 200 steps pass)."""
    monkeypatch.setattr(lifecycle, "JOB_KINDS", (*lifecycle.JOB_KINDS, "slow"))

    def run(app, session, job, progress):
        for step in range(200):
            progress(step, 200, force=True)
            time.sleep(0.02)

    monkeypatch.setitem(runner.KINDS, "slow", run)


def test_an_admin_refreshes_health_scores_as_a_job(app, acme, acme_admin, browser, api):
    factories.customer(app, acme, "Healthy Buyer")
    b = browser(acme_admin)
    response = b.post("/jobs/refresh-health")
    assert response.status_code == 302 and response.location.endswith("/jobs/")
    (job_id,) = _jobs_of(app, acme.id)
    job = _job(app, job_id)
    assert (job.status, job.kind, job.user_id) == ("done", "health_refresh", acme_admin.id)
    assert job.progress_done == job.progress_total == 1
    assert job.started_at and job.finished_at and job.task_id
    page = b.get("/jobs/").get_data(as_text=True)
    assert f'data-job-id="{job_id}"' in page and "Health score refresh" in page
    assert "Refresh health scores now" in page
    answer = api(acme_admin).get(f"/api/v1/job/{job_id}").json["result"]
    assert answer["status"] == "done" and answer["kind"] == "health_refresh"


def test_the_cli_health_refresh_still_runs_at_once(app, acme, runner):
    factories.customer(app, acme, "Healthy Buyer")
    result = runner.invoke(args=["crm", "refresh-health"])
    assert result.exit_code == 0 and "1 customers" in result.output
    assert _jobs_of(app, acme.id) == []


def test_a_member_cannot_refresh_health_scores(app, acme, acme_member, browser):
    assert "Refresh health scores now" not in browser(acme_member).get("/jobs/").get_data(
        as_text=True
    )
    response = browser(acme_member).post("/jobs/refresh-health")
    assert response.status_code in (302, 403)
    assert _jobs_of(app, acme.id) == []


def test_a_job_is_run_once_for_one_submit(app, acme, acme_admin):
    queue = HeldQueue()
    job_id = _submit(app, acme, acme_admin, queue=queue)
    assert len(queue.sent) == 1 and _job(app, job_id).status == "queued"
    runner.run_job(app, job_id)
    finished = _job(app, job_id).finished_at
    runner.run_job(app, job_id)  # the queue delivering it again
    job = _job(app, job_id)
    assert job.status == "done" and job.finished_at == finished


def test_progress_is_written_at_most_every_second(app, acme, acme_admin):
    job_id = _submit(app, acme, acme_admin, queue=HeldQueue())
    with app.app_context():
        now = [100.0]
        progress = lifecycle.Progress(db.session, job_id, clock=lambda: now[0])
        progress(1, 10)
        progress(5, 10)  # within the second: not written
        assert _job(app, job_id).progress_done == 1
        now[0] += 1.0
        progress(6, 10)
        db.session.remove()
    job = _job(app, job_id)
    assert (job.progress_done, job.progress_total) == (6, 10) and job.heartbeat_at


def test_a_job_with_a_busy_share_rests_after_each_report(app, acme, acme_admin):
    """With half its time for work, a job rests as long as it worked since the last
    report; the first report and the forced last one do not rest."""
    job_id = _submit(app, acme, acme_admin, queue=HeldQueue())
    now, rested = [100.0], []

    def sleep(seconds):
        rested.append(seconds)
        now[0] += seconds

    with app.app_context():
        progress = lifecycle.Progress(
            db.session, job_id, clock=lambda: now[0], busy_share=0.5, sleep=sleep
        )
        progress(1, 10)
        now[0] += 1.5
        progress(4, 10)
        now[0] += 0.2
        progress(5, 10)  # within the second after the rest: neither written nor resting
        now[0] += 1.0
        progress(10, 10, force=True)
        db.session.remove()
    assert rested == [1.5]
    assert _job(app, job_id).progress_done == 10


def test_cancel_stops_a_running_job(app, acme, acme_member, browser, slow_kind):
    queue = HeldQueue()
    job_id = _submit(app, acme, acme_member, kind="slow", queue=queue)
    worker = threading.Thread(target=runner.run_job, args=(app, job_id))
    worker.start()
    deadline = time.monotonic() + 10
    while _job(app, job_id).progress_done < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _job(app, job_id).status == "running"
    response = browser(acme_member).post(f"/jobs/{job_id}/cancel", follow_redirects=True)
    assert "stops at its next step" in response.get_data(as_text=True)
    worker.join(10)
    job = _job(app, job_id)
    assert job.status == "cancelled" and job.progress_done < 199


def test_cancel_takes_a_queued_job_off_the_queue(app, acme, acme_member, api):
    queue = HeldQueue()
    job_id = _submit(app, acme, acme_member, queue=queue)
    app.extensions["crm_jobs"], held = queue, app.extensions["crm_jobs"]
    try:
        answer = api(acme_member).post(f"/api/v1/job/{job_id}/cancel")
    finally:
        app.extensions["crm_jobs"] = held
    assert answer.status_code == 200 and answer.json["outcome"] == "cancelled"
    assert queue.sent == [] and _job(app, job_id).status == "cancelled"
    runner.run_job(app, job_id)  # a consumer that took it anyway does nothing
    assert _job(app, job_id).status == "cancelled"
    again = api(acme_member).post(f"/api/v1/job/{job_id}/cancel")
    assert again.status_code == 409


def test_a_job_whose_consumer_died_is_failed_when_the_jobs_screen_reads_it(
    app, acme, acme_member, browser
):
    job_id = _submit(app, acme, acme_member, queue=HeldQueue())
    factories.stale_job(app, job_id)
    page = browser(acme_member).get("/jobs/").get_data(as_text=True)
    job = _job(app, job_id)
    assert job.status == "failed" and "stopped answering" in job.error
    assert "stopped answering" in page


def test_a_member_sees_only_their_own_jobs_and_an_admin_the_tenants(
    app, acme, acme_admin, acme_member, browser, api
):
    other = make_user(app, acme, "Member", "acme-other")
    own = _submit(app, acme, acme_member)
    theirs = _submit(app, acme, other)
    b = browser(acme_member)
    page = b.get("/jobs/").get_data(as_text=True)
    assert f'data-job-id="{own}"' in page and f'data-job-id="{theirs}"' not in page
    status = b.get(f"/jobs/status?ids={own},{theirs}").json
    assert [j["id"] for j in status["jobs"]] == [own]
    assert b.get(f"/jobs/{theirs}/result").status_code == 404
    assert b.post(f"/jobs/{theirs}/cancel").status_code == 404
    client = api(acme_member)
    assert [j["id"] for j in client.get("/api/v1/job/").json["result"]] == [own]
    assert client.get(f"/api/v1/job/{theirs}").status_code == 404
    admin = api(acme_admin).get("/api/v1/job/").json["result"]
    assert sorted(j["id"] for j in admin) == sorted([own, theirs])
    admin_page = browser(acme_admin).get("/jobs/").get_data(as_text=True)
    assert f'data-job-id="{theirs}"' in admin_page and "acme-other" in admin_page


def test_another_tenants_job_is_404_on_screen_and_api(
    app, acme, acme_admin, globex, globex_admin, browser, api
):
    theirs = _submit(app, globex, globex_admin)
    b = browser(acme_admin)
    assert b.get(f"/jobs/{theirs}/result").status_code == 404
    assert b.post(f"/jobs/{theirs}/cancel").status_code == 404
    assert b.get(f"/jobs/status?ids={theirs}").json == {"jobs": []}
    client = api(acme_admin)
    assert client.get(f"/api/v1/job/{theirs}").status_code == 404
    assert client.post(f"/api/v1/job/{theirs}/cancel").status_code == 404
    assert client.get("/api/v1/job/").json["result"] == []


def test_the_navbar_shows_running_jobs(app, acme, acme_member, browser):
    b = browser(acme_member)
    assert "crm-running-jobs" not in b.get("/jobs/").get_data(as_text=True)
    _submit(app, acme, acme_member, queue=HeldQueue())
    page = b.get("/customers/list/").get_data(as_text=True)
    assert 'class="badge crm-running-jobs">1<' in page


def _prefer(app, tenant, **values):
    from crm.services.settings import preferences

    with app.app_context(), tenant_scope(tenant.id):
        preferences.save_settings(db.session, values)
        db.session.remove()


def test_the_nightly_refresh_is_due_at_each_tenants_hour_in_its_timezone(app, acme, globex):
    from crm.jobs import schedule

    now = utcnow()
    berlin = now.astimezone(pytz.timezone("Europe/Berlin"))
    _prefer(app, acme, health_refresh_hour=berlin.hour, timezone="Europe/Berlin")
    _prefer(app, globex, health_refresh_hour=now.hour)
    queue = job_queue.queue(app)
    assert schedule.submit_nightly_health(app, queue, now=now - dt.timedelta(hours=1)) == []
    assert sorted(schedule.submit_nightly_health(app, queue, now=now)) == sorted(
        [acme.id, globex.id]
    )
    acme_jobs, globex_jobs = _jobs_of(app, acme.id), _jobs_of(app, globex.id)
    assert len(acme_jobs) == len(globex_jobs) == 1
    assert _job(app, acme_jobs[0]).status == "done"
    assert schedule.submit_nightly_health(app, queue, now=now) == []  # once an hour


def test_the_settings_page_shows_the_nightly_refresh_hour(app, acme, acme_admin, browser):
    page = browser(acme_admin).get("/crm-settings/").get_data(as_text=True)
    assert 'name="health_refresh_hour"' in page and 'value="2"' in page


def test_an_admin_can_refresh_health_from_the_customer_page(
    app, acme, acme_admin, acme_member, browser
):
    customer = factories.customer(app, acme, "Healthy Buyer")
    assert "crm-health-refresh-now" in browser(acme_admin).get(
        f"/customers/show/{customer}"
    ).get_data(as_text=True)
    assert "crm-health-refresh-now" not in browser(acme_member).get(
        f"/customers/show/{customer}"
    ).get_data(as_text=True)


def test_while_one_consumer_submits_the_nightly_refresh_another_submits_nothing(app, acme):
    """Every consumer's scheduler sends the hourly task; the lock is one all of them see."""
    from crm.jobs import schedule
    from crm.jobs.one_at_a_time import one_at_a_time

    now = utcnow()
    _prefer(app, acme, health_refresh_hour=now.hour)
    queue = job_queue.queue(app)
    with one_at_a_time(app, "crm.nightly_health") as first:
        assert first
        assert schedule.submit_nightly_health(app, queue, now=now) == []
        assert _jobs_of(app, acme.id) == []
    assert schedule.submit_nightly_health(app, queue, now=now) == [acme.id]
    assert len(_jobs_of(app, acme.id)) == 1
