"""Records for tests, by area; each name is defined once and exported here, so tests write
``from tests import factories`` and ``factories.customer(...)``, ``factories.deal(...)``.

customers  customers and their parts, companies, groups, payment terms
pipeline   pipelines, deals, leads
activities interactions and tasks
ledger     invoices, payments, credit notes and orders (rows, or through the screens' services)
statements a customer with a ledger across a statement period
reading    rows and attributes read back, a form's error messages, a page with its tabs
"""

from tests.factories.activities import (
    at,
    interaction,
    last_interaction_at,
    newest_occurred_at,
    task,
    utc,
)
from tests.factories.customers import (
    address,
    bank_account,
    buyer,
    company,
    contact,
    customer,
    group,
    term,
)
from tests.factories.jobs import stale_job
from tests.factories.ledger import (
    TODAY,
    WIDGETS,
    books,
    credit_note,
    day,
    draft_invoice,
    invoice,
    order,
    payment,
    quote,
    saved_invoice,
)
from tests.factories.pipeline import deal, lead, load_deal, pipeline, sales
from tests.factories.reading import (
    MASKED,
    counted,
    customer_figures,
    customers_found,
    form_errors,
    load,
    read,
    tab_urls,
    with_tabs,
)
from tests.factories.statements import customer_with_ledger

__all__ = [
    "MASKED",
    "TODAY",
    "WIDGETS",
    "address",
    "at",
    "bank_account",
    "books",
    "buyer",
    "company",
    "contact",
    "counted",
    "credit_note",
    "customer",
    "customer_figures",
    "customers_found",
    "customer_with_ledger",
    "day",
    "deal",
    "draft_invoice",
    "form_errors",
    "group",
    "interaction",
    "invoice",
    "last_interaction_at",
    "lead",
    "load",
    "load_deal",
    "newest_occurred_at",
    "order",
    "payment",
    "pipeline",
    "quote",
    "read",
    "stale_job",
    "sales",
    "saved_invoice",
    "task",
    "term",
    "tab_urls",
    "utc",
    "with_tabs",
]
