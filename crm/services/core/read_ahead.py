"""Fetch a query's next chunks of rows while the caller works on the current one.

The database drivers let go of Python's interpreter lock while the database does its
part of a fetch (sqlite3 while SQLite steps through rows, psycopg while it waits on the
server), so fetching in a second thread overlaps that with the caller's own work: for an
export, turning the previous chunk into file content. The session's connection is used by
the reading thread only while the caller iterates; the caller must not use the session
for anything else until the chunks are exhausted or closed.
"""

import queue
import threading
from collections.abc import Iterator
from typing import Any, TypeVar, cast

from sqlalchemy import Engine
from sqlalchemy.orm import Session

T = TypeVar("T")

_DONE = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def shareable_across_threads(session: Session) -> bool:
    """Whether the session's connection may be used from another thread (an in-memory
    SQLite database is bound to the thread that opened it)."""
    return type(cast(Engine, session.get_bind()).pool).__name__ != "SingletonThreadPool"


def read_ahead(chunks: Iterator[T], depth: int = 3) -> Iterator[T]:
    """Yield what ``chunks`` (an iterator) yields, read up to ``depth`` items ahead in a
    background thread. Errors in the reading thread are raised here; closing this
    generator early stops the reading thread before returning."""
    waiting: queue.Queue[Any] = queue.Queue(maxsize=depth)  # chunks, then _DONE or _Failed
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if not put(chunk):
                    return
            put(_DONE)
        except BaseException as error:  # handed to the caller's thread
            put(_Failed(error))
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # in the thread that ran it

    reader = threading.Thread(target=produce, name="read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            item = waiting.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        reader.join()
