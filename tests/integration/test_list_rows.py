"""The CRM lists' rows (crm/views/list_rows.py, crm/templates/crm/widgets/lean_list.html):
each row's show/edit/delete links follow the user's permissions (a role's change shows on
the next page), the links lead to the row's record, financial figures are masked for roles
without them and otherwise written in each row's currency and the reader's locale, and an
empty list says so."""

import re

from crm.extensions import db
from crm.models import CrmUser, Customer
from tests import factories
from tests.conftest import make_user
from tests.factories import MASKED, load

ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def table(html):
    """``(headers, rows)`` of the page's list: header texts, and per row its cells' HTML."""
    head, _, body = html.partition("</thead>")
    head = head[head.rindex("<thead>") :]
    headers = [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    ]
    body = body[: body.index("</table>")]
    return headers, [CELL.findall(row) for row in ROW.findall(body)]


def row_of(html, name):
    """The row showing ``name``: its cells by header text (unlabelled columns as ``#0``,
    ``#1``: the checkbox and the row's actions)."""
    headers, rows = table(html)
    headers = [h or f"#{i}" for i, h in enumerate(headers)]
    for cells in rows:
        if any(re.sub(r"<[^>]+>", "", c).strip() == name for c in cells):
            return dict(zip(headers, cells))
    raise AssertionError(f"no row for {name}")


ICONS = {"search": "show", "edit": "edit", "trash": "delete"}


def links(row):
    """The row's actions: {"show": href, "edit": href, "delete": the URL it posts to}."""
    found = {}
    for tag, icon in re.findall(r'<a ([^>]*)><i class="fa fa-(\w+)"', "".join(row.values())):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        found[ICONS[icon]] = attrs.get("data-delete") or attrs["href"]
    return found


def test_each_row_links_to_its_record_as_far_as_the_role_allows(
    app, acme, browser, acme_admin, acme_manager, acme_member
):
    pk = factories.customer(app, acme, "Rowan Industries")
    expected = [
        (acme_admin, {"show", "edit", "delete"}),
        (acme_manager, {"show", "edit"}),
        (acme_member, {"show"}),
    ]
    for user, actions in expected:
        html = browser(user).get("/customers/list/").get_data(as_text=True)
        row = row_of(html, "Rowan Industries")
        found = links(row)
        assert set(found) == actions, user.username
        assert found["show"] == f"/customers/show/{pk}"
        # The name itself opens the record, for every role that may see it.
        assert f'<a href="/customers/show/{pk}">Rowan Industries</a>' in row["Name"]
        if "edit" in found:
            assert found["edit"] == f"/customers/edit/{pk}"
        if "delete" in found:
            assert found["delete"] == f"/customers/delete/{pk}"


def test_the_row_links_open_and_delete_the_record(app, acme, browser, acme_admin):
    pk = factories.customer(app, acme, "Short Lived Ltd")
    b = browser(acme_admin)
    found = links(row_of(b.get("/customers/list/").get_data(as_text=True), "Short Lived Ltd"))
    assert "Short Lived Ltd" in b.get(found["show"]).get_data(as_text=True)
    assert b.get(found["edit"]).status_code == 200
    assert b.post(found["delete"]).status_code == 302
    assert load(app, Customer, pk) is None


def test_a_role_given_edit_sees_edit_links_on_the_next_page(app, acme, browser):
    factories.customer(app, acme, "Editable GmbH")
    user = make_user(app, acme, "Member", "acme-clerk")
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.add_role("RowClerk")
        sm.add_permission_role(role, sm.find_permission_view_menu("can_read", "Customer"))
        row = db.session.get(CrmUser, user.id)
        row.roles = [role]
        db.session.commit()
        db.session.remove()
    b = browser(user)
    before = links(row_of(b.get("/customers/list/").get_data(as_text=True), "Editable GmbH"))
    assert set(before) == {"show"}
    with app.app_context():
        sm = app.appbuilder.sm
        sm.add_permission_role(
            sm.find_role("RowClerk"), sm.find_permission_view_menu("can_edit", "Customer")
        )
        db.session.remove()
    after = links(row_of(b.get("/customers/list/").get_data(as_text=True), "Editable GmbH"))
    assert set(after) == {"show", "edit"}


def test_rows_carry_checkboxes_for_the_batch_actions(app, acme, browser, acme_admin):
    pk = factories.customer(app, acme, "Boxed Goods")
    html = browser(acme_admin).get("/customers/list/").get_data(as_text=True)
    box = row_of(html, "Boxed Goods")["#0"]
    assert f'class="action_check" name="rowid" value="{pk}" type="checkbox"' in box
    assert 'id="action_form"' in html and "action_check_all" in html


def _books(app, acme):
    eur = factories.customer(app, acme, "Euro Books", currency="EUR")
    factories.saved_invoice(app, acme, eur, "1234.50")
    usd = factories.customer(app, acme, "Dollar Books", currency="USD")
    factories.saved_invoice(app, acme, usd, "2500.25")
    return eur, usd


def test_balances_are_masked_in_the_rows_of_a_role_without_financials(
    app, acme, browser, acme_member, acme_manager
):
    _books(app, acme)
    member = browser(acme_member).get("/customers/list/").get_data(as_text=True)
    manager = browser(acme_manager).get("/customers/list/").get_data(as_text=True)
    assert row_of(member, "Euro Books")["Balance"] == MASKED
    assert row_of(member, "Dollar Books")["Balance"] == MASKED
    assert "1,234.50" not in member and "2,500.25" not in member
    assert row_of(manager, "Euro Books")["Balance"] == "€1,234.50"
    assert row_of(manager, "Dollar Books")["Balance"] == "$2,500.25"


def test_balances_are_written_in_each_rows_currency_as_the_readers_locale_writes_them(
    app, acme, browser, acme_admin
):
    _books(app, acme)
    b = browser(acme_admin)
    assert b.post("/language/de", {"next": "/customers/list/"}).status_code == 302
    html = b.get("/customers/list/").get_data(as_text=True)
    headers, _ = table(html)
    balance = next(h for h in headers if h.startswith("Saldo") or h == "Balance")
    assert row_of(html, "Euro Books")[balance] == "1.234,50\xa0€"
    assert row_of(html, "Dollar Books")[balance] == "2.500,25\xa0$"


def test_sort_links_stay_on_the_headers(app, acme, browser, acme_admin):
    factories.customer(app, acme, "Sorted Ltd")
    html = browser(acme_admin).get("/customers/list/?_oc_CustomerView=name&_od_CustomerView=asc")
    head = html.get_data(as_text=True).split("</thead>")[0]
    assert "_oc_CustomerView=name" in head and "fa-chevron" in head


def test_an_empty_list_says_no_records_found(app, acme, browser, acme_admin):
    html = browser(acme_admin).get("/customers/list/?_flt_0_search_text=nobodyhere")
    assert "No records found" in html.get_data(as_text=True)


def test_a_related_list_keeps_its_filter_on_the_show_and_edit_links(app, acme, browser, acme_admin):
    customer = factories.customer(app, acme, "Parent Co")
    contact = factories.contact(app, acme, customer, "Jo Related")
    html = factories.with_tabs(browser(acme_admin), f"/customers/show/{customer}")
    found = links(row_of(html, "Jo Related"))
    assert found == {
        "show": f"/contacts/show/{contact}?_flt_0_customer={customer}",
        "edit": f"/contacts/edit/{contact}?_flt_0_customer={customer}",
        "delete": f"/contacts/delete/{contact}",
    }


def test_cells_are_escaped_and_formatted_per_value(app, acme, browser, acme_admin):
    customer = factories.customer(app, acme, "<b>Bold</b> & Co", email="bold@example.com")
    factories.contact(app, acme, customer, "Pat Primary", is_primary=True)
    factories.contact(app, acme, customer, "Sam Second", is_primary=False)
    factories.contact(app, acme, customer, "Uli Third", is_primary=False)
    b = browser(acme_admin)
    customers = b.get("/customers/list/").get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in customers and "<b>Bold</b>" not in customers
    contacts = b.get("/contacts/list/").get_data(as_text=True)
    headers, _ = table(contacts)
    primary = next(h for h in headers if "rimary" in h)
    assert row_of(contacts, "Pat Primary")[primary] == "Yes"
    assert row_of(contacts, "Sam Second")[primary] == "No"
    assert row_of(contacts, "Uli Third")[primary] == "No"
