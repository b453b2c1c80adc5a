"""What an import's cells mean: headings of common exports, country names, phones read in
the row's or the organisation's country, partial addresses, masked cells, --map."""

from decimal import Decimal

from sqlalchemy import select

from crm.extensions import db
from crm.models import Company, Customer, ImportRun
from crm.security.tenancy import tenant_scope
from crm.services.settings import preferences as crm_settings
from tests import factories
from tests.integration import import_files

# The headings of datablist's public customers sample (sample-data-generator).
DATABLIST_CUSTOMERS = [
    "Customer Id",
    "First Name",
    "Last Name",
    "Company",
    "City",
    "Country",
    "Phone 1",
    "Phone 2",
    "Email",
    "Subscription Date",
    "Website",
]
DATABLIST_ORGANIZATIONS = [
    "Index",
    "Organization Id",
    "Name",
    "Website",
    "Country",
    "Description",
    "Founded",
    "Industry",
    "Number of employees",
]


def _invoke(runner, *args):
    return runner.invoke(args=["crm", "import", *args])


def _customers(s):
    return {c.email: c for c in s.scalars(select(Customer))}


def _set_default_country(app, tenant, code):
    with app.app_context(), tenant_scope(tenant.id):
        crm_settings.save_settings(db.session, {"default_country": code})
        db.session.remove()


def test_datablist_customers_import_with_no_mapping(app, acme, runner, tmp_path, db_session):
    path = import_files.csv_file(
        tmp_path / "customers-100.csv",
        [
            DATABLIST_CUSTOMERS,
            [
                "DD37Cf93aecA6Dc",
                "Sheryl",
                "Baxter",
                "Rasmussen Group",
                "East Leonard",
                "Chile",
                "229.077.5154",
                "397.884.0519x718",
                "zunigavanessa@smith.info",
                "2020-08-24",
                "http://www.stephenson.com/",
            ],
            [
                "1Ef7b82A4CAAD10",
                "Preston",
                "Lozano",
                "Vega-Gentry",
                "East Jimmychester",
                "United States",
                "+1-360-693-4419x19272",
                "(650) 253-0000",
                "vmata@colon.com",
                "2021-04-23",
                "https://mccarty.com/",
            ],
            [
                "6F94879bDAfE5a6",
                "Roy",
                "Berry",
                "",
                "Isabelborough",
                "Deutschland",
                "030 1234567",
                "",
                "beckycarr@hogan.com",
                "2020-03-25",
                "",
            ],
            [
                "5Cef8BFA16c5e3c",
                "Linda",
                "Olsen",
                "Dominguez, Mcmillan and Donovan",
                "Bensonview",
                "Narnia",
                "",
                "",
                "stanleyblackwell@benson.org",
                "2020-06-02",
                "",
            ],
            [
                "053d585Ab6b3159",
                "Joanna",
                "Bender",
                "Martin, Lang and Andrade",
                "",
                "",
                "",
                "",
                "not-an-email",
                "2021-04-17",
                "",
            ],
            [
                "2d08FB17EE273F4",
                "Aimee",
                "Downs",
                "Steele Group",
                "",
                "",
                "",
                "",
                "bonnie69@example.org",
                "2020-02-14",
                "",
            ],
        ],
    )
    result = _invoke(runner, "customers", str(path), "--tenant", acme.name)
    assert result.exit_code == 1, result.output
    assert (
        "Columns: Customer Id -> code, First Name -> contact_first_name, Last Name -> "
        "contact_last_name, Company -> name, City -> billing_city, Country -> "
        "billing_country, Phone 1 -> phone, Phone 2 -> contact_phone, Email -> email, "
        "Website -> website"
    ) in result.output
    assert "Not imported: Subscription Date" in result.output
    assert "5 created, 0 updated, 0 unchanged, 1 failed. 2 imported with warnings" in result.output
    assert "row 6: Email: “not-an-email” is not a valid email address." in result.output
    with db_session() as s, tenant_scope(acme.id):
        found = _customers(s)
        chile = found["zunigavanessa@smith.info"]
        assert (chile.name, chile.code, chile.country, chile.city) == (
            "Rasmussen Group",
            "DD37Cf93aecA6Dc",
            "CL",
            "East Leonard",
        )
        assert chile.phone == "229.077.5154"  # not a Chilean number: kept as typed, warned
        assert [(c.name, c.phone) for c in chile.contacts] == [
            ("Sheryl Baxter", "397.884.0519x718")
        ]
        assert [(a.kind, a.line1, a.city, a.country) for a in chile.addresses] == [
            ("billing", None, "East Leonard", "CL")
        ]
        us = found["vmata@colon.com"]
        assert (us.country, us.phone) == ("US", "+13606934419 ext. 19272")
        assert us.contacts[0].phone == "+16502530000"
        roy = found["beckycarr@hogan.com"]
        assert (roy.name, roy.country, roy.phone) == ("Roy Berry", "DE", "+49301234567")
        narnia = found["stanleyblackwell@benson.org"]
        assert (narnia.country, narnia.addresses) == (None, [])
        assert found["bonnie69@example.org"].addresses == []
        run = s.scalar(select(ImportRun))
        assert (run.created_count, run.failed_count, run.warning_count) == (5, 1, 2)
    assert "row 5: warning: Country: “Narnia” is not a known country code. Left empty." in (
        result.output
    )
    assert "row 2: warning: Phone 1: “229.077.5154” is not a valid phone number" in result.output


def test_datablist_organizations_import_as_companies_with_country_names(
    app, acme, runner, tmp_path, db_session
):
    path = import_files.csv_file(
        tmp_path / "organizations-100.csv",
        [
            DATABLIST_ORGANIZATIONS,
            [
                "1",
                "FAB0d41d5b5d22c",
                "Ferrell LLC",
                "https://price.net/",
                "Papua New Guinea",
                "Horizontal empowering knowledgebase",
                "1990",
                "Plastics",
                "3498",
            ],
            [
                "2",
                "6A7EdDEA9FaDC52",
                "Mckinney, Riley and Day",
                "http://www.hall-buchanan.info/",
                "Finland",
                "User-centric system-worthy leverage",
                "2015",
                "Glass / Ceramics / Concrete",
                "4952",
            ],
            [
                "3",
                "0bFED1ADAE4bcC1",
                "Hester Ltd",
                "http://sullivan-reed.com/",
                "China",
                "Switchable scalable moratorium",
                "1971",
                "Public Safety",
                "5287",
            ],
        ],
    )
    result = _invoke(runner, "companies", str(path), "--tenant", acme.name)
    assert result.exit_code == 0, result.output
    assert "3 created, 0 updated, 0 unchanged, 0 failed." in result.output
    assert "Not imported: Index, Organization Id, Founded, Number of employees" in result.output
    with db_session() as s, tenant_scope(acme.id):
        assert sorted(s.execute(select(Company.name, Company.country)).all()) == [
            ("Ferrell LLC", "PG"),
            ("Hester Ltd", "CN"),
            ("Mckinney, Riley and Day", "FI"),
        ]


def test_map_option_overrides_the_guess(app, acme, runner, tmp_path, db_session):
    path = import_files.csv_file(
        tmp_path / "c.csv",
        [
            DATABLIST_CUSTOMERS,
            [
                "A1",
                "Sheryl",
                "Baxter",
                "Rasmussen Group",
                "",
                "",
                "",
                "+1 650 253 0000",
                "s@rasmussen.example",
                "2020-08-24",
                "",
            ],
        ],
    )
    result = _invoke(
        runner,
        "customers",
        str(path),
        "--tenant",
        acme.name,
        "--map",
        "Subscription Date=notes",
        "--map",
        "phone 2=",
        "--map",
        "Customer Id=",
    )
    assert result.exit_code == 0, result.output
    assert "Subscription Date -> notes" in result.output
    assert "Not imported: Customer Id, Phone 2\n" in result.output
    with db_session() as s, tenant_scope(acme.id):
        customer = s.scalar(select(Customer))
        assert (customer.notes, customer.code[:1]) == ("2020-08-24", "C")
        assert customer.contacts[0].phone is None
    bad = _invoke(runner, "customers", str(path), "--tenant", acme.name, "--map", "Fax=phone")
    assert bad.exit_code == 1 and "The file has no column “Fax”" in bad.output


def test_phones_without_country_code_are_read_in_the_default_country(
    app, acme, runner, tmp_path, db_session
):
    rows = [["Name", "Email", "Phone"], ["London Ltd", "ldn@x.example", "020 7946 0958"]]
    path = import_files.csv_file(tmp_path / "p.csv", rows)
    result = _invoke(runner, "customers", str(path), "--tenant", acme.name)
    # The organisation speaks English and set no country: read as a US number, which
    # it is not; imported as typed with a warning.
    assert result.exit_code == 0 and "1 imported with warnings" in result.output
    _set_default_country(app, acme, "GB")
    result = _invoke(runner, "customers", str(path), "--tenant", acme.name)
    assert result.exit_code == 0 and "1 updated" in result.output
    assert "warning" not in result.output
    with db_session() as s, tenant_scope(acme.id):
        assert s.scalar(select(Customer.phone)) == "+442079460958"


def test_masked_placeholder_of_a_members_export_keeps_the_stored_value(
    app, acme, runner, tmp_path, db_session
):
    factories.customer(
        app, acme, "Hidden Figures Ltd", email="hf@x.example", credit_limit=Decimal("5000")
    )
    path = import_files.csv_file(
        tmp_path / "member-export.csv",
        [
            ["Name", "Email", "Credit limit", "Discount %"],
            ["Hidden Figures Ltd", "hf@x.example", "hidden", "7"],
        ],
    )
    result = _invoke(runner, "customers", str(path), "--tenant", acme.name)
    assert result.exit_code == 0 and "1 updated" in result.output, result.output
    assert "warning" not in result.output
    with db_session() as s, tenant_scope(acme.id):
        customer = s.scalar(select(Customer))
        assert (customer.credit_limit, customer.discount_rate) == (
            Decimal("5000.00"),
            Decimal("7.00"),
        )


def test_default_country_follows_the_default_language_until_set_on_the_settings_screen(
    app, acme, acme_admin, browser
):
    with app.app_context(), tenant_scope(acme.id):
        assert crm_settings.get_setting(db.session, "default_country") == "US"
        crm_settings.save_settings(db.session, {"default_locale": "de"})
        assert crm_settings.get_setting(db.session, "default_country") == "DE"
        db.session.remove()
    b = browser(acme_admin)
    page = b.get("/crm-settings/").get_data(as_text=True)
    # The organisation now speaks German, so the page does too: find the field by its name.
    assert 'name="default_country"' in page and '<option selected value="DE">' in page
    form = {"kanban_page_size": "20", "default_deal_currency": "EUR"}
    assert b.post("/crm-settings/", {**form, "default_country": "FR"}).status_code == 302
    refused = b.post("/crm-settings/", {**form, "default_country": "Narnia"})
    # The page speaks the organisation's language, German now.
    assert refused.status_code == 422 and "„Narnia“ ist kein" in refused.get_data(as_text=True)
    with app.app_context(), tenant_scope(acme.id):
        assert crm_settings.get_setting(db.session, "default_country") == "FR"
        db.session.remove()


def test_customer_form_keeps_a_phone_extension(app, acme_admin, browser, db_session):
    b = browser(acme_admin)
    r = b.post(
        "/customers/add",
        {
            "kind": "company",
            "name": "Ext Co",
            "email": "ext@x.example",
            "currency": "EUR",
            "discount_rate": "0",
            "phone": "+1-360-693-4419x19272",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    with db_session() as s:
        assert s.scalar(select(Customer.phone)) == "+13606934419 ext. 19272"
    r = b.post(
        "/customers/add",
        {
            "kind": "company",
            "name": "Ext Co 2",
            "email": "ext2@x.example",
            "currency": "EUR",
            "discount_rate": "0",
            "phone": "+13606934419 ext. 19272",
        },
    )
    assert r.status_code == 302


def test_screens_list_warnings_in_the_preview_the_history_and_the_report(
    app, acme, acme_manager, browser, tmp_path, db_session
):
    from tests.integration.test_import_screens import _upload, _wait

    path = import_files.csv_file(
        tmp_path / "warned.csv",
        [
            ["Name", "Email", "Country", "City"],
            ["Somewhere Ltd", "somewhere@x.example", "Narnia", "Cair Paravel"],
            ["Paris SARL", "paris@x.example", "Frankreich", "Paris"],
        ],
    )
    b = browser(acme_manager)
    run_id = int(_upload(b, path).headers["Location"].rstrip("/").rsplit("/", 1)[1])
    page = b.get(f"/import/preview/{run_id}").get_data(as_text=True)
    assert "2 to create" in page and "0 with errors" in page and "1 with warnings" in page
    assert "“Narnia” is not a known country code. Left empty." in page
    b.post(f"/import/run/{run_id}", {"mode": "valid_rows"})
    status = _wait(b, run_id)
    assert (status["created"], status["failed"], status["warnings"]) == (2, 0, 1)
    assert "1 imported with warnings" in status["message"]
    history = b.get("/import-history/").get_data(as_text=True)
    assert f"/import-history/report/{run_id}" in history
    rows = import_files.read_xlsx(b.get(f"/import-history/report/{run_id}").data)
    assert rows[0][-3:] == ["Row", "Errors", "Warnings"]
    assert [row[0] for row in rows[1:]] == ["Somewhere Ltd"]
    assert "An address needs a city and a country" in rows[1][-1]
    with db_session() as s:
        paris = s.scalar(select(Customer).where(Customer.email == "paris@x.example"))
        assert (paris.city, paris.country) == ("Paris", "FR")
