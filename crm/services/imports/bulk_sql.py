"""Many-row INSERTs for imports, in the session's transaction, the fastest way each database
offers while keeping every constraint, trigger and index:

* PostgreSQL: ids drawn from the table's own sequence, then one COPY per table and chunk
  (SQLAlchemy's RETURNING batches cost ~8x more, mostly building and parsing SQL text);
* SQLite: multi-row INSERT ... RETURNING (SQLite has no ordered RETURNING, and
  SQLAlchemy's fallback for it is a statement per row).

Values go through each column type's own bind processor, as SQLAlchemy would send them.
"""
from sqlalchemy import insert

# A column returned with each new id on SQLite to prove ids and rows line up.
ORDER_CHECK = {"crm_customer": "code", "crm_contact": "customer_id",
               "crm_address": "customer_id", "crm_company": "name", "crm_lead": "title"}


def insert_rows(session, table, rows, want_ids=True):
    """Insert ``rows`` (dicts with the same keys) into ``table``; returns their new ids in
    the rows' order when ``want_ids``."""
    if not rows:
        return []
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        ids = _next_ids(connection, table, len(rows)) if want_ids else None
        _copy(connection, table, rows, ids)
        return ids
    if not want_ids:
        session.execute(insert(table), rows)
        return None
    if dialect == "sqlite":
        return _insert_sqlite(session, table, rows)
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [row[0] for row in session.execute(statement, rows)]


def _next_ids(connection, table, count):
    sequence = connection.exec_driver_sql(
        "SELECT pg_get_serial_sequence(%(table)s, 'id')", {"table": table.name}).scalar()
    return [row[0] for row in connection.exec_driver_sql(
        "SELECT nextval(%(sequence)s) FROM generate_series(1, %(count)s)",
        {"sequence": sequence, "count": count})]


def _copy(connection, table, rows, ids):
    columns = list(rows[0])
    if ids is not None:
        columns = ["id"] + [c for c in columns if c != "id"]
    dialect = connection.dialect
    processors = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    quote = dialect.identifier_preparer.quote
    statement = (f"COPY {dialect.identifier_preparer.format_table(table)} "
                 f"({', '.join(quote(c) for c in columns)}) FROM STDIN")
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for index, row in enumerate(rows):
                if ids is not None:
                    row = {**row, "id": ids[index]}
                copy.write_row([row[c] if p is None else p(row[c])
                                for c, p in zip(columns, processors)])
    finally:
        cursor.close()


def _insert_sqlite(session, table, rows):
    """SQLite gives each new row a rowid above every existing one, so the ids sorted
    ascending are the rows in insertion order. Each row's ORDER_CHECK column comes back
    with its id and must line up with the input, or the import stops (and is rolled back)
    rather than link a wrong row."""
    check = ORDER_CHECK[table.name]
    statement = insert(table).returning(table.c.id, table.c[check])
    returned = sorted(session.execute(statement, rows).all())
    if [value for _id, value in returned] != [row[check] for row in rows]:
        raise RuntimeError(f"rows inserted into {table.name} came back out of order")
    return [row_id for row_id, _value in returned]
