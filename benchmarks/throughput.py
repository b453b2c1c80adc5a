#!/usr/bin/env python
"""Page throughput under gunicorn: how many requests per second one page gets answered.

Builds (or reuses) load.py's PostgreSQL database (benchmarks/load_seed.py: 100,000
customers, the deals of the board, one user per simulated browser), starts gunicorn with 4
workers serving the CRM the way load.py does (from the repository's folder, so
gunicorn.conf.py preloads and warms the app) and the bare Flask app of load_ceiling.py, and
then, one page at a time, keeps 8 signed-in users asking for that page with no pause (a
closed loop: each user sends its next request when the answer came) for --seconds. Prints
per page requests/s, p50, p95, p99 and errors (any answer but 200, or a page that is not
the one asked for) next to the issue's target.

    .venv/bin/python benchmarks/throughput.py --postgres postgresql://postgres@127.0.0.1:5432/bench_tp
    --customers N (100,000)  --users N (8)  --seconds N (15 per page)  --warmup S (3 per page)
    --reuse   use the database a previous run (of this script or load.py) built
    --redis URL   the shared cache on Redis, as in production (default: the instance folder)
    --pages list,api,...   only these pages

Not a test: run it on demand, on a machine with nothing else running.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

import list_customers as bench  # noqa: E402
import load  # noqa: E402  (its subprocesses, gunicorn settings and wait_until_up)
import load_forms as forms  # noqa: E402
import load_report as report  # noqa: E402
import load_seed as seed  # noqa: E402
import requests  # noqa: E402
from statements import free_port  # noqa: E402

log = bench.log
SHOW_LINK = re.compile(r'href="/customers/show/(\d+)"')
# (key, label, path or None for the customer page, what the answer must hold, req/s target)
PAGES = (
    ("list", "customers list", "/customers/list/", "crm-rows", 150),
    ("api", "API customer list", "/api/v1/customer/", '"result"', 150),
    ("customer", "customer page", None, "/customers/show/", 100),
    ("board", "deal board", "/deal-board/", "crm-kanban", 100),
    ("dashboard", "dashboard", "/dashboard/", "dashboard-data", 40),
)
TARGET_P99_MS = 300


class Anonymous:
    """One simulated user of the bare endpoint: a requests session."""

    def __init__(self, base):
        self.base, self.http, self.bearer = base, requests.Session(), {}

    def get(self, path, api=False):
        return self.http.get(
            self.base + path, headers=self.bearer if api else None, allow_redirects=False
        )


class SignedIn(Anonymous):
    """One simulated user signed in through the login form, with a bearer token from the
    JWT sign-in for the API."""

    def __init__(self, base, username):
        super().__init__(base)
        page = self.http.get(base + "/login/").text
        fields = forms.replaced(
            forms.form_fields(page, having="username"), username=username, password=bench.PASSWORD
        )
        answer = self.http.post(base + "/login/", data=dict(fields), allow_redirects=False)
        if answer.status_code != 302 or "/login" in answer.headers.get("Location", ""):
            raise SystemExit(f"{username} could not sign in (HTTP {answer.status_code})")
        # Without the page session's cookie: a cookie-carrying POST must bring a CSRF token.
        token = requests.post(
            base + "/api/v1/security/login",
            json={"username": username, "password": bench.PASSWORD, "provider": "db"},
        )
        if token.status_code != 200:
            raise SystemExit(f"{username}: API sign-in refused (HTTP {token.status_code})")
        self.bearer = {"Authorization": "Bearer " + token.json()["access_token"]}


def closed_loop(users, paths, expect, api, seconds):
    """Every user asks for the next of ``paths`` as soon as its last answer came, for
    ``seconds``; the records (name, ms, status, error) of every answer."""
    records, lock = [], threading.Lock()
    deadline = time.monotonic() + seconds

    def run(n, user):
        mine, turn = [], n
        while time.monotonic() < deadline:
            path = paths[turn % len(paths)]
            turn += 1
            started = time.perf_counter()
            try:
                answer = user.get(path, api)
                body, status = answer.text, answer.status_code
            except requests.RequestException as error:
                body, status = repr(error), 0
            record = {"name": "page", "ms": (time.perf_counter() - started) * 1000}
            record["status"] = status
            if status != 200 or expect not in body:
                record["error"] = f"HTTP {status}: {' '.join(body.split())[:200]}"
            mine.append(record)
        with lock:
            records.extend(mine)

    threads = [threading.Thread(target=run, args=(n, u)) for n, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return records


def measure(args, app_url, ceiling_url):
    """{label: (count, req/s, p50, p95, p99, errors)} per page and the ceiling; the first
    errors' texts."""
    users = [SignedIn(app_url, f"{seed.USER_PREFIX}{n}") for n in range(args.users)]
    first_page = users[0].get("/customers/list/").text
    customers = list(dict.fromkeys(SHOW_LINK.findall(first_page)))
    if not customers:
        raise SystemExit("the customers list shows no customer")
    results, errors = {}, []
    for key, label, path, expect, _target in PAGES:
        if key not in args.pages:
            continue
        paths = [f"/customers/show/{pk}" for pk in customers] if path is None else [path]
        api = key == "api"
        log(f"{label}: {args.users} users, {args.warmup} s warm-up, {args.seconds} s measured")
        closed_loop(users, paths, expect, api, args.warmup)
        records = closed_loop(users, paths, expect, api, args.seconds)
        results[label] = report.kinds(records, args.seconds)["page"]
        errors += [f"{label}: {r['error']}" for r in records if "error" in r][:3]
    bare = [Anonymous(ceiling_url) for _ in range(args.users)]
    log(f"ceiling: {args.users} users, bare endpoint, {args.seconds} s")
    closed_loop(bare, ["/"], "ok", False, args.warmup)
    records = closed_loop(bare, ["/"], "ok", False, args.seconds)
    results["ceiling (bare Flask)"] = report.kinds(records, args.seconds)["page"]
    return results, errors


def print_results(args, results, errors):
    targets = {label: target for _, label, _, _, target in PAGES}
    log(
        f"\n{args.users} users, no pause, {args.seconds} s per page, gunicorn 4 workers, "
        f"PostgreSQL, {args.customers:,} customers"
    )
    log(
        f"  {'page':<22} {'requests':>8} {'req/s':>7} {'target':>7} {'p50':>8} {'p95':>8} "
        f"{'p99':>8} {'errors':>6}"
    )
    met = True
    for label, (count, rate, p50, p95, p99, failed) in results.items():
        target = targets.get(label)
        if target is not None:
            met = met and rate >= target and p99 < TARGET_P99_MS and not failed
        log(
            f"  {label:<22} {count:>8} {rate:>7.1f} {'' if target is None else f'≥ {target}':>7} "
            f"{p50:>6.0f}ms {p95:>6.0f}ms {p99:>6.0f}ms {failed:>6}"
        )
    for error in errors:
        log(f"  error: {error}")
    log(
        f"\nEvery page at its target, p99 < {TARGET_P99_MS} ms, no errors: {'yes' if met else 'NO'}"
    )
    return not errors


def arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", required=True, metavar="URL", help="its schema is dropped")
    parser.add_argument("--redis", metavar="URL", help="Redis for the shared cache (FLUSHDB)")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=15, help="measured seconds per page")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured seconds per page")
    parser.add_argument("--deals", type=int, default=2_000)
    parser.add_argument("--pages", default=",".join(key for key, *_ in PAGES))
    parser.add_argument("--reuse", action="store_true", help="use the database already built")
    args = parser.parse_args(argv)
    args.url = args.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
    args.pages = set(args.pages.split(","))
    unknown = args.pages - {key for key, *_ in PAGES}
    if unknown:
        parser.error(f"--pages: unknown {', '.join(sorted(unknown))}")
    return args


def server_env(args, tmp):
    env = dict(os.environ)
    env.update(
        CRM_DATABASE_URL=args.url,
        CRM_SECRET_KEY="throughput-bench-secret-key-of-at-least-32-bytes",
        CRM_LOGIN_RATE_LIMIT="100000 per minute",
        CRM_INSTANCE_DIR=os.path.join(tmp, "instance"),
        CRM_DOCUMENT_DIR=os.path.join(tmp, "documents"),
        CRM_JOB_DIR=os.path.join(tmp, "jobs"),
    )
    env.pop("CRM_REDIS_URL", None)
    if args.redis:
        env["CRM_REDIS_URL"] = args.redis
    return env


def start_servers(processes, env):
    app_port, ceiling_port = free_port(), free_port()
    gunicorn = [os.path.join(load.BIN, "gunicorn"), *load.GUNICORN, "--timeout", "300"]
    bind = "127.0.0.1:{}".format
    processes.start("gunicorn-app", [*gunicorn, "--bind", bind(app_port), "app:create_app()"], env)
    ceiling = [*gunicorn, "--bind", bind(ceiling_port), "load_ceiling:app"]
    processes.start("gunicorn-ceiling", ceiling, env, cwd=HERE)
    app_url, ceiling_url = f"http://{bind(app_port)}", f"http://{bind(ceiling_port)}"
    load.wait_until_up(app_url + "/login/", processes)
    load.wait_until_up(ceiling_url + "/", processes)
    return app_url, ceiling_url


def main(argv=None):
    args = arguments(argv)
    tmp = tempfile.mkdtemp(prefix="crm-throughput-")
    processes = load.Processes(tmp)
    right = False
    try:
        if args.reuse and seed.reusable(args.url, args.users, 0):
            log(f"reusing {args.url.rsplit('@', 1)[-1]}")
        else:
            documents = os.path.join(tmp, "documents")
            seed.build(args.url, documents, args.customers, args.users, args.deals, 0)
        if args.redis:
            import redis

            redis.Redis.from_url(args.redis).flushdb()
        app_url, ceiling_url = start_servers(processes, server_env(args, tmp))
        results, errors = measure(args, app_url, ceiling_url)
        right = print_results(args, results, errors)
        if not right:
            processes.tail()
    finally:
        processes.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if right else 1


if __name__ == "__main__":
    sys.exit(main())
