"""A list export of more rows than CRM_EXPORT_BACKGROUND_ROWS runs as a job: the user is
sent to the Jobs screen, where the same file as the direct export downloads when done."""

import io
import os
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import Job
from tests import factories
from tests.integration.test_exports import values, xlsx_of


@pytest.fixture
def five_customers(app, acme):
    for i, name in enumerate(("Zephyr Ltd", "Aurora AB", "Brightwater", "Cobalt Ltd", "Delta")):
        factories.customer(app, acme, name, credit_limit=Decimal(1000 * (i + 1)))


@pytest.fixture
def background_above_three(app, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_EXPORT_BACKGROUND_ROWS", 3)


def _only_job(app):
    with app.app_context():
        job = db.session.execute(select(Job).execution_options(all_tenants=True)).scalar_one()
        db.session.expunge(job)
        db.session.remove()
    return job


def _direct(b, app, url, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_EXPORT_BACKGROUND_ROWS", 0)
    response = b.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_large_export_runs_as_a_job_and_gives_the_direct_exports_file(
    app, acme, acme_member, browser, five_customers, background_above_three, monkeypatch, fmt
):
    b = browser(acme_member)
    url = f"/customers/export?format={fmt}&_oc_CustomerView=name&_od_CustomerView=desc"
    response = b.get(url)
    assert response.status_code == 302 and response.location.endswith("/jobs/")
    job = _only_job(app)
    assert (job.kind, job.status, job.user_id) == ("export", "done", acme_member.id)
    assert job.progress_done == job.progress_total == 5
    page = b.get("/jobs/").get_data(as_text=True)
    assert f"/jobs/{job.id}/result" in page
    download = b.get(f"/jobs/{job.id}/result")
    assert download.status_code == 200
    direct = _direct(b, app, url, monkeypatch)
    assert download.headers["Content-Disposition"] == direct.headers["Content-Disposition"]
    assert download.mimetype == direct.mimetype
    if fmt == "csv":
        assert download.data == direct.data
    else:
        assert values(xlsx_of(download)) == values(xlsx_of(direct))


def test_a_small_export_still_downloads_at_once(
    app, acme, acme_member, browser, five_customers, monkeypatch
):
    monkeypatch.setitem(app.config, "CRM_EXPORT_BACKGROUND_ROWS", 5)
    response = browser(acme_member).get("/customers/export?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    with app.app_context():
        assert db.session.execute(select(Job).execution_options(all_tenants=True)).first() is None
        db.session.remove()


def test_a_list_of_other_records_exports_as_a_job_with_its_own_columns(
    app, acme, acme_admin, browser, background_above_three, monkeypatch
):
    customer = factories.customer(app, acme, "Board Buyer")
    for i in range(4):
        factories.deal(app, acme, f"Deal {i}", customer_id=customer)
    b = browser(acme_admin)
    assert b.get("/deals/export?format=xlsx").status_code == 302
    job = _only_job(app)
    assert job.status == "done", job.error
    background = openpyxl.load_workbook(io.BytesIO(b.get(f"/jobs/{job.id}/result").data)).active
    direct = _direct(b, app, "/deals/export?format=xlsx", monkeypatch)
    assert values(background) == values(xlsx_of(direct))


def test_another_member_cannot_download_the_export(
    app, acme, acme_member, browser, five_customers, background_above_three
):
    from tests.conftest import make_user

    browser(acme_member).get("/customers/export?format=csv")
    job = _only_job(app)
    other = make_user(app, acme, "Member", "acme-other")
    assert browser(other).get(f"/jobs/{job.id}/result").status_code == 404


def test_the_export_is_kept_in_the_job_folder_and_a_vanished_file_answers_404(
    app, acme, acme_member, browser, five_customers, background_above_three
):
    b = browser(acme_member)
    b.get("/customers/export?format=csv")
    job = _only_job(app)
    stored = os.path.join(app.config["CRM_JOB_DIR"], str(acme.id), str(job.id), job.result_name)
    assert job.result_path == f"{acme.id}/{job.id}/{job.result_name}"
    with open(stored, "rb") as kept:
        assert b.get(f"/jobs/{job.id}/result").data == kept.read()
    os.remove(stored)
    assert b.get(f"/jobs/{job.id}/result").status_code == 404
