"""What benchmarks/load.py prints: per kind of request, the background work's end state read
from the database, the ceiling, and whether the pages stayed fast while the work ran."""

import datetime as dt
import json
import math

from sqlalchemy import create_engine, text

# Pages a user waits on while an import and a statement batch run: p95 must stay under this.
WATCHED = ("customer list", "customer search", "customer detail")
TARGET_P95_MS = 300
# Records that are events, not requests (a conflict's request is its "customer edit").
MARKERS = ("import started", "import finished", "statement batch started", "customer edit conflict")


def read_log(path):
    with open(path, encoding="utf-8") as source:
        return [json.loads(line) for line in source if line.strip()]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else float("nan")


def requests_of(records):
    return [r for r in records if r["name"] not in MARKERS and not r["name"].endswith("finished")]


def kinds(records, seconds):
    """{kind: (count, req/s, p50, p95, p99, errors)} in order of first appearance."""
    by_kind = {}
    for record in requests_of(records):
        by_kind.setdefault(record["name"], []).append(record)
    return {
        name: (
            len(rows),
            len(rows) / seconds,
            percentile([r["ms"] for r in rows], 0.50),
            percentile([r["ms"] for r in rows], 0.95),
            percentile([r["ms"] for r in rows], 0.99),
            sum(1 for r in rows if "error" in r),
        )
        for name, rows in by_kind.items()
    }


def print_kinds(log, title, table):
    log(f"\n{title}")
    log(
        f"  {'kind':<24} {'requests':>8} {'req/s':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'errors':>6}"
    )
    total = sum(row[0] for row in table.values())
    for name, (count, rate, p50, p95, p99, errors) in table.items():
        log(
            f"  {name:<24} {count:>8} {rate:>7.1f} {p50:>6.0f}ms {p95:>6.0f}ms {p99:>6.0f}ms "
            f"{errors:>6}"
        )
    log(f"  {'all':<24} {total:>8} {sum(row[1] for row in table.values()):>7.1f}")


def errors_of(records, first=5):
    return [r for r in requests_of(records) if "error" in r][:first]


def marker_time(records, name):
    times = [r["t"] for r in records if r["name"] == name]
    return min(times) if times else None


def background_work(url, tenant, since):
    """The import runs and jobs the tenant started since ``since`` (a UTC datetime)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        runs = conn.execute(
            text(
                "SELECT id, status, total_rows, created_count, updated_count, failed_count, "
                "started_at, finished_at, message FROM crm_import_run "
                "WHERE tenant_id = :t AND created_at >= :since ORDER BY id"
            ),
            {"t": tenant, "since": since},
        ).all()
        jobs = conn.execute(
            text("SELECT * FROM crm_job WHERE tenant_id = :t AND created_at >= :since ORDER BY id"),
            {"t": tenant, "since": since},
        ).all()
    engine.dispose()
    return runs, jobs


def still_running(runs, jobs):
    return any(r.status in ("queued", "running") for r in runs) or any(
        j.status in ("queued", "running") for j in jobs
    )


def _seconds(start, end):
    return (end - start).total_seconds() if start and end else None


def _epoch(moment):
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.timestamp()


def print_background(log, runs, jobs, records, sink_count, batch_size):
    log("\nBackground work (crm_import_run, crm_job)")
    for r in runs:
        spent = _seconds(r.started_at, r.finished_at)
        log(
            f"  import run #{r.id}: {r.status}; {r.total_rows:,} rows, {r.created_count:,} created, "
            f"{r.updated_count:,} updated, {r.failed_count:,} failed; "
            + (f"{spent:.1f} s ({r.total_rows / spent:,.0f} rows/s)" if spent else "not finished")
            + (f"; {r.message}" if r.message else "")
        )
    for j in jobs:
        spent = _seconds(j.started_at, j.finished_at)
        waited = _seconds(j.created_at, j.started_at)
        log(
            f"  job #{j.id} {j.kind}: {j.status}; {j.progress_done}/{j.progress_total}; "
            + (f"queued {waited:.1f} s, ran {spent:.1f} s" if spent is not None else "unfinished")
            + (f"; {j.error}" if j.error else "")
            + (f"; {j._mapping['summary']}" if j._mapping.get("summary") else "")
        )
    if not jobs:
        log("  (no jobs: the import and the statement batch ran outside the queue)")
    send = [r for r in records if r["name"] == "statement batch send"]
    if send and not any("statement" in j.kind for j in jobs):
        log(
            f"  statement batch in its request: HTTP {send[0]['status']} after "
            f"{send[0]['ms'] / 1000:.1f} s"
        )
    log(f"  statements received by the SMTP sink: {sink_count} of {batch_size}")


def work_window(records, runs, jobs):
    """(start, end) in epoch seconds of the import and the batch, as far as they are known."""
    starts = [marker_time(records, m) for m in ("import started", "statement batch started")]
    ends = [_epoch(r.finished_at) for r in runs] + [_epoch(j.finished_at) for j in jobs]
    ends += [r["t"] for r in records if r["name"] in ("statement batch send", "import finished")]
    starts, ends = [s for s in starts if s], [e for e in ends if e]
    if not starts:
        return None
    return min(starts), max(ends) if ends else max(r["t"] for r in records)


def print_window(log, records, window):
    """p50/p95 of the watched pages asked while the work ran, beside those asked outside it."""
    if window is None:
        log("\nNo import or statement batch was started: nothing to compare.")
        return False
    met = True
    start, end = window
    log(
        f"\nWhile the import and the statement batch ran ({end - start:.0f} s), "
        "and outside that time:"
    )
    for name in WATCHED:
        inside, outside = [], []
        for r in requests_of(records):
            if r["name"] == name:
                asked = r["t"] - r["ms"] / 1000
                (inside if start <= asked <= end else outside).append(r["ms"])
        if not inside:
            log(f"  {name:<24} no requests in the window")
            continue
        p95 = percentile(inside, 0.95)
        met = met and p95 < TARGET_P95_MS
        verdict = "ok" if p95 < TARGET_P95_MS else "MISSED"
        apart = (
            f"; outside: {len(outside)}, p50 {percentile(outside, 0.5):.0f} ms, "
            f"p95 {percentile(outside, 0.95):.0f} ms"
            if outside
            else ""
        )
        log(
            f"  {name:<24} {len(inside):>6} requests, p50 {percentile(inside, 0.5):.0f} ms, "
            f"p95 {p95:.0f} ms (target < {TARGET_P95_MS} ms) {verdict}{apart}"
        )
    return met


def saved_edits(url, tenant, since, prefix):
    """Customer updates the simulated users' saves wrote to the audit trail since ``since``."""
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(
            text(
                "SELECT count(*) FROM crm_audit_entry WHERE tenant_id = :t AND at >= :since "
                "AND entity = 'customer' AND action = 'update' AND username LIKE :who"
            ),
            {"t": tenant, "since": since, "who": prefix + "%"},
        ).scalar()
    engine.dispose()
    return count


def print_edits(log, records, saved):
    conflicts = sum(1 for r in records if r["name"] == "customer edit conflict")
    answered = (
        sum(1 for r in records if r["name"] == "customer edit" and "error" not in r) - conflicts
    )
    verdict = "every save kept" if saved == answered else "MISMATCH"
    log(f"Customer edits: {answered} saves answered with a redirect, {saved} audited: {verdict}")
    if conflicts:
        log(
            f"  and {conflicts} refused as changed meanwhile (another browser had saved the"
            " customer since the form was read), each read and saved again"
        )
    return saved == answered
