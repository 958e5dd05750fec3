"""The database sequences behind Sequence (gap-allowing) number series lines.

PostgreSQL: one SEQUENCE per line (`numbering_seq_<line id>`); nextval() takes no row
lock and is not rolled back, so concurrent callers never wait for each other and a
rolled-back number is lost. Other databases (SQLite): a `SequenceCounter` row, advanced
in the caller's transaction (SQLite has one writer at a time anyway).

Values are the number part of the line's numbers (`formatting.sequence_value`).
Callers pass the connection the line lives on; DDL runs in the caller's transaction.
"""

from __future__ import annotations

from numbering.models import SequenceCounter


def sequence_name_for(line_id: int) -> str:
    return f"numbering_seq_{int(line_id)}"


def _is_postgresql(connection) -> bool:
    return connection.vendor == "postgresql"


def create(connection, name: str, *, start: int, increment: int) -> None:
    """A new sequence whose first value is `start`."""
    if _is_postgresql(connection):
        qn = connection.ops.quote_name(name)
        with connection.cursor() as cursor:
            # DDL takes no bind parameters: the values are ints.
            cursor.execute(
                f"CREATE SEQUENCE {qn} AS bigint INCREMENT BY {int(increment)} "
                f"MINVALUE 0 START WITH {int(start)}"
            )
        return
    SequenceCounter.objects.using(connection.alias).update_or_create(
        name=name,
        defaults={"last_value": int(start), "increment": int(increment), "is_called": False},
    )


def restart(connection, name: str, *, start: int, increment: int) -> None:
    """Make the next value `start` (and the step `increment`)."""
    if _is_postgresql(connection):
        qn = connection.ops.quote_name(name)
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER SEQUENCE {qn} INCREMENT BY {int(increment)} MINVALUE 0 "
                f"RESTART WITH {int(start)}"
            )
        return
    create(connection, name, start=start, increment=increment)


def drop(connection, name: str) -> None:
    if not name:
        return
    if _is_postgresql(connection):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SEQUENCE IF EXISTS {connection.ops.quote_name(name)}")
        return
    SequenceCounter.objects.using(connection.alias).filter(name=name).delete()


def lock_last_value(connection, name: str) -> int | None:
    """The last value handed out (None: none since the (re)start), read so that no one
    draws from the sequence until the caller's transaction ends.

    On PostgreSQL an ALTER SEQUENCE that changes nothing takes the sequence's SHARE ROW
    EXCLUSIVE lock: it waits for transactions that drew from it and blocks new draws
    until the caller commits, so the value read is final for a switch to Normal.
    """
    if _is_postgresql(connection):
        qn = connection.ops.quote_name(name)
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER SEQUENCE {qn} NO CYCLE")
            cursor.execute(f"SELECT last_value, is_called FROM {qn}")
            last_value, is_called = cursor.fetchone()
        return int(last_value) if is_called else None
    return last_values(connection, [name]).get(name)


def last_values(connection, names: list[str]) -> dict[str, int | None]:
    """{name: last value handed out, or None} for several sequences, one query."""
    names = [n for n in names if n]
    if not names:
        return {}
    if _is_postgresql(connection):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT n, pg_sequence_last_value(to_regclass(n)) FROM unnest(%s::text[]) AS n",
                [names],
            )
            return {name: (None if value is None else int(value)) for name, value in cursor}
    rows = SequenceCounter.objects.using(connection.alias).filter(name__in=names)
    return {row.name: (row.last_value if row.is_called else None) for row in rows}


def next_values(connection, name: str, count: int = 1) -> list[int]:
    """Take `count` values (on PostgreSQL not necessarily consecutive: other sessions
    draw at the same time)."""
    if _is_postgresql(connection):
        with connection.cursor() as cursor:
            if count == 1:
                cursor.execute("SELECT nextval(%s::regclass)", [name])
            else:
                cursor.execute(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [name, count]
                )
            return [int(row[0]) for row in cursor.fetchall()]
    counters = SequenceCounter.objects.using(connection.alias)
    counter = counters.get(name=name)
    first = counter.last_value + counter.increment if counter.is_called else counter.last_value
    values = [first + i * counter.increment for i in range(count)]
    # Read then write is safe here: SQLite transactions take the write lock at BEGIN.
    counters.filter(name=name).update(last_value=values[-1], is_called=True)
    return values
