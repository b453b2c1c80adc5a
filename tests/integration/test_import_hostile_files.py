"""Hostile import files: refused with a clear message before they are read, quickly, on the
import screen and on the command line, and the server answers the next request."""

import io
import time

import pytest
from sqlalchemy import select

from crm.models import ImportRun
from tests.integration import hostile_files

UNPACKED_LIMIT_MB = 20
BOMBS = {
    "far_cell.xlsx": (
        hostile_files.far_cell_xlsx,
        "The file has 16,384 columns; at most 500 can be imported.",
    ),
    "corner.xlsx": (
        lambda: hostile_files.far_cell_xlsx(999998, 499),
        "The file has 499,999,500 cells; at most 10,000,000 can be imported",
    ),
    "bomb.xlsx": (
        lambda: hostile_files.zip_bomb_xlsx(2 * UNPACKED_LIMIT_MB),
        f"Unpacked, this file would take more than {UNPACKED_LIMIT_MB} MB",
    ),
    "repeated.ods": (
        hostile_files.repeated_cells_ods,
        "The file has 16,384 columns; at most 500 can be imported.",
    ),
    "wide.csv": (
        hostile_files.wide_csv,
        "The file has 50,000 columns; at most 500 can be imported.",
    ),
}


@pytest.fixture
def small_unpacked_limit(app, monkeypatch):
    """A bomb above the default limit takes seconds to build; the check is the same."""
    monkeypatch.setitem(
        app.config, "CRM_IMPORT_MAX_UNCOMPRESSED_BYTES", UNPACKED_LIMIT_MB * 1024 * 1024
    )


@pytest.mark.serial
@pytest.mark.parametrize("file_name", sorted(BOMBS))
def test_the_import_screen_refuses_a_hostile_file_and_keeps_answering(
    app, acme, acme_manager, browser, db_session, small_unpacked_limit, file_name
):
    build, message = BOMBS[file_name]
    content = build()
    b = browser(acme_manager)
    started = time.perf_counter()
    response = b.client.post(
        "/import/",
        data={
            "entity": "customers",
            "csrf_token": b.token,
            "file": (io.BytesIO(content), file_name),
        },
        content_type="multipart/form-data",
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert elapsed < 2, f"refused after {elapsed:.1f} s"
    assert b.get("/import/").status_code == 200
    assert b.get("/customers/list/").status_code == 200
    with db_session() as s:
        assert s.scalar(select(ImportRun.id)) is None


@pytest.mark.serial
@pytest.mark.parametrize("file_name", sorted(BOMBS))
def test_the_import_command_refuses_a_hostile_file(
    app, acme, runner, tmp_path, small_unpacked_limit, file_name
):
    build, message = BOMBS[file_name]
    path = tmp_path / file_name
    path.write_bytes(build())
    started = time.perf_counter()
    result = runner.invoke(args=["crm", "import", "customers", str(path), "--tenant", acme.name])
    assert result.exit_code == 1
    assert message in result.output
    assert time.perf_counter() - started < 2
