"""The unit of work: a service entry point owns its transaction.

``@transactional`` (or ``with transaction(session):``) around a service entry point
commits when the outermost one returns and rolls back when it raises, so one user
action is one transaction whichever way it came in (screen, API, CLI, job). A service
called by another service joins the caller's transaction instead of committing half
of it, which is why services take no ``commit=`` flag. Views, the API and the CLI never
commit or roll back themselves.

``savepoint(session)`` undoes one step of a longer unit (a row of a batch) without
losing the steps before it.
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
