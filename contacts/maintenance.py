"""Database upkeep after bulk writes: planner statistics (issue 15.5)."""

from __future__ import annotations

from django.db import connections, router, transaction

# From this many rows written in one operation the planner's statistics are refreshed:
# autovacuum would analyze the table only later, and until then PostgreSQL plans the
# list and search queries as if the new rows were not there.
LARGE_WRITE_ROWS = 10_000


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
