"""The real files of the import corpus (sources in tests/import-corpus.md) and what each one
should import, read from the file by the test itself: the csv module with the file's
known encoding, openpyxl for .xlsx, calamine for .xls and .ods."""

import csv
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

REPOSITORY = Path(__file__).resolve().parents[2]
# Third-party files stay out of this repository: shared/ beside the checkout holds them.
CORPUS_DIR = Path(
    os.environ.get("CRM_IMPORT_CORPUS_DIR") or REPOSITORY.parent / "shared" / "import-corpus"
)
# The bytes tests/import-corpus.md describes, file by file.
SHA256 = {
    "datablist-customers-100.csv": "f2147696392a019d768a11ff68bab8e8dec77b5af2c93e8e5d5e399bd7bba8b9",
    "northwind-customers.csv": "44be747753e374218df147a247e2a10b31bafe54942a769df392ff0ced66aaef",
    "odoo-customers-contacts.csv": "7a2f741875888250e80f774152e4a48e59bd7e39df36a4a4eebeece58d3d5410",
    "odoo-res-partner.csv": "1afb51c5c254c52c9a92ea95b2ebdb25486969f1cd8e086f8d099b233f6d7037",
    "premiere-utf-16le-bom.csv": "966468ab465d54215bc03a9f07ac2fbba48cf26d0e5570b997bad342cf382136",
    "premiere-utf-8-bom.csv": "f5647fe4933bbe0e4a42a6c9ebf3e7725f9cc2f143d2a5e348f911724400ebf7",
    "premiere-windows-1252.csv": "bfb7e48df0f93e1205a285075225ee4403540223246631f45aa12a8744919e0f",
    "employee-template-libreoffice.ods": "f082747bc0ed18012e3487a872914aa3b0d650315c91829c2cb5c6cb83cc5917",
    "sales-grid-title-row.xls": "2567f14411ed9b261fc139bc8e0e2a716aee11c992d7fe0cd20226dd7f098367",
    "users-excel-mac.xlsx": "1a9b13d92a89ad7775c98cb24618a9302a123bebdca9851fd1438104b08246ba",
    "users-libreoffice.xlsx": "b38159295a982309ac87a70f457e1884ef9b38bdebeadd707c9da36c0e4c5068",
}


def missing_files():
    return sorted(name for name in SHA256 if not (CORPUS_DIR / name).is_file())


def digest(name):
    return hashlib.sha256((CORPUS_DIR / name).read_bytes()).hexdigest()


# Syntactically valid, as a person would judge it: something@domain.tld.
VALID_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class CorpusFile:
    name: str
    entity: str
    # Where a record's name comes from: the first of these heading groups whose cells are
    # not all empty, joined by a space (customers: Name, else Company, else First + Last).
    name_from: tuple = ()
    email: str = ""
    encoding: str = "utf-8"
    heading_row: int = 1
    # Rows (as the file numbers them) that import with a warning, and why.
    warned_rows: dict = field(default_factory=dict)
    # Stored values of the records with a given name: {name: {attribute: value}}.
    spot_checks: dict = field(default_factory=dict)

    @property
    def path(self):
        return CORPUS_DIR / self.name


DATABLIST = CorpusFile(
    "datablist-customers-100.csv",
    "customers",
    name_from=(("Name",), ("Company",), ("First Name", "Last Name")),
    email="Email",
    warned_rows={2: "phone 229.077.5154 is not a Chilean number"},
    spot_checks={
        "Rasmussen Group": {
            "email": "zunigavanessa@smith.info",
            "city": "East Leonard",
            "country": "CL",
            "phone": "229.077.5154",
            "contacts": [("Sheryl Baxter", True)],
        }
    },
)
NORTHWIND = CorpusFile(
    "northwind-customers.csv",
    "companies",
    name_from=(("companyName",),),
    spot_checks={
        "Alfreds Futterkiste": {
            "city": "Berlin",
            "country": "DE",
            "postal_code": "12209",
            "street": "Obere Str. 57",
            "state": "",
        },
        "Around the Horn": {"country": "GB", "city": "London"},
        "Great Lakes Food Market": {"country": "US", "state": "OR"},
        "Antonio Moreno Taquería": {"city": "México D.F.", "country": "MX"},
    },
)
ODOO_PARTNERS = CorpusFile(
    "odoo-res-partner.csv",
    "companies",
    name_from=(("Name",),),
    warned_rows={2: "phone 123456789 is not a US number"},
    spot_checks={
        "Grocery Outlet": {
            "country": "US",
            "city": "San Francisco",
            "postal_code": "94107",
            "street": "51 Federal Street",
        },
        "Bob": {"country": "", "street": ""},
        "Warehouse": {"office_email": "bill@odoo.com", "country": "US"},
    },
)
ODOO_CONTACTS = CorpusFile(
    "odoo-customers-contacts.csv",
    "companies",
    name_from=(("Name",),),
    spot_checks={
        "Aurora Shelves": {
            "city": "San José",
            "country": "US",
            "postal_code": "95101",
            "street": "25 Pacific Road",
        }
    },
)
EXCEL_USERS = CorpusFile(
    "users-excel-mac.xlsx",
    "customers",
    name_from=(("name",),),
    email="email",
    spot_checks={"Patrick Brouwers": {"email": "patrick@maatwebsite.nl"}},
)
SALES_GRID = CorpusFile(
    "sales-grid-title-row.xls",
    "companies",
    name_from=(("Name",),),
    heading_row=2,
    warned_rows={12: "the second table's heading row has the country “Country”"},
    spot_checks={"Smith": {"country": "GB"}, "Johnson": {"country": "US"}},
)

# Files whose every named row (with a valid email, for customers) must be imported.
IMPORTED = (DATABLIST, NORTHWIND, ODOO_PARTNERS, ODOO_CONTACTS, EXCEL_USERS, SALES_GRID)

# Files without a column that names the record: refused, nothing stored.
LIBREOFFICE_USERS = CorpusFile("users-libreoffice.xlsx", "customers")
EMPLOYEE_TEMPLATE = CorpusFile("employee-template-libreoffice.ods", "customers", heading_row=4)
PREMIERE = tuple(
    CorpusFile(name, "companies", encoding=encoding)
    for name, encoding in (
        ("premiere-windows-1252.csv", "cp1252"),
        ("premiere-utf-16le-bom.csv", "utf-16"),
        ("premiere-utf-8-bom.csv", "utf-8-sig"),
    )
)
REFUSED = (LIBREOFFICE_USERS, EMPLOYEE_TEMPLATE, *PREMIERE)


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def numbered_rows(corpus_file):
    """[(row number as the file shows it, [cell text])], empty rows left out."""
    suffix = corpus_file.path.suffix
    if suffix == ".csv":
        with open(corpus_file.path, encoding=corpus_file.encoding, newline="") as handle:
            reader = csv.reader(handle)
            rows = [(reader.line_num, [cell.strip() for cell in row]) for row in reader]
    elif suffix == ".xlsx":
        sheet = openpyxl.load_workbook(corpus_file.path, read_only=True).worksheets[0]
        rows = [
            (number, [_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    else:
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(str(corpus_file.path)).get_sheet_by_index(0)
        rows = [
            (number, [_text(v) for v in values])
            for number, values in enumerate(sheet.to_python(skip_empty_area=False), start=1)
        ]
    return [(number, cells) for number, cells in rows if any(cells)]


def headings(corpus_file):
    return dict(numbered_rows(corpus_file))[corpus_file.heading_row]


def _record_name(cells, column, name_from):
    for group in name_from:
        parts = [cells[column[h]] for h in group if h in column and column[h] < len(cells)]
        if any(parts):
            return " ".join(part for part in parts if part)
    return ""


def row_names(corpus_file):
    """{row number: the name of the record the row gives, or ""} for the rows under the headings."""
    column = {}
    for index, heading in enumerate(headings(corpus_file)):
        column.setdefault(heading, index)
    return {
        number: _record_name(cells, column, corpus_file.name_from)
        for number, cells in numbered_rows(corpus_file)
        if number > corpus_file.heading_row
    }


def expected_names(corpus_file):
    """The names of the records the file should give, one per row that carries a name
    (and, for customers, a valid email not already on an earlier row)."""
    rows = dict(numbered_rows(corpus_file))
    email_column = headings(corpus_file).index(corpus_file.email) if corpus_file.email else None
    names, emails = [], set()
    for number, name in row_names(corpus_file).items():
        if not name:
            continue
        if corpus_file.entity == "customers":
            email = rows[number][email_column].lower()
            if not VALID_EMAIL.match(email) or email in emails:
                continue
            emails.add(email)
        names.append(name)
    return names
