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
from contextlib import contextmanager
from functools import wraps

_DEPTH = "crm_transaction_depth"


def depth(session):
    """How many ``transaction`` blocks are open on ``session`` (0: none)."""
    return session.info.get(_DEPTH, 0)


@contextmanager
def transaction(session):
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


def transactional(function):
    """Run ``function(session, ...)`` as one transaction (see ``transaction``)."""

    @wraps(function)
    def run(session, *args, **kwargs):
        with transaction(session):
            return function(session, *args, **kwargs)

    return run


@contextmanager
def savepoint(session):
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
def dry_run(session):
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


def commit_so_far(session):
    """The commit of what the session's transaction has written so far, as a callable on
    its database connection: the unit goes on (its next statement begins the database's
    next transaction) and a later error undoes only what came after. For long writes that
    must let other writers in between chunks (the import of valid rows on SQLite, which
    queues the call behind its own statements: crm/services/bulk/imports/commit.py)."""
    return session.connection().connection.driver_connection.commit
