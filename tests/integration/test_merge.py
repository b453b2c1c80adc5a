"""Merging duplicate customers: every linked row moves to the survivor, nothing is lost."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from crm.extensions import db
from crm.models import (
    Address,
    AuditEntry,
    BankAccount,
    Contact,
    Contract,
    CreditNote,
    Customer,
    CustomFieldDefinition,
    Document,
    Invoice,
    Lead,
    LeadStatus,
    Note,
    Payment,
    Plant,
    SalesOrder,
    SupportTicket,
    Tag,
    Task,
    TaxRegistration,
)
from crm.security.tenancy import tenant_scope
from crm.services.customers import custom_fields, documents, merge
from crm.services.pipeline.deals import create_deal
from crm.services.pipeline.interactions import log_interaction
from tests import factories

TODAY = dt.date(2026, 3, 2)


def _child_counts(app, ids):
    """Rows of every table that points at a customer, for the given customers."""
    with app.app_context():
        counts = {}
        for table, column in merge.child_columns():
            counts[table.name] = db.session.scalar(
                select(func.count()).select_from(table).where(column.in_(ids))
            )
        db.session.remove()
    return counts


def _with_everything(app, tenant, customer_id, tag, label, currency="EUR", number=1):
    """One row of every kind a customer can own, made for ``customer_id``."""
    with app.app_context(), tenant_scope(tenant.id):
        s = db.session
        status = s.scalar(select(LeadStatus).where(LeadStatus.tenant_id == tenant.id))
        customer = s.get(Customer, customer_id)
        customer.tags = list(s.scalars(select(Tag).where(Tag.name.in_(tag))))
        s.add_all(
            [
                Contact(
                    tenant_id=tenant.id,
                    customer_id=customer_id,
                    name=f"{label} buyer",
                    is_primary=True,
                ),
                Address(
                    tenant_id=tenant.id,
                    customer_id=customer_id,
                    kind="billing",
                    line1="1 Way",
                    city=f"{label} City",
                    country="DE",
                    is_default=True,
                ),
                Plant(
                    tenant_id=tenant.id, customer_id=customer_id, name=f"{label} plant", code="P1"
                ),
                BankAccount(
                    tenant_id=tenant.id,
                    customer_id=customer_id,
                    bank_name="Bank",
                    account_holder=label,
                    account_number="DE89370400440532013000",
                    is_default=True,
                ),
                Note(tenant_id=tenant.id, customer_id=customer_id, body=f"{label} note"),
                # Regimes apart: the Keep record has none of the other's, so all move.
                TaxRegistration(
                    tenant_id=tenant.id,
                    customer_id=customer_id,
                    regime="PAN" if label == "Keep" else "GSTIN",
                    number=f"{label}-TAX",
                ),
                Task(tenant_id=tenant.id, title=f"{label} task", customer_id=customer_id),
                Lead(
                    tenant_id=tenant.id,
                    title=f"{label} lead",
                    status_id=status.id,
                    contact_email=f"{label.lower()}@lead.example",
                    customer_id=customer_id,
                ),
                SalesOrder(
                    tenant_id=tenant.id,
                    number=f"SO-{label}",
                    customer_id=customer_id,
                    order_date=TODAY,
                    status="pending",
                    currency=currency,
                    total=Decimal("100.00"),
                ),
                Invoice(
                    tenant_id=tenant.id,
                    number=f"INV-{label}",
                    customer_id=customer_id,
                    issue_date=TODAY,
                    due_date=TODAY,
                    status="issued",
                    currency=currency,
                    total=Decimal("100.00"),
                ),
                Payment(
                    tenant_id=tenant.id,
                    number=f"PAY-{label}",
                    customer_id=customer_id,
                    payment_date=TODAY,
                    amount=Decimal("30.00"),
                    currency=currency,
                ),
                CreditNote(
                    tenant_id=tenant.id,
                    number=f"CN-{label}",
                    customer_id=customer_id,
                    issue_date=TODAY,
                    amount=Decimal("5.00"),
                    currency=currency,
                    reason="Damaged",
                    status="issued",
                ),
                Contract(
                    tenant_id=tenant.id,
                    number=f"CT-{label}",
                    customer_id=customer_id,
                    title=f"{label} contract",
                    start_date=TODAY,
                    currency=currency,
                ),
                SupportTicket(
                    tenant_id=tenant.id, customer_id=customer_id, subject=f"{label} ticket"
                ),
            ]
        )
        s.commit()
        custom_fields.save_values(s, s.get(Customer, customer_id), {"tier": f"{label} tier"})
        documents.store(
            s,
            app.config,
            s.get(Customer, customer_id),
            FileStorage(io.BytesIO(b"%PDF-1.4 x"), filename=f"{label}.pdf"),
        )
        log_interaction(s, customer_id, f"{label} call")
        create_deal(s, title=f"{label} deal", customer_id=customer_id)
        s.commit()
        db.session.remove()


@pytest.fixture
def duplicates(app, acme):
    """Two records of one company, each owning a row of every kind."""
    with app.app_context(), tenant_scope(acme.id):
        db.session.add_all([Tag(tenant_id=acme.id, name=n) for n in ("vip", "export", "local")])
        db.session.add(
            CustomFieldDefinition(tenant_id=acme.id, name="tier", label="Tier", field_type="text")
        )
        db.session.commit()
        db.session.remove()
    keep = factories.customer(
        app, acme, "Umbrella Corp", email="sales@umbrella.example", phone="+49 30 1234567"
    )
    dupe = factories.customer(
        app,
        acme,
        "Umbrella Corporation",
        email="info@umbrella.example",
        phone="+49 30 7654321",
        tax_regime="OTHER",
        tax_number="UMB-42",
    )
    _with_everything(app, acme, keep, ["vip", "export"], "Keep")
    _with_everything(app, acme, dupe, ["export", "local"], "Dupe")
    return keep, dupe


def test_merge_moves_every_child_and_archives_the_other(
    app, acme, acme_manager, browser, duplicates
):
    keep, dupe = duplicates
    before = _child_counts(app, [keep, dupe])
    assert all(before[t] >= 2 for t in before if t not in ("crm_customer_tag",)), before
    b = browser(acme_manager)
    page = b.get(f"/duplicates/merge?ids={keep},{dupe}")
    assert page.status_code == 200
    assert "Umbrella Corporation" in page.get_data(as_text=True)
    choices = {
        "choice_name": dupe,
        "choice_email": dupe,
        "choice_tax_number": dupe,
        "choice_custom:tier": dupe,
    }
    preview = b.post(
        "/duplicates/merge/preview", {"ids": f"{keep},{dupe}", "survivor": keep, **choices}
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert "no longer the primary contact" in html and "info@umbrella.example" in html
    done = b.post(
        "/duplicates/merge/confirm", {"ids": f"{keep},{dupe}", "survivor": keep, **choices}
    )
    assert done.status_code == 302, re.findall(
        r"alert-danger.*?</div>", done.get_data(as_text=True), re.S
    )
    assert done.headers["Location"].endswith(f"/customers/show/{keep}")

    after = _child_counts(app, [keep, dupe])
    # Both had "export": the survivor holds each tag once.
    assert after.pop("crm_customer_tag") == before.pop("crm_customer_tag") - 1 == 3
    assert after == before, "a row was lost or added"
    survivor_only = _child_counts(app, [keep])
    moved_all = {
        t: n
        for t, n in survivor_only.items()
        if t not in ("crm_customer_tag", "crm_custom_field_value")
    }
    assert moved_all == {t: before[t] for t in moved_all}, "a child stayed on the merged record"

    with app.app_context():
        s = db.session
        survivor, other = s.get(Customer, keep), s.get(Customer, dupe)
        assert (survivor.name, survivor.email, survivor.tax_number) == (
            "Umbrella Corporation",
            "info@umbrella.example",
            "UMB-42",
        )
        assert survivor.phone == "+49301234567"  # not chosen: the survivor's own
        # The archived record keeps the survivor's old email: nothing is lost, still unique.
        assert (other.is_active, other.merged_into_id, other.email) == (
            False,
            keep,
            "sales@umbrella.example",
        )
        assert other.archived_at is not None
        assert sorted(t.name for t in survivor.tags) == ["export", "local", "vip"]
        assert other.tags == []
        # One primary contact, one default billing address, one default bank account.
        assert [c.name for c in survivor.contacts if c.is_primary] == ["Keep buyer"]
        assert len(survivor.contacts) == 2
        assert [a.city for a in survivor.addresses if a.is_default] == ["Keep City"]
        assert sum(a.is_default for a in survivor.bank_accounts) == 1
        # The chosen custom value is the survivor's; the one it replaced stays on the other.
        assert [v.value for v in survivor.custom_values] == ["Dupe tier"]
        assert [v.value for v in other.custom_values] == ["Keep tier"]
        # Stored figures recomputed from the moved documents: 2 x (100 - 30 - 5).
        assert survivor.balance == Decimal("130.00")
        assert survivor.order_total == Decimal("200.00")
        assert other.balance == Decimal("0.00") and other.order_total == Decimal("0.00")
        assert survivor.last_interaction_at is not None and other.last_interaction_at is None
        assert survivor.city == "Keep City"
        assert "umb-42" in survivor.search_text and "umbrella corporation" in survivor.search_text
        entries = s.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "customer",
                AuditEntry.entity_id == keep,
                AuditEntry.action == "merge",
            )
        ).all()
        assert len(entries) == 1
        assert re.search(r"Merged C\d+ into C\d+: .*1 contacts.*1 invoices", entries[0].summary)
        assert entries[0].changes["name"] == ["Umbrella Corp", "Umbrella Corporation"]
        assert entries[0].username == "acme-manager"
        # Other entries on the survivor's row during the merge: none (one entry says it all).
        assert (
            s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(
                    AuditEntry.entity == "customer",
                    AuditEntry.entity_id == keep,
                    AuditEntry.action == "update",
                    AuditEntry.at >= entries[0].at,
                )
            )
            == 0
        )
        db.session.remove()
    # The merged record's documents are still readable from the survivor.
    with app.app_context():
        for document in db.session.scalars(select(Document).where(Document.customer_id == keep)):
            assert documents.storage(app.config).exists(document.storage_key)
        db.session.remove()


def test_merging_records_with_documents_in_another_currency_is_refused(app, acme, acme_admin, api):
    keep = factories.customer(app, acme, "Initech", currency="EUR")
    dupe = factories.customer(app, acme, "Initech Inc", email="ap@initech.example", currency="USD")
    with app.app_context(), tenant_scope(acme.id):
        invoice = Invoice(
            tenant_id=acme.id,
            number="INV-9",
            customer_id=dupe,
            issue_date=TODAY,
            due_date=TODAY,
            status="issued",
            currency="USD",
            total=Decimal("9"),
        )
        db.session.add(invoice)
        db.session.commit()
        invoice_id = invoice.id
        db.session.remove()
    r = api(acme_admin).post(
        "/api/v1/customer/merge", json={"survivor_id": keep, "other_ids": [dupe]}
    )
    assert r.status_code == 409
    assert "USD" in r.json["message"] and "invoices" in r.json["message"]
    assert factories.load(app, Invoice, invoice_id).customer_id == dupe
    assert factories.load(app, Customer, dupe).is_active
    # Choosing the other's currency makes the documents fit.
    r = api(acme_admin).post(
        "/api/v1/customer/merge",
        json={"survivor_id": keep, "other_ids": [dupe], "choices": {"currency": dupe}},
    )
    assert r.status_code == 200, r.json
    assert factories.load(app, Customer, keep).currency == "USD"
    assert factories.load(app, Invoice, invoice_id).customer_id == keep
    assert factories.load(app, Customer, keep).balance == Decimal("9.00")


def test_api_merge_answers_bad_input_with_json(app, acme, acme_manager, api):
    keep = factories.customer(app, acme, "Hooli")
    dupe = factories.customer(app, acme, "Hooli Ltd")
    client = api(acme_manager)
    cases = [
        ({"survivor_id": keep, "other_ids": []}, 422, "other_ids"),
        ({"survivor_id": "x", "other_ids": [dupe]}, 422, "survivor_id"),
        ({"survivor_id": keep, "other_ids": [keep]}, 422, "other_ids"),
        ({"survivor_id": keep, "other_ids": [dupe, dupe]}, 422, "other_ids"),
        ({"survivor_id": keep, "other_ids": [dupe], "choices": {"balance": dupe}}, 422, "balance"),
        ({"survivor_id": keep, "other_ids": [dupe], "choices": {"name": 99999}}, 422, "name"),
        ({"survivor_id": keep, "other_ids": [99999]}, 404, None),
        # Ids no row can have: PostgreSQL would refuse to compare them with an id column.
        ({"survivor_id": keep, "other_ids": [-2484682582872952]}, 422, "other_ids"),
        ({"survivor_id": 2**40, "other_ids": [dupe]}, 422, "survivor_id"),
    ]
    for body, status, field in cases:
        r = client.post("/api/v1/customer/merge", json=body)
        assert r.status_code == status, (body, r.get_data(as_text=True))
        if field:
            assert field in r.json["errors"], (body, r.json)
    assert client.post("/api/v1/customer/merge", data="nonsense").status_code == 400
    # A dry run describes and changes nothing.
    r = client.post(
        "/api/v1/customer/merge",
        json={"survivor_id": keep, "other_ids": [dupe], "choices": {"name": dupe}, "dry_run": True},
    )
    assert r.status_code == 200 and r.json["result"]["fields"]["name"] == "Hooli Ltd"
    assert factories.load(app, Customer, dupe).is_active
    r = client.post("/api/v1/customer/merge", json={"survivor_id": keep, "other_ids": [dupe]})
    assert r.status_code == 200 and r.json["result"]["survivor"]["id"] == keep
    # Merged once: a second attempt is refused, the record stays merged into the survivor.
    r = client.post("/api/v1/customer/merge", json={"survivor_id": keep, "other_ids": [dupe]})
    assert r.status_code == 409
    assert factories.load(app, Customer, dupe).merged_into_id == keep


def test_a_merge_refused_by_the_customer_rules_changes_nothing(app, acme, acme_admin, api):
    """Picking a sub-segment of another segment than the picked segment breaks the
    customer's own rule: the whole merge is refused and no row moves."""
    from crm.models import Segment, SubSegment

    with app.app_context(), tenant_scope(acme.id):
        retail, industry = (
            Segment(tenant_id=acme.id, name="Retail"),
            Segment(tenant_id=acme.id, name="Industry"),
        )
        db.session.add_all([retail, industry])
        db.session.flush()
        shops = SubSegment(tenant_id=acme.id, name="Shops", segment_id=retail.id)
        db.session.add(shops)
        db.session.commit()
        ids = retail.id, industry.id, shops.id
        db.session.remove()
    keep = factories.customer(app, acme, "Vandelay", segment_id=ids[1])
    dupe = factories.customer(
        app, acme, "Vandelay Industries", segment_id=ids[0], sub_segment_id=ids[2]
    )
    art = factories.contact(app, acme, dupe, "Art")
    r = api(acme_admin).post(
        "/api/v1/customer/merge",
        json={"survivor_id": keep, "other_ids": [dupe], "choices": {"sub_segment": dupe}},
    )
    assert r.status_code == 422 and "sub_segment" in r.json["message"]
    assert factories.load(app, Contact, art).customer_id == dupe
    assert factories.load(app, Customer, dupe).is_active


def test_three_records_merge_and_earlier_merges_follow(app, acme, acme_admin, api):
    a = factories.customer(app, acme, "Stark Industries")
    b = factories.customer(app, acme, "Stark Ind")
    c = factories.customer(app, acme, "Stark Industries Inc")
    d = factories.customer(app, acme, "Stark Old")
    client = api(acme_admin)
    assert (
        client.post("/api/v1/customer/merge", json={"survivor_id": b, "other_ids": [d]}).status_code
        == 200
    )
    r = client.post("/api/v1/customer/merge", json={"survivor_id": a, "other_ids": [b, c]})
    assert r.status_code == 200, r.json
    assert [factories.load(app, Customer, pk).merged_into_id for pk in (b, c, d)] == [a, a, a]


def test_members_cannot_merge(app, acme, acme_member, browser, api):
    keep = factories.customer(app, acme, "Wonka")
    dupe = factories.customer(app, acme, "Wonka Ltd")
    r = api(acme_member).post(
        "/api/v1/customer/merge", json={"survivor_id": keep, "other_ids": [dupe]}
    )
    assert r.status_code == 403
    b = browser(acme_member)
    assert b.get(f"/duplicates/merge?ids={keep},{dupe}").status_code == 403
    r = b.post("/duplicates/merge/confirm", {"ids": f"{keep},{dupe}", "survivor": keep})
    assert r.status_code == 403
    assert b.get("/duplicates/").status_code == 403
    assert factories.load(app, Customer, dupe).is_active


def test_another_tenants_customers_cannot_be_merged(app, acme, globex, acme_admin, browser, api):
    mine = factories.customer(app, acme, "Cyberdyne")
    theirs = factories.customer(app, globex, "Cyberdyne Systems")
    r = api(acme_admin).post(
        "/api/v1/customer/merge", json={"survivor_id": mine, "other_ids": [theirs]}
    )
    assert r.status_code == 404
    r = api(acme_admin).post(
        "/api/v1/customer/merge", json={"survivor_id": theirs, "other_ids": [mine]}
    )
    assert r.status_code == 404
    b = browser(acme_admin)
    assert b.get(f"/duplicates/merge?ids={mine},{theirs}").status_code == 404
    assert (
        b.post(
            "/duplicates/merge/confirm", {"ids": f"{mine},{theirs}", "survivor": mine}
        ).status_code
        == 404
    )
    assert factories.load(app, Customer, theirs).is_active
    assert factories.load(app, Customer, theirs).merged_into_id is None
