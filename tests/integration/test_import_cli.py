"""flask crm import: real files (xlsx, ods, cp1252 csv), every row rule, updates by email,
in-file duplicates, formula-looking text, the error report, revert and exit codes."""

from decimal import Decimal

from sqlalchemy import select

from crm.models import AuditEntry, Company, Customer, ImportItem, ImportRun, Lead
from crm.security.tenancy import tenant_scope
from crm.services.bulk.imports import revert as revert_rules
from tests.integration import import_files

HEAD = [
    "Customer Name",
    "E-mail",
    "VAT no.",
    "Country",
    "Phone",
    "Discount",
    "Credit limit",
    "Currency",
    "Contact",
    "Street",
    "City",
    "Zip",
    "Payment terms",
]


def _rows():
    return [
        HEAD,
        [
            "Müller Maschinenbau",
            "info@mueller.example",
            "DE136695976",
            "DE",
            "030 1234567",
            "5,5",
            "1.234,50",
            "eur",
            "Anna Müller",
            "Hauptstraße 1",
            "Berlin",
            "10115",
            "Net 30",
        ],
        ["", "no-name@x.example", "", "", "", "", "", "", "", "", "", "", ""],
        ["No email", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["Bad email", "not-an-email", "", "", "", "", "", "", "", "", "", "", ""],
        ["Bad tax", "tax@x.example", "DE123456789", "", "", "", "", "", "", "", "", "", ""],
        ["Bad country", "country@x.example", "", "XX", "", "", "", "", "", "", "", "", ""],
        ["Bad currency", "ccy@x.example", "", "", "", "", "", "ZZZ", "", "", "", "", ""],
        ["Bad number", "num@x.example", "", "", "", "lots", "-5", "", "", "", "", "", ""],
        ["Bad phone", "phone@x.example", "", "", "12", "", "", "", "", "", "", "", ""],
        ["Half address", "addr@x.example", "", "", "", "", "", "", "", "Street 9", "", "", ""],
        ["Unknown term", "term@x.example", "", "", "", "", "", "", "", "", "", "", "Net 999"],
        ["Dupe", " INFO@Mueller.example ", "", "", "", "", "", "", "", "", "", "", ""],
        [
            '=HYPERLINK("http://evil.example")',
            "formula@x.example",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ]


def _invoke(runner, *args):
    return runner.invoke(args=["crm", "import", *args])


def test_xlsx_import_fails_unusable_rows_and_warns_on_the_rest(
    app, acme, runner, tmp_path, db_session
):
    """Only a missing name or email, a bad email and a repeated email fail a row; every
    other refused value is a warning on a row that is imported."""
    path = import_files.xlsx(tmp_path / "customers.xlsx", _rows(), text_cells={(14, 1)})
    report = tmp_path / "errors.xlsx"
    result = _invoke(
        runner, "customers", str(path), "--tenant", acme.name, "--error-report", str(report)
    )
    assert result.exit_code == 1, result.output
    assert "9 created, 0 updated, 0 unchanged, 4 failed. 7 imported with warnings" in result.output
    assert "row 10: warning: Phone: “12” is not" in result.output

    rows = import_files.read_xlsx(str(report))
    assert rows[0] == HEAD + ["Row", "Errors", "Warnings"]
    errors = {row[1]: row[-2] for row in rows[1:]}
    warnings = {row[1]: row[-1] for row in rows[1:]}
    assert errors["no-name@x.example"] == "Customer Name: Name is required."
    assert "E-mail: Email is required." in errors[None]
    assert "“not-an-email” is not a valid email address" in errors["not-an-email"]
    assert "info@mueller.example is also on row 2 of this file" in errors["INFO@Mueller.example"]
    assert "“DE123456789” is not a valid VAT number (EU). Left empty." in warnings["tax@x.example"]
    assert "“XX” is not a known country code" in warnings["country@x.example"]
    assert "“ZZZ” is not an ISO 4217 currency code" in warnings["ccy@x.example"]
    assert "Discount: “lots” is not a number" in warnings["num@x.example"]
    assert "Credit limit: Enter zero or a positive amount" in warnings["num@x.example"]
    assert "Phone: “12” is not a valid phone number" in warnings["phone@x.example"]
    assert "Imported as typed" in warnings["phone@x.example"]
    assert "City: An address needs a city and a country" in warnings["addr@x.example"]
    assert "There is no payment terms named “Net 999”" in warnings["term@x.example"]
    assert [row[-3] for row in rows[1:]] == list(range(3, 14))
    assert all(row[-1] is None for row in rows[1:] if row[-2])

    with db_session() as s, tenant_scope(acme.id):
        warned = {
            c.email: c
            for c in s.scalars(select(Customer).where(Customer.email.like("%@x.example")))
        }
        assert set(warned) == {
            "tax@x.example",
            "country@x.example",
            "ccy@x.example",
            "num@x.example",
            "phone@x.example",
            "addr@x.example",
            "term@x.example",
            "formula@x.example",
        }
        assert warned["phone@x.example"].phone == "12"
        assert warned["tax@x.example"].tax_number is None
        assert (warned["num@x.example"].discount_rate, warned["num@x.example"].credit_limit) == (
            Decimal("0"),
            None,
        )
        assert warned["ccy@x.example"].currency == "EUR"
        assert warned["addr@x.example"].addresses == []
        assert warned["country@x.example"].addresses == []
        run = s.scalar(select(ImportRun))
        assert (run.created_count, run.failed_count, run.warning_count) == (9, 4, 7)
    with db_session() as s, tenant_scope(acme.id):
        customer = s.scalar(select(Customer).where(Customer.email == "info@mueller.example"))
        assert customer.name == "Müller Maschinenbau"
        assert (customer.tax_regime, customer.tax_number) == ("VAT", "DE136695976")
        assert customer.phone == "+49301234567"
        assert customer.discount_rate == Decimal("5.50")
        assert customer.credit_limit == Decimal("1234.50")
        assert customer.currency == "EUR"
        assert customer.payment_term.name == "Net 30"
        assert (customer.city, customer.country) == ("Berlin", "DE")
        assert customer.code.startswith("C")
        assert (
            "müller maschinenbau" in customer.search_text and "de136695976" in customer.search_text
        )
        assert [(c.name, c.is_primary) for c in customer.contacts] == [("Anna Müller", True)]
        assert [(a.kind, a.line1, a.postal_code, a.is_default) for a in customer.addresses] == [
            ("billing", "Hauptstraße 1", "10115", True)
        ]
        formula = s.scalar(select(Customer).where(Customer.email == "formula@x.example"))
        assert formula.name == '=HYPERLINK("http://evil.example")'
        run = s.scalar(select(ImportRun))
        assert (run.status, run.created_count, run.failed_count) == ("done", 9, 4)
        actions = s.execute(select(AuditEntry.entity, AuditEntry.action)).all()
        assert actions.count(("customer", "create")) == 9
        assert ("contact", "create") in actions and ("address", "create") in actions
        assert actions.count(("import_run", "import")) == 1


def test_dry_run_writes_nothing_and_counts(app, acme, runner, tmp_path, db_session):
    path = import_files.xlsx(tmp_path / "c.xlsx", _rows(), text_cells={(14, 1)})
    report = tmp_path / "dry.xlsx"
    result = _invoke(
        runner,
        "customers",
        str(path),
        "--tenant",
        acme.name,
        "--dry-run",
        "--error-report",
        str(report),
    )
    assert result.exit_code == 1
    assert (
        "9 to create, 0 to update, 4 failed, 7 with warnings; nothing was written" in result.output
    )
    assert len(import_files.read_xlsx(str(report))) == 12
    with db_session() as s:
        assert s.scalar(select(Customer.id)) is None
        assert s.scalar(select(ImportRun.id)) is None


def test_cp1252_semicolon_csv_updates_by_email_and_reverts(app, acme, runner, tmp_path, db_session):
    first = import_files.csv_file(
        tmp_path / "first.csv",
        [
            ["Name", "Email", "Ville", "Pays", "Rue", "Téléphone"],
            [
                "Société Générale Café",
                "contact@cafe.example",
                "Paris",
                "FR",
                "1 rue de Rivoli",
                "01 42 68 53 00",
            ],
        ],
        encoding="cp1252",
        delimiter=";",
    )
    assert _invoke(runner, "customers", str(first), "--tenant", acme.name).exit_code == 0
    second = import_files.csv_file(
        tmp_path / "second.csv",
        [
            ["Name", "Email", "Ville", "Pays", "Rue"],
            [
                "Société Générale Café SA",
                " CONTACT@cafe.example",
                "Lyon",
                "FR",
                "2 rue de la République",
            ],
            ["Neuer Kunde", "neu@kunde.example", "", "", ""],
        ],
        encoding="cp1252",
        delimiter=";",
    )
    result = _invoke(runner, "customers", str(second), "--tenant", acme.name)
    assert result.exit_code == 0, result.output
    assert "1 created, 1 updated" in result.output
    with db_session() as s, tenant_scope(acme.id):
        customers = s.scalars(select(Customer).order_by(Customer.id)).all()
        assert [c.name for c in customers] == ["Société Générale Café SA", "Neuer Kunde"]
        cafe = customers[0]
        assert cafe.phone == "+33142685300"
        assert (cafe.city, [a.line1 for a in cafe.addresses]) == (
            "Lyon",
            ["2 rue de la République"],
        )
        run = s.scalar(select(ImportRun).order_by(ImportRun.id.desc()))
        items = s.execute(
            select(ImportItem.action, ImportItem.previous).where(ImportItem.import_run_id == run.id)
        ).all()
        assert sorted(a for a, _ in items) == ["created", "updated"]
        assert revert_rules.revert(s, run) == []
    with db_session() as s, tenant_scope(acme.id):
        customers = s.scalars(select(Customer).order_by(Customer.id)).all()
        assert [(c.name, c.is_active) for c in customers] == [
            ("Société Générale Café", True),
            ("Neuer Kunde", False),
        ]
        assert customers[0].city == "Paris"
        assert [a.line1 for a in customers[0].addresses] == ["1 rue de Rivoli"]
        assert s.scalar(select(ImportRun).order_by(ImportRun.id.desc())).status == "reverted"
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "revert")) is not None
        assert (
            s.scalar(
                select(AuditEntry).where(
                    AuditEntry.entity == "customer", AuditEntry.action == "archive"
                )
            )
            is not None
        )


def test_a_latin_1_list_whose_only_text_column_is_unrecognised_is_refused(
    app, acme, runner, tmp_path, db_session
):
    """Shaped like Paris's open-data list of first names (ISO-8859-15, semicolons): its
    "nombre" (a count) is not taken for the name, so no record is named by a number."""
    path = import_files.csv_file(
        tmp_path / "prenoms.csv",
        [
            ["prenoms", "nombre", "sexe", "annee"],
            ["Adèle", "67", "F", "2004"],
            ["Anaïs", "58", "F", "2004"],
            ["Noé", "41", "M", "2004"],
        ],
        encoding="iso-8859-15",
        delimiter=";",
    )
    for entity in ("companies", "customers"):
        result = _invoke(runner, entity, str(path), "--tenant", acme.name)
        assert result.exit_code == 1, result.output
        assert "No column is mapped to Name" in result.output, result.output
    with db_session() as s:
        assert s.scalar(select(Company.id)) is None
        assert s.scalar(select(Customer.id)) is None


def test_headings_with_another_programs_field_codes_import(app, acme, runner, tmp_path, db_session):
    """Dolibarr's import files: "Label* (table.field)" headings, semicolons, Windows-1252."""
    path = import_files.csv_file(
        tmp_path / "societes.csv",
        [
            [
                "Name* (s.nom)",
                "Status (s.status)",
                "Address (s.address)",
                "Zip (s.cp)",
                "Town (s.ville)",
                "Email (s.email)",
            ],
            [
                "Fromagerie Müller & Frères",
                "1",
                "3 rue de l'Église",
                "1204",
                "Genève",
                "contact@fromagerie.example",
            ],
            ["Ærø Skibsværft", "1", "", "", "Århus", ""],
        ],
        encoding="cp1252",
        delimiter=";",
    )
    result = _invoke(runner, "companies", str(path), "--tenant", acme.name)
    assert result.exit_code == 0, result.output
    with db_session() as s, tenant_scope(acme.id):
        companies = s.scalars(select(Company).order_by(Company.id)).all()
        assert [(c.name, c.city) for c in companies] == [
            ("Fromagerie Müller & Frères", "Genève"),
            ("Ærø Skibsværft", "Århus"),
        ]
        assert (companies[0].street, companies[0].postal_code, companies[0].office_email) == (
            "3 rue de l'Église",
            "1204",
            "contact@fromagerie.example",
        )


def test_ods_companies_and_leads(app, acme, runner, tmp_path, db_session):
    companies = import_files.ods(
        tmp_path / "companies.ods",
        [
            ["Firma", "E-Mail", "Land", "Ort"],
            ["Globex Holding", "office@globex-holding.example", "DE", "München"],
            ["", "office@bad.example", "Narnia", ""],
        ],
    )
    result = _invoke(runner, "companies", str(companies), "--tenant", acme.name)
    assert result.exit_code == 1
    assert "1 created, 0 updated, 0 unchanged, 1 failed" in result.output
    leads = import_files.csv_file(
        tmp_path / "leads.csv",
        [
            ["Title", "Email", "Value", "Source", "Status"],
            ["Fleet renewal", "jean@example.com", "12 000,50", "Referral", ""],
            ["Converted by hand", "conv@example.com", "", "", "Converted"],
        ],
    )
    result = _invoke(runner, "leads", str(leads), "--tenant", acme.name, "--all-or-nothing")
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output
    with db_session() as s:
        assert s.scalar(select(Company.name)) == "Globex Holding"
        assert s.scalar(select(Lead.id)) is None
    import_files.csv_file(
        leads,
        [
            ["Title", "Email", "Value", "Source"],
            ["Fleet renewal", "jean@example.com", "12 000,50", "Referral"],
        ],
    )
    assert _invoke(runner, "leads", str(leads), "--tenant", acme.name).exit_code == 0
    with db_session() as s, tenant_scope(acme.id):
        lead = s.scalar(select(Lead))
        assert (lead.value, lead.source.name, lead.status.name) == (
            Decimal("12000.50"),
            "Referral",
            "New",
        )


def test_unknown_tenant_and_unreadable_file_exit_with_1(app, acme, runner, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a spreadsheet")
    assert _invoke(runner, "customers", str(path), "--tenant", "Nowhere").exit_code == 1
    result = _invoke(runner, "customers", str(path), "--tenant", acme.name)
    assert result.exit_code == 1 and "could not be read" in result.output
