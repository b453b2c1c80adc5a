"""Many-row INSERTs for imports, in the session's transaction, the fastest way each database
offers while keeping every constraint, trigger and index:

* PostgreSQL: ids drawn from the table's own sequence, then one COPY per table and chunk
  (SQLAlchemy's RETURNING batches cost ~8x more, mostly building and parsing SQL text);
* SQLite: multi-row INSERT ... RETURNING on the session's sqlite3 connection (SQLite has
  no ordered RETURNING, and SQLAlchemy's fallback for it is a statement per row).

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
    if dialect == "sqlite":
        return _insert_sqlite(connection, table, rows, want_ids)
    if not want_ids:
        session.execute(insert(table), rows)
        return None
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [row[0] for row in session.execute(statement, rows)]


def _next_ids(connection, table, count):
    sequence = connection.exec_driver_sql(
        "SELECT pg_get_serial_sequence(%(table)s, 'id')", {"table": table.name}).scalar()
    return [row[0] for row in connection.exec_driver_sql(
        "SELECT nextval(%(sequence)s) FROM generate_series(1, %(count)s)",
        {"sequence": sequence, "count": count})]


def _values(connection, table, columns, rows):
    """Each row's values in ``columns`` order, through the columns' bind processors."""
    dialect = connection.dialect
    processors = [(i, table.c[c].type.dialect_impl(dialect).bind_processor(dialect))
                  for i, c in enumerate(columns)]
    processors = [(i, p) for i, p in processors if p is not None]
    values = []
    for row in rows:
        value = [row[c] for c in columns]
        for i, process in processors:
            value[i] = process(value[i])
        values.append(value)
    return values


def _copy(connection, table, rows, ids):
    columns = list(rows[0])
    if ids is not None:
        columns = ["id"] + [c for c in columns if c != "id"]
    if ids is not None:
        rows = [{**row, "id": row_id} for row, row_id in zip(rows, ids)]
    values = _values(connection, table, columns, rows)
    preparer = connection.dialect.identifier_preparer
    statement = (f"COPY {preparer.format_table(table)} "
                 f"({', '.join(preparer.quote(c) for c in columns)}) FROM STDIN")
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for value in values:
                copy.write_row(value)
    finally:
        cursor.close()


def _insert_sqlite(connection, table, rows, want_ids):
    """Multi-row INSERTs on the session's own sqlite3 connection (SQLAlchemy's per-row
    parameter building cost a fifth of an import). With ``want_ids`` each statement
    returns the new ids: SQLite gives each new row a rowid above every existing one, so
    the ids sorted ascending are the rows in insertion order. Each row's ORDER_CHECK
    column comes back with its id and must line up with the input, or the import stops
    (and is rolled back) rather than link a wrong row."""
    columns = list(rows[0])
    values = _values(connection, table, columns, rows)
    preparer = connection.dialect.identifier_preparer
    head = (f"INSERT INTO {preparer.format_table(table)} "
            f"({', '.join(preparer.quote(c) for c in columns)}) VALUES ")
    one_row = "(" + ", ".join(["?"] * len(columns)) + ")"
    cursor = connection.connection.driver_connection.cursor()
    try:
        if not want_ids:
            cursor.executemany(head + one_row, values)
            return None
        check = ORDER_CHECK[table.name]
        position = columns.index(check)
        per_statement = max(1, connection.dialect.insertmanyvalues_max_parameters // len(columns))
        returned = []
        for start in range(0, len(values), per_statement):
            batch = values[start:start + per_statement]
            cursor.execute(head + ", ".join([one_row] * len(batch))
                           + f" RETURNING id, {preparer.quote(check)}",
                           [value for row in batch for value in row])
            returned.extend(cursor.fetchall())
    finally:
        cursor.close()
    returned.sort()
    if [value for _id, value in returned] != [row[position] for row in values]:
        raise RuntimeError(f"rows inserted into {table.name} came back out of order")
    return [row_id for row_id, _value in returned]
