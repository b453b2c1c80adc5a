"""A user of one tenant never sees or changes another tenant's data, whatever URL they guess."""

import io
import re

import pytest
from werkzeug.datastructures import FileStorage

from crm.extensions import db
from crm.models import (
    Address,
    AuditEntry,
    BankAccount,
    Company,
    Contact,
    Contract,
    CreditNote,
    CrmUser,
    Customer,
    CustomerGroup,
    CustomFieldDefinition,
    CustomFieldValue,
    Deal,
    Document,
    EmailTemplate,
    InboundEmail,
    Interaction,
    InteractionAttachment,
    Invoice,
    Lead,
    LeadSource,
    LeadStatus,
    Note,
    Notification,
    Payment,
    PaymentTerm,
    Pipeline,
    Plant,
    Region,
    SalesOrder,
    Segment,
    Stage,
    SubSegment,
    Tag,
    Task,
    TaxRegime,
    TaxRegistration,
)
from crm.security.tenancy import tenant_scope
from crm.services.accounts import notifications
from crm.services.customers import custom_fields, documents
from crm.services.pipeline.deals import create_deal
from crm.services.pipeline.interactions import log_interaction
from tests import factories
from tests.conftest import make_user

SECRET = "Globex Secret Buyer"


def factory_task(session, tenant, customer_id):
    task = Task(tenant_id=tenant.id, title="Globex secret task", customer_id=customer_id)
    session.add(task)
    session.commit()
    return task.id


def factory_lead(session, tenant, status_id):
    lead = Lead(
        tenant_id=tenant.id,
        title="Globex secret lead",
        status_id=status_id,
        contact_email="lead@globex.example",
    )
    session.add(lead)
    session.commit()
    return lead.id


def factory_notification(session, tenant, user_id):
    note = notifications.notify(session, tenant.id, user_id, "Globex secret notice", "/leads/")
    session.commit()
    return note.id


def factory_order_and_invoice(session, customer_id):
    from crm.services.ledger import invoices, sales_orders

    lines = [{"description": "Globex secret widget", "quantity": 1, "unit_price": 10}]
    order = sales_orders.save_order(session, SalesOrder(), {"customer": customer_id}, lines)
    invoice = invoices.save_invoice(session, Invoice(), {"customer": customer_id}, lines)
    return order.id, invoice.id


def factory_payment_credit_note_contract(session, customer_id):
    import datetime as dt

    from crm.services.ledger import contracts, credit_notes, payments
    from tests.factories import invoice

    bill = invoice(session, customer_id, total="100.00")
    payment = payments.record_payment(session, customer_id, "60.00", allocations=[(bill, "50.00")])
    note = CreditNote(customer_id=customer_id, amount="5.00", reason="Globex secret credit")
    credit_notes.prepare(session, note)
    session.add(note)
    contract = Contract(
        customer_id=customer_id,
        title="Globex secret contract",
        value="900.00",
        start_date=dt.date(2026, 1, 1),
        status="active",
    )
    contracts.prepare(session, contract)
    session.add(contract)
    session.commit()
    return payment.id, note.id, contract.id


@pytest.fixture
def globex_records(app, globex):
    """One record of every kind, owned by Globex; {model: id}."""
    user = make_user(app, globex, "Member", "globex-member")
    customer = factories.customer(app, globex, SECRET, email="secret@globex.example")
    ids = {
        Customer: customer,
        CrmUser: user.id,
        Contact: factories.contact(app, globex, customer, "Globex Contact"),
        Address: factories.address(app, globex, customer),
        Company: factories.company(app, globex, "Globex Parent"),
        CustomerGroup: factories.group(app, globex, "Globex Group", "GG"),
    }
    with app.app_context(), tenant_scope(globex.id):
        s = db.session
        s.add_all(
            [
                Plant(tenant_id=globex.id, customer_id=customer, name="Globex Plant"),
                BankAccount(
                    tenant_id=globex.id,
                    customer_id=customer,
                    bank_name="Bank",
                    account_holder="Globex",
                    account_number="DE89370400440532013000",
                ),
                Note(tenant_id=globex.id, customer_id=customer, body="Globex note"),
                TaxRegistration(
                    tenant_id=globex.id, customer_id=customer, regime="OTHER", number="GX-1"
                ),
                CustomFieldDefinition(
                    tenant_id=globex.id, name="tier", label="Tier", field_type="text"
                ),
            ]
        )
        s.commit()
        customer_row = s.get(Customer, customer)
        custom_fields.save_values(s, customer_row, {"tier": "gold"})
        documents.store(
            s,
            app.config,
            customer_row,
            FileStorage(io.BytesIO(b"%PDF-1.4 secret"), filename="contract.pdf"),
        )
        for model in (
            Plant,
            BankAccount,
            Note,
            CustomFieldDefinition,
            CustomFieldValue,
            Document,
            PaymentTerm,
            Segment,
            SubSegment,
            Region,
            Tag,
            TaxRegime,
            TaxRegistration,
            LeadStatus,
            LeadSource,
            Pipeline,
            Stage,
        ):
            ids[model] = s.query(model).filter_by(tenant_id=globex.id).first().id
        ids[AuditEntry] = s.query(AuditEntry).filter_by(tenant_id=globex.id).first().id
        ids[Interaction] = log_interaction(s, customer, "Globex secret call").id
        ids[Task] = factory_task(s, globex, customer)
        ids[Deal] = create_deal(s, title="Globex secret deal", customer_id=customer).id
        ids[Lead] = factory_lead(s, globex, ids[LeadStatus])
        ids[Notification] = factory_notification(s, globex, user.id)
        ids[SalesOrder], ids[Invoice] = factory_order_and_invoice(s, customer)
        ids[Payment], ids[CreditNote], ids[Contract] = factory_payment_credit_note_contract(
            s, customer
        )
        from crm.models import ImportRun

        import_run = ImportRun(
            tenant_id=globex.id,
            entity="customers",
            file_name="globex.csv",
            content=b"Name,Email\n",
            status="done",
            error_report=b"x",
        )
        s.add(import_run)
        s.commit()
        ids[ImportRun] = import_run.id
        from crm.models import SupportTicket

        ticket = SupportTicket(tenant_id=globex.id, customer_id=customer, subject="Globex secret")
        s.add(ticket)
        s.commit()
        ids[SupportTicket] = ticket.id
        from crm.models import Job

        job = Job(
            tenant_id=globex.id,
            user_id=user.id,
            username=user.username,
            kind="export",
            status="done",
            result_path="x",
            result_name="secret.csv",
        )
        s.add(job)
        s.commit()
        ids[Job] = job.id
        from crm.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

        endpoint = WebhookEndpoint(
            tenant_id=globex.id,
            url="https://93.184.215.14/globex-secret",
            secret="whsec_globex",
            events=["customer.created"],
            is_active=False,
        )
        delivery = WebhookDelivery(
            tenant_id=globex.id,
            endpoint=endpoint,
            uuid="00000000-0000-4000-8000-000000000001",
            event="customer.created",
            payload={"data": {"name": SECRET}},
            status="failed",
        )
        attempt = WebhookAttempt(tenant_id=globex.id, delivery=delivery, status="failed")
        s.add_all([endpoint, delivery, attempt])
        s.commit()
        ids[WebhookEndpoint], ids[WebhookDelivery] = endpoint.id, delivery.id
        ids[WebhookAttempt] = attempt.id
        from crm.models import AutomationRule, AutomationRun

        rule = AutomationRule(
            tenant_id=globex.id, name="Globex secret rule", entity="lead", actions=[]
        )
        run = AutomationRun(
            tenant_id=globex.id, rule=rule, entity="lead", record_id=ids[Lead], status="done"
        )
        s.add_all([rule, run])
        s.commit()
        ids[AutomationRule], ids[AutomationRun] = rule.id, run.id
        from crm.models import SavedView

        view = SavedView(
            tenant_id=globex.id,
            owner_id=user.id,
            list_name="customers",
            name="Globex shared view",
            filters={},
            is_shared=True,
        )
        s.add(view)
        s.commit()
        ids[SavedView] = view.id
        inbound = InboundEmail(
            tenant_id=globex.id, message_id="<globex@secret>", subject=SECRET, raw_key="x"
        )
        attachment = InteractionAttachment(
            tenant_id=globex.id,
            interaction_id=ids[Interaction],
            filename="secret.pdf",
            content_type="application/pdf",
            size=1,
            storage_key=f"{globex.id}/mail/secret",
        )
        template = EmailTemplate(tenant_id=globex.id, name="Globex", subject=SECRET, body="x")
        s.add_all([inbound, attachment, template])
        s.commit()
        ids[InboundEmail], ids[InteractionAttachment] = inbound.id, attachment.id
        ids[EmailTemplate] = template.id
        db.session.remove()
    return ids


def _counts(app):
    with app.app_context():
        counts = {
            m.__name__: db.session.query(m).execution_options(all_tenants=True).count()
            for m in (
                Customer,
                Contact,
                Plant,
                BankAccount,
                TaxRegistration,
                Note,
                Document,
                CrmUser,
                CustomFieldValue,
            )
        }
        db.session.remove()
    return counts


def _model_of(app, endpoint):
    if endpoint in ROUTE_MODELS:
        return ROUTE_MODELS[endpoint]
    view_name = endpoint.split(".")[0]
    for view in app.appbuilder.baseviews:
        if type(view).__name__ == view_name:
            datamodel = getattr(view, "datamodel", None)
            return datamodel.obj if datamodel is not None else None
    return None


# Routes of a view with no datamodel of its own, on records of several kinds.
ROUTE_MODELS = {
    "EmailView.assign": InboundEmail,
    "EmailView.discard": InboundEmail,
    "EmailView.attachment": InteractionAttachment,
    "EmailView.compose_email": Deal,  # /email/compose/<entity>/<pk>, entity "deal"
}
SHARED = ("RoleModelView", "SharedRoleView", "OpenApi", "SwaggerView", "SecurityApi", "MenuApi")


def _guessable_routes(app):
    for rule in app.url_map.iter_rules():
        args = set(rule.arguments)
        if not args & {"pk", "customer_pk"} or rule.endpoint.startswith(SHARED):
            continue
        yield rule


def test_every_route_with_an_id_answers_404_for_another_tenants_record(
    app, acme, acme_admin, browser, api, globex_records
):
    before = _counts(app)
    b, client = browser(acme_admin), api(acme_admin)
    checked = 0
    for rule in _guessable_routes(app):
        model = Customer if "customer_pk" in rule.arguments else _model_of(app, rule.endpoint)
        assert model in globex_records, f"no Globex record for {rule.endpoint}"
        values = {"pk": globex_records[model], "customer_pk": globex_records[model]}
        if "name" in rule.arguments:
            values["name"] = "resetpasswords" if "User" in rule.endpoint else "toggle_active"
        if "filename" in rule.arguments:
            values["filename"] = "x"
        if "entity" in rule.arguments:
            values["entity"] = "deal"
        url = re.sub(
            r"<(?:\w+:)?(\w+)>", lambda m, values=values: str(values[m.group(1)]), rule.rule
        )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if url.startswith("/api/"):
                response = getattr(client, method.lower())(url, json={"name": "hijack"})
            elif method == "GET":
                response = b.get(url)
            else:
                response = b.post(url, {"name": "hijack", "body": "hijack", "email": "h@h.example"})
            assert response.status_code == 404, f"{method} {url} -> {response.status_code}"
            checked += 1
    assert checked > 60
    assert _counts(app) == before


def test_bulk_actions_refuse_another_tenants_rows(app, acme, acme_admin, browser, globex_records):
    before = _counts(app)
    r = browser(acme_admin).post(
        "/companies/action_post", {"action": "archive", "rowid": globex_records[Company]}
    )
    assert r.status_code == 404
    assert _counts(app) == before


def test_lists_searches_and_pickers_show_only_own_data(
    app, acme, acme_admin, browser, api, globex_records
):
    factories.customer(app, acme, "Acme Own Buyer")
    b = browser(acme_admin)
    pages = [
        "/customers/list/",
        f"/customers/list/?_flt_0_search_text={SECRET.split()[1]}",
        "/contacts/list/",
        "/contacts/add",
        "/addresses/add",
        "/customers/add",
        "/companies/list/",
        "/customer-groups/list/",
        "/users/list/",
        "/audit/list/",
        "/notes/list/",
    ]
    for page in pages:
        html = b.get(page).get_data(as_text=True)
        for secret in (
            SECRET,
            "Globex Contact",
            "Globex Parent",
            "Globex Group",
            "globex-member",
            "Globex note",
        ):
            assert secret not in html, f"{secret} leaked on {page}"
    client = api(acme_admin)
    for resource in (
        "customer",
        "contact",
        "address",
        "plant",
        "bank_account",
        "note",
        "document",
        "company",
        "customer_group",
        "custom_field",
        "custom_field_value",
        "audit",
        "tag",
    ):
        body = client.get(f"/api/v1/{resource}/").json
        assert "Globex" not in str(body["result"]), resource
    assert client.get("/api/v1/customer/").json["count"] == 1


def test_posting_another_tenants_customer_as_parent_is_refused(
    app, acme, acme_admin, api, browser, globex_records
):
    before = _counts(app)
    r = api(acme_admin).post(
        "/api/v1/contact/", json={"customer": globex_records[Customer], "name": "X"}
    )
    assert r.status_code == 422
    r = browser(acme_admin).post(
        "/contacts/add", {"customer": globex_records[Customer], "name": "X"}
    )
    assert r.status_code == 200  # re-rendered: not a valid choice
    assert _counts(app) == before


def test_password_reset_of_another_tenants_user_is_404(app, acme_admin, browser, globex_records):
    b = browser(acme_admin)
    pk = globex_records[CrmUser]
    assert b.get(f"/resetpassword/form?pk={pk}").status_code == 404
    r = b.post(
        f"/resetpassword/form?pk={pk}",
        {"password": "Xx1!xxxxxxxx", "conf_password": "Xx1!xxxxxxxx"},
    )
    assert r.status_code == 404


def test_new_records_are_stamped_with_the_users_tenant(app, acme, acme_manager, api, db_session):
    r = api(acme_manager).post(
        "/api/v1/customer/", json={"name": "Stamped", "email": "s@s.example", "tenant_id": 999}
    )
    assert r.status_code in (201, 400, 422)
    with db_session() as s:
        assert {c.tenant_id for c in s.query(Customer).execution_options(all_tenants=True)} <= {
            acme.id
        }
