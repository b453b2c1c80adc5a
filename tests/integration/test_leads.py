"""Leads through the screens and the API: list, filters, search, forms, validation, roles, delete."""

import re

import pytest

from crm.extensions import db
from crm.models import Lead, LeadSource, LeadStatus, Task
from crm.security.tenancy import tenant_scope
from tests import factories
from tests.conftest import make_user


def _status_id(app, tenant, name):
    with app.app_context():
        pk = db.session.query(LeadStatus.id).filter_by(tenant_id=tenant.id, name=name).scalar()
        db.session.remove()
    return pk


def _source_id(app, tenant, name):
    with app.app_context():
        pk = db.session.query(LeadSource.id).filter_by(tenant_id=tenant.id, name=name).scalar()
        db.session.remove()
    return pk


def _errors(html):
    return factories.form_errors(html)


def _lead_form(**fields):
    form = {
        "title": "Fleet renewal",
        "contact_name": "Dana Scully",
        "contact_email": "",
        "contact_phone": "",
        "company_name": "",
        "value": "",
        "description": "",
    }
    form.update(fields)
    return form


# --- add / edit forms -------------------------------------------------------------------


def test_manager_adds_a_lead_that_gets_the_default_status(app, acme, acme_manager, browser):
    b = browser(acme_manager)
    assert b.get("/leads/add").status_code == 200
    r = b.post(
        "/leads/add",
        _lead_form(
            contact_email="Dana@FBI.example", value="1250.50", contact_phone="+49 30 1234567"
        ),
    )
    assert r.status_code == 302, _errors(r.get_data(as_text=True))
    lead = _only_lead(app)
    assert lead.status.name == "New"
    assert lead.contact_email == "Dana@fbi.example"
    assert lead.contact_phone == "+49301234567"
    assert str(lead.value) == "1250.50"


def _only_lead(app):
    with app.app_context():
        lead = db.session.query(Lead).one()
        lead.status, lead.source, lead.assigned_to  # noqa: B018  (load before detaching)
        db.session.expunge(lead)
        db.session.remove()
    return lead


def test_default_status_follows_the_tenants_setting(app, acme, acme_manager, api, db_session):
    with db_session() as s, tenant_scope(acme.id):
        for status in s.query(LeadStatus).filter_by(tenant_id=acme.id):
            status.is_default = status.name == "Contacted"
        s.commit()
    r = api(acme_manager).post("/api/v1/lead/", json={"title": "No status given"})
    assert r.status_code == 201, r.json
    assert (
        api(acme_manager).get(f"/api/v1/lead/{r.json['id']}").json["result"]["status"]["name"]
        == "Contacted"
    )


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"title": "  "}, "title", "A title is required."),
        ({"contact_email": "not-an-email"}, "contact_email", "is not a valid email address"),
        ({"contact_phone": "12"}, "contact_phone", "is not a phone number"),
        ({"value": "-5"}, "value", "Enter zero or a positive amount."),
    ],
)
def test_the_form_shows_what_is_wrong_next_to_the_field(
    app, acme, acme_manager, browser, fields, field, message
):
    r = browser(acme_manager).post("/leads/add", _lead_form(**fields))
    assert r.status_code == 200
    assert any(message in e for e in _errors(r.get_data(as_text=True))), _errors(
        r.get_data(as_text=True)
    )
    with app.app_context():
        assert db.session.query(Lead).count() == 0


def test_contact_email_is_unique_ignoring_case(app, acme, acme_manager, browser, api):
    factories.lead(app, acme, "First", contact_email="buyer@initech.example")
    r = browser(acme_manager).post("/leads/add", _lead_form(contact_email="BUYER@Initech.example"))
    assert r.status_code == 200
    assert any("Another lead already uses" in e for e in _errors(r.get_data(as_text=True)))
    r = api(acme_manager).post(
        "/api/v1/lead/", json={"title": "Dup", "contact_email": "Buyer@INITECH.example"}
    )
    assert r.status_code == 422
    assert "Another lead already uses" in r.json["errors"]["contact_email"][0]


def test_the_same_email_may_be_used_by_another_tenant(app, acme, globex, acme_manager, api):
    factories.lead(app, globex, "Theirs", contact_email="shared@example.com")
    r = api(acme_manager).post(
        "/api/v1/lead/", json={"title": "Ours", "contact_email": "shared@example.com"}
    )
    assert r.status_code == 201, r.json


def test_editing_keeps_own_email_and_validates_changes(app, acme, acme_manager, browser):
    pk = factories.lead(app, acme, "Editable", contact_email="edit@example.com")
    b = browser(acme_manager)
    assert b.get(f"/leads/edit/{pk}").status_code == 200
    r = b.post(
        f"/leads/edit/{pk}",
        _lead_form(
            title="Edited",
            contact_email="EDIT@example.com",
            status=_status_id(app, acme, "Qualified"),
        ),
    )
    assert r.status_code == 302, _errors(r.get_data(as_text=True))
    lead = _only_lead(app)
    assert (lead.title, lead.status.name) == ("Edited", "Qualified")


def test_the_converted_status_is_only_reached_by_converting(app, acme, acme_manager, browser, api):
    pk = factories.lead(app, acme, "Shortcut")
    converted = _status_id(app, acme, "Converted")
    r = browser(acme_manager).post(f"/leads/edit/{pk}", _lead_form(status=converted))
    assert r.status_code == 200
    assert any("Convert lead" in e for e in _errors(r.get_data(as_text=True)))
    r = api(acme_manager).put(f"/api/v1/lead/{pk}", json={"status": converted})
    assert r.status_code == 422 and "status" in r.json["message"]
    r = api(acme_manager).put(f"/api/v1/lead/{pk}", json={"status": _status_id(app, acme, "Lost")})
    assert r.status_code == 200, r.json


# --- the list ----------------------------------------------------------------------------


@pytest.fixture
def three_leads(app, acme):
    return {
        "web": factories.lead(
            app,
            acme,
            "Web shop",
            contact_name="Ann Web",
            value=100,
            source_id=_source_id(app, acme, "Website"),
        ),
        "ref": factories.lead(
            app,
            acme,
            "Referral deal",
            company_name="Hooli",
            status="Qualified",
            source_id=_source_id(app, acme, "Referral"),
            value=300,
        ),
        "cold": factories.lead(
            app,
            acme,
            "Phone prospect",
            contact_email="cold@calls.example",
            source_id=_source_id(app, acme, "Cold call"),
            value=200,
        ),
    }


def _titles(html):
    return [t for t in ("Web shop", "Referral deal", "Phone prospect") if t in html]


def test_list_shows_the_columns_with_a_coloured_status_badge(
    app, acme, acme_member, browser, three_leads
):
    html = browser(acme_member).get("/leads/list/").get_data(as_text=True)
    assert len(_titles(html)) == 3
    assert re.search(r'class="label crm-status" style="background:#27ae60">Qualified<', html)
    for text in ("Ann Web", "Hooli", "cold@calls.example", "300.00", "Referral", "Website"):
        assert text in html


def test_list_filters_by_status_and_source_and_searches(
    app, acme, acme_member, browser, three_leads
):
    b = browser(acme_member)
    qualified = _status_id(app, acme, "Qualified")
    html = b.get(f"/leads/list/?_flt_0_status={qualified}").get_data(as_text=True)
    assert _titles(html) == ["Referral deal"]
    html = b.get(f"/leads/list/?_flt_0_source={_source_id(app, acme, 'Website')}").get_data(
        as_text=True
    )
    assert _titles(html) == ["Web shop"]
    for term, expected in (
        ("hooli", ["Referral deal"]),
        ("CALLS.example", ["Phone prospect"]),
        ("ann", ["Web shop"]),
        ("50%", []),
    ):
        html = b.get("/leads/list/", query_string={"q": term}).get_data(as_text=True)
        assert _titles(html) == expected, term


def test_list_sorts_and_pages(app, acme, acme_member, browser, three_leads):
    b = browser(acme_member)
    html = b.get("/leads/list/?_oc_LeadView=value&_od_LeadView=desc").get_data(as_text=True)
    assert [html.index(t) for t in ("Referral deal", "Phone prospect", "Web shop")] == sorted(
        html.index(t) for t in ("Referral deal", "Phone prospect", "Web shop")
    )
    html = b.get(
        "/leads/list/?_oc_LeadView=value&_od_LeadView=asc&psize_LeadView=1&page_LeadView=1"
    ).get_data(as_text=True)
    assert _titles(html) == ["Phone prospect"]
    assert b.get("/leads/list/?_oc_LeadView=nonsense").status_code == 400


def test_api_lists_and_filters_leads(app, acme, acme_member, api, three_leads):
    client = api(acme_member)
    body = client.get("/api/v1/lead/").json
    assert body["count"] == 3
    qualified = _status_id(app, acme, "Qualified")
    body = client.get(
        f"/api/v1/lead/?q=(filters:!((col:status,opr:rel_o_m,value:{qualified})))"
    ).json
    assert [r["title"] for r in body["result"]] == ["Referral deal"]
    assert body["result"][0]["status"]["name"] == "Qualified"


# --- detail page -------------------------------------------------------------------------


def test_detail_page_shows_the_lead_its_open_tasks_and_its_history(
    app, acme, acme_manager, browser, db_session
):
    pk = factories.lead(app, acme, "Detailed", contact_name="Fox Mulder", company_name="FBI")
    with db_session() as s, tenant_scope(acme.id):
        s.add_all(
            [
                Task(tenant_id=acme.id, title="Call back", lead_id=pk, status="open"),
                Task(tenant_id=acme.id, title="Old chore", lead_id=pk, status="done"),
            ]
        )
        s.commit()
    b = browser(acme_manager)
    b.post(
        f"/leads/edit/{pk}",
        _lead_form(
            title="Detailed",
            contact_name="Fox Mulder",
            company_name="FBI",
            value="10",
            status=_status_id(app, acme, "Qualified"),
        ),
    )
    html = b.get(f"/leads/show/{pk}").get_data(as_text=True)
    assert "Fox Mulder" in html and "FBI" in html
    assert "Call back" in html and "Old chore" not in html
    assert "Convert lead" in html
    assert "Value: — → 10.00" in html
    assert "Lead status: New → Qualified" in html  # names, not ids


# --- roles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, read, write, delete",
    [("Admin", 200, True, True), ("Manager", 200, True, False), ("Member", 200, False, False)],
)
def test_leads_follow_the_role_matrix(app, acme, browser, api, role, read, write, delete):
    user = make_user(app, acme, role, f"acme-{role.lower()}")
    pk = factories.lead(app, acme, "Guarded")
    b, client = browser(user), api(user)
    assert b.get("/leads/list/").status_code == read
    assert b.get(f"/leads/show/{pk}").status_code == read
    assert b.get("/leads/add").status_code == (200 if write else 403)
    assert b.get(f"/leads/edit/{pk}").status_code == (200 if write else 403)
    assert b.get(f"/leads/convert/{pk}").status_code == (200 if write else 403)
    assert client.post("/api/v1/lead/", json={"title": "New"}).status_code == (
        201 if write else 403
    )
    assert client.put(f"/api/v1/lead/{pk}", json={"title": "Renamed"}).status_code == (
        200 if write else 403
    )
    assert b.post(f"/leads/delete/{pk}").status_code == (302 if delete else 403)
    doomed = factories.lead(app, acme, "Doomed")
    assert client.delete(f"/api/v1/lead/{doomed}").status_code == (200 if delete else 403)


# --- delete rules ------------------------------------------------------------------------


def test_a_lead_with_tasks_cannot_be_deleted(app, acme, acme_admin, api, db_session):
    pk = factories.lead(app, acme, "Busy")
    with db_session() as s, tenant_scope(acme.id):
        s.add(Task(tenant_id=acme.id, title="Follow up", lead_id=pk))
        s.commit()
    r = api(acme_admin).delete(f"/api/v1/lead/{pk}")
    assert r.status_code == 409 and "1 tasks" in r.json["message"]
    with db_session() as s:
        assert s.get(Lead, pk) is not None


def test_a_lead_without_links_is_deleted(app, acme, acme_admin, browser):
    pk = factories.lead(app, acme, "Disposable")
    r = browser(acme_admin).post(f"/leads/delete/{pk}")
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(Lead, pk) is None


def test_the_list_reads_a_page_in_the_same_few_queries_whatever_its_rows(
    app, acme, acme_member, browser
):
    """Statuses, sources and assignees are loaded per page, not per row."""
    from sqlalchemy import event

    def add_leads(first, count):
        for n in range(first, first + count):
            user = make_user(app, acme, "Member", f"assignee-{n}")
            factories.lead(
                app,
                acme,
                f"Lead {n}",
                assigned_to_id=user.id,
                source_id=_source_id(app, acme, ("Website", "Referral", "Trade show")[n % 3]),
            )

    def queries_for_list():
        statements = []
        with app.app_context():
            engine = db.engine
        record = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
        event.listen(engine, "before_cursor_execute", record)
        try:
            assert b.get("/leads/list/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    b = browser(acme_member)
    add_leads(0, 2)
    few = queries_for_list()
    add_leads(2, 10)
    assert queries_for_list() == few
