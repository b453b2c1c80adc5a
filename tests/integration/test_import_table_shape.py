"""flask crm import reads the table a spreadsheet shows: the heading row below a title,
row numbers as the spreadsheet numbers them, NULL cells empty, rows with more or fewer
cells than the headings reported (never shifted), and --encoding."""

from sqlalchemy import select

from crm.models import Customer
from crm.security.tenancy import tenant_scope
from tests.integration import import_files


def _invoke(runner, *args):
    return runner.invoke(args=["crm", "import", *args])


def _write(path, lines, encoding="utf-8"):
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def test_a_title_and_blank_rows_above_the_headings_are_skipped(
    app, acme, runner, tmp_path, db_session
):
    path = import_files.xlsx(
        tmp_path / "clients.xlsx",
        [
            ["Customer list, December"],
            [],
            ["Name", "Email", "Notes"],
            ["Alpha", "alpha@x.example", "first"],
            [],
            ["Beta", "broken", "second"],
        ],
    )
    result = _invoke(runner, "customers", str(path), "--tenant", acme.name, "--dry-run")
    assert "1 to create" in result.output and "1 failed" in result.output, result.output
    assert "row 6: Email:" in result.output
    with db_session() as s:
        assert s.scalar(select(Customer.id)) is None


def test_rows_with_more_or_fewer_cells_than_the_headings_fail_and_name_both_counts(
    app, acme, runner, tmp_path, db_session
):
    path = _write(
        tmp_path / "clients.csv",
        [
            "Name,Email,Notes",
            "Alpha,alpha@x.example,first",
            "",
            "Beta,beta@x.example,12 Main Street, Springfield",
            "Gamma,gamma@x.example",
            "Delta,delta@x.example,fourth,,",
            "Epsilon,NULL,NULL",
        ],
    )
    result = _invoke(runner, "customers", str(path), "--tenant", acme.name)
    assert result.exit_code == 1
    assert "2 created, 0 updated, 0 unchanged, 3 failed" in result.output, result.output
    result = _invoke(runner, "customers", str(path), "--tenant", acme.name, "--dry-run")
    assert "row 4: Cells: Row 4 has 4 cells; the headings have 3." in result.output
    assert "row 5: Cells: Row 5 has 2 cells; the headings have 3." in result.output
    assert "row 7: Email: Email is required." in result.output
    with db_session() as s, tenant_scope(acme.id):
        rows = s.execute(select(Customer.name, Customer.notes).order_by(Customer.name)).all()
        assert [tuple(r) for r in rows] == [("Alpha", "first"), ("Delta", "fourth")]


def test_the_encoding_option_reads_a_text_file_as_told(app, acme, runner, tmp_path, db_session):
    lines = ["Nom;Courriel", "Mère Michel;mere@x.example", "Genève Sàrl;geneve@x.example"]
    path = _write(tmp_path / "clients.csv", lines, "cp1252")
    result = _invoke(
        runner, "customers", str(path), "--tenant", acme.name, "--encoding", "cp1250", "--dry-run"
    )
    assert result.exit_code == 0, result.output
    result = _invoke(runner, "customers", str(path), "--tenant", acme.name, "--encoding", "utf-8")
    assert result.exit_code == 1 and "This file is not in Unicode (UTF-8)" in result.output
    assert _invoke(runner, "customers", str(path), "--tenant", acme.name).exit_code == 0
    with db_session() as s, tenant_scope(acme.id):
        assert sorted(s.scalars(select(Customer.name))) == ["Genève Sàrl", "Mère Michel"]
