"""Screens, the API and the CLI never commit or roll back: each service entry point owns
its transaction (crm/services/core/transaction.py), so one user action is one unit
whichever way it came in. Read from the source, as test_layering.py reads imports."""

import ast
from pathlib import Path

import crm

ROOT = Path(crm.__file__).parent
HANDLERS = ("views", "api", "cli.py")
ENDS_A_TRANSACTION = ("commit", "rollback")


def _handler_files():
    for name in HANDLERS:
        path = ROOT / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            yield file


def transaction_ends(source):
    """Line numbers of ``x.commit()`` / ``x.rollback()`` calls in ``source``."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ENDS_A_TRANSACTION
    )


def test_the_check_finds_a_commit_and_a_rollback():
    source = "def save(s):\n    s.commit()\n\ndef undo(s):\n    s.session.rollback()\n"
    assert transaction_ends(source) == [2, 5]


def test_screens_api_and_cli_never_commit_or_roll_back():
    found = {
        file.relative_to(ROOT).as_posix(): lines
        for file in _handler_files()
        if (lines := transaction_ends(file.read_text(encoding="utf-8")))
    }
    assert found == {}, f"handlers ending a transaction themselves (file: lines): {found}"


def test_the_check_reads_the_cli_and_every_screen_and_endpoint_package():
    checked = {file.relative_to(ROOT).as_posix() for file in _handler_files()}
    assert "cli.py" in checked
    for package in ("views/customers", "views/bulk", "views/insight", "views/settings"):
        assert any(name.startswith(package + "/") for name in checked), package
    assert {"api/base.py", "api/customers.py", "api/companies.py", "api/merge.py"} <= checked
