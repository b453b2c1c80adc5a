"""Imports as background jobs (the queue in immediate mode: the job runs inside the request
that submits it): the run links its job and both carry its progress; a failed or
cancelled import of valid rows keeps its committed chunks and resumes after them without
duplicates; a run whose job was reaped or cancelled is not left running."""

import io

from sqlalchemy import func, select

from crm import jobs as job_queue
from crm.extensions import db
from crm.jobs import schedule
from crm.models import Customer, ImportItem, ImportRun, Job
from crm.security.tenancy import tenant_scope
from crm.services.bulk.imports import commit, run_jobs, runs
from crm.services.bulk.imports.validate import CHUNK
from crm.services.core.audit import acting_as
from crm.services.jobs import lifecycle
from tests import factories
from tests.integration import import_files

ROWS = CHUNK + 10  # two chunks


class HeldQueue:
    """A queue that keeps what it is sent: the job stays queued until the test acts."""

    def __init__(self):
        self.sent = []

    def prepare(self, job_id):
        return type("Task", (), {"id": f"task-{job_id}"})()

    def send(self, task):
        self.sent.append(task)

    def revoke(self, task_id):
        self.sent = [t for t in self.sent if t.id != task_id]


class EveryReport(lifecycle.Progress):
    """The job's progress written (and its cancel flag read) at every report, not at most
    once a second, so a cancel is seen at the very next chunk."""

    def __init__(self, session, job_id, **kwargs):
        super().__init__(session, job_id, **{**kwargs, "interval": 0})


def _file(tmp_path, rows=ROWS, name="buyers.csv"):
    return import_files.csv_file(
        tmp_path / name,
        [["Name", "Email"]] + [[f"Buyer {n}", f"buyer{n}@acme.example"] for n in range(rows)],
    )


def _upload(b, path):
    response = b.client.post(
        "/import/",
        data={
            "entity": "customers",
            "csrf_token": b.token,
            "file": (io.BytesIO(path.read_bytes()), path.name),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _run_of(db_session, run_id):
    with db_session() as s:
        run = s.get(ImportRun, run_id)
        s.expunge(run)
        return run


def _job_of(db_session, job_id):
    with db_session() as s:
        job = s.execute(
            select(Job).where(Job.id == job_id).execution_options(all_tenants=True)
        ).scalar_one()
        s.expunge(job)
        return job


def _emails(db_session, tenant_id):
    """Each imported email and how many customers have it."""
    with db_session() as s, tenant_scope(tenant_id):
        return dict(
            s.execute(
                select(Customer.email, func.count(Customer.id))
                .where(Customer.is_active.is_(True))
                .group_by(Customer.email)
            ).all()
        )


def _fail_second_chunk_once(monkeypatch):
    flush_rows, calls = commit.Writer._flush_rows, []

    def failing_once(self, audits, items):
        calls.append(len(items))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return flush_rows(self, audits, items)

    monkeypatch.setattr(commit.Writer, "_flush_rows", failing_once)
    return calls


def test_an_import_runs_as_a_job_that_its_run_links_and_the_jobs_screen_names(
    app, acme, acme_manager, browser, tmp_path, db_session
):
    b = browser(acme_manager)
    run_id = _upload(b, _file(tmp_path))
    response = b.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    assert response.headers["Location"].endswith(f"/import/progress/{run_id}")
    run = _run_of(db_session, run_id)
    assert (run.status, run.created_count, run.progress, run.committed_rows) == (
        "done",
        ROWS,
        ROWS,
        ROWS,
    ), run.message
    job = _job_of(db_session, run.job_id)
    assert (job.kind, job.status, job.parameters["run_id"]) == ("import", "done", run_id)
    assert (job.progress_done, job.progress_total) == (ROWS, ROWS)
    status = b.get(f"/import/status/{run_id}").json
    assert (status["status"], status["progress"], status["job_id"]) == ("done", ROWS, job.id)
    assert f"Job #{job.id}" in b.get(f"/import/progress/{run_id}").get_data(as_text=True)
    jobs_page = b.get("/jobs/").get_data(as_text=True)
    assert f'data-job-id="{job.id}"' in jobs_page and f"<td>Import #{job.id}" in jobs_page


def test_an_import_that_fails_in_its_second_chunk_resumes_and_writes_every_row_once(
    app, acme, acme_manager, browser, tmp_path, db_session, monkeypatch
):
    calls = _fail_second_chunk_once(monkeypatch)
    b = browser(acme_manager)
    run_id = _upload(b, _file(tmp_path))
    b.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    run = _run_of(db_session, run_id)
    assert (run.status, run.committed_rows, run.created_count) == ("failed", CHUNK, CHUNK)
    assert "disk full" in run.message and "Resume it" in run.message
    first_job = _job_of(db_session, run.job_id)
    assert first_job.status == "failed" and "disk full" in first_job.error
    assert len(_emails(db_session, acme.id)) == CHUNK  # the first chunk stays, whole
    history = b.get("/import-history/").get_data(as_text=True)
    assert f"/import/resume/{run_id}" in history
    assert f'action="/import/resume/{run_id}"' in b.get(f"/import/progress/{run_id}").get_data(
        as_text=True
    )

    response = b.post(f"/import/resume/{run_id}")
    assert response.headers["Location"].endswith(f"/import/progress/{run_id}")
    run = _run_of(db_session, run_id)
    assert (run.status, run.created_count, run.failed_count, run.committed_rows) == (
        "done",
        ROWS,
        0,
        ROWS,
    ), run.message
    assert run.job_id != first_job.id
    assert calls == [CHUNK, ROWS - CHUNK, ROWS - CHUNK]  # the second chunk, written once
    emails = _emails(db_session, acme.id)
    assert len(emails) == ROWS and set(emails.values()) == {1}
    with db_session() as s:
        items = s.scalar(
            select(func.count(ImportItem.id)).where(ImportItem.import_run_id == run_id)
        )
    assert items == ROWS
    # Nothing is left to resume.
    b.post(f"/import/resume/{run_id}")
    assert _run_of(db_session, run_id).status == "done"
    assert f"/import/resume/{run_id}" not in b.get("/import-history/").get_data(as_text=True)


def test_a_resumed_imports_report_lists_the_failed_rows_of_the_whole_file(
    app, acme, acme_manager, browser, tmp_path, db_session, monkeypatch
):
    """A row refused before the stop (in the committed chunk) and one after it: both are
    counted and both are in the report, by their row numbers in the file."""
    _fail_second_chunk_once(monkeypatch)
    rows = [[f"Buyer {n}", f"buyer{n}@acme.example"] for n in range(CHUNK + 3)]
    rows[1] = ["Early broken", "early-not-an-email"]
    path = import_files.csv_file(
        tmp_path / "late-error.csv",
        [["Name", "Email"]] + rows + [["Late broken", "late-not-an-email"]],
    )
    b = browser(acme_manager)
    run_id = _upload(b, path)
    b.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    assert _run_of(db_session, run_id).failed_count == 1
    b.post(f"/import/resume/{run_id}")
    run = _run_of(db_session, run_id)
    assert (run.status, run.created_count, run.failed_count) == ("done", CHUNK + 2, 2)
    report = import_files.read_xlsx(b.get(f"/import-history/report/{run_id}").data)
    assert [row[:2] for row in report[1:]] == [
        ["Early broken", "early-not-an-email"],
        ["Late broken", "late-not-an-email"],
    ]


def test_cancelling_the_job_stops_the_import_at_its_next_report_and_it_resumes(
    app, acme, acme_manager, browser, tmp_path, db_session, monkeypatch
):
    commit_chunk = commit.Writer.commit_chunk

    def cancel_after_first_chunk(self):
        commit_chunk(self)
        with app.app_context():  # the user's click on Cancel, on the Jobs screen
            job = db.session.execute(
                select(Job)
                .where(Job.kind == "import", Job.status == "running")
                .execution_options(all_tenants=True)
            ).scalar_one()
            lifecycle.cancel(db.session, job_queue.queue(app), job)
            db.session.remove()

    monkeypatch.setattr(commit.Writer, "commit_chunk", cancel_after_first_chunk)
    monkeypatch.setattr(lifecycle, "Progress", EveryReport)
    b = browser(acme_manager)
    run_id = _upload(b, _file(tmp_path))
    b.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    run = _run_of(db_session, run_id)
    assert (run.status, run.committed_rows) == ("cancelled", CHUNK), run.message
    assert f"cancelled after its first {CHUNK} rows" in run.message
    assert "revert it" in run.message
    assert _job_of(db_session, run.job_id).status == "cancelled"
    assert len(_emails(db_session, acme.id)) == CHUNK

    monkeypatch.setattr(commit.Writer, "commit_chunk", commit_chunk)
    b.post(f"/import/resume/{run_id}")
    run = _run_of(db_session, run_id)
    assert (run.status, run.created_count) == ("done", ROWS), run.message
    emails = _emails(db_session, acme.id)
    assert len(emails) == ROWS and set(emails.values()) == {1}


def test_a_cancelled_import_can_be_reverted_instead(
    app, acme, acme_manager, acme_admin, browser, tmp_path, db_session, monkeypatch
):
    _fail_second_chunk_once(monkeypatch)
    b = browser(acme_manager)
    run_id = _upload(b, _file(tmp_path))
    b.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    assert browser(acme_admin).post(f"/import-history/revert/{run_id}").status_code == 302
    assert _run_of(db_session, run_id).status == "reverted"
    assert _emails(db_session, acme.id) == {}
    b.post(f"/import/resume/{run_id}")  # a reverted run is not resumed
    assert _run_of(db_session, run_id).status == "reverted"


def test_an_all_or_nothing_import_has_nothing_to_resume(
    app, acme, acme_manager, browser, tmp_path, db_session, monkeypatch
):
    _fail_second_chunk_once(monkeypatch)
    b = browser(acme_manager)
    run_id = _upload(b, _file(tmp_path))
    b.post(f"/import/run/{run_id}", {"mode": "all_or_nothing"})
    run = _run_of(db_session, run_id)
    assert (run.status, run.committed_rows) == ("failed", 0)
    assert "nothing was written" in run.message
    response = b.post(f"/import/resume/{run_id}", follow_redirects=True)
    assert "can be resumed" in response.get_data(as_text=True)
    assert _run_of(db_session, run_id).status == "failed"
    assert _emails(db_session, acme.id) == {}


def _running_import_with_held_job(app, acme, acme_manager, tmp_path):
    """A run claimed and its job submitted to a queue that never runs it."""
    with app.app_context(), tenant_scope(acme.id), acting_as("test"):
        run = runs.create_run(
            db.session, "customers", "held.csv", _file(tmp_path, 5).read_bytes(), username="t"
        )
        job = run_jobs.start(
            db.session,
            HeldQueue(),
            run,
            "valid_rows",
            locale="en",
            user_id=acme_manager.id,
            username=acme_manager.username,
        )
        ids = run.id, job.id
        db.session.remove()
    return ids


def test_the_reaper_fails_the_run_of_an_import_job_whose_consumer_died(
    app, acme, acme_manager, tmp_path, db_session
):
    run_id, job_id = _running_import_with_held_job(app, acme, acme_manager, tmp_path)
    factories.stale_job(app, job_id)
    assert _run_of(db_session, run_id).status == "running"
    assert schedule.reap_dead_jobs(app) == 1
    run = _run_of(db_session, run_id)
    assert _job_of(db_session, job_id).status == "failed"
    assert run.status == "failed" and "stopped answering" in run.message
    assert "nothing was written" in run.message


def test_reading_a_run_whose_job_was_reaped_elsewhere_shows_it_failed(
    app, acme, acme_manager, browser, tmp_path, db_session
):
    """The Jobs screen reaps jobs only; the import screens make the run follow."""
    run_id, job_id = _running_import_with_held_job(app, acme, acme_manager, tmp_path)
    factories.stale_job(app, job_id)
    b = browser(acme_manager)
    assert "stopped answering" in b.get("/jobs/").get_data(as_text=True)
    status = b.get(f"/import/status/{run_id}").json
    assert status["status"] == "failed" and "stopped answering" in status["message"]
    assert status["resumable"]  # nothing committed yet: resuming runs it from the top


def test_cancelling_a_queued_import_job_cancels_its_run(
    app, acme, acme_manager, browser, tmp_path, db_session
):
    run_id, job_id = _running_import_with_held_job(app, acme, acme_manager, tmp_path)
    b = browser(acme_manager)
    b.post(f"/jobs/{job_id}/cancel")
    assert _job_of(db_session, job_id).status == "cancelled"
    history = b.get("/import-history/").get_data(as_text=True)
    run = _run_of(db_session, run_id)
    assert run.status == "cancelled" and "nothing was written" in run.message
    assert "held.csv" in history and f"/import/resume/{run_id}" in history


def test_the_command_resumes_a_stopped_import(app, acme, runner, tmp_path, db_session, monkeypatch):
    _fail_second_chunk_once(monkeypatch)
    path = _file(tmp_path)
    result = runner.invoke(args=["crm", "import", "customers", str(path), "--tenant", acme.name])
    assert result.exit_code == 1 and "disk full" in result.output, result.output
    with db_session() as s:
        run_id = s.execute(select(ImportRun.id).execution_options(all_tenants=True)).scalar_one()
    assert len(_emails(db_session, acme.id)) == CHUNK

    resume = ["crm", "import-resume", str(run_id), "--tenant", acme.name]
    result = runner.invoke(args=resume)
    assert result.exit_code == 0, result.output
    assert f"its first {CHUNK} rows are imported already" in result.output
    assert f"{ROWS} created" in result.output
    emails = _emails(db_session, acme.id)
    assert len(emails) == ROWS and set(emails.values()) == {1}
    result = runner.invoke(args=resume)
    assert result.exit_code != 0 and "can be resumed" in result.output


def _preview_jobs(db_session):
    with db_session() as s:
        return s.scalars(
            select(Job.id)
            .where(Job.kind == "import_preview")
            .order_by(Job.id)
            .execution_options(all_tenants=True)
        ).all()


def _small_threshold(app, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_IMPORT_PREVIEW_BACKGROUND_ROWS", 5)


def _file_with_an_error(tmp_path):
    return import_files.csv_file(
        tmp_path / "large.csv",
        [["Name", "Email", "Notes"]]
        + [[f"Buyer {n}", f"buyer{n}@acme.example", "a note"] for n in range(9)]
        + [["Broken", "not-an-email", ""]],
    )


def test_a_large_files_preview_is_checked_by_a_job_and_kept_for_its_mapping(
    app, acme, acme_manager, browser, tmp_path, db_session, monkeypatch
):
    _small_threshold(app, monkeypatch)
    b = browser(acme_manager)
    run_id = _upload(b, _file_with_an_error(tmp_path))
    page = b.get(f"/import/preview/{run_id}").get_data(as_text=True)
    assert "9 to create" in page and "1 with errors" in page and "not-an-email" in page
    [job_id] = _preview_jobs(db_session)
    job = _job_of(db_session, job_id)
    assert (job.status, job.progress_done, job.progress_total) == ("done", 10, 10)
    with db_session() as s:
        assert s.scalar(select(func.count(Customer.id))) == 0  # a preview writes nothing
    assert "9 to create" in b.get(f"/import/preview/{run_id}").get_data(as_text=True)
    assert _preview_jobs(db_session) == [job_id]  # kept: not checked again
    assert f"<td>Import preview #{job_id}" in b.get("/jobs/").get_data(as_text=True)

    # Another mapping: the kept preview is stale and a new job checks the rows.
    response = b.post(f"/import/map/{run_id}", {"col_0": "name", "col_1": "email", "col_2": ""})
    assert response.status_code == 302
    assert "9 to create" in b.get(f"/import/preview/{run_id}").get_data(as_text=True)
    assert len(_preview_jobs(db_session)) == 2
    with db_session() as s:
        assert s.get(ImportRun, run_id).preview_result["mapping"]["Notes"] == ""


def test_a_small_files_preview_needs_no_job(app, acme, acme_manager, browser, tmp_path, db_session):
    b = browser(acme_manager)
    run_id = _upload(b, _file_with_an_error(tmp_path))
    assert "9 to create" in b.get(f"/import/preview/{run_id}").get_data(as_text=True)
    assert _preview_jobs(db_session) == []


def test_a_preview_still_checking_shows_its_progress_and_a_cancelled_one_can_run_again(
    app, acme, acme_manager, browser, tmp_path, db_session, monkeypatch
):
    _small_threshold(app, monkeypatch)
    held = HeldQueue()
    monkeypatch.setattr(job_queue, "queue", lambda app=None: held)
    b = browser(acme_manager)
    run_id = _upload(b, _file_with_an_error(tmp_path))
    page = b.get(f"/import/preview/{run_id}").get_data(as_text=True)
    [job_id] = _preview_jobs(db_session)
    assert 'id="preview-bar"' in page and 'data-status="queued"' in page
    assert "Check again" not in page
    b.post(f"/jobs/{job_id}/cancel")
    page = b.get(f"/import/preview/{run_id}").get_data(as_text=True)
    assert "Check again" in page and _preview_jobs(db_session) == [job_id]

    monkeypatch.undo()
    _small_threshold(app, monkeypatch)
    response = b.post(f"/import/preview-again/{run_id}")
    assert response.headers["Location"].endswith(f"/import/preview/{run_id}")
    assert "9 to create" in b.get(f"/import/preview/{run_id}").get_data(as_text=True)
    assert len(_preview_jobs(db_session)) == 2
