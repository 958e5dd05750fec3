"""Bulk writes and the upkeep after them: one-statement inserts on PostgreSQL, planner
statistics (issue 15.5)."""

from __future__ import annotations

from django.db import connections, router, transaction

# From this many rows written in one operation the planner's statistics are refreshed:
# autovacuum would analyze the table only later, and until then PostgreSQL plans the
# list and search queries as if the new rows were not there.
LARGE_WRITE_ROWS = 10_000


def unnest_insert_sql(connection, model, fields) -> str:
    """PostgreSQL: INSERT INTO the model's table (the fields' columns) SELECT * FROM
    UNNEST of one array parameter per field, cast to the column's type. A few
    parameters whatever the number of rows, one statement parsed and planned once
    (executemany runs one INSERT per row); pass the rows as one list per field."""
    quote = connection.ops.quote_name
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    return "INSERT INTO {} ({}) SELECT * FROM UNNEST({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), arrays
    )


def tables_analyze(*models) -> list[str]:
    """ANALYZE the tables of `models` (PostgreSQL and SQLite); returns the table names."""
    tables = []
    for model in models:
        alias = router.db_for_write(model)
        table = model._meta.db_table
        with connections[alias].cursor() as cursor:
            cursor.execute(f"ANALYZE {connections[alias].ops.quote_name(table)}")
        tables.append(table)
    return tables


def analyze_after_bulk_write(rows: int, *models) -> bool:
    """After a large import or bulk write of `rows` rows into the tables of `models`:
    ANALYZE them once the transaction commits (at once outside one). True when
    scheduled; small writes leave it to autovacuum."""
    if rows < LARGE_WRITE_ROWS or not models:
        return False
    transaction.on_commit(lambda: tables_analyze(*models))
    return True
