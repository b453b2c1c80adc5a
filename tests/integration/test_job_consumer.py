"""Jobs run by a real consumer process (``flask crm worker``) on Redis: the web client sees
their progress, cancels them, and sees a job failed once its consumer is killed."""

import os
import signal
import subprocess
import sys
import time

import pytest

from app import create_app
from config import TestConfig
from crm import jobs as job_queue
from crm.extensions import db
from crm.security.tenancy import tenant_scope
from crm.services import jobs
from crm.services.jobs import lifecycle
from tests import factories
from tests.conftest import Browser, redis_url

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# A Redis database of these tests' own (one per test worker).
REDIS_URL = redis_url("jobs")
HEARTBEAT_TIMEOUT = 3


def _redis_up():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")


@pytest.fixture(scope="module")
def web(_app, tmp_path_factory):
    """A web app like production's: jobs go to Redis, a consumer process runs them."""
    config = type(
        "OnRedis",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": _app.config["SQLALCHEMY_DATABASE_URI"],
            "CRM_DOCUMENT_DIR": _app.config["CRM_DOCUMENT_DIR"],
            "CRM_JOB_DIR": str(tmp_path_factory.mktemp("jobs")),
            "CRM_REDIS_URL": REDIS_URL,
            "CRM_JOBS_IMMEDIATE": False,
            "CRM_JOB_HEARTBEAT_TIMEOUT": HEARTBEAT_TIMEOUT,
        },
    )
    return create_app(config)


@pytest.fixture
def consumer(app, web, tmp_path):
    """``flask crm worker`` in its own process, over the tests' database; stopped after."""
    job_queue.queue(web).huey.flush()
    env = dict(
        os.environ,
        CRM_DATABASE_URL=web.config["SQLALCHEMY_DATABASE_URI"],
        CRM_REDIS_URL=REDIS_URL,
        CRM_JOB_HEARTBEAT_TIMEOUT=str(HEARTBEAT_TIMEOUT),
        CRM_JOB_DIR=web.config["CRM_JOB_DIR"],
        CRM_INSTANCE_DIR=str(tmp_path),
        CRM_SECRET_KEY="consumer-test-secret",
        PYTHONPATH=ROOT,
    )
    env.pop("CRM_JOBS_IMMEDIATE", None)
    log = open(tmp_path / "consumer.log", "w+")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "tests.integration.consumer_app:create_app",
            "crm",
            "worker",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(10)
    log.close()


@pytest.fixture
def slow_kind(monkeypatch):
    monkeypatch.setattr(lifecycle, "JOB_KINDS", (*lifecycle.JOB_KINDS, "slow"))


def _signed_in(web, user):
    return Browser(web.test_client()).login(user.username)


def _submit_slow(web, tenant, user):
    with web.app_context(), tenant_scope(tenant.id):
        job = jobs.submit(
            db.session,
            job_queue.queue(web),
            "slow",
            {},
            tenant_id=tenant.id,
            user_id=user.id,
            username=user.username,
        )
        job_id = job.id
        db.session.remove()
    return job_id


def _state(b, job_id):
    (state,) = b.get(f"/jobs/status?ids={job_id}").json["jobs"]
    return state


def _wait_for(b, job_id, until, timeout=40):
    deadline = time.monotonic() + timeout
    while True:
        state = _state(b, job_id)
        if until(state):
            return state
        assert time.monotonic() < deadline, f"job {job_id} stayed {state}"
        time.sleep(0.2)


def test_the_consumer_runs_a_health_refresh_the_web_client_submits(
    app, web, acme, acme_admin, consumer
):
    factories.customer(app, acme, "Healthy Buyer")
    b = _signed_in(web, acme_admin)
    assert b.post("/jobs/refresh-health").status_code == 302
    job_id = b.get("/api/v1/job/").json["result"][0]["id"]
    state = _wait_for(b, job_id, lambda s: s["status"] not in ("queued", "running"))
    assert state["status"] == "done" and state["percent"] == 100
    # The consumer yields the CPU to the web workers (CRM_JOB_NICENESS, 10 by default).
    expected = min(os.getpriority(os.PRIO_PROCESS, 0) + 10, 19)
    assert os.getpriority(os.PRIO_PROCESS, consumer.pid) == expected


def test_progress_is_seen_from_the_web_and_cancel_stops_the_job(
    app, web, acme, acme_member, consumer, slow_kind
):
    b = _signed_in(web, acme_member)
    job_id = _submit_slow(web, acme, acme_member)
    first = _wait_for(b, job_id, lambda s: s["status"] == "running" and s["done"] > 0)
    later = _wait_for(b, job_id, lambda s: s["done"] > first["done"])
    assert later["total"] == 1200 and later["status"] == "running"
    b.post(f"/jobs/{job_id}/cancel")
    state = _wait_for(b, job_id, lambda s: s["status"] != "running", timeout=10)
    assert state["status"] == "cancelled" and state["done"] < 1200


def test_a_killed_consumer_leaves_the_job_failed_within_the_heartbeat_window(
    app, web, acme, acme_member, consumer, slow_kind
):
    b = _signed_in(web, acme_member)
    job_id = _submit_slow(web, acme, acme_member)
    _wait_for(b, job_id, lambda s: s["status"] == "running" and s["done"] > 0)
    consumer.send_signal(signal.SIGKILL)
    consumer.wait(10)
    killed = time.monotonic()
    state = _wait_for(b, job_id, lambda s: s["status"] != "running", timeout=HEARTBEAT_TIMEOUT + 5)
    assert state["status"] == "failed" and "stopped answering" in state["error"]
    assert time.monotonic() - killed < HEARTBEAT_TIMEOUT + 3
