#!/usr/bin/env python
"""Where one request's time goes, page by page: cProfile over the Flask test client.

Uses the database throughput.py (or load.py) built, signs in as its first simulated user
through the login form and the JWT sign-in, and requests each of throughput.py's pages
--runs times after a warm-up under cProfile. Prints per page the milliseconds per request
(without and under the profiler, which slows it), its SQL statements, the share spent
executing SQL, the share of a few parts every page pays (sign-in and session, permission
checks, the navbar and the rest of the base layout, translations, Talisman) and the
functions that cost most.

    .venv/bin/python benchmarks/request_profile.py --postgres postgresql://postgres@127.0.0.1:5432/bench_tp
    --runs N (50)  --pages list,api,...  --top N (25 functions per page)  --sql (the statements)

Not a test: run it on demand.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import list_customers as bench  # noqa: E402
import load_seed as seed  # noqa: E402
import throughput  # noqa: E402

from app import create_app  # noqa: E402

log = bench.log
# (part, where its functions live, their names): the cumulative time of the outermost call
# of each, as a share of the request.
PARTS = (
    ("sign-in: load_user / JWT user", "crm/security/manager.py", ("load_user", "load_user_jwt")),
    ("permission checks", "crm/security/manager.py", ("has_access",)),
    ("navbar menu", "crm/views/menu.py", ("navbar_menu",)),
    ("navbar badges (jobs, bell)", "crm/views/notifications.py", ("navbar_badges",)),
    ("gettext (the first: the locale)", "flask_babel/__init__.py", ("gettext",)),
    ("Talisman (before + after)", "flask_talisman", ("_force_https", "_set_response_headers")),
    ("session open / save", "flask/sessions.py", ("open_session", "save_session")),
    ("SQL execute", "sqlalchemy/engine/base.py", ("_execute_context",)),
    ("Jinja render", "flask/templating.py", ("_render",)),
)


def sign_in(client, username):
    page = client.get("/login/").get_data(as_text=True)
    fields = throughput.forms.replaced(
        throughput.forms.form_fields(page, having="username"),
        username=username,
        password=bench.PASSWORD,
    )
    answer = client.post("/login/", data=dict(fields))
    assert answer.status_code == 302, answer.status_code
    # A client without the page session's cookie (a cookie-carrying POST needs a CSRF token).
    token = client.application.test_client().post(
        "/api/v1/security/login",
        json={"username": username, "password": bench.PASSWORD, "provider": "db"},
    )
    return {"Authorization": "Bearer " + token.json["access_token"]}


def part_shares(stats, total):
    """{part: share of ``total``} from the cumulative times of ``PARTS``' functions (of
    functions of one name, nested in each other, the outermost)."""
    shares = {}
    for part, where, names in PARTS:
        by_name = dict.fromkeys(names, 0.0)
        for (path, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
            if name in by_name and where in path:
                by_name[name] = max(by_name[name], ct)
        shares[part] = sum(by_name.values()) / total if total else 0.0
    return shares


def statements_of(client, path, headers):
    """The SQL statements one (warm) request of ``path`` runs."""
    from sqlalchemy import event

    from crm.extensions import db

    with client.application.app_context():
        engine = db.engine
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(path, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statements


def profile_page(client, path, headers, runs, top, sort="tottime"):
    for _ in range(5):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, (path, answer.status_code)
    plain, cpu = time.perf_counter(), time.process_time()
    for _ in range(runs):
        client.get(path, headers=headers)
    plain = (time.perf_counter() - plain) / runs * 1000
    cpu = (time.process_time() - cpu) / runs * 1000
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(runs):
        client.get(path, headers=headers)
    profiler.disable()
    elapsed = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    shares = part_shares(stats, elapsed)
    stats.sort_stats(sort).print_stats(top)
    return plain, cpu, elapsed / runs * 1000, shares, out.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", required=True, metavar="URL")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--pages", default=",".join(key for key, *_ in throughput.PAGES))
    parser.add_argument("--sql", action="store_true", help="print each page's statements")
    parser.add_argument(
        "--sort", default="tottime", help="order of the functions: tottime or cumulative"
    )
    args = parser.parse_args(argv)
    url = args.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
    app = create_app(bench.bench_config(url, tempfile.mkdtemp(prefix="crm-profile-")))
    client = app.test_client()
    bearer = sign_in(client, f"{seed.USER_PREFIX}0")
    first = client.get("/customers/list/").get_data(as_text=True)
    customer = throughput.SHOW_LINK.search(first).group(1)
    for key, label, path, _expect, _target in throughput.PAGES:
        if key not in args.pages.split(","):
            continue
        path = path or f"/customers/show/{customer}"
        headers = bearer if key == "api" else None
        plain, cpu, ms, shares, top = profile_page(
            client, path, headers, args.runs, args.top, args.sort
        )
        statements = statements_of(client, path, headers)
        log(
            f"\n=== {label} ({path}): {plain:.1f} ms per request ({cpu:.1f} ms of this process's"
            f" CPU), {ms:.1f} ms under cProfile,"
            f" {len(statements)} SQL statements"
        )
        if args.sql:
            for statement in statements:
                log("  SQL: " + " ".join(statement.split())[:300])
        for part, share in shares.items():
            log(f"  {part:<32} {share:6.1%}")
        log(top)


if __name__ == "__main__":
    main()
