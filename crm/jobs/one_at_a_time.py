"""A lock every consumer of one database sees: each consumer's scheduler sends the periodic
tasks, and some of them (the nightly submission) must run in one consumer at a time.

PostgreSQL: an advisory lock, released with its connection should the consumer die.
SQLite (one machine): an flock on a file beside the database, released with the process.
"""

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import text

from crm.extensions import db


@contextmanager
def one_at_a_time(app: Flask, name: str) -> Iterator[bool]:
    """True to the one holder of the lock ``name``; False (at once) to anyone else."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql":
        key = zlib.crc32(name.encode())
        with engine.connect() as conn:
            held = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
            conn.commit()
            try:
                yield held
            finally:
                if held:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    conn.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield True  # a database of this process alone
        return
    with open(f"{database}.{name}.lock", "a") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
