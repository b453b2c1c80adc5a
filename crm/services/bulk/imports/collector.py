"""Python's cycle collector, paused while an import builds its many short-lived rows.

An import holds the whole file (a list per row) and builds several dicts per row;
every few hundred allocations the collector would walk all of them again, which cost
about as much as the import itself. Reference counting still frees every row as
usual; only the search for reference cycles waits until the last import running in
this process has finished, and then runs once.
"""

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_state = {"depth": 0, "was_enabled": False}


@contextlib.contextmanager
def paused() -> Iterator[None]:
    with _lock:
        if _state["depth"] == 0:
            _state["was_enabled"] = gc.isenabled()
            gc.disable()
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            resume = _state["depth"] == 0 and _state["was_enabled"]
            if resume:
                gc.enable()
        if resume:
            gc.collect()
