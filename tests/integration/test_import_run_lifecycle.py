"""An import run's life on the screens: the file is read once at upload, the preview counts
updates, a run starts once (double submits and the same file twice at once are refused),
the encoding can be changed, and downloads keep non-ASCII file names."""

import io
from urllib.parse import quote

import pytest
from sqlalchemy import select

from crm.models import AuditEntry, Customer, ImportRun
from crm.security.tenancy import tenant_scope
from crm.services.bulk.imports import readers, runs
from crm.services.core.errors import NotAllowed
from tests.integration import import_files
from tests.integration.test_import_screens import _wait

WESTERN_NAMES = ["Mère Michel", "Genève Sàrl", "Århus Smørrebrød"]


def _upload(b, name, content):
    response = b.client.post(
        "/import/",
        data={"entity": "customers", "csrf_token": b.token, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _csv(rows, encoding="utf-8", delimiter=","):
    return "\r\n".join(delimiter.join(row) for row in rows).encode(encoding) + b"\r\n"


def test_the_file_is_read_at_upload_only(
    app, acme, acme_manager, browser, tmp_path, monkeypatch, db_session
):
    path = import_files.xlsx(
        tmp_path / "clients.xlsx", [["Name", "Email"], ["Alpha", "alpha@x.example"]]
    )
    b = browser(acme_manager)
    run_id = _upload(b, "clients.xlsx", path.read_bytes())

    def read_again(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(readers, "read_table", read_again)
    assert b.get(f"/import/map/{run_id}").status_code == 200
    b.post(f"/import/map/{run_id}", {"col_0": "name", "col_1": "email"})
    assert "1 to create" in b.get(f"/import/preview/{run_id}").get_data(as_text=True)
    b.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    assert _wait(b, run_id)["created"] == 1
    with db_session() as s:
        assert s.scalar(select(Customer.name)) == "Alpha"


def test_the_preview_counts_the_records_to_update(app, acme, acme_manager, browser):
    b = browser(acme_manager)
    first = _upload(b, "first.csv", _csv([["Name", "Email"], ["Alpha", "alpha@x.example"]]))
    b.post(f"/import/run/{first}", {"mode": "valid_rows"})
    _wait(b, first)
    second = _upload(
        b,
        "second.csv",
        _csv([["Name", "Email"], ["Alpha AG", "alpha@x.example"], ["Beta", "beta@x.example"]]),
    )
    page = b.get(f"/import/preview/{second}").get_data(as_text=True)
    assert "1 to update" in page and "1 to create" in page
    assert "built-in method" not in page


def test_a_double_submitted_run_imports_once(app, acme, acme_manager, browser, db_session):
    """Two requests that both found the run uploaded: the second claim finds it taken."""
    b = browser(acme_manager)
    run_id = _upload(b, "c.csv", _csv([["Name", "Email"], ["Alpha", "alpha@x.example"]]))
    with db_session() as first, db_session() as second:
        run_a, run_b = runs.get_run(first, run_id), runs.get_run(second, run_id)
        assert run_a.status == run_b.status == "uploaded"
        runs.begin(first, run_a, "valid_rows")
        with pytest.raises(NotAllowed, match="already run"):
            runs.begin(second, run_b, "valid_rows")
    response = b.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    assert response.headers["Location"].endswith(f"/import/preview/{run_id}")
    with db_session() as s:
        assert s.get(ImportRun, run_id).status == "running"


def test_the_same_file_is_not_imported_twice_at_once(app, acme, acme_manager, browser, db_session):
    b = browser(acme_manager)
    content = _csv([["Name", "Email"], ["Alpha", "alpha@x.example"]])
    first, second = _upload(b, "c.csv", content), _upload(b, "c copy.csv", content)
    with db_session() as s:
        s.get(ImportRun, first).status = "running"
        s.commit()
    response = b.post(f"/import/run/{second}", {"mode": "valid_rows"})
    assert response.headers["Location"].endswith(f"/import/preview/{second}")
    page = b.get(f"/import/map/{second}").get_data(as_text=True)
    assert "This file is being imported already" in page
    with db_session() as s:
        assert s.get(ImportRun, second).status == "uploaded"
        s.get(ImportRun, first).status = "failed"
        s.commit()
    b.post(f"/import/run/{second}", {"mode": "valid_rows"})
    assert _wait(b, second)["created"] == 1
    with db_session() as s:
        assert s.scalar(select(Customer.name)) == "Alpha"
        assert (
            len(s.scalars(select(AuditEntry).where(AuditEntry.entity == "import_run")).all()) == 1
        )


@pytest.mark.parametrize("file_name", ["ग्राहक सूची.csv", "Klienci z Łodzi.csv"])
def test_the_error_report_of_a_file_named_in_any_script_downloads(
    app, acme, acme_manager, browser, file_name
):
    b = browser(acme_manager)
    run_id = _upload(
        b, file_name, _csv([["Name", "Email"], ["Alpha", "alpha@x.example"], ["Beta", "broken"]])
    )
    b.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    assert _wait(b, run_id)["failed"] == 1
    response = b.get(f"/import-history/report/{run_id}")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    stem = file_name.rsplit(".", 1)[0]
    disposition = response.headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote(stem + '-errors.xlsx', safe='')}" in disposition
    assert disposition.startswith('attachment; filename="') and disposition.isascii()


def test_a_western_code_page_file_keeps_its_accents_and_the_encoding_can_be_changed(
    app, acme, acme_manager, browser, db_session
):
    """Windows-1252 with semicolons, as Excel saves it on a Western-European PC (a
    statistical guess alone reads this file as Windows-1250: Mčre, Genčve, Ĺrhus)."""
    rows = [["Nom", "Courriel", "Notes"]] + [
        [name, f"c{i}@x.example", "Århus"] for i, name in enumerate(WESTERN_NAMES)
    ]
    b = browser(acme_manager)
    run_id = _upload(b, "clients.csv", _csv(rows, "cp1252", ";"))
    page = b.get(f"/import/map/{run_id}").get_data(as_text=True)
    assert '<option value="cp1252" selected>' in page
    with db_session() as s:
        assert [r[0] for r in runs.table_of(s.get(ImportRun, run_id)).rows] == WESTERN_NAMES
    response = b.post(f"/import/encoding/{run_id}", {"encoding": "cp1250"})
    assert response.headers["Location"].endswith(f"/import/map/{run_id}")
    assert '<option value="cp1250" selected>' in b.get(f"/import/map/{run_id}").get_data(
        as_text=True
    )
    with db_session() as s:
        assert runs.table_of(s.get(ImportRun, run_id)).rows[0][0] == "Mčre Michel"
    b.post(f"/import/encoding/{run_id}", {"encoding": "cp1252"})
    preview = b.get(f"/import/preview/{run_id}").get_data(as_text=True)
    assert "Western European (Windows-1252)" in preview and "3 to create" in preview
    b.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    assert _wait(b, run_id)["created"] == 3
    with db_session() as s, tenant_scope(acme.id):
        assert sorted(s.scalars(select(Customer.name))) == sorted(WESTERN_NAMES)


def test_an_unknown_encoding_is_refused_with_a_message(app, acme, acme_manager, browser):
    b = browser(acme_manager)
    run_id = _upload(b, "c.csv", _csv([["Name", "Email"], ["Alpha", "alpha@x.example"]]))
    b.post(f"/import/encoding/{run_id}", {"encoding": "klingon"})
    assert "Choose an encoding from the list." in b.get(f"/import/map/{run_id}").get_data(
        as_text=True
    )
