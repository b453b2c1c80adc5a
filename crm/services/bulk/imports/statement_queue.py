"""An import's INSERTs run in order in a second thread while the import checks and builds
the next rows.

While SQLite runs a many-row INSERT, or PostgreSQL takes a COPY, the driver lets go of
Python's interpreter lock, so the database's work (indexes, triggers, the full-text
index) overlaps the next chunk's validation in the importing thread. Only whole
statements are queued (a many-row INSERT takes the lock back once, where executemany
would need it for every row and wait on the busy thread each time).

The session's connection is shared: the writing thread holds ``lock`` while a statement
runs, and the importing thread reads only inside ``turn()``, which takes the same lock.
Reads see every INSERT finished so far, not those still queued, so an import reads only
what existed before it (matches, codes in use, the next ids) and keeps its own rows in
memory. The first failure stops the queue; it is raised in the importing thread by the
next ``submit``, ``turn`` or ``finish``, and the caller rolls the transaction back.
"""

import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_STOP = object()


class _Pause:
    """A queued wait, run outside ``lock`` so the importing thread goes on checking rows."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class StatementQueue:
    def __init__(self, threaded: bool = True, depth: int = 16) -> None:
        self.lock = threading.Lock()
        self._jobs: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._failure: BaseException | None = None  # raised once in the importing thread
        self._broken = False  # and no later statement runs
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(target=self._work, name="import-writer", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is _STOP:
                    return
                if isinstance(job, _Pause):
                    time.sleep(job.seconds)
                elif not self._broken:
                    with self.lock:
                        job()
            except BaseException as error:  # raised in the importing thread
                self._broken = True
                self._failure = error
            finally:
                self._jobs.task_done()

    def _raise(self) -> None:
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure

    def submit(self, job: Callable[[], object]) -> None:
        """Run ``job`` (a callable running statements) after those submitted before.
        Never call it inside ``turn()``."""
        self._raise()
        if self._thread is None:
            job()
        else:
            self._jobs.put(job)

    def pause(self, seconds: float) -> None:
        """Leave the connection idle for ``seconds`` after the statements submitted before
        (the importing thread's reads go on meanwhile)."""
        self._raise()
        if self._thread is None:
            time.sleep(seconds)
        else:
            self._jobs.put(_Pause(seconds))

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Use the connection from the importing thread (between queued statements)."""
        self._raise()
        with self.lock:
            yield

    def finish(self) -> None:
        """Wait for every submitted statement; raises the first failure."""
        if self._thread is not None:
            self._jobs.join()
        self._raise()

    def close(self) -> None:
        """Stop the writing thread (after what is queued; failures are dropped)."""
        if self._thread is not None:
            self._jobs.put(_STOP)
            self._thread.join()
            self._thread = None
