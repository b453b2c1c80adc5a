"""Saved views on the lists: a view restores search, filters, sort, page size and columns;
a default view opens the bare list; Managers share, Members do not; a shared view is seen
across the tenant and never by another tenant."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import SavedView
from tests import factories
from tests.conftest import make_user

NAMES = ("Zephyr Trading", "Zenith Supplies", "Zebra Foods", "Brightwater Ltd")


@pytest.fixture
def book(app, acme):
    for name in NAMES:
        factories.customer(
            app, acme, name, kind="company" if name != "Zebra Foods" else "individual"
        )


def _rows(html):
    """The first cell's text of each row of the list, in order."""
    return re.findall(r'<td><a href="/customers/show/\d+">([^<]+)</a></td>', html)


def _headers(html):
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th>(.*?)</th>", head, re.S)]


SEARCHED = (
    "/customers/list/?_flt_0_search_text=ze&_flt_0_kind=company"
    "&_oc_CustomerView=name&_od_CustomerView=desc&psize_CustomerView=50"
    "&_cols=name&_cols=email&unknown=1&page_CustomerView=0"
)


def _save(b, name, query=SEARCHED, shared=False, list_name="customers"):
    data = {"list_name": list_name, "name": name, "query": urlsplit(query).query}
    if shared:
        data["shared"] = "1"
    return b.post("/saved-views/save", data=data)


def _follow(b, url):
    """GET ``url``, following the list's redirect to the view's arguments."""
    answer = b.get(url)
    while answer.status_code == 302:
        url = answer.headers["Location"]
        answer = b.get(url)
    return url, answer.get_data(as_text=True)


def test_a_saved_view_restores_search_filter_sort_page_size_and_columns(
    app, browser, acme_member, book
):
    b = browser(acme_member)
    saved = _save(b, "Z companies")
    assert saved.status_code == 302
    with app.app_context():
        view = db.session.scalars(select(SavedView)).one()
        assert view.filters == {"_flt_0_search_text": ["ze"], "_flt_0_kind": ["company"]}
        assert (view.order_column, view.order_direction, view.page_size) == ("name", "desc", 50)
        assert view.columns == ["name", "email"]  # the unknown argument and the page: left out
        view_id = view.id
    url, html = _follow(b, f"/customers/list/?_view={view_id}")
    args = dict(parse_qsl(urlsplit(url).query))
    assert args["psize_CustomerView"] == "50" and args["_view"] == str(view_id)
    assert _rows(html) == ["Zephyr Trading", "Zenith Supplies"]  # companies only, Z to A
    assert _headers(html) == ["Name", "Email"]
    assert "View: Z companies" in html


def test_the_column_chooser_shows_the_chosen_columns_in_list_order(app, browser, acme_member, book):
    b = browser(acme_member)
    html = b.get("/customers/list/?_cols=email&_cols=name&_cols=nonsense").get_data(as_text=True)
    assert _headers(html) == ["Name", "Email"]
    assert 'name="_cols" value="city"' in html and 'name="_cols" value="city" checked' not in html
    # no column chosen: the list's own columns
    every = _headers(b.get("/customers/list/").get_data(as_text=True))
    assert every[:3] == ["Name", "Code", "Phone"] and len(every) > 5


def test_the_chosen_columns_go_into_a_lists_export(app, browser, acme, acme_manager):
    factories.customer(app, acme, "Zephyr Trading")
    other = factories.customer(app, acme, "Brightwater Ltd")
    factories.contact(app, acme, other, name="Jo Buyer", email="jo@bright.example")
    b = browser(acme_manager)
    full = b.get("/contacts/export?format=csv").get_data(as_text=True).splitlines()
    chosen = b.get("/contacts/export?format=csv&_cols=email").get_data(as_text=True).splitlines()
    assert len(full[0].split(",")) > 1
    assert chosen[0].lstrip("\ufeff") == "Email" and chosen[1] == "jo@bright.example"


def test_the_default_view_opens_the_bare_list(app, browser, acme_member, book):
    b = browser(acme_member)
    _save(b, "Z companies")
    with app.app_context():
        view_id = db.session.scalar(select(SavedView.id))
    assert b.post(f"/saved-views/{view_id}/default").status_code == 302
    url, html = _follow(b, "/customers/list/")
    assert f"_view={view_id}" in url
    assert _rows(html) == ["Zephyr Trading", "Zenith Supplies"]
    # Arguments in the URL win over the default.
    assert "Brightwater Ltd" in _rows(
        b.get("/customers/list/?psize_CustomerView=25").get_data(as_text=True)
    )
    b.post("/saved-views/clear-default", data={"list_name": "customers"})
    assert b.get("/customers/list/").status_code == 200


def test_a_member_may_not_share_a_view_and_a_manager_may(
    app, browser, acme_member, acme_manager, book
):
    member = browser(acme_member)
    _save(member, "Mine", shared=True)
    with app.app_context():
        assert db.session.scalars(select(SavedView)).all() == []
    assert "Share with everyone" not in member.get("/customers/list/").get_data(as_text=True)
    manager = browser(acme_manager)
    assert "Share with everyone" in manager.get("/customers/list/").get_data(as_text=True)
    _save(manager, "Team", shared=True)
    with app.app_context():
        assert db.session.scalars(select(SavedView.is_shared)).all() == [True]


def test_a_shared_view_is_seen_across_the_tenant_and_not_by_another(
    app, browser, acme, acme_manager, acme_member, globex_admin, book
):
    _save(browser(acme_manager), "Team view", shared=True)
    _save(browser(acme_manager), "Private view")
    with app.app_context():
        shared_id, private_id = (
            db.session.scalars(select(SavedView.id).order_by(SavedView.name)).all()[1],
            None,
        )
        private_id = db.session.scalar(select(SavedView.id).where(SavedView.name == "Private view"))
    member = browser(acme_member)
    menu = member.get("/customers/list/").get_data(as_text=True)
    assert "Team view" in menu and "Private view" not in menu
    _, html = _follow(member, f"/customers/list/?_view={shared_id}")
    assert _rows(html) == ["Zephyr Trading", "Zenith Supplies"]
    # A Member makes the shared view their default, but may not rename or delete it.
    assert member.post(f"/saved-views/{shared_id}/default").status_code == 302
    member.post(f"/saved-views/{shared_id}/rename", data={"name": "Mine now"})
    member.post(f"/saved-views/{shared_id}/delete")
    with app.app_context():
        assert db.session.get(SavedView, shared_id).name == "Team view"
    # Another tenant sees neither view, and opening one by id shows its own plain list.
    other = browser(globex_admin)
    page = other.get("/saved-views/").get_data(as_text=True)
    assert "Team view" not in page and "Private view" not in page
    assert "Team view" not in other.get("/customers/list/").get_data(as_text=True)
    url, html = _follow(other, f"/customers/list/?_view={shared_id}")
    assert "_flt_0_search_text" not in url and "Zephyr Trading" not in html
    assert other.post(f"/saved-views/{shared_id}/default").status_code == 404
    with app.app_context():
        from crm.models import SavedViewDefault

        owners = {d.user_id for d in db.session.scalars(select(SavedViewDefault))}
        assert owners == {acme_member.id}
    assert private_id is not None


def test_unsharing_drops_other_users_defaults_and_admins_delete_shared_views(
    app, browser, acme, acme_manager, acme_member, acme_admin, book
):
    manager = browser(acme_manager)
    _save(manager, "Team view", shared=True)
    with app.app_context():
        view_id = db.session.scalar(select(SavedView.id))
    browser(acme_member).post(f"/saved-views/{view_id}/default")
    manager.post(f"/saved-views/{view_id}/share", data={"shared": "0"})
    _, html = _follow(browser(acme_member), "/customers/list/")
    assert "Brightwater Ltd" in _rows(html)  # the default went with the sharing
    manager.post(f"/saved-views/{view_id}/share", data={"shared": "1"})
    browser(acme_admin).post(f"/saved-views/{view_id}/delete")
    with app.app_context():
        assert db.session.get(SavedView, view_id) is None


def test_views_work_on_other_lists_too(app, browser, acme, acme_member):
    factories.company(app, acme, "Vandelay Industries")
    factories.company(app, acme, "Kramerica")
    b = browser(acme_member)
    _save(b, "K", query="/companies/list/?_flt_0_search_text=kram", list_name="companies")
    with app.app_context():
        view_id = db.session.scalar(select(SavedView.id))
    _, html = _follow(b, f"/companies/list/?_view={view_id}")
    assert "Kramerica" in html and "Vandelay" not in html


def test_a_second_user_of_the_tenant_keeps_their_own_default(app, browser, acme, acme_member, book):
    colleague = make_user(app, acme, "Member", "acme-colleague")
    _save(browser(acme_member), "Z companies")
    with app.app_context():
        view_id = db.session.scalar(select(SavedView.id))
    browser(acme_member).post(f"/saved-views/{view_id}/default")
    _, html = _follow(browser(colleague), "/customers/list/")
    assert "Brightwater Ltd" in _rows(html)
