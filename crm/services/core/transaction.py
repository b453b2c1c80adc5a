"""The unit of work: a service entry point owns its transaction.

``@transactional`` (or ``with transaction(session):``) around a service entry point
commits when the outermost one returns and rolls back when it raises, so one user
action is one transaction whichever way it came in (screen, API, CLI, job). A service
called by another service joins the caller's transaction instead of committing half
of it, which is why services take no ``commit=`` flag. Views, the API and the CLI never
commit or roll back themselves.

``savepoint(session)`` undoes one step of a longer unit (a row of a batch) without
losing the steps before it; ``dry_run(session)`` throws a whole block's writes away (a
preview); ``commit_so_far(session)`` makes a long unit's work permanent chunk by chunk.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar, cast

from sqlalchemy.orm import Session

_DEPTH = "crm_transaction_depth"

P = ParamSpec("P")
R = TypeVar("R")


def depth(session: Session) -> int:
    """How many ``transaction`` blocks are open on ``session`` (0: none)."""
    return cast(int, session.info.get(_DEPTH, 0))


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Commit on leaving the outermost block, roll back if it raises; inner blocks join."""
    outer = depth(session)
    session.info[_DEPTH] = outer + 1
    try:
        yield session
        if outer == 0:
            session.commit()
    except BaseException:
        if outer == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = outer


def transactional(
    function: Callable[Concatenate[Session, P], R],
) -> Callable[Concatenate[Session, P], R]:
    """Run ``function(session, ...)`` as one transaction (see ``transaction``)."""

    @wraps(function)
    def run(session: Session, *args: P.args, **kwargs: P.kwargs) -> R:
        with transaction(session):
            return function(session, *args, **kwargs)

    # ``run`` also takes ``session`` by name, which the positional type above leaves out.
    return cast(Callable[Concatenate[Session, P], R], run)


@contextmanager
def savepoint(session: Session) -> Iterator[Session]:
    """Undo just this block's writes if it raises (the error still propagates)."""
    nested = session.begin_nested()
    try:
        yield session
    except BaseException:
        if nested.is_active:
            nested.rollback()
        raise
    else:
        if nested.is_active:
            nested.commit()


@contextmanager
def dry_run(session: Session) -> Iterator[Session]:
    """Run a block whose writes are always thrown away (a preview): services called inside
    join it instead of committing, and it rolls back on leaving, whatever happened."""
    if depth(session):
        raise RuntimeError("a dry run inside a transaction block would undo the block's work")
    session.info[_DEPTH] = 1
    try:
        yield session
    finally:
        session.info[_DEPTH] = 0
        session.rollback()


def commit_so_far(session: Session) -> Callable[[], None]:
    """The commit of what the session's transaction has written so far, as a callable on
    its database connection: the unit goes on (its next statement begins the database's
    next transaction) and a later error undoes only what came after. For long writes that
    must let other writers in between chunks (the import of valid rows on SQLite, which
    queues the call behind its own statements: crm/services/bulk/imports/commit.py)."""
    driver = session.connection().connection.driver_connection
    assert driver is not None
    return cast(Callable[[], None], driver.commit)
