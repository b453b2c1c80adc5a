"""Documents: uploaded within size and type limits, kept on disk, downloaded by the tenant only."""

import io
import os

from crm.models import Document
from tests import factories


def _upload(b, pk, name="contract.pdf", data=b"%PDF-1.4 contract", description="Signed contract"):
    return b.post(
        f"/documents/upload/{pk}",
        {"file": (io.BytesIO(data), name), "description": description},
        content_type="multipart/form-data",
    )


def test_upload_list_download_delete(app, browser, acme, acme_admin, db_session):
    pk = factories.customer(app, acme)
    b = browser(acme_admin)
    assert _upload(b, pk).status_code == 302
    with db_session() as s:
        doc = s.query(Document).one()
        path = os.path.join(app.config["CRM_DOCUMENT_DIR"], doc.storage_key)
        doc_id, size = doc.id, doc.size
    assert os.path.exists(path) and size == len(b"%PDF-1.4 contract")
    page = factories.with_tabs(b, f"/customers/show/{pk}")
    assert "contract.pdf" in page and "Signed contract" in page
    download = b.get(f"/documents/file/{doc_id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 contract"
    assert "attachment" in download.headers["Content-Disposition"]
    assert b.post(f"/documents/delete/{doc_id}").status_code == 302
    assert not os.path.exists(path)


def test_disallowed_type_and_oversized_files_are_refused(
    app, browser, acme, acme_admin, db_session, monkeypatch
):
    pk = factories.customer(app, acme)
    b = browser(acme_admin)
    r = _upload(b, pk, name="payload.exe", data=b"MZ")
    assert r.status_code == 302
    assert "are not accepted" in b.get(r.location).get_data(as_text=True)
    monkeypatch.setitem(app.config, "CRM_DOCUMENT_MAX_BYTES", 10)
    r = _upload(b, pk, data=b"x" * 11)
    assert "larger than the limit" in b.get(r.location).get_data(as_text=True)
    r = _upload(b, pk, data=b"")
    assert "empty" in b.get(r.location).get_data(as_text=True)
    with db_session() as s:
        assert s.query(Document).count() == 0


def test_documents_over_the_api(app, api, acme, acme_manager, acme_member):
    pk = factories.customer(app, acme)
    manager = api(acme_manager)
    r = manager.post(
        "/api/v1/document/upload",
        data={"customer": str(pk), "file": (io.BytesIO(b"hello"), "note.txt")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 201, r.json
    doc_id = r.json["id"]
    member = api(acme_member)
    assert member.get(f"/api/v1/document/{doc_id}/file").data == b"hello"
    assert member.post("/api/v1/document/upload", data={"customer": str(pk)}).status_code == 403
    bad = manager.post(
        "/api/v1/document/upload",
        data={"customer": str(pk), "file": (io.BytesIO(b"x"), "x.bat")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "file" in bad.json["errors"]


def test_a_document_whose_bytes_are_gone_answers_404_and_downloads_carry_size_and_tag(
    app, browser, api, acme, acme_admin, db_session
):
    pk = factories.customer(app, acme)
    b = browser(acme_admin)
    _upload(b, pk, data=b"%PDF-1.4 kept")
    with db_session() as s:
        doc = s.query(Document).one()
        doc_id, key = doc.id, doc.storage_key
    download = b.get(f"/documents/file/{doc_id}")
    assert download.headers["Content-Length"] == str(len(b"%PDF-1.4 kept"))
    assert download.headers["ETag"] == f'"{key}"'
    assert (
        b.get(f"/documents/file/{doc_id}", headers={"If-None-Match": f'"{key}"'}).status_code == 304
    )
    os.remove(os.path.join(app.config["CRM_DOCUMENT_DIR"], key))
    assert b.get(f"/documents/file/{doc_id}").status_code == 404
    assert api(acme_admin).get(f"/api/v1/document/{doc_id}/file").status_code == 404


PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def test_a_file_whose_content_is_not_what_its_name_says_is_refused(
    app, browser, api, acme, acme_admin, db_session
):
    pk = factories.customer(app, acme)
    b = browser(acme_admin)
    r = _upload(b, pk, name="invoice.pdf", data=PROGRAM)
    assert "its content is a EXE file" in b.get(r.location).get_data(as_text=True)
    r = _upload(b, pk, name="notes.txt", data=b"\x7fELF" + b"\x00" * 200)
    assert "does not hold text" in b.get(r.location).get_data(as_text=True)
    r = _upload(b, pk, name="photo.png", data=b"%PDF-1.4 not a picture")
    assert "its content is a PDF file" in b.get(r.location).get_data(as_text=True)
    r = api(acme_admin).post(
        "/api/v1/document/upload",
        data={"customer": str(pk), "file": (io.BytesIO(b"plain words"), "sheet.xlsx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and "not a XLSX file" in str(r.json)
    with db_session() as s:
        assert s.query(Document).count() == 0


def test_real_office_files_and_text_are_accepted(app, browser, acme, acme_admin, db_session):
    import xlsxwriter

    book = io.BytesIO()
    workbook = xlsxwriter.Workbook(book)
    workbook.add_worksheet().write(0, 0, "Amount")
    workbook.close()
    pk = factories.customer(app, acme)
    b = browser(acme_admin)
    for name, data in [
        ("prices.xlsx", book.getvalue()),
        ("contacts.csv", "Name;City\nMüller;Köln\n".encode()),
        ("scan.pdf", b"\r\n%PDF-1.7 scanned"),
    ]:
        r = _upload(b, pk, name=name, data=data)
        assert "was uploaded" in b.get(r.location).get_data(as_text=True), name
    with db_session() as s:
        assert s.query(Document).count() == 3


def test_a_documents_name_in_the_customer_tab_downloads_it(
    app, browser, acme, acme_admin, db_session
):
    pk = factories.customer(app, acme)
    b = browser(acme_admin)
    _upload(b, pk, name="terms.pdf", data=b"%PDF-1.4 terms")
    with db_session() as s:
        doc_id = s.query(Document).one().id
    page = factories.with_tabs(b, f"/customers/show/{pk}")
    assert f'<a href="/documents/file/{doc_id}">terms.pdf</a>' in page
    assert b.get(f"/documents/file/{doc_id}").data == b"%PDF-1.4 terms"
