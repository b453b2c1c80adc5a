"""Email templates through the screens and the API: Managers save them with translations;
one that does not render is refused next to its field; Members only read."""

from sqlalchemy import select

from crm.extensions import db
from crm.models import EmailTemplate


def saved(app):
    with app.app_context():
        rows = db.session.scalars(select(EmailTemplate).execution_options(all_tenants=True)).all()
        found = [(t.name, t.subject, t.translations) for t in rows]
        db.session.remove()
    return found


def test_a_manager_saves_a_template_with_a_translation(app, acme_manager, browser):
    page = browser(acme_manager)
    form = page.get("/email-templates/add").get_data(as_text=True)
    assert "{{ contact.first_name }}" in form and "subject_de" in form
    answer = page.post(
        "/email-templates/add",
        {
            "name": "Welcome",
            "subject": "Welcome {{ contact.first_name }}",
            "body": "Hello",
            "subject_de": "Willkommen {{ contact.first_name }}",
            "body_de": "Hallo",
        },
    )
    assert answer.status_code == 302
    assert saved(app) == [
        (
            "Welcome",
            "Welcome {{ contact.first_name }}",
            {"de": {"subject": "Willkommen {{ contact.first_name }}", "body": "Hallo"}},
        )
    ]
    with app.app_context():
        pk = db.session.scalar(select(EmailTemplate.id).execution_options(all_tenants=True))
        db.session.remove()
    edit = page.get(f"/email-templates/edit/{pk}").get_data(as_text=True)
    assert "Willkommen {{ contact.first_name }}" in edit


def test_a_template_reaching_for_internals_is_refused_at_its_field(app, acme_manager, browser):
    answer = browser(acme_manager).post(
        "/email-templates/add",
        {"name": "Sneaky", "subject": "Hi", "body": "{{ user.__class__.__mro__ }}"},
    )
    assert answer.status_code == 200
    assert "The template does not render" in answer.get_data(as_text=True)
    assert saved(app) == []


def test_the_api_creates_templates_and_refuses_a_broken_one(app, acme_manager, acme_member, api):
    client = api(acme_manager)
    created = client.post(
        "/api/v1/email_template/",
        json={"name": "Offer", "subject": "Offer for {{ customer.name }}", "body": "See attached"},
    )
    assert created.status_code == 201, created.json
    broken = client.post(
        "/api/v1/email_template/",
        json={"name": "Broken", "subject": "Hi {{ deal.nope }}", "body": "x"},
    )
    assert broken.status_code == 422
    assert "does not render" in broken.json["errors"]["subject"][0]
    member = api(acme_member)
    assert member.get("/api/v1/email_template/").status_code == 200
    assert member.post("/api/v1/email_template/", json={"name": "M"}).status_code == 403
