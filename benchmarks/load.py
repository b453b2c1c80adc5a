#!/usr/bin/env python
"""A bounded load run: many simulated users against gunicorn, with the job queue working.

Builds (or reuses) a PostgreSQL database with one measured tenant, starts gunicorn (4
workers), two queue consumers and a bare Flask endpoint (the ceiling) as subprocesses it
always stops, and runs Locust (benchmarks/load_locustfile.py) in a process of its own:
users page, search, open and edit customers and move deals on the board while, once in
the middle, a 50,000-row import and a 500-customer statement batch run. Prints per kind
of request req/s, p50/p95/p99 and errors, the background work's end state, the customer
count before and after, and the ceiling. See benchmarks/README.md.

    .venv/bin/python benchmarks/load.py --postgres postgresql://postgres@127.0.0.1:5432/bench_load \
        --redis redis://127.0.0.1:6379/6       # drops that database's public schema; FLUSHDBs
    --customers N --users N --seconds N --reuse    (trial: --customers 5000 --seconds 15 --users 10)

Not a test: run it on demand.
"""

import argparse
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

import list_customers as bench  # noqa: E402
import load_report as report  # noqa: E402
import load_seed as seed  # noqa: E402
import redis  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from statements import Sink, free_port  # noqa: E402  (the statements benchmark's mail sink)

BIN = os.path.join(ROOT, ".venv", "bin")
# As the production unit in README.md (its --timeout is --gunicorn-timeout here).
GUNICORN = ["--workers", "4", "--no-control-socket"]
CONSUMERS = 2
SEARCH_TERMS = ("schneider", "kowalczyk", "logistics", "gmbh", "anna", "meridian")
log = bench.log


class Processes:
    """Subprocesses in process groups of their own, stopped (all of them) by ``stop``."""

    def __init__(self, folder):
        self.folder, self.running = folder, []

    def start(self, name, argv, env, cwd=ROOT):
        path = os.path.join(self.folder, f"{name}.log")
        out = open(path, "wb")
        process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running.append((name, process, out, path))
        return process

    def alive(self):
        return [name for name, process, _, _ in self.running if process.poll() is None]

    def tail(self, lines=25):
        for name, _, _, path in self.running:
            with open(path, errors="replace") as source:
                last = source.read().splitlines()[-lines:]
            log(f"\n--- last lines of {name} ({path})\n" + "\n".join(last))

    def stop(self):
        for _, process, _, _ in reversed(self.running):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for _, process, out, _ in reversed(self.running):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            out.close()


def wait_until_up(url, processes, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if len(processes.alive()) < len(processes.running):
            break
        time.sleep(1)
    processes.tail()
    raise SystemExit(f"{url} did not answer")


def server_env(args, tmp, smtp_port):
    env = dict(os.environ)
    env.update(
        CRM_DATABASE_URL=args.url,
        CRM_SECRET_KEY="load-bench-secret-key-of-at-least-32-bytes",
        CRM_REDIS_URL=args.redis,
        # Every simulated user signs in from 127.0.0.1.
        CRM_LOGIN_RATE_LIMIT="100000 per minute",
        CRM_INSTANCE_DIR=os.path.join(tmp, "instance"),
        CRM_DOCUMENT_DIR=os.path.join(tmp, "documents"),
        CRM_JOB_DIR=os.path.join(tmp, "jobs"),
        CRM_SMTP_HOST="127.0.0.1",
        CRM_SMTP_PORT=str(smtp_port),
        CRM_STATEMENT_BATCH_MAX=str(max(args.batch, 2000)),
    )
    return env


def locust_env(args, tmp, batch_ids, log_path):
    env = dict(os.environ)
    env.update(
        LOAD_PASSWORD=bench.PASSWORD,
        LOAD_USER_PREFIX=seed.USER_PREFIX,
        LOAD_CLERK=seed.CLERK,
        LOAD_THINK=str(args.think),
        LOAD_MIDDLE_AT=str(args.seconds / 3),
        LOAD_IMPORT_FILE=os.path.join(tmp, "customers-import.csv"),
        LOAD_BATCH_IDS=",".join(str(i) for i in batch_ids),
        LOAD_LIST_PAGES=str(max(1, min(args.customers, 50_000) // 25)),
        LOAD_SEARCH_TERMS=",".join(SEARCH_TERMS),
        LOAD_LOG=log_path,
    )
    return env


def run_locust(args, host, classes, users, seconds, env, name, processes):
    """Locust headless in its own process; returns when its run (and stop timeout) is over."""
    argv = [
        os.path.join(BIN, "locust"),
        "-f",
        os.path.join(HERE, "load_locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 5)),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        str(args.wait),
        "--host",
        host,
        "--only-summary",
        "--exit-code-on-error",
        "0",
        *classes,
    ]
    processes.start(name, argv, env).wait()


def wait_for_background(url, tenant, since, seconds):
    deadline = time.monotonic() + seconds
    while True:
        runs, jobs = report.background_work(url, tenant, since)
        if not report.still_running(runs, jobs) or time.monotonic() > deadline:
            return runs, jobs
        time.sleep(2)


def arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres",
        required=True,
        metavar="URL",
        help="a database of your own (created when missing; its public schema is dropped)",
    )
    parser.add_argument(
        "--redis",
        required=True,
        metavar="URL",
        help="a Redis database of your own for the queue and rate limits (FLUSHDB at start)",
    )
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50, help="simulated users (2 are clerks)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--ceiling-seconds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=10, help="seconds of browsing first")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between tasks (s)")
    parser.add_argument(
        "--gunicorn-timeout",
        type=int,
        default=300,
        help="seconds before gunicorn kills a busy worker (300, as in production); the "
        "answer then counts as an error",
    )
    parser.add_argument("--deals", type=int, default=2_000)
    parser.add_argument("--import-rows", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=500, help="customers in the statement batch")
    parser.add_argument(
        "--wait", type=int, default=900, help="seconds to wait for the import and batch to end"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="use the database a previous run built"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the logs and request logs (prints where)"
    )
    args = parser.parse_args(argv)
    args.url = args.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
    if args.users < 3:
        parser.error("--users: at least 3 (two are clerks)")
    return args


def prepare_database(args, tmp):
    """The tenant's id and the statement batch's customer ids, building the database first
    unless --reuse finds one."""
    browsers = args.users - 2
    if args.reuse and seed.reusable(args.url, browsers, args.batch):
        log(f"reusing {args.url.rsplit('@', 1)[-1]}")
    else:
        documents = os.path.join(tmp, "documents")
        seed.build(args.url, documents, args.customers, browsers, args.deals, args.batch)
    engine = create_engine(args.url)
    with engine.connect() as conn:
        batch_ids = seed.batch_ids(conn, args.batch)
    engine.dispose()
    return seed.tenant_id(args.url), batch_ids


def start_servers(processes, env, timeout):
    """gunicorn serving the CRM, the queue's consumers and the ceiling; their URLs."""
    app_port, ceiling_port = free_port(), free_port()
    gunicorn = [os.path.join(BIN, "gunicorn"), *GUNICORN, "--timeout", str(timeout)]
    bind = "127.0.0.1:{}".format
    processes.start("gunicorn-app", [*gunicorn, "--bind", bind(app_port), "app:create_app()"], env)
    for n in range(CONSUMERS):
        worker = [os.path.join(BIN, "flask"), "--app", "app", "crm", "worker"]
        processes.start(f"consumer-{n}", worker, env)
    ceiling = [*gunicorn, "--bind", bind(ceiling_port), "load_ceiling:app"]
    processes.start("gunicorn-ceiling", ceiling, env, cwd=HERE)
    app_url, ceiling_url = f"http://{bind(app_port)}", f"http://{bind(ceiling_port)}"
    wait_until_up(app_url + "/login/", processes)
    wait_until_up(ceiling_url + "/", processes)
    log(f"gunicorn (4 workers), {CONSUMERS} queue consumers and the ceiling are up")
    return app_url, ceiling_url


def measure(args, tmp, processes, tenant, batch_ids, app_url, ceiling_url):
    browsing = ["Browser"]
    if args.warmup:
        log(f"Locust: warm-up, {args.users - 2} users browsing for {args.warmup} s")
        env = locust_env(args, tmp, batch_ids, "")
        run_locust(
            args, app_url, browsing, args.users - 2, args.warmup, env, "locust-warmup", processes
        )
    found = {"before": seed.customer_count(args.url, tenant)}
    since = dt.datetime.now(dt.timezone.utc)
    log(f"Locust: {args.users} users for {args.seconds} s against {app_url}")
    found["log"] = os.path.join(tmp, "requests.jsonl")
    env = locust_env(args, tmp, batch_ids, found["log"])
    classes = [*browsing, "ImportClerk", "StatementClerk"]
    run_locust(args, app_url, classes, args.users, args.seconds, env, "locust-app", processes)
    found["runs"], found["jobs"] = wait_for_background(args.url, tenant, since, args.wait)
    found["after"] = seed.customer_count(args.url, tenant)
    found["edits"] = report.saved_edits(args.url, tenant, since, seed.USER_PREFIX)
    log(f"Locust: ceiling, {args.users} users for {args.ceiling_seconds} s, no pause")
    found["ceiling_log"] = os.path.join(tmp, "ceiling.jsonl")
    env = locust_env(args, tmp, batch_ids, found["ceiling_log"])
    run_locust(
        args,
        ceiling_url,
        ["Ceiling"],
        args.users,
        args.ceiling_seconds,
        env,
        "locust-ceiling",
        processes,
    )
    return found


def print_results(args, found, sink_count, batch_size):
    """Prints the figures and a verdict; whether every answer and every record is right."""
    records = report.read_log(found["log"])
    before, after, runs, jobs = found["before"], found["after"], found["runs"], found["jobs"]
    title = f"{args.users} users, {args.seconds} s, {before:,} customers at the start (PostgreSQL)"
    report.print_kinds(log, title, report.kinds(records, args.seconds))
    ceiling = report.kinds(report.read_log(found["ceiling_log"]), args.ceiling_seconds)
    report.print_kinds(log, "Ceiling (bare endpoint, same users, no pause)", ceiling)
    failed = report.errors_of(records)
    for r in failed:
        log(f"  error: {r['name']} HTTP {r['status']}: {r['error']} {r.get('body', '')[:200]}")
    report.print_background(log, runs, jobs, records, sink_count, batch_size)
    imported = sum(r.created_count for r in runs)
    lost = after - before - imported
    log(
        f"\nCustomers: {before:,} before, {after:,} after, {imported:,} imported: "
        + ("nothing lost" if lost == 0 else f"MISMATCH ({lost:+,})")
    )
    edits_kept = report.print_edits(log, records, found["edits"])
    fast = report.print_window(log, records, report.work_window(records, runs, jobs))
    checks = {
        "no errors": not failed,
        f"{args.import_rows:,} rows imported": imported == args.import_rows and lost == 0,
        f"{batch_size} statements received": sink_count == batch_size,
        "every save kept": edits_kept,
        "background work ended": not report.still_running(runs, jobs),
    }
    log(
        "\nVerdict: "
        + ", ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in checks.items())
        + f"; list, search and detail p95 < {report.TARGET_P95_MS} ms meanwhile: "
        + ("yes" if fast else "NO")
    )
    return all(checks.values())


def main(argv=None):
    args = arguments(argv)
    tmp = tempfile.mkdtemp(prefix="crm-load-")
    processes = Processes(tmp)
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp_started, right = False, False
    try:
        tenant, batch_ids = prepare_database(args, tmp)
        mark = f"{int(time.time()):x}"  # the import's emails are new on every run
        seed.write_import_csv(os.path.join(tmp, "customers-import.csv"), args.import_rows, mark)
        redis.Redis.from_url(args.redis).flushdb()
        smtp.start()
        smtp_started = True
        app_url, ceiling_url = start_servers(
            processes, server_env(args, tmp, smtp.port), args.gunicorn_timeout
        )
        found = measure(args, tmp, processes, tenant, batch_ids, app_url, ceiling_url)
        right = print_results(args, found, sink.count, len(batch_ids))
        servers = [name for name, *_ in processes.running if not name.startswith("locust")]
        if not right or processes.alive() != servers:
            processes.tail()
    finally:
        processes.stop()
        if smtp_started:
            smtp.stop()
        if args.keep:
            log(f"\nserver and Locust logs, request logs: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if right else 1


if __name__ == "__main__":
    sys.exit(main())
