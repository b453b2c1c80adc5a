"""The field catalogue (crm.fields) is the one place fields are named: every field it
declares is on its model, its choices are the codes the model stores, and every screen and
API labels a catalogued column with the catalogue's own label. The aging buckets read the
same on the customer page and on the statement."""

import html as html_lib
import re

import pytest
from flask_babel.speaklater import LazyString

from crm import models
from crm.fields import customers, ledger, parts, pipeline, settings, support
from crm.fields.catalogue import PURPOSES
from crm.fields.registry import ENTITIES
from crm.models import IMPORT_STATUSES
from crm.security.masking import CREDIT_FIGURES, LEDGER_AMOUNTS, MASKED_FIELDS
from crm.services.insight.health import BANDS
from crm.services.ledger.arithmetic import AGING_BUCKETS
from tests import factories

ENTITY_NAMES = sorted(ENTITIES)

# Each choice label set and the codes its model stores.
CHOICES = [
    (customers.CUSTOMER_TYPES, models.CUSTOMER_TYPES),
    (customers.PAYMENT_METHODS, models.PAYMENT_METHODS),
    (customers.HEALTH_BANDS, tuple(name for name, _ in BANDS)),
    (parts.ADDRESS_KINDS, models.ADDRESS_KINDS),
    (pipeline.INTERACTION_KINDS, models.INTERACTION_KINDS),
    (pipeline.TASK_STATUSES, models.TASK_STATUSES),
    (pipeline.PRIORITIES, models.TASK_PRIORITIES),
    (pipeline.PRIORITIES, models.TICKET_PRIORITIES),
    (support.TICKET_STATUSES, models.TICKET_STATUSES),
    (ledger.ORDER_STATUSES, models.ORDER_STATUSES),
    (ledger.INVOICE_STATUSES, models.INVOICE_STATUSES),
    (ledger.PAYMENT_STATUSES, models.PAYMENT_STATUSES),
    (ledger.CREDIT_NOTE_STATUSES, models.CREDIT_NOTE_STATUSES),
    (ledger.CONTRACT_STATUSES, models.CONTRACT_STATUSES),
    (ledger.AGING_LABELS, (*(key for key, _, _ in AGING_BUCKETS), "total")),
]


@pytest.mark.parametrize("name", ENTITY_NAMES)
def test_every_declared_field_is_on_its_model(name):
    entity = ENTITIES[name]
    missing = [field for field in entity.fields if not hasattr(entity.model, field)]
    assert not missing, f"{name}: {missing}"


@pytest.mark.parametrize("name", ENTITY_NAMES)
def test_every_listed_column_is_a_declared_field_or_a_related_attribute(name):
    entity = ENTITIES[name]
    for purpose, columns in entity.column_lists().items():
        assert purpose in PURPOSES
        for column in columns:
            head = column.split(".")[0]
            assert head in entity.fields or hasattr(entity.model, head), (name, purpose, column)


@pytest.mark.parametrize("labels, codes", CHOICES)
def test_choice_labels_name_exactly_the_stored_codes(labels, codes):
    assert tuple(labels) == tuple(codes)


def test_masking_classes_are_those_of_the_masking_rules():
    customer = ENTITIES["Customer"]
    assert customer.masking("credit_limit") == CREDIT_FIGURES
    assert customer.masking("balance") == LEDGER_AMOUNTS
    assert customer.masking("name") is None
    for name, entity in ENTITIES.items():
        for column, masked in MASKED_FIELDS.get(name, {}).items():
            if column in entity.fields:
                assert entity.masking(column) == masked.figure_class


def _catalogued_views(app):
    for view in app.appbuilder.baseviews:
        model = getattr(getattr(view, "datamodel", None), "obj", None)
        if model is not None and model.__name__ in ENTITIES:
            yield view, ENTITIES[model.__name__]


def test_screens_and_api_label_catalogued_columns_with_the_catalogues_labels(app):
    seen = set()
    for view, entity in _catalogued_views(app):
        seen.add(entity.model.__name__)
        for column, label in (view.label_columns or {}).items():
            field = entity.fields.get(column)
            if field is None:
                # FAB names the columns nobody labels (related ids) in plain English.
                assert not isinstance(label, LazyString), (type(view).__name__, column)
            elif isinstance(label, LazyString):
                assert label is field.label or label is field.list_label, (
                    type(view).__name__,
                    column,
                )
    # Document lines are edited inside their sales order's or invoice's own form.
    assert seen == set(ENTITIES) - {"SalesOrderLine", "InvoiceLine"}, set(ENTITIES) - seen


def test_choice_fields_of_the_screens_offer_the_catalogues_choices(app):
    from crm.views.customers.customers import CustomerView
    from crm.views.pipeline.tasks import TaskView

    kind = CustomerView.add_form_extra_fields["kind"]
    assert kind.args[0] is customers.CUSTOMER.label("kind")
    assert dict(kind.kwargs["choices"]) == customers.CUSTOMER_TYPES
    status = TaskView.search_form_extra_fields["status"]
    assert dict(status.kwargs["choices"]) == pipeline.TASK_STATUSES


def test_the_timeline_names_fields_and_codes_as_the_catalogue_does(app):
    from crm.i18n import values

    with app.test_request_context():
        deal, payment, task = (values.model_of(n) for n in ("deal", "payment", "task"))
        assert values.label(deal, "stage_id") == str(pipeline.DEAL.label("stage"))
        assert values.label(payment, "method") == str(ledger.PAYMENT.label("method"))
        assert values.value(task, "status", "in_progress") == str(
            pipeline.TASK_STATUSES["in_progress"]
        )
        assert values.label(values.model_of("lead_status"), "is_final") == str(
            settings.LEAD_STATUS.label("is_final")
        )
        assert values.label(deal, "no_such_column") == "No such column"


@pytest.mark.parametrize("status", IMPORT_STATUSES)
def test_every_import_state_has_a_label(app, status):
    from crm.i18n import values

    with app.test_request_context():
        assert values.import_status(status) != status


def _customer_page_aging(html):
    part = html[html.index("crm-aging", html.index('id="credit-panel"')) :]
    part = part[: part.index("</table>")]
    return [
        html_lib.unescape(label.strip())
        for label in re.findall(r"<tr><th>(.*?)</th><td>", part, re.S)
    ]


def _statement_aging(html):
    part = html[html.index('class="table table-condensed crm-aging"') :]
    head = part[: part.index("</thead>")]
    return [
        html_lib.unescape(label.strip())
        for label in re.findall(r'<th class="text-right">(.*?)</th>', head, re.S)
    ]


@pytest.mark.parametrize("language", ["en", "de"])
def test_aging_buckets_read_the_same_on_the_customer_page_and_the_statement(
    app, acme, browser, acme_admin, language
):
    pk = factories.customer(app, acme, "Aging Alike", currency="EUR")
    factories.saved_invoice(app, acme, pk, "300.00")
    factories.saved_invoice(app, acme, pk, "200.00", days_overdue=45)
    reader = browser(acme_admin)
    assert reader.post(f"/language/{language}", {"next": "/"}).status_code == 302
    page = reader.get(f"/customers/show/{pk}").get_data(as_text=True)
    statement = reader.get(f"/statements/{pk}").get_data(as_text=True)
    on_page, on_statement = _customer_page_aging(page), _statement_aging(statement)
    assert on_page == on_statement
    assert len(on_page) == len(ledger.AGING_LABELS)
    if language == "en":
        assert on_page[0] == "Not yet due"
    else:
        assert on_page[0] == "Noch nicht fällig"
