"""Email templates: merge fields rendered in a sandbox; a template that does not render is
refused at save with the reason; internals are out of reach."""

import pytest

from crm.extensions import db
from crm.models import EmailTemplate
from crm.security.tenancy import tenant_scope
from crm.services.core.errors import ValidationFailed
from crm.services.mail import merge_fields, templates


def test_merge_fields_are_filled_in():
    subject, body = templates.render_message(
        "Your {{ deal.title }}",
        "Dear {{ contact.first_name }},\n{{ user.name }} of {{ company.name }}",
        merge_fields.sample(),
    )
    assert subject == "Your Annual licence"
    assert body == "Dear Anna,\nSam Seller of Acme Trading"


@pytest.mark.parametrize(
    "source",
    [
        "{{ contact.__class__.__mro__ }}",
        "{{ contact.__init__.__globals__ }}",
        "{{ ''.__class__.__subclasses__() }}",
        "{{ contact.first_name.format.__self__.__class__ }}",
    ],
)
def test_attribute_access_to_internals_is_refused(source):
    with pytest.raises(templates.RenderFailed) as refused:
        templates.render(source, merge_fields.sample())
    [message] = refused.value.errors["body"]
    assert "does not render" in str(message)
    assert "unsafe" in str(message) or "not safely" in str(message)


def test_an_unknown_merge_field_is_an_error_not_a_blank():
    with pytest.raises(templates.RenderFailed) as refused:
        templates.render("Hi {{ contact.nickname }}", merge_fields.sample())
    assert "nickname" in str(refused.value.errors["body"][0])


def test_a_template_that_does_not_render_is_refused_at_save(app, acme):
    with app.app_context(), tenant_scope(acme.id):
        template = EmailTemplate(
            name="Broken",
            subject="Hello {{ contact.first_name",
            body="{{ contact.__class__ }}",
            translations={"de": {"subject": "Hallo", "body": "{{ deal.nope }}"}},
        )
        with pytest.raises(ValidationFailed) as refused:
            templates.save_template(db.session, template)
        errors = refused.value.errors
        assert set(errors) == {"subject", "body", "translations.de"}
        assert db.session.query(EmailTemplate).count() == 0
        db.session.remove()


def test_the_recipients_language_picks_the_translation_else_the_default(app, acme):
    with app.app_context(), tenant_scope(acme.id):
        template = templates.save_template(
            db.session,
            EmailTemplate(
                name="Follow-up",
                subject="Hello {{ contact.first_name }}",
                body="Regards",
                translations={
                    "de": {"subject": "Hallo {{ contact.first_name }}", "body": "Grüße"},
                    "fr": {"subject": "", "body": ""},
                },
            ),
        )
        assert template.translations == {
            "de": {"subject": "Hallo {{ contact.first_name }}", "body": "Grüße"}
        }
        assert templates.in_language(template, "de")[1] == "Grüße"
        assert templates.in_language(template, "fr")[1] == "Regards"
        assert templates.in_language(template, None)[0] == "Hello {{ contact.first_name }}"
        db.session.remove()
