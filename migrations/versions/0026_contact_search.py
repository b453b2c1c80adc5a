"""contact search: a customer's search text holds the names of its first ten contacts

Revision ID: m_contact_search
Revises: m_email
Create Date: 2026-12-07 23:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "m_contact_search"
down_revision = "m_email"
branch_labels = None
depends_on = None

SEARCHED_CONTACTS = 10
OWN = ("name", "company", "tax_number", "email", "phone", "code", "city")
BATCH = 5000


def _text(row, contacts):
    # As crm.services.customers.customer_text.compose wrote it at this revision: each
    # part lower-cased by Python (SQLite's lower() leaves non-ASCII letters alone), once.
    seen, words = set(), []
    for part in [*(row[f] for f in OWN), *contacts]:
        text = (part or "").lower()
        if text and text not in seen:
            seen.add(text)
            words.append(text)
    return " ".join(words)


def _rewrite(connection, customers, with_contacts):
    ids = list(customers)
    names = {i: [] for i in ids}
    rows = (
        []
        if not with_contacts
        else connection.execute(
            sa.text(
                "SELECT customer_id, name FROM crm_contact WHERE customer_id IN :ids "
                "ORDER BY customer_id, is_primary DESC, id"
            ).bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": ids},
        )
    )
    for customer_id, name in rows:
        if len(names[customer_id]) < SEARCHED_CONTACTS:
            names[customer_id].append(name)
    connection.execute(
        sa.text("UPDATE crm_customer SET search_text = :text WHERE id = :id"),
        [{"id": i, "text": _text(customers[i], names[i])} for i in ids],
    )


def _rewrite_all(with_contacts):
    connection = op.get_bind()
    last = 0
    while True:
        rows = (
            connection.execute(
                sa.text(
                    "SELECT c.id, c.name, co.name AS company, c.tax_number, c.email, c.phone, "
                    "c.code, c.city FROM crm_customer c "
                    "LEFT JOIN crm_company co ON co.id = c.company_id "
                    "WHERE c.id > :last AND EXISTS "
                    "(SELECT 1 FROM crm_contact k WHERE k.customer_id = c.id) "
                    "ORDER BY c.id LIMIT :batch"
                ),
                {"last": last, "batch": BATCH},
            )
            .mappings()
            .all()
        )
        if not rows:
            break
        _rewrite(connection, {row["id"]: row for row in rows}, with_contacts)
        last = rows[-1]["id"]


def upgrade():
    _rewrite_all(with_contacts=True)


def downgrade():
    _rewrite_all(with_contacts=False)
