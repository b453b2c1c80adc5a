#!/usr/bin/env python
"""How fast the customer list answers with a million customers in one tenant.

Builds a fresh database through the app's migrations, loads customers in bulk,
signs in through the real login form and times the pages a user opens (and the
JSON API), through the Flask test client: the same view, query, filter and
template code a browser reaches, without a network or a WSGI server. Prints the
median and p90 per case, the part spent executing SQL, and the target; every
answer is checked against plain SQL (rows, capped count, tenant).

    .venv/bin/python benchmarks/list_customers.py                      # SQLite in a temp dir
    .venv/bin/python benchmarks/list_customers.py --sqlite /tmp/b.db   # keep the SQLite file
    .venv/bin/python benchmarks/list_customers.py \
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench   # drops that public schema!
    --customers N    customers for the measured tenant (default 1,000,000)
    --reuse          keep the database the previous run built at --sqlite/--postgres
    --sql            print each case's SQL with timings (and EXPLAIN) once
    --profile CASE   cProfile one case (e.g. html-search) and print the top functions

Not a test: run it on demand (``make bench``).
"""

import argparse
import cProfile
import datetime as dt
import importlib.util
import io
import math
import os
import pstats
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import prison  # noqa: E402
from sqlalchemy import create_engine, event, select, text  # noqa: E402

from app import create_app  # noqa: E402
from config import Config  # noqa: E402
from crm.extensions import db  # noqa: E402

TENANT = "Bench Trading"
OTHER_TENANT = "Other Tenant Industries"
OTHER_MARKER = "other-tenant"  # in every email of the other tenant: must never show up
USERNAME, PASSWORD = "bench-admin", "bench-pass-2026"
OTHER_CUSTOMERS = 5_000
ARCHIVED_SHARE = 0.04
BATCH = 20_000
SEARCH_TERM = "schneider"  # a common surname: about 1.5 % of the customers
RARE_TERM = "kowalczyk"  # a rarer surname: about 0.2 %
DEEP_PAGE = 800  # 800 x 25 = 20,000 rows deep
TARGETS = {"first": 50, "deep": 100, "search": 50}

FIRST_NAMES = (
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elif",
    "Felix",
    "Grace",
    "Hannah",
    "Ivan",
    "Julia",
    "Karim",
    "Lena",
    "Marco",
    "Nina",
    "Oliver",
    "Priya",
    "Quentin",
    "Rosa",
    "Samir",
    "Tara",
    "Umar",
    "Vera",
    "William",
    "Xenia",
    "Yusuf",
    "Zoe",
    "Adam",
    "Beatriz",
    "Carlos",
    "Dana",
    "Emil",
    "Fatima",
    "Georg",
    "Helena",
    "Isaac",
    "Jonas",
    "Katarzyna",
    "Lars",
    "Maria",
    "Niklas",
    "Olga",
    "Pablo",
    "Rahul",
    "Sofia",
    "Thomas",
    "Ulrike",
    "Viktor",
    "Wei",
    "Yara",
    "Zeynep",
    "Aisha",
    "Bjorn",
    "Chiara",
    "Dmitri",
    "Elena",
    "Francesca",
    "Gabriel",
    "Hugo",
    "Ines",
    "Jakob",
    "Kenji",
    "Laura",
    "Mateo",
    "Noah",
    "Paula",
    "Rafael",
    "Sara",
    "Tobias",
    "Valentina",
    "Mia",
    "Luca",
    "Emma",
    "Leon",
    "Amelie",
    "Finn",
    "Sophie",
    "Paul",
    "Charlotte",
    "Max",
    "Lina",
    "Anton",
    "Ida",
    "Jan",
    "Marie",
    "Henrik",
    "Astrid",
    "Pieter",
    "Sanne",
    "Joost",
    "Femke",
    "Louis",
    "Camille",
    "Arthur",
    "Chloe",
    "Jack",
    "Amelia",
    "Harry",
    "Isla",
    "George",
    "Freya",
    "James",
    "Lily",
)
LAST_NAMES = (
    "Schneider",
    "Okafor",
    "Dubois",
    "Jansen",
    "Miller",
    "Kowalski",
    "Rossi",
    "Nguyen",
    "Fischer",
    "Bakker",
    "Martin",
    "Patel",
    "Walsh",
    "Lindqvist",
    "Moreau",
    "Hughes",
    "Muller",
    "Schmidt",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schroder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Kruger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Leroy",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Girard",
    "DeJong",
    "DeVries",
    "VanDijk",
    "Visser",
    "Smit",
    "Meijer",
    "DeBoer",
    "Mulder",
    "DeGroot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "VanLeeuwen",
    "Dekker",
    "Brouwer",
    "Ferrari",
    "Russo",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "Costa",
    "Nowak",
    "Wisniewski",
    "Wojcik",
    "Kowalczyk",
    "Kaminski",
    "Lewandowski",
    "Zielinski",
    "Szymanski",
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Yilmaz",
    "Kaya",
    "Demir",
    "Sahin",
    "Celik",
    "Yildiz",
    "Ozturk",
    "Aydin",
    "Kumar",
    "Singh",
    "Sharma",
    "Gupta",
    "Tanaka",
    "Suzuki",
    "Sato",
    "Watanabe",
    "Chen",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Yang",
    "Huang",
    "Silva",
    "Santos",
    "Oliveira",
    "Pereira",
)
COMPANY_STEMS = (
    "Aldercrest",
    "Bluewater",
    "Copperfield",
    "Danforth",
    "Eastgate",
    "Fairmont",
    "Greystone",
    "Harborview",
    "Ironbridge",
    "Juniper",
    "Kingsway",
    "Lakeshore",
    "Meridian",
    "Northfield",
    "Oakridge",
    "Pinecrest",
    "Quayside",
    "Redwood",
    "Silverline",
    "Thornbury",
    "Upland",
    "Valemont",
    "Westbrook",
    "Yarrow",
    "Zenith",
    "Brightwell",
    "Castlerock",
    "Dovetail",
    "Amberly",
    "Beacon",
    "Cedarline",
    "Driftwood",
    "Elmstead",
    "Foxglove",
    "Goldcrest",
    "Hollowell",
    "Ivywood",
    "Jasper",
    "Kestrel",
    "Larkspur",
    "Millbrook",
    "Nightingale",
    "Orchard",
    "Primrose",
    "Quarry",
    "Riverside",
    "Stonegate",
    "Tidewater",
    "Unity",
    "Vantage",
    "Whitfield",
    "Apex",
    "Summit",
    "Horizon",
    "Pioneer",
    "Atlas",
    "Nordic",
    "Alpine",
    "Baltic",
    "Rhine",
    "Danube",
    "Elbe",
    "Thames",
    "Seine",
    "Maas",
    "Lumen",
    "Vector",
    "Quantum",
    "Helix",
    "Nova",
    "Orbit",
    "Polaris",
    "Sterling",
    "Crown",
    "Anchor",
    "Compass",
    "Harbour",
    "Keystone",
    "Lighthouse",
    "Mosaic",
)
COMPANY_KINDS = (
    "Logistics",
    "Foods",
    "Engineering",
    "Textiles",
    "Pharma",
    "Electronics",
    "Builders",
    "Packaging",
    "Motors",
    "Furniture",
    "Paper",
    "Chemicals",
    "Retail",
    "Consulting",
    "Trading",
    "Systems",
    "Solutions",
    "Industries",
    "Metals",
    "Plastics",
    "Energy",
    "Software",
    "Optics",
    "Medical",
    "Supplies",
    "Tools",
    "Freight",
    "Brewery",
    "Bakery",
    "Printing",
    "Marine",
    "Aerospace",
    "Agrar",
    "Hydraulics",
    "Automation",
    "Security",
    "Media",
    "Design",
    "Labs",
)
SUFFIXES = {
    "DE": ("GmbH", "AG", "KG"),
    "GB": ("Ltd", "PLC"),
    "US": ("Inc.", "LLC", "Corp."),
    "FR": ("SARL", "SA", "SAS"),
    "NL": ("B.V.", "N.V."),
    "IT": ("S.r.l.", "S.p.A."),
    "PL": ("Sp. z o.o.",),
    "SE": ("AB",),
}
CITIES = {
    "DE": (
        ("Berlin", "+4930", 8),
        ("Hamburg", "+4940", 8),
        ("Munich", "+4989", 8),
        ("Cologne", "+49221", 7),
        ("Frankfurt", "+4969", 8),
        ("Stuttgart", "+49711", 7),
        ("Leipzig", "+49341", 7),
        ("Dresden", "+49351", 7),
        ("Bremen", "+49421", 7),
    ),
    "GB": (
        ("London", "+4420", 8),
        ("Manchester", "+44161", 7),
        ("Birmingham", "+44121", 7),
        ("Leeds", "+44113", 7),
        ("Glasgow", "+44141", 7),
        ("Bristol", "+44117", 7),
    ),
    "US": (
        ("New York", "+1212", 7),
        ("Chicago", "+1312", 7),
        ("Boston", "+1617", 7),
        ("Seattle", "+1206", 7),
        ("Austin", "+1512", 7),
        ("Denver", "+1303", 7),
    ),
    "FR": (
        ("Paris", "+331", 8),
        ("Lyon", "+334", 8),
        ("Marseille", "+334", 8),
        ("Toulouse", "+335", 8),
        ("Lille", "+333", 8),
    ),
    "NL": (
        ("Amsterdam", "+3120", 7),
        ("Rotterdam", "+3110", 7),
        ("Utrecht", "+3130", 7),
        ("Eindhoven", "+3140", 7),
    ),
    "IT": (("Milan", "+3902", 8), ("Rome", "+3906", 8), ("Turin", "+39011", 7)),
    "PL": (("Warsaw", "+4822", 7), ("Krakow", "+4812", 7), ("Gdansk", "+4858", 7)),
    "SE": (("Stockholm", "+468", 8), ("Gothenburg", "+4631", 7), ("Malmo", "+4640", 7)),
}
COUNTRY_WEIGHTS = {"DE": 30, "GB": 15, "US": 15, "FR": 12, "NL": 10, "IT": 8, "PL": 5, "SE": 5}
CURRENCIES = {
    "DE": "EUR",
    "GB": "GBP",
    "US": "USD",
    "FR": "EUR",
    "NL": "EUR",
    "IT": "EUR",
    "PL": "PLN",
    "SE": "SEK",
}
INDUSTRIES = (
    "Manufacturing",
    "Wholesale",
    "Retail",
    "Construction",
    "Healthcare",
    "Transport",
    "Hospitality",
    "Technology",
)
# As the demo loader: most customers belong to one of three groups.
GROUPS = (
    ("Wholesale partners", "WHOLESALE", 5, 20),
    ("Key accounts", "KEY", 10, 30),
    ("Standard", "STD", 0, 10),
)
MAIL_HOSTS = (
    "gmail.example",
    "outlook.example",
    "web.example",
    "gmx.example",
    "icloud.example",
    "proton.example",
)
COMPANY_MAILBOXES = ("info", "sales", "accounts", "office", "purchasing", "contact")
CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
CODE = re.compile(r"\bC\d{6,7}\b")


def log(message):
    print(message, flush=True)


# --- database ---------------------------------------------------------------------------


def bench_config(url, documents):
    return type(
        "BenchConfig",
        (Config,),
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "CRM_DOCUMENT_DIR": documents,
            "SECRET_KEY": "bench-secret-key-of-at-least-32-bytes",
            "FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        },
    )


def migration_module():
    """The migration that defines the search triggers and indexes, loaded from its file."""
    path = os.path.join(ROOT, "migrations", "versions", "0001_foundation.py")
    spec = importlib.util.spec_from_file_location("crm_migration_0001", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reset_postgres(url):
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def build_schema(url, documents):
    from flask_migrate import upgrade

    app = create_app(bench_config(url, documents))
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


# --- data ---------------------------------------------------------------------------------


def weighted(rng, items, weights, k):
    return rng.choices(items, weights=weights, k=k)


def zipf_weights(count, skew=0.8):
    return [1 / (rank + 1) ** skew for rank in range(count)]


class Generator:
    """Plausible, varied customers: people and companies across eight countries."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.first_w = zipf_weights(len(FIRST_NAMES), 0.5)
        last = list(LAST_NAMES)
        random.Random(7).shuffle(last)  # which surnames are common does not follow the list order
        self.last_names = tuple(last)
        self.last_w = zipf_weights(len(last), 0.7)
        self.countries = list(COUNTRY_WEIGHTS)
        self.country_w = list(COUNTRY_WEIGHTS.values())

    def last(self):
        return self.rng.choices(self.last_names, weights=self.last_w)[0]

    def first(self):
        return self.rng.choices(FIRST_NAMES, weights=self.first_w)[0]

    def country(self):
        return self.rng.choices(self.countries, weights=self.country_w)[0]

    def phone(self, country):
        city, prefix, digits = self.rng.choice(CITIES[country])
        return city, prefix + str(self.rng.randrange(10 ** (digits - 1) * 2, 10**digits))

    def company_name(self, country):
        rng = self.rng
        pattern = rng.random()
        suffix = rng.choice(SUFFIXES[country])
        if pattern < 0.55:
            return f"{rng.choice(COMPANY_STEMS)} {rng.choice(COMPANY_KINDS)} {suffix}"
        if pattern < 0.8:
            return f"{self.last()} {rng.choice(COMPANY_KINDS)} {suffix}"
        if pattern < 0.92:
            return f"{self.last()} & {self.last()} {suffix}"
        return f"{rng.choice(COMPANY_STEMS)} {rng.choice(COMPANY_STEMS)} {suffix}"


def slug(value):
    return "".join(ch for ch in value.lower() if ch.isalnum())


def customer_rows(gen, tenant_id, count, refs, companies, owner_id, marker=""):
    """Rows for crm_customer, in batches; search_text as the app composes it
    (crm.services.customers.customer_text), with a company customer's contact person."""
    from crm.services.customers.customer_text import compose

    rng = gen.rng
    base = dt.datetime(2019, 1, 1, tzinfo=dt.timezone.utc)
    span = 7 * 365 * 86400
    domain_tail = f".{marker}.example" if marker else ".example"
    batch = []
    for n in range(1, count + 1):
        country = gen.country()
        city, phone = gen.phone(country)
        individual = rng.random() < 0.4
        code = f"C{n:06d}"
        company_id = company_name = None
        tax_regime = tax_number = website = industry = None
        if individual:
            first, last = gen.first(), gen.last()
            name = f"{first} {last}"
            email = f"{slug(first)}.{slug(last)}.{n}@{rng.choice(MAIL_HOSTS)}"
            if marker:
                email = email.replace(".example", domain_tail)
        else:
            name = gen.company_name(country)
            host = slug(name)[:30]
            email = f"{rng.choice(COMPANY_MAILBOXES)}.{n}@{host}{domain_tail}"
            website = f"https://www.{host}{domain_tail}"
            industry = rng.choice(INDUSTRIES)
            if rng.random() < 0.3:
                company_id, company_name = rng.choice(companies)
            if country == "DE":
                tax_regime, tax_number = "VAT", f"DE{rng.randrange(100000000, 999999999)}"
            elif country in ("FR", "NL", "IT", "PL", "SE") and rng.random() < 0.6:
                tax_regime, tax_number = "VAT", f"{country}{rng.randrange(10**9, 10**10)}"
        if rng.random() < 0.03:
            phone = None
        active = rng.random() >= ARCHIVED_SHARE
        created = base + dt.timedelta(seconds=rng.randrange(span))
        segment_id, sub_segment_id = rng.choice(refs["segments"])
        searched = {"name": name, "tax_number": tax_number, "email": email, "phone": phone}
        contacts = [] if individual else [f"{gen.first()} {gen.last()}"]
        batch.append(
            {
                "tenant_id": tenant_id,
                "kind": "individual" if individual else "company",
                "name": name,
                "code": code,
                "email": email,
                "phone": phone,
                "website": website,
                "industry": industry,
                "segment_id": segment_id,
                "sub_segment_id": sub_segment_id,
                "region_id": rng.choice(refs["regions"]),
                "currency": CURRENCIES[country],
                "payment_term_id": rng.choice(refs["terms"]),
                "discount_rate": Decimal(rng.choice((0, 0, 0, 2, 5, 10))),
                "payment_method": rng.choice(
                    ("bank_transfer", "credit_card", "direct_debit", None)
                ),
                "tax_regime": tax_regime,
                "tax_number": tax_number,
                "credit_limit": Decimal(rng.choice((5000, 10000, 25000, 50000, 100000))),
                "credit_hold": rng.random() < 0.02,
                "balance": Decimal(rng.randrange(-500_000, 5_000_000)) / 100,
                "customer_group_id": rng.choice(refs["groups"]),
                "company_id": company_id,
                "owner_id": owner_id if rng.random() < 0.5 else None,
                "notes": None,
                "is_active": active,
                "archived_at": None
                if active
                else created + dt.timedelta(days=rng.randrange(1, 400)),
                "city": city,
                "country": country,
                "search_text": compose(
                    {**searched, "code": code, "city": city}, company_name, contacts
                ),
                "created_at": created,
                "updated_at": created,
            }
        )
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def load_tenant(conn, gen, tenant_id, count, owner_id, marker=""):
    from crm.models import Company, Customer, CustomerGroup, PaymentTerm, Region, SubSegment

    refs = {
        "terms": conn.execute(select(PaymentTerm.id).where(PaymentTerm.tenant_id == tenant_id))
        .scalars()
        .all(),
        "regions": conn.execute(select(Region.id).where(Region.tenant_id == tenant_id))
        .scalars()
        .all(),
        "segments": conn.execute(
            select(SubSegment.segment_id, SubSegment.id).where(SubSegment.tenant_id == tenant_id)
        ).all(),
    }
    now = dt.datetime.now(dt.timezone.utc)
    conn.execute(
        CustomerGroup.__table__.insert(),
        [
            {
                "tenant_id": tenant_id,
                "name": name,
                "code": code,
                "discount_percent": Decimal(discount),
                "priority": priority,
                "is_active": True,
                "created_at": now,
                "updated_at": now,
            }
            for name, code, discount, priority in GROUPS
        ],
    )
    refs["groups"] = conn.execute(
        select(CustomerGroup.id).where(CustomerGroup.tenant_id == tenant_id)
    ).scalars().all() + [None]
    companies = []
    for stem in COMPANY_STEMS:
        for kind in ("Holding", "Group", "Partners"):
            country = gen.country()
            host = f"{slug(stem)}-{kind.lower()}{f'.{marker}' if marker else ''}.example"
            companies.append(
                {
                    "tenant_id": tenant_id,
                    "name": f"{stem} {kind}",
                    "country": country,
                    "city": CITIES[country][0][0],
                    "industry": gen.rng.choice(INDUSTRIES),
                    "website": f"https://{host}",
                    "office_email": f"office@{host}",
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    conn.execute(Company.__table__.insert(), companies)
    company_ids = conn.execute(
        select(Company.id, Company.name).where(Company.tenant_id == tenant_id)
    ).all()
    loaded = 0
    for batch in customer_rows(
        gen, tenant_id, count, refs, [tuple(c) for c in company_ids], owner_id, marker
    ):
        conn.execute(Customer.__table__.insert(), batch)
        loaded += len(batch)
        if count >= 200_000 and loaded % 200_000 == 0:
            log(f"  … {loaded:,} customers")
    return loaded


def seed(url, documents, customers):
    """Tenants and admin through the services, customers in bulk through Core."""
    from crm.services.accounts import tenants

    migration = migration_module()
    app = create_app(bench_config(url, documents))  # syncs roles and permissions
    with app.app_context():
        tenant = tenants.create_tenant(db.session, TENANT)
        admin = tenants.create_user(
            app.appbuilder.sm,
            tenant,
            "Admin",
            USERNAME,
            PASSWORD,
            f"{USERNAME}@example.com",
            "Bench",
            "Admin",
        )
        other = tenants.create_tenant(db.session, OTHER_TENANT)
        other_admin = tenants.create_user(
            app.appbuilder.sm,
            other,
            "Admin",
            "other-admin",
            PASSWORD,
            "other-admin@example.com",
            "Other",
            "Admin",
        )
        tenant_id, admin_id, other_id, other_admin_id = (
            tenant.id,
            admin.id,
            other.id,
            other_admin.id,
        )
        db.session.remove()
        engine = db.engine
        dialect = engine.dialect.name
        started = time.perf_counter()
        with engine.begin() as conn:
            if dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA cache_size=-1000000")
                conn.exec_driver_sql("PRAGMA synchronous=OFF")
                for trigger in (
                    "crm_customer_fts_ai",
                    "crm_customer_fts_ad",
                    "crm_customer_fts_au",
                ):
                    conn.exec_driver_sql(f"DROP TRIGGER {trigger}")
            elif dialect == "postgresql":
                conn.exec_driver_sql("DROP INDEX ix_customer_search_trgm")
        with engine.begin() as conn:
            load_tenant(conn, Generator(2), other_id, OTHER_CUSTOMERS, other_admin_id, OTHER_MARKER)
        with engine.begin() as conn:
            if dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA cache_size=-1000000")
                conn.exec_driver_sql("PRAGMA synchronous=OFF")
            load_tenant(conn, Generator(1), tenant_id, customers, admin_id)
        loaded = time.perf_counter()
        log(f"inserted {customers:,} + {OTHER_CUSTOMERS:,} customers in {loaded - started:.1f} s")
        with engine.begin() as conn:
            if dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA cache_size=-1000000")
                conn.exec_driver_sql(
                    "INSERT INTO crm_customer_fts(crm_customer_fts) VALUES('rebuild')"
                )
                for statement in migration.SEARCH_SQL["sqlite"]:
                    if statement.startswith("CREATE TRIGGER"):  # as the migration made them
                        conn.exec_driver_sql(statement)
            elif dialect == "postgresql":
                for statement in migration.SEARCH_SQL["postgresql"]:
                    if statement.startswith("CREATE INDEX"):
                        conn.exec_driver_sql("SET maintenance_work_mem = '512MB'")
                        conn.exec_driver_sql(statement)
        indexed = time.perf_counter()
        log(f"search index rebuilt in {indexed - loaded:.1f} s")
        if dialect == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE) crm_customer")
                conn.exec_driver_sql("ANALYZE")
            log(f"VACUUM ANALYZE in {time.perf_counter() - indexed:.1f} s")
        log(f"load time: {time.perf_counter() - started:.1f} s")
        engine.dispose()
    return tenant_id


def already_loaded(url, customers):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT count(*) FROM crm_customer c JOIN crm_tenant t ON t.id = c.tenant_id "
                    "WHERE t.name = :name"
                ),
                {"name": TENANT},
            ).scalar()
    except Exception:
        return False
    finally:
        engine.dispose()
    return found == customers


# --- measuring ----------------------------------------------------------------------------


def html_login(client):
    page = client.get("/login/").get_data(as_text=True)
    match = CSRF.search(page)
    assert match, "no csrf_token on the login page"
    response = client.post(
        "/login/",
        data={
            "username": USERNAME,
            "password": PASSWORD,
            "csrf_token": match.group(1) or match.group(2),
        },
    )
    assert response.status_code == 302, f"login failed ({response.status_code})"


def api_login(client):
    response = client.post(
        "/api/v1/security/login",
        json={"username": USERNAME, "password": PASSWORD, "provider": "db", "refresh": False},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"Authorization": "Bearer " + response.json["access_token"]}


def api_url(**q):
    return "/api/v1/customer/?q=" + prison.dumps(q)


PAGE_SIZE = 25


def cases():
    search = f"/customers/list/?_flt_0_search_text={SEARCH_TERM}"
    rare = f"/customers/list/?_flt_0_search_text={RARE_TERM}"
    srch = lambda term: [{"col": "search_text", "opr": "srch", "value": term}]  # noqa: E731
    return [
        # key, label, kind of target, url, api?, (search term, page) for the expected answer
        ("html-first", "HTML  first page", "first", "/customers/list/", False, (None, 0)),
        (
            "html-deep",
            f"HTML  page {DEEP_PAGE} (row {DEEP_PAGE * PAGE_SIZE:,})",
            "deep",
            f"/customers/list/?page_CustomerView={DEEP_PAGE}",
            False,
            (None, DEEP_PAGE),
        ),
        ("html-search", f"HTML  search '{SEARCH_TERM}'", "search", search, False, (SEARCH_TERM, 0)),
        ("html-search-rare", f"HTML  search '{RARE_TERM}'", "search", rare, False, (RARE_TERM, 0)),
        (
            "api-first",
            "API   first page",
            "first",
            api_url(page=0, page_size=PAGE_SIZE),
            True,
            (None, 0),
        ),
        (
            "api-deep",
            f"API   page {DEEP_PAGE}",
            "deep",
            api_url(page=DEEP_PAGE, page_size=PAGE_SIZE),
            True,
            (None, DEEP_PAGE),
        ),
        (
            "api-search",
            f"API   search '{SEARCH_TERM}'",
            "search",
            api_url(filters=srch(SEARCH_TERM), page=0, page_size=PAGE_SIZE),
            True,
            (SEARCH_TERM, 0),
        ),
    ]


def expected_answers(url, tenant_id):
    """What each case must show, straight from SQL: the page's codes in name order and the
    count (capped like the app's). The screens list active customers; the API lists all."""
    engine = create_engine(url)
    answers = {}
    with engine.connect() as conn:
        for key, _label, _target, _url, api, (term, page) in cases():
            where = "tenant_id = :t" + ("" if api else " AND is_active = :active")
            cap = (Config.CRM_SEARCH_MAX_DEPTH if term else Config.CRM_LIST_MAX_DEPTH) + 1
            if term:
                where += " AND search_text LIKE :pattern"
            params = {
                "t": tenant_id,
                "active": True,
                "pattern": f"%{term}%",
                "cap": cap,
                "offset": page * PAGE_SIZE,
                "size": PAGE_SIZE,
            }
            codes = (
                conn.execute(
                    text(
                        f"SELECT code FROM crm_customer WHERE {where} ORDER BY name, id "
                        "LIMIT :size OFFSET :offset"
                    ),
                    params,
                )
                .scalars()
                .all()
            )
            count = conn.execute(
                text(
                    f"SELECT count(*) FROM (SELECT 1 FROM crm_customer WHERE {where} LIMIT :cap) AS c"
                ),
                params,
            ).scalar()
            answers[key] = (codes, count)
    engine.dispose()
    return answers


RECORD_COUNT = re.compile(r"Record Count:</strong>\s*(\d+)")


def check(name, response, api, expected):
    """The answer is complete, correct and the measured tenant's only."""
    body = response.get_data(as_text=True)
    assert response.status_code == 200, f"{name}: HTTP {response.status_code}\n{body[:2000]}"
    assert OTHER_MARKER not in body, f"{name}: the other tenant's customers leaked into the answer"
    if api:
        codes, count = [row["code"] for row in response.json["result"]], response.json["count"]
    else:
        codes, count = CODE.findall(body), int(RECORD_COUNT.search(body).group(1))
    want_codes, want_count = expected
    assert codes == want_codes, f"{name}: rows {codes[:3]}… instead of {want_codes[:3]}…"
    assert count == want_count, f"{name}: count {count} instead of {want_count}"


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class SqlLog:
    """Time spent executing statements (to split a request's time), and the statements (--sql)."""

    def __init__(self, engine):
        self.entries, self.keep, self.total = [], False, 0.0
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t0"] = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        ms = (time.perf_counter() - conn.info.pop("bench_t0")) * 1000
        self.total += ms
        if self.keep:
            self.entries.append((statement, parameters, ms))


def explain(engine, statement, parameters):
    dialect = engine.dialect.name
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    return "\n".join(
        "      " + (" | ".join(str(c) for c in r) if dialect == "sqlite" else r[0]) for r in rows
    )


def measure(url, documents, runs, warmup, expected, show_sql=False, profile=None):
    app = create_app(bench_config(url, documents))
    client = app.test_client()
    headers = api_login(app.test_client())  # a client without the page session's cookie
    html_login(client)
    results = []
    with app.app_context():
        engine = db.engine
        sql_log = SqlLog(engine)
    for key, label, target, url_, api, _answer in cases():
        get = (
            (lambda url_=url_: client.get(url_, headers=headers))
            if api
            else (lambda url_=url_: client.get(url_))
        )
        for _ in range(max(warmup, 1)):
            check(key, get(), api, expected[key])
        timings, in_db = [], []
        for _ in range(runs):
            sql_log.total = 0.0
            started = time.perf_counter()
            response = get()
            timings.append((time.perf_counter() - started) * 1000)
            in_db.append(sql_log.total)
            check(key, response, api, expected[key])
        results.append(
            (
                label,
                target,
                statistics.median(timings),
                percentile(timings, 0.9),
                statistics.median(in_db),
            )
        )
        if show_sql:
            sql_log.entries, sql_log.keep = [], True
            get()
            sql_log.keep = False
            total = sum(ms for _, _, ms in sql_log.entries)
            log(
                f"\n--- {label}: {url_}\n  {len(sql_log.entries)} statements, {total:.1f} ms in the database"
            )
            for statement, parameters, ms in sql_log.entries:
                if "crm_customer" not in statement and ms < 1:
                    continue
                log(f"  {ms:7.2f} ms  {' '.join(statement.split())[:700]}  {parameters!r:.200}")
                if ms > 1 and statement.lstrip().upper().startswith("SELECT"):
                    log(explain(engine, statement, parameters))
        if profile == key:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(runs):
                get()
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(30)
            log(f"\n--- profile of {runs} x {label}\n{out.getvalue()}")
    return results


def match_counts(url, tenant_id):
    engine = create_engine(url)
    counts = {}
    with engine.connect() as conn:
        for term in (SEARCH_TERM, RARE_TERM):
            counts[term] = conn.execute(
                text(
                    "SELECT count(*) FROM crm_customer WHERE tenant_id = :t AND search_text LIKE :p"
                ),
                {"t": tenant_id, "p": f"%{term}%"},
            ).scalar()
        counts["_all"] = conn.execute(
            text("SELECT count(*) FROM crm_customer WHERE tenant_id = :t"), {"t": tenant_id}
        ).scalar()
    engine.dispose()
    return counts


def report(database, customers, results, counts):
    log(
        f"\n{database} — {customers:,} customers in the measured tenant "
        f"(+{OTHER_CUSTOMERS:,} in another); search matches: "
        + ", ".join(f"'{t}' {n:,}" for t, n in counts.items() if t != "_all")
    )
    log(f"{'case':<34} {'median':>9} {'p90':>9} {'(in SQL)':>9}   target")
    for label, target, median, p90, in_db in results:
        goal = TARGETS[target]
        verdict = "ok" if median < goal else "MISSED"
        log(f"{label:<34} {median:7.1f}ms {p90:7.1f}ms {in_db:7.1f}ms   < {goal} ms  {verdict}")
    log(
        "(in SQL: median time spent in cursor.execute; the rest is Python - Flask-AppBuilder "
        "views, permission checks, templates - and, on SQLite, rows computed while fetched)"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--sqlite", metavar="PATH", help="SQLite file (default: a temp dir)")
    where.add_argument(
        "--postgres", metavar="URL", help="PostgreSQL URL; its public schema is dropped and rebuilt"
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the database a previous run built, if it has --customers rows",
    )
    parser.add_argument("--sql", action="store_true", help="print each case's SQL and plans")
    parser.add_argument(
        "--profile", metavar="CASE", help="cProfile one case: " + ", ".join(c[0] for c in cases())
    )
    args = parser.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="crm-bench-")
    documents = os.path.join(tmp, "documents")
    try:
        if args.postgres:
            url = args.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
            database = f"PostgreSQL ({url.rsplit('@', 1)[-1]})"
        else:
            path = os.path.abspath(args.sqlite or os.path.join(tmp, "bench.sqlite3"))
            url = "sqlite:///" + path
            database = f"SQLite ({path})"
        if args.reuse and already_loaded(url, args.customers):
            log(f"reusing {database}")
        else:
            if args.postgres:
                reset_postgres(url)
            else:
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(path + suffix):
                        os.remove(path + suffix)
            started = time.perf_counter()
            build_schema(url, documents)
            log(f"schema migrated in {time.perf_counter() - started:.1f} s")
            seed(url, documents, args.customers)
        engine = create_engine(url)
        with engine.connect() as conn:
            tenant_id = conn.execute(
                text("SELECT id FROM crm_tenant WHERE name = :n"), {"n": TENANT}
            ).scalar()
        engine.dispose()
        counts = match_counts(url, tenant_id)
        expected = expected_answers(url, tenant_id)
        results = measure(url, documents, args.runs, args.warmup, expected, args.sql, args.profile)
        report(database, counts.pop("_all"), results, counts)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
