"""One-statement draws: the hot path of `numbering.services.series_draw`.

Normal (gap-free) lines: a single UPDATE ... RETURNING chooses the line for the date
(the latest starting date on or before it, the first open line of that date by line
no.), checks Default Nos., the date order, the ending no. and the 20-character limit,
and advances the counter. It works on the integer form of the line's numbers (the
fast_* fields, `formatting.fast_fields`), so the database only adds and compares
integers, and it first checks that this form still matches the text fields (a bulk
update() may have changed them): any line that does not qualify is left to Python.
The line's row lock is taken by that statement and held until the caller's
transaction ends: no Python runs while other callers wait, as in django-sequences.
On PostgreSQL a concurrent draw that waited for the lock re-checks the conditions on
the row it then sees (READ COMMITTED re-evaluates the UPDATE's WHERE), so it never
advances a line another transaction has just exhausted.

Sequence (gap-allowing) lines, PostgreSQL: a single SELECT chooses the line the same
way and takes nextval() of its sequence (several values for a block reserved by the
process, see services.BLOCK_MAX); no row is locked or written. It only applies when
the line's last date used is the usage date (otherwise the line row must be updated,
which the locked path does, once a day).

Each function returns None when its statement does not apply (another implementation,
an exhausted line, a date problem, an unknown series...): the caller then takes the
locked path of `services.py`, which decides and raises the precise error. So these
statements only ever produce a number that path would produce too.
"""

from __future__ import annotations

import datetime
import sys

from django.conf import settings

from numbering import formatting
from numbering.models import NoSeries, NoSeriesLine

try:
    import psycopg

    class _PreparedCursor(psycopg.Cursor):
        """A server-side-binding cursor whose statements are always prepared."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

except ImportError:  # pragma: no cover - PostgreSQL driver not installed
    _PreparedCursor = None

NORMAL = NoSeriesLine.Implementation.NORMAL.value
SEQUENCE = NoSeriesLine.Implementation.SEQUENCE.value

_SQL: dict[tuple[str, str, str], str] = {}


def _fetchone(connection, sql: str, params: list):
    """Run one draw statement and return its row.

    On PostgreSQL the statement is prepared once per connection: Django sends every
    query with client-side binding and never prepares, so this statement (with its
    line choice) would otherwise be planned again on each draw, which cost more than
    executing it. The cursor is still Django's wrapper (its database errors).
    Behind a connection pooler in transaction mode without prepared-statement support
    (PgBouncer before 1.21), set NUMBERING_PREPARED_STATEMENTS = False.
    """
    if (
        connection.vendor == "postgresql"
        and _PreparedCursor is not None
        and getattr(settings, "NUMBERING_PREPARED_STATEMENTS", True)
        # While queries are logged (DEBUG, query-count tests) the plain cursor runs the
        # same statement: the log could not show a prepared one's SQL.
        and not connection.queries_logged
    ):
        connection.ensure_connection()
        pg = connection.connection
        if pg.prepare_threshold is None:
            # Django turns psycopg's preparing off (None), which also ignores an
            # explicit prepare=True. A threshold no other query reaches keeps it off
            # for everything else (Django's cursors bind client-side and never prepare).
            pg.prepare_threshold = sys.maxsize
        cursor = connection.make_cursor(_PreparedCursor(pg))
    else:
        cursor = connection.cursor()
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _names(connection) -> dict[str, str]:
    qn = connection.ops.quote_name
    line = NoSeriesLine._meta
    names = {f"l_{f.name}": qn(f.column) for f in line.concrete_fields}
    names.update({f"s_{f.name}": qn(f.column) for f in NoSeries._meta.concrete_fields})
    names["L"] = qn(line.db_table)
    names["S"] = qn(NoSeries._meta.db_table)
    return names


class _Sql:
    """SQL fragments over one line row (table or alias `t`) for one database."""

    def __init__(self, connection, names: dict[str, str], t: str):
        self.postgresql = connection.vendor == "postgresql"
        self.n = names
        self.t = t

    def col(self, name: str) -> str:
        return f"{self.t}.{self.n['l_' + name]}"

    def text(self, value: str) -> str:
        return f"CAST({value} AS text)" if self.postgresql else f"CAST({value} AS TEXT)"

    def pad(self, value: str, width: str) -> str:
        """`value` with leading zeros to `width` digits, growing when wider."""
        if self.postgresql:
            return f"lpad({self.text(value)}, greatest({width}, length({self.text(value)})), '0')"
        return f"printf('%%0*d', {width}, {value})"

    def greatest(self, a: str, b: str) -> str:
        return f"greatest({a}, {b})" if self.postgresql else f"max({a}, {b})"

    def number(self, value: str, width: str) -> str:
        return f"{self.col('fast_prefix')} || {self.pad(value, width)} || {self.col('fast_suffix')}"

    def source(self, last_no_used: str) -> str:
        """What fast_source holds for these text fields (formatting.fast_fields)."""
        sep = "chr(31)" if self.postgresql else "char(31)"
        c = self.col
        return f"{c('starting_no')} || {sep} || {c('ending_no')} || {sep} || {last_no_used}"

    def consistent(self) -> str:
        """The integer form qualifies and was derived from the current text fields."""
        c = self.col
        return f"{c('fast_ok')} AND {c('fast_source')} = {self.source(c('last_no_used'))}"

    def is_open(self) -> str:
        """formatting.line_is_open on the integer form (with one digit width when an
        ending no. is set, the next number passes it exactly when its value does)."""
        c = self.col
        return (
            f"({c('fast_end')} IS NULL OR {c('fast_last')} IS NULL "
            f"OR {c('fast_last')} + {c('increment_by')} <= {c('fast_end')})"
        )

    # The next number: value, width of its digit run, width after it.
    def next_value(self) -> str:
        c = self.col
        return f"COALESCE({c('fast_last')} + {c('increment_by')}, {c('fast_start')})"

    def next_width(self) -> str:
        c = self.col
        return (
            f"(CASE WHEN {c('fast_last')} IS NULL THEN {c('fast_width')} "
            f"ELSE {c('fast_last_width')} END)"
        )

    def width_after(self) -> str:
        return self.greatest(self.next_width(), f"length({self.text(self.next_value())})")

    def next_allowed(self) -> str:
        """formatting.in_range(next, starting no., ending no.) and the 20-character
        limit, for a consistent line."""
        c = self.col
        value, width = self.next_value(), self.next_width()
        return (
            f"({c('fast_last')} IS NULL OR {value} > {c('fast_start')} "
            f"OR ({value} = {c('fast_start')} AND {width} = {c('fast_width')})) "
            f"AND ({c('fast_end')} IS NULL OR {value} <= {c('fast_end')}) "
            f"AND {value} <= 999999999999999999 "
            f"AND length({c('fast_prefix')}) + {self.width_after()} "
            f"+ length({c('fast_suffix')}) <= {formatting.MAX_LENGTH}"
        )


def _pick(connection, names: dict[str, str], columns: str) -> str:
    """The line chosen for (code, date), params [code, date]: among the lines starting
    on or before the date (blank = from the beginning) those of the latest starting
    date, the open ones first, then by line no. A closed line comes out only when every
    line of that date is closed, and a line whose integer form does not qualify counts
    as open: either way the statement then does not apply and the locked path decides.
    One scan of the series' lines.
    """
    n = names
    c = _Sql(connection, names, "c")
    return (
        f"SELECT {columns} FROM {n['L']} c "
        f"WHERE c.{n['l_series']} = %s "
        f"AND (c.{n['l_starting_date']} <= %s OR c.{n['l_starting_date']} IS NULL) "
        f"ORDER BY c.{n['l_starting_date']} DESC NULLS LAST, "
        # Sequence lines keep their Open flag up to date when they run out; Normal
        # lines are judged from their numbers (a bulk update() may leave it stale).
        f"(CASE WHEN c.{n['l_implementation']} = '{SEQUENCE}' THEN c.{n['l_open']} "
        f"WHEN {c.consistent()} THEN {c.is_open()} ELSE 1 = 1 END) DESC, "
        f"c.{n['l_line_no']} LIMIT 1"
    )


def _default_nos(names: dict[str, str], series_column: str) -> str:
    n = names
    return (
        f"(SELECT s.{n['s_default_nos']} FROM {n['S']} s WHERE s.{n['s_code']} = {series_column})"
    )


def _normal_sql(connection) -> str:
    key = (connection.alias, connection.vendor, NORMAL)
    sql = _SQL.get(key)
    if sql is None:
        n = _names(connection)
        t = _Sql(connection, n, n["L"])
        value, width = t.next_value(), t.next_width()
        # By id, not ctid: when a concurrent draw has updated the row meanwhile, READ
        # COMMITTED follows it to the newest version and checks every condition again
        # on it, and that version has another ctid.
        key_column = n["l_id"]
        sql = (
            f"UPDATE {n['L']} SET "
            f"{n['l_last_no_used']} = {t.number(value, width)}, "
            f"{n['l_fast_source']} = {t.source(t.number(value, width))}, "
            f"{n['l_fast_last']} = {value}, "
            f"{n['l_fast_last_width']} = {t.width_after()}, "
            f"{n['l_last_date_used']} = %s, "
            f"{n['l_open']} = ({n['l_fast_end']} IS NULL "
            f"OR {value} + {n['l_increment_by']} <= {n['l_fast_end']}) "
            f"WHERE {key_column} = ({_pick(connection, n, 'c.' + key_column)}) "
            f"AND {n['l_implementation']} = '{NORMAL}' "
            f"AND {t.consistent()} AND {t.next_allowed()} "
            f"AND {_default_nos(n, n['L'] + '.' + n['l_series'])} "
            f"AND ({n['l_last_date_used']} IS NULL OR {n['l_last_date_used']} <= %s "
            f"OR NOT (SELECT s2.{n['s_date_order']} FROM {n['S']} s2 "
            f"WHERE s2.{n['s_code']} = {n['L']}.{n['l_series']})) "
            f"RETURNING {n['l_id']}, {n['l_last_no_used']}, {n['l_warning_no']}, "
            f"{n['l_ending_no']}"
        )
        _SQL[key] = sql
    return sql


def draw_normal(connection, code: str, on_date: datetime.date) -> tuple | None:
    """(line id, number, warning no., ending no.) or None."""
    date = connection.ops.adapt_datefield_value(on_date)
    return _fetchone(connection, _normal_sql(connection), [date, code, date, date])


def _sequence_sql(connection) -> str:
    key = (connection.alias, connection.vendor, SEQUENCE)
    sql = _SQL.get(key)
    if sql is None:
        n = _names(connection)
        columns = ", ".join(
            f"c.{n['l_' + name]}"
            for name in (
                "id",
                "series",
                "starting_no",
                "ending_no",
                "warning_no",
                "implementation",
                "last_date_used",
                "sequence_name",
            )
        )
        # The LIMIT keeps the subquery from being merged into the outer query, so
        # nextval() runs for the one chosen row only (`count` times).
        sql = (
            f"SELECT p.{n['l_id']}, p.{n['l_starting_no']}, p.{n['l_ending_no']}, "
            f"p.{n['l_warning_no']}, ARRAY(SELECT nextval(CAST(p.{n['l_sequence_name']} "
            f"AS text)::regclass) FROM generate_series(1, %s)) "
            f"FROM ({_pick(connection, n, columns)}) p "
            f"WHERE p.{n['l_implementation']} = '{SEQUENCE}' "
            f"AND {_default_nos(n, 'p.' + n['l_series'])} "
            f"AND p.{n['l_last_date_used']} = %s AND p.{n['l_sequence_name']} <> ''"
        )
        _SQL[key] = sql
    return sql


def draw_sequence(connection, code: str, on_date: datetime.date, count: int = 1) -> tuple | None:
    """(line id, starting no., ending no., warning no., [sequence values]) or None.
    PostgreSQL only (elsewhere None: the locked path serves Sequence lines)."""
    if connection.vendor != "postgresql":
        return None
    date = connection.ops.adapt_datefield_value(on_date)
    return _fetchone(connection, _sequence_sql(connection), [int(count), code, date, date])
