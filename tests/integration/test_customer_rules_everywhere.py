"""The same bad customer is refused for the same reason by the form, the API and the import.

The import keeps the record when only a field it can leave empty (or a phone it can keep as
typed) is bad: there the rule's message is a warning on the row, word for word the form's.
"""

import pytest
from sqlalchemy import select

from crm.models import Customer
from tests.factories import form_errors
from tests.integration import import_files

GOOD = {"kind": "company", "name": "Rule Test Ltd", "email": "rules@x.example", "currency": "EUR"}
# (what is wrong, fields, the field the rules name, their message, how the import treats it)
BAD_RECORDS = [
    (
        "bad email",
        {"email": "not-an-email"},
        "email",
        "“not-an-email” is not a valid email address.",
        "error",
    ),
    ("no name", {"name": ""}, "name", None, "error"),
    (
        "bad phone",
        {"phone": "+49 1"},
        "phone",
        "“+49 1” is not a phone number; write it with its country code",
        "warning",
    ),
    (
        "negative credit limit",
        {"credit_limit": "-5"},
        "credit_limit",
        "Enter zero or a positive amount.",
        "warning",
    ),
    (
        "discount 150",
        {"discount_rate": "150"},
        "discount_rate",
        "Enter a percentage between 0 and 100.",
        "warning",
    ),
    (
        "bad tax number",
        {"tax_regime": "VAT", "tax_number": "DE123456789"},
        "tax_number",
        "“DE123456789” is not a valid VAT number (EU).",
        "warning",
    ),
    (
        "bad website",
        {"website": "not a site"},
        "website",
        "“https://not a site” is not a web address.",
        "warning",
    ),
]
HEADINGS = {
    "kind": "Type",
    "name": "Name",
    "email": "Email",
    "currency": "Currency",
    "phone": "Phone",
    "credit_limit": "Credit limit",
    "discount_rate": "Discount %",
    "tax_regime": "Tax regime",
    "tax_number": "Tax number",
    "website": "Website",
}


def _form(browser, user, record):
    r = browser(user).post("/customers/add", record)
    return r.status_code, " ".join(form_errors(r.get_data(as_text=True)))


def _api(api, user, record):
    r = api(user).post("/api/v1/customer/", json={k: v for k, v in record.items() if v != ""})
    return r.status_code, r.json.get("errors")


def _import(runner, tenant, tmp_path, records):
    fields = list(HEADINGS)
    path = import_files.csv_file(
        tmp_path / "rules.csv",
        [[HEADINGS[f] for f in fields], *[[r.get(f, "") for f in fields] for r in records]],
    )
    result = runner.invoke(args=["crm", "import", "customers", str(path), "--tenant", tenant.name])
    return result.output


@pytest.mark.parametrize(
    "what, change, field, message, in_import", BAD_RECORDS, ids=[r[0] for r in BAD_RECORDS]
)
def test_form_api_and_import_give_the_same_verdict(
    app,
    acme,
    acme_manager,
    browser,
    api,
    runner,
    tmp_path,
    db_session,
    what,
    change,
    field,
    message,
    in_import,
):
    record = {**GOOD, **change}
    status, shown = _form(browser, acme_manager, record)
    assert status == 200 and (message is None or message in shown), shown
    status, answer = _api(api, acme_manager, record)
    assert status == 422 and field in answer, answer
    if message is not None:
        assert message in " ".join(map(str, answer[field])), answer
    output = _import(runner, acme, tmp_path, [record])
    heading = HEADINGS[field]
    with db_session() as s:
        imported = s.scalar(select(Customer).where(Customer.email == record["email"]))
    if in_import == "error":
        assert "0 created" in output and imported is None, output
        assert f"row 2: {heading}: " in output
    else:
        assert "1 created" in output and imported is not None, output
        assert f"row 2: warning: {heading}: {message}" in output, output


def test_a_repeated_email_is_refused_everywhere(
    app, acme, acme_manager, browser, api, runner, tmp_path, db_session
):
    first = {**GOOD, "email": "twice@x.example"}
    second = {**first, "name": "Second Ltd", "email": "TWICE@x.example"}
    assert _form(browser, acme_manager, first)[0] == 302
    status, shown = _form(browser, acme_manager, second)
    assert status == 200 and "Another customer already uses TWICE@x.example." in shown
    status, answer = _api(api, acme_manager, second)
    assert status == 422 and "Another customer already uses TWICE@x.example." in answer["email"]
    output = _import(
        runner,
        acme,
        tmp_path,
        [{**first, "email": "new@x.example"}, {**second, "email": "NEW@x.example"}],
    )
    assert "1 created" in output and "1 failed" in output
    assert "row 3: Email: NEW@x.example is also on row 2 of this file." in output
