"""An import's tax numbers follow the same rule as the customer form's: the number becomes
the customer's registration used on invoices, its other registrations stay."""

from sqlalchemy import select

from crm.extensions import db
from crm.models import Customer
from crm.security.tenancy import tenant_scope
from tests import factories
from tests.integration import import_files
from tests.integration.test_tax_registrations import GSTIN, PAN, registrations


def test_imported_numbers_become_registrations(app, acme, runner, tmp_path):
    kept = factories.customer(
        app,
        acme,
        "Kochi Spices",
        email="kochi@spices.example",
        tax_regime="GSTIN",
        tax_number=GSTIN,
    )
    sheet = import_files.csv_file(
        tmp_path / "customers.csv",
        [
            ["Name", "Email", "Tax regime", "Tax number"],
            ["Kochi Spices", "kochi@spices.example", "PAN", PAN],
            ["Vienna Coffee", "vienna@coffee.example", "VAT", "ATU13585627"],
        ],
    )
    result = runner.invoke(args=["crm", "import", "customers", str(sheet), "--tenant", acme.name])
    assert result.exit_code == 0, result.output
    assert "1 created, 1 updated" in result.output
    assert registrations(app, acme, kept) == (
        {"GSTIN": (GSTIN, False), "PAN": (PAN, True)},
        ("PAN", PAN),
    )
    with app.app_context(), tenant_scope(acme.id):
        new = db.session.scalar(select(Customer.id).where(Customer.name == "Vienna Coffee"))
        db.session.remove()
    assert registrations(app, acme, new) == (
        {"VAT": ("ATU13585627", True)},
        ("VAT", "ATU13585627"),
    )
