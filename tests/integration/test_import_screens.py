"""The import screens: upload, mapping, preview, background run with progress, history,
error report download, revert; Members refused; another tenant's runs are 404."""

import io
import time

from sqlalchemy import select

from crm.models import Customer, ImportRun
from tests.integration import import_files


def _upload(b, path, entity="customers"):
    with open(path, "rb") as handle:
        return b.client.post(
            "/import/",
            data={
                "entity": entity,
                "csrf_token": b.token,
                "file": (io.BytesIO(handle.read()), path.name),
            },
            content_type="multipart/form-data",
        )


def _wait(b, run_id):
    for _ in range(600):
        status = b.get(f"/import/status/{run_id}").json
        if status["status"] != "running":
            return status
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def test_upload_map_preview_run_history_report_and_revert(
    app, acme, acme_manager, acme_admin, browser, tmp_path, db_session
):
    path = import_files.xlsx(
        tmp_path / "clients.xlsx",
        [
            ["Client", "Courriel", "Notes column"],
            ["Alpha", "alpha@x.example", "first"],
            ["Beta", "broken-email", "second"],
        ],
    )
    b = browser(acme_manager)
    assert b.get("/import/").status_code == 200
    response = _upload(b, path)
    assert response.status_code == 302
    run_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    page = b.get(f"/import/map/{run_id}").get_data(as_text=True)
    assert '<option value="name" selected>' in page and '<option value="email" selected>' in page
    # The user maps the unknown column to the notes field and the name away: refused.
    response = b.post(f"/import/map/{run_id}", {"col_0": "", "col_1": "email", "col_2": "notes"})
    assert response.status_code == 422
    assert "No column is mapped to Name" in response.get_data(as_text=True)
    response = b.post(
        f"/import/map/{run_id}", {"col_0": "name", "col_1": "email", "col_2": "notes"}
    )
    assert response.headers["Location"].endswith(f"/import/preview/{run_id}")
    page = b.get(f"/import/preview/{run_id}").get_data(as_text=True)
    assert "1 to create" in page and "1 with errors" in page and "broken-email" in page
    with db_session() as s:
        assert s.scalar(select(Customer.id)) is None  # preview writes nothing
    response = b.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    assert response.headers["Location"].endswith(f"/import/progress/{run_id}")
    status = _wait(b, run_id)
    assert (status["status"], status["created"], status["failed"], status["progress"]) == (
        "done",
        1,
        1,
        2,
    )
    with db_session() as s:
        assert s.scalar(select(Customer.notes)) == "first"
    history = b.get("/import-history/").get_data(as_text=True)
    assert "clients.xlsx" in history and "acme-manager" in history
    report = b.get(f"/import-history/report/{run_id}")
    rows = import_files.read_xlsx(report.data)
    assert rows[1][:2] == ["Beta", "broken-email"] and "not a valid email" in rows[1][-2]
    # Running twice is refused.
    b.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    assert _wait(b, run_id)["created"] == 1
    response = b.post(f"/import-history/revert/{run_id}")
    assert response.status_code == 302
    with db_session() as s:
        assert s.scalar(select(Customer.is_active)) is False
        assert s.get(ImportRun, run_id).status == "reverted"
    assert b.get("/import/template/customers").data[:2] == b"PK"


def test_all_or_nothing_writes_nothing_when_a_row_fails(
    app, acme, acme_admin, browser, tmp_path, db_session
):
    path = import_files.csv_file(
        tmp_path / "c.csv", [["Name", "Email"], ["A", "a@x.example"], ["B", "nope"]]
    )
    b = browser(acme_admin)
    run_id = int(_upload(b, path).headers["Location"].rsplit("/", 1)[1])
    b.post(f"/import/run/{run_id}", {"mode": "all_or_nothing"})
    status = _wait(b, run_id)
    assert (status["status"], status["created"], status["failed"]) == ("failed", 0, 1)
    with db_session() as s:
        assert s.scalar(select(Customer.id)) is None


def test_members_are_refused(app, acme, acme_member, browser, tmp_path):
    b = browser(acme_member)
    for url in ("/import/", "/import-history/", "/import/template/customers"):
        assert b.get(url).status_code == 403
    path = import_files.csv_file(tmp_path / "c.csv", [["Name", "Email"], ["A", "a@x.example"]])
    assert _upload(b, path).status_code == 403


def test_another_tenants_import_run_is_404(
    app, acme, globex, acme_admin, globex_admin, browser, tmp_path, db_session
):
    path = import_files.csv_file(tmp_path / "c.csv", [["Name", "Email"], ["A", "a@x.example"]])
    g = browser(globex_admin)
    run_id = int(_upload(g, path).headers["Location"].rsplit("/", 1)[1])
    g.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    _wait(g, run_id)
    b = browser(acme_admin)
    for url in (
        f"/import/map/{run_id}",
        f"/import/preview/{run_id}",
        f"/import/progress/{run_id}",
        f"/import/status/{run_id}",
        f"/import-history/report/{run_id}",
    ):
        assert b.get(url).status_code == 404, url
    for url in (
        f"/import/run/{run_id}",
        f"/import-history/revert/{run_id}",
        f"/import/map/{run_id}",
        f"/import/encoding/{run_id}",
    ):
        assert b.post(url, {"mode": "valid_rows"}).status_code == 404, url
    assert "c.csv" not in b.get("/import-history/").get_data(as_text=True)
    with db_session() as s:
        assert s.get(ImportRun, run_id).status == "done"
