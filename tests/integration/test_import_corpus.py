"""Real files from public repositories (tests/import-corpus.md) imported as a user brings
them, with no hand-made mapping, through ``flask crm import`` and the import screens. What
each file should give is read from the file by the test (tests/integration/import_corpus.py)."""

import io
import re
import time
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from crm.models import Company, Customer
from crm.security.tenancy import tenant_scope
from tests.integration import import_corpus as corpus

MODELS = {"customers": Customer, "companies": Company}

pytestmark = pytest.mark.skipif(
    bool(corpus.missing_files()),
    reason=f"the import corpus is not complete in {corpus.CORPUS_DIR} (missing: "
    f"{', '.join(corpus.missing_files())}; see tests/import-corpus.md)",
)


@pytest.mark.parametrize("name", sorted(corpus.SHA256))
def test_each_corpus_file_holds_the_bytes_its_source_wrote(name):
    assert corpus.digest(name) == corpus.SHA256[name]


def _import(runner, tenant, corpus_file, path=None):
    result = runner.invoke(
        args=[
            "crm",
            "import",
            corpus_file.entity,
            str(path or corpus_file.path),
            "--tenant",
            tenant.name,
        ]
    )
    # A refusal is a message and exit code 1; anything else escaping the command is a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _stored(db_session, tenant, corpus_file):
    with db_session() as s, tenant_scope(tenant.id):
        return s.scalars(select(MODELS[corpus_file.entity])).all()


def _names(db_session, tenant, corpus_file):
    return sorted(record.name for record in _stored(db_session, tenant, corpus_file))


def _value(record, attribute):
    if attribute == "contacts":
        return [(contact.name, contact.is_primary) for contact in record.contacts]
    return getattr(record, attribute) or ""


@pytest.mark.parametrize("corpus_file", corpus.IMPORTED, ids=lambda f: f.name)
def test_every_row_with_a_name_and_a_valid_email_is_imported_with_its_text_intact(
    app, acme, runner, db_session, corpus_file
):
    """Names are compared byte for byte with the file's text (Taquería, Bólido, San José)."""
    expected = corpus.expected_names(corpus_file)
    assert expected, "the expectation read nothing from the file"
    result = _import(runner, acme, corpus_file)
    assert result.exit_code == 0, result.output
    assert _names(db_session, acme, corpus_file) == sorted(expected)


@pytest.mark.parametrize(
    "corpus_file", [f for f in corpus.IMPORTED if f.spot_checks], ids=lambda f: f.name
)
def test_stored_values_are_read_as_the_file_means_them(app, acme, runner, db_session, corpus_file):
    """Country names and aliases become codes, NULL cells stay empty, partial addresses are
    kept, First + Last becomes the primary contact, an unvalidated phone is kept as typed."""
    _import(runner, acme, corpus_file)
    with db_session() as s, tenant_scope(acme.id):
        model = MODELS[corpus_file.entity]
        for name, values in corpus_file.spot_checks.items():
            records = s.scalars(select(model).where(model.name == name)).all()
            assert records, f"{name} was not imported"
            for record in records:
                stored = {attribute: _value(record, attribute) for attribute in values}
                assert stored == values, name


@pytest.mark.parametrize(
    "corpus_file", [f for f in corpus.IMPORTED if f.warned_rows], ids=lambda f: f.name
)
def test_warnings_are_listed_by_row_and_the_row_is_imported(
    app, acme, runner, db_session, corpus_file
):
    result = _import(runner, acme, corpus_file)
    assert result.exit_code == 0, result.output
    names = corpus.row_names(corpus_file)
    stored = _names(db_session, acme, corpus_file)
    for number, reason in corpus_file.warned_rows.items():
        line = re.search(rf"^\s*row {number}:.*$", result.output, re.MULTILINE)
        assert line and "warning" in line.group(0).lower(), (reason, result.output)
        assert names[number] in stored, reason


def test_a_row_whose_writer_forgot_the_quotes_fails_naming_the_row_and_its_cells(
    app, acme, runner, db_session, tmp_path
):
    """datablist's file with the quotes around one Company dropped, as a careless exporter
    writes it (its other bytes untouched): that row has 13 cells under 12 headings and fails
    with both counts, rather than landing with its cells shifted; every other row imports."""
    quoted = b'"Dominguez, Mcmillan and Donovan"'
    original = corpus.DATABLIST.path.read_bytes()
    assert original.count(quoted) == 1
    path = tmp_path / corpus.DATABLIST.name
    path.write_bytes(original.replace(quoted, quoted.strip(b'"')))
    result = _import(runner, acme, corpus.DATABLIST, path)
    assert result.exit_code == 1, result.output
    line = re.search(r"^\s*row 5:.*$", result.output, re.MULTILINE)
    assert line and re.search(r"\b13\b", line.group(0)) and re.search(r"\b12\b", line.group(0)), (
        result.output
    )
    expected = [
        name
        for name in corpus.expected_names(corpus.DATABLIST)
        if name != quoted.strip(b'"').decode()
    ]
    assert _names(db_session, acme, corpus.DATABLIST) == sorted(expected)


@pytest.mark.parametrize("corpus_file", corpus.REFUSED, ids=lambda f: f.name)
def test_a_file_without_a_column_naming_the_record_is_refused_clearly(
    app, acme, runner, db_session, corpus_file
):
    result = _import(runner, acme, corpus_file)
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output
    assert _stored(db_session, acme, corpus_file) == []


class _Form(HTMLParser):
    """The mapping form as a browser would submit it untouched: each select's chosen option."""

    def __init__(self):
        super().__init__()
        self.values, self.cells, self._select, self._in_cell = {}, [], None, False
        self._chosen = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = attrs["name"]
            self.values[self._select] = None
        elif tag == "option" and self._select and self._select not in self._chosen:
            if "selected" in attrs:
                self._chosen.add(self._select)
            if "selected" in attrs or self.values[self._select] is None:
                self.values[self._select] = attrs.get("value") or ""
        elif tag == "td":
            self._in_cell = True

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "td":
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell and not self._select and data.strip():
            self.cells.append(data.strip())


def _upload(b, corpus_file):
    response = b.client.post(
        "/import/",
        data={
            "entity": corpus_file.entity,
            "csrf_token": b.token,
            "file": (io.BytesIO(corpus_file.path.read_bytes()), corpus_file.name),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _mapping_form(b, run_id):
    form = _Form()
    form.feed(b.get(f"/import/map/{run_id}").get_data(as_text=True))
    return form


@pytest.mark.parametrize(
    "corpus_file", [*corpus.PREMIERE, corpus.EMPLOYEE_TEMPLATE], ids=lambda f: f.name
)
def test_the_mapping_screen_shows_the_headings_as_the_file_writes_them(
    app, acme, acme_admin, browser, corpus_file
):
    """Windows-1252 é/è stay é/è (not č), UTF-16 and the BOM are decoded, and title rows
    above an .ods's headings are not taken for the headings."""
    b = browser(acme_admin)
    form = _mapping_form(b, _upload(b, corpus_file))
    headings = [h for h in corpus.headings(corpus_file) if h]
    assert [cell for cell in form.cells if cell in headings] == headings, form.cells


def _wait(b, run_id):
    for _ in range(1200):
        status = b.get(f"/import/status/{run_id}").json
        if status["status"] != "running":
            return status
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


@pytest.mark.parametrize("corpus_file", [corpus.DATABLIST, corpus.NORTHWIND], ids=lambda f: f.name)
def test_the_import_screens_take_a_real_file_with_the_guessed_mapping(
    app, acme, acme_admin, browser, db_session, corpus_file
):
    """Upload, accept the mapping as guessed, preview, import: the same records as the CLI."""
    expected = corpus.expected_names(corpus_file)
    b = browser(acme_admin)
    run_id = _upload(b, corpus_file)
    response = b.post(f"/import/map/{run_id}", _mapping_form(b, run_id).values)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/import/preview/{run_id}")
    page = b.get(f"/import/preview/{run_id}").get_data(as_text=True)
    counts = re.search(r'class="crm-import-counts">(.*?)</p>', page, re.DOTALL)
    assert counts, page
    counts = " ".join(re.sub(r"<[^>]+>", " ", counts.group(1)).split())
    assert f"{len(expected)} to create" in counts and "0 with errors" in counts, counts
    response = b.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    assert response.headers["Location"].endswith(f"/import/progress/{run_id}")
    status = _wait(b, run_id)
    assert (status["status"], status["created"], status["failed"]) == ("done", len(expected), 0)
    assert _names(db_session, acme, corpus_file) == sorted(expected)
