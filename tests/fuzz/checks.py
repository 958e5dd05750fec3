"""Did a request write anything? A digest of the tables, taken only where it may differ.

Reading every row of every table around each fuzzed request would cost more than the
requests. The database counts the rows a connection inserts, updates and deletes
(SQLite: total_changes() for the connection; PostgreSQL: pg_stat_xact_user_tables, per
table, for the transaction the test runs in): while a count stands still nothing was
written there and the last digest still holds. Where it moved, the digest (every row,
hashed) tells a real change from a write that was rolled back (a savepoint), which
wrote nothing.
"""

from __future__ import annotations

import hashlib

from django.db import connection

#: Written by any request, refused or not: the session, sign-in bookkeeping.
VOLATILE = frozenset(
    {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
)
#: Columns any request may write: a token's last use (at most once a minute, api.services).
VOLATILE_COLUMNS = {"api_apitoken": {"last_used_at"}}
ALL = "*"


def _change_counts() -> dict[str, int]:
    """Rows written so far, per table (PostgreSQL) or for all tables at once (SQLite)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
            return {ALL: cursor.fetchone()[0]}
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        return dict(cursor.fetchall())


def _tables() -> list[str]:
    return sorted(set(connection.introspection.table_names()) - VOLATILE)


def _select(table: str) -> str:
    quote = connection.ops.quote_name
    columns = "*"
    if table in VOLATILE_COLUMNS:
        with connection.cursor() as cursor:
            described = connection.introspection.get_table_description(cursor, table)
        kept = [c.name for c in described if c.name not in VOLATILE_COLUMNS[table]]
        columns = ", ".join(map(quote, kept))
    return f"SELECT {columns} FROM {quote(table)}"


def _digest(tables) -> dict[str, str]:
    digests = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(_select(table))
            rows = sorted(repr(row) for row in cursor.fetchall())
            digests[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


class WriteWatch:
    """`before()` a request, `changed_tables()` after it: the data tables whose rows differ.
    After a rollback to the state `before()` saw, `rolled_back()` stands for `before()`."""

    def __init__(self) -> None:
        self._tables = _tables()
        self._counts: dict[str, int] = {}
        self._digests: dict[str, str] = {}

    def _moved(self, counts: dict[str, int]) -> list[str]:
        if ALL in counts:
            return self._tables if counts[ALL] != self._counts.get(ALL) else []
        return sorted(
            table
            for table, count in counts.items()
            if table in self._digests and count != self._counts.get(table, 0)
        )

    def before(self) -> None:
        """Before a request: the digests of the tables written since the last call."""
        counts = _change_counts()
        if not self._digests:
            self._digests = _digest(self._tables)
        else:
            self._digests.update(_digest(self._moved(counts)))
        self._counts = counts

    def rolled_back(self) -> None:
        """After a rollback to the state of `before()`: the digests hold, the counts moved."""
        self._counts = _change_counts()

    def changed_tables(self) -> list[str]:
        """The tables whose rows differ from what `before()` saw."""
        now = _digest(self._moved(_change_counts()))
        return sorted(table for table, digest in now.items() if self._digests[table] != digest)
