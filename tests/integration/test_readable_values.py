"""Screens show values in the reader's words: a customer that had every field changed
(relations, flags, dates, country, tags) and another customer merged into it is read on
every page as Admin and Member, and no internal name, raw list or dict, ISO timestamp,
"None" or the word "hidden" reaches the visible text."""

import datetime as dt
import html as html_module
import re

import pytest

from crm.extensions import db
from crm.models import AuditEntry, Company, CustomerGroup, Region, Segment, SubSegment, Tag
from crm.security.tenancy import tenant_scope
from tests import factories
from tests.factories import form_errors

RAW = {
    "an internal column name": re.compile(r"\w_id\b"),
    "None": re.compile(r"\bNone\b"),
    "a Python list": re.compile(r"\["),
    "a dict": re.compile(r"\{"),
    "an ISO timestamp": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:"),
    "the word hidden": re.compile(r"\bhidden\b", re.I),
}


# Lists whose first record the fixture made or changed: their show pages carry timelines.
REFERENCE_LISTS = (
    "/companies",
    "/customer-groups",
    "/contacts",
    "/addresses",
    "/segments",
    "/sub-segments",
    "/tags",
    "/payment-terms",
)


def visible_text(page):
    """What a reader sees: scripts, styles, templates and tags removed, entities decoded."""
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html_module.unescape(page))


def raw_values(page):
    text = visible_text(page)
    found = []
    for what, pattern in RAW.items():
        for match in pattern.finditer(text):
            found.append(f"{what}: …{text[max(0, match.start() - 60) : match.end() + 40]}…")
    return found


def _references(app, tenant):
    with app.app_context(), tenant_scope(tenant.id):
        segment = Segment(tenant_id=tenant.id, name="Boutique retail")
        db.session.add(segment)
        db.session.flush()
        rows = {
            "segment": segment,
            "sub_segment": SubSegment(
                tenant_id=tenant.id, name="Corner shops", segment_id=segment.id
            ),
            "region": Region(tenant_id=tenant.id, name="Far North"),
            "customer_group": CustomerGroup(tenant_id=tenant.id, name="Top accounts", code="TOPX"),
            "company": Company(tenant_id=tenant.id, name="Umbrella Holding"),
            "tag_a": Tag(tenant_id=tenant.id, name="Very important"),
            "tag_b": Tag(tenant_id=tenant.id, name="Exporter"),
        }
        db.session.add_all(rows.values())
        db.session.commit()
        ids = {name: row.id for name, row in rows.items()}
        db.session.remove()
    ids["payment_term"] = factories.term(app, tenant, 14)
    return ids


@pytest.fixture
def touched_customer(app, browser, api, acme, acme_admin):
    """(survivor id, merged-away id): the survivor had every form field changed through
    the edit screen and its address's country changed; the other was merged into it."""
    ids = _references(app, acme)
    pk = factories.customer(app, acme, "Touched Ltd", kind="company", currency="EUR")
    address = factories.address(app, acme, pk, country="DE")
    other = factories.customer(app, acme, "Touched Limited", kind="company", currency="EUR")
    factories.contact(app, acme, other, "Olga Other")
    factories.interaction(app, acme, other, summary="Visited the other office")
    b = browser(acme_admin)
    edit = {
        "kind": "individual",
        "name": "Touched Ltd",
        "code": "T-1",
        "email": "hello@touched.example",
        "phone": "+49 30 1234567",
        "website": "https://touched.example",
        "industry": "Retail",
        "company": ids["company"],
        "customer_group": ids["customer_group"],
        "segment": ids["segment"],
        "sub_segment": ids["sub_segment"],
        "region": ids["region"],
        "currency": "EUR",
        "payment_term": ids["payment_term"],
        "discount_rate": "7.5",
        "payment_method": "direct_debit",
        "tax_regime": "VAT",
        "tax_number": "DE 136 695 976",
        "credit_limit": "5000",
        "credit_hold": "y",
        "owner": acme_admin.id,
        # As the form sends chosen tags (crm/views/tag_field.py): ``id:<n>``.
        "tags": [f"id:{ids['tag_a']}", f"id:{ids['tag_b']}"],
        "notes": "Prefers e-mail",
    }
    r = b.post(f"/customers/edit/{pk}", edit)
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    r = b.post(
        f"/addresses/edit/{address}",
        {"customer": pk, "kind": "billing", "line1": "1 Main St", "city": "Wien", "country": "AT"},
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    merged = api(acme_admin).post(
        "/api/v1/customer/merge", json={"survivor_id": pk, "other_ids": [other]}
    )
    assert merged.status_code == 200, merged.get_data(as_text=True)
    return pk, other


def _pages(app, pk, other):
    with app.app_context():
        entries = [
            e.id
            for e in db.session.query(AuditEntry).execution_options(all_tenants=True)
            if e.tenant_id is not None
        ]
        db.session.remove()
    return [
        f"/customers/show/{pk}",
        f"/customers/show/{other}",
        "/customers/list/",
        "/customers/list/?archived=1",
        "/interactions/list/",
        "/audit/list/",
        *(f"/audit/show/{entry}" for entry in entries),
        *(f"{base}/list/" for base in REFERENCE_LISTS),
        *(f"{base}/show/1" for base in REFERENCE_LISTS),
    ]


@pytest.mark.parametrize("persona", ["acme_admin", "acme_member"])
def test_no_page_shows_a_raw_value(app, browser, touched_customer, persona, request):
    pk, other = touched_customer
    user = request.getfixturevalue(persona)
    b = browser(user)
    problems = {}
    for url in _pages(app, pk, other):
        response = b.get(url)
        if response.status_code == 403:
            continue
        assert response.status_code == 200, url
        page = factories.with_tabs(b, url) if "/show/" in url else response.get_data(True)
        found = raw_values(page)
        if found:
            problems[url] = found
    assert not problems, problems


def test_the_timeline_names_fields_related_records_and_countries(
    app, browser, touched_customer, acme_admin
):
    pk, _other = touched_customer
    html = factories.with_tabs(browser(acme_admin), f"/customers/show/{pk}")
    timeline = visible_text(html[html.index('id="Timeline"') :])
    for words in (
        "Sub-segment: — → Boutique retail / Corner shops",
        "Owner: — → Admin Acme",
        "Credit hold: No → Yes",
        "Country: Germany → Austria",
        "Tags: — → Exporter, Very important",
        "Type: Company → Individual",
        "Discount rate (%): 0 → 7.5",
    ):
        assert words in timeline


def test_a_member_sees_masked_figures_with_the_reason(app, browser, touched_customer, acme_member):
    pk, _other = touched_customer
    html = factories.with_tabs(browser(acme_member), f"/customers/show/{pk}")
    timeline = html[html.index('id="Timeline"') :]
    assert re.search(
        r'Credit limit: — → <span class="crm-masked" title="Your role may not see financial '
        r'figures">••••</span>',
        timeline,
    )


def test_the_merged_record_links_to_its_survivor_whose_timeline_holds_its_history(
    app, browser, touched_customer, acme_admin
):
    pk, other = touched_customer
    b = browser(acme_admin)
    merged = b.get(f"/customers/show/{other}").get_data(as_text=True)
    assert re.search(rf'Merged into <a href="/customers/show/{pk}">Touched Ltd</a>', merged)
    html = factories.with_tabs(b, f"/customers/show/{pk}")
    timeline = visible_text(html[html.index('id="Timeline"') :])
    assert "Interaction Visited the other office created" in timeline
    assert "Customer Touched Limited (C000002) created" in timeline


def test_lists_name_countries_in_the_readers_language(app, browser, touched_customer, acme_admin):
    pk, _other = touched_customer
    b = browser(acme_admin)
    assert "Austria" in visible_text(b.get("/customers/list/").get_data(as_text=True))
    addresses = visible_text(factories.with_tabs(b, f"/customers/show/{pk}"))
    assert "1 Main St Wien Austria" in addresses
    b.get("/lang/de")
    assert "Österreich" in visible_text(b.get("/customers/list/").get_data(as_text=True))


def test_the_merge_wizard_and_preview_show_values_in_words(app, browser, acme, acme_admin):
    keep = factories.customer(app, acme, "Wizard Ltd", kind="company", credit_hold=True)
    dupe = factories.customer(app, acme, "Wizard Limited", kind="individual", credit_hold=False)
    b = browser(acme_admin)
    wizard = b.get(f"/duplicates/merge?ids={keep},{dupe}").get_data(as_text=True)
    preview = b.post(
        "/duplicates/merge/preview", {"ids": f"{keep},{dupe}", "survivor": keep}
    ).get_data(as_text=True)
    for page in (wizard, preview):
        text = visible_text(page)
        assert "Company" in text and "Yes" in text
        assert not re.search(r"\b(True|False|None)\b", text), text
    assert "Individual" in visible_text(wizard) and "No" in visible_text(wizard)


def test_import_history_names_states_and_writes_times_as_other_pages(
    app, browser, acme, acme_admin
):
    from crm.models import ImportRun

    with app.app_context(), tenant_scope(acme.id):
        for status in ("done", "reverted"):
            db.session.add(
                ImportRun(
                    tenant_id=acme.id,
                    entity="customers",
                    file_name=f"{status}.csv",
                    content=b"Name,Email\n",
                    status=status,
                    started_at=dt.datetime(2026, 3, 12, 13, 5, 7, 123456, tzinfo=dt.UTC),
                )
            )
        db.session.commit()
        db.session.remove()
    page = browser(acme_admin).get("/import-history/").get_data(as_text=True)
    rows = [
        visible_text(row) for row in re.findall(r"<tr class=\"crm-import-run\".*?</tr>", page, re.S)
    ]
    assert any(" Done " in row for row in rows) and any(" Reverted " in row for row in rows)
    assert all("Mar 12, 2026, 1:05" in row and ":07" not in row for row in rows), rows
