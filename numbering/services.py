"""Drawing numbers from a number series (reference document, sections 5.3-5.6).

Contract (as django-sequences): call `series_draw` / `series_next_number` inside the
transaction that saves the numbered record, as late as possible.

- Normal (gap-free) lines: the draw is one statement (`numbering/drawing.py`) that
  locks the chosen line's row until that transaction ends, so concurrent callers queue
  up and get consecutive numbers; a rollback gives the number back: no gaps.
- Sequence (gap-allowing) lines: the number comes from the line's database sequence
  (`numbering/sequences.py`) without a row lock; a rolled-back number is lost.

When the one-statement draw does not apply (first draw of the day from a Sequence line,
a range running out, an error to report), the locked path below decides: it locks
every line usable on the date (SELECT ... FOR UPDATE, fixed order) and applies the
rules in Python. SQLite ignores FOR UPDATE but serialises writers, which gives the same
result.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from numbering import codes, drawing, formatting, sequences
from numbering.models import NoSeries, NoSeriesLine, NoSeriesRelationship

ENDING_NO_MESSAGE = _(
    "You cannot assign numbers greater than %(ending_no)s from the number series %(code)s."
)


class NumberSeriesError(ValidationError):
    """A number cannot be drawn or entered; the message is translated and user-facing."""

    def __str__(self) -> str:
        return " ".join(self.messages)


@dataclass
class DrawnNumber:
    number: str
    warning: str | None
    line_id: int


def _date_text(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _error(message, error_code: str, **params) -> NumberSeriesError:
    return NumberSeriesError(message, code=error_code, params=params)


def _get_series(code: str) -> NoSeries:
    if not code:
        raise _error(
            _("You cannot get a number series line with an empty number series code."),
            "blank_code",
        )
    try:
        return NoSeries.objects.get(code=code)
    except NoSeries.DoesNotExist:
        raise _error(
            _("The number series %(code)s does not exist."), "unknown_series", code=code
        ) from None


def lines_on_latest_date(lines: list[NoSeriesLine], on_date: datetime.date) -> list:
    """Step 2 of 5.3 on lines in memory: those with the latest starting date <= on_date
    (blank starting date = from the beginning), by line no."""
    usable = [line for line in lines if line.starting_date is None or line.starting_date <= on_date]
    dated = [line.starting_date for line in usable if line.starting_date is not None]
    latest = max(dated) if dated else None
    return sorted(
        (line for line in usable if line.starting_date == latest), key=lambda line: line.line_no
    )


def line_is_open_now(line: NoSeriesLine) -> bool:
    """Whether a line can still issue numbers (5.4). A Normal line is judged afresh from
    its numbers, not from the stored flag (update() and raw SQL leave it stale); a
    Sequence line by its flag, which draws clear when its sequence passes the end."""
    return line.open if line.allows_gaps else line.compute_open()


def _pick_open_line(
    series: NoSeries, candidates: list[NoSeriesLine], *, has_lines: bool, on_date: datetime.date
) -> NoSeriesLine:
    """Step 2-3 of 5.3: the first open line among `candidates`, else the matching error."""
    for line in candidates:
        if line_is_open_now(line):
            return line
    if candidates:
        # Every range of that date is used up: say which limit was reached.
        last = candidates[-1]
        raise _error(
            ENDING_NO_MESSAGE,
            "ending_no",
            ending_no=last.ending_no or last.last_no_used,
            code=series.code,
        )
    if has_lines:
        raise _error(
            _("You cannot assign new numbers from the number series %(code)s on %(date)s."),
            "no_line_on_date",
            code=series.code,
            date=_date_text(on_date),
        )
    raise _error(
        _("You cannot assign new numbers from the number series %(code)s."),
        "no_line",
        code=series.code,
    )


_SERIES_FIELDS = ("code", "description", "default_nos", "manual_nos", "date_order")


def _usable_lines(code: str, on_date: datetime.date, *, lock: bool) -> list[NoSeriesLine]:
    """The series' lines with starting date <= on_date (or blank), newest date first,
    each with its series attached: one statement.

    Hand-written SQL because this is the hot path and, with `lock`, the time between
    taking the row lock and committing bounds how many numbers per second concurrent
    callers can draw; the ORM spent most of a draw compiling this query.
    """
    alias = router.db_for_write(NoSeriesLine) if lock else router.db_for_read(NoSeriesLine)
    connection = connections[alias]
    key = (alias, connection.vendor, lock)
    sql = _SQL_CACHE.get(key)
    if sql is None:
        qn = connection.ops.quote_name
        line_columns = ", ".join(f"l.{qn(f.column)}" for f in NoSeriesLine._meta.concrete_fields)
        series_columns = ", ".join(
            f"s.{qn(NoSeries._meta.get_field(name).column)} AS {qn('series__' + name)}"
            for name in _SERIES_FIELDS
        )
        starting_date = f"l.{qn(NoSeriesLine._meta.get_field('starting_date').column)}"
        series_id = f"l.{qn(NoSeriesLine._meta.get_field('series').column)}"
        sql = (
            f"SELECT {line_columns}, {series_columns} "
            f"FROM {qn(NoSeriesLine._meta.db_table)} l "
            f"INNER JOIN {qn(NoSeries._meta.db_table)} s "
            f"ON s.{qn(NoSeries._meta.pk.column)} = {series_id} "
            f"WHERE {series_id} = %s "
            f"AND ({starting_date} <= %s OR {starting_date} IS NULL) "
            # A fixed order, so concurrent callers lock rows in the same order: no deadlocks.
            f"ORDER BY {starting_date} IS NULL, {starting_date} DESC, "
            f"l.{qn(NoSeriesLine._meta.get_field('line_no').column)}"
        )
        if lock and connection.features.has_select_for_update:
            sql += (
                " FOR UPDATE OF l"
                if connection.features.has_select_for_update_of
                else (" FOR UPDATE")
            )
        _SQL_CACHE[key] = sql
    date_param = connection.ops.adapt_datefield_value(on_date)
    lines = list(NoSeriesLine.objects.using(alias).raw(sql, [code, date_param]))
    if lines:
        values = [getattr(lines[0], f"series__{name}") for name in _SERIES_FIELDS]
        series = NoSeries.from_db(alias, list(_SERIES_FIELDS), values)
        series.default_nos, series.manual_nos, series.date_order = (
            bool(series.default_nos),
            bool(series.manual_nos),
            bool(series.date_order),
        )
        for line in lines:
            line.series = series
    return lines


def _save_counter(line: NoSeriesLine) -> None:
    """UPDATE the line's counter fields (raw for the same reason as `_usable_lines`)."""
    alias = line._state.db or router.db_for_write(NoSeriesLine)
    connection = connections[alias]
    qn = connection.ops.quote_name
    meta = NoSeriesLine._meta
    # The integer form follows (it also repairs one a bulk update() left stale).
    line.set_fast_fields()
    fast = [(name, getattr(line, name)) for name in formatting.FAST_FIELDS]
    assignments = ", ".join(f"{qn(name)} = %s" for name, _value in fast)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(meta.db_table)} SET {qn('last_no_used')} = %s, "
            f"{qn('last_date_used')} = %s, {qn('open')} = %s, {assignments} "
            f"WHERE {qn(meta.pk.column)} = %s",
            [
                line.last_no_used,
                connection.ops.adapt_datefield_value(line.last_date_used),
                line.open,
                *(value for _name, value in fast),
                line.pk,
            ],
        )


_SQL_CACHE: dict[tuple, str] = {}


def _choose_line(
    code: str, on_date: datetime.date, *, lock: bool
) -> tuple[NoSeries, NoSeriesLine, list[NoSeriesLine]]:
    """The series and the line to draw from (one query on the happy path).

    With `lock`, every line usable on that date is locked (SELECT ... FOR UPDATE, in a
    fixed order so concurrent callers cannot deadlock) and read fresh; the open one is
    chosen in Python. Filtering on `open` in SQL could skip a line another transaction
    has just closed and then find nothing.
    """
    if not code:
        _get_series(code)  # raises the blank-code error
    lines = _usable_lines(code, on_date, lock=lock)
    if lines:
        series = lines[0].series
        has_lines = True
    else:
        series = _get_series(code)
        has_lines = NoSeriesLine.objects.filter(series=series).exists()
    series_check_automatic(series)
    candidates = lines_on_latest_date(lines, on_date)
    line = _pick_open_line(series, candidates, has_lines=has_lines, on_date=on_date)
    return series, line, candidates


def _check_dates(series: NoSeries, line: NoSeriesLine, on_date: datetime.date) -> None:
    """Step 4 of 5.3: date order, and not before the line's starting date."""
    if series.date_order and line.last_date_used and on_date < line.last_date_used:
        raise _error(
            _(
                "You cannot assign new numbers from the number series %(code)s "
                "on a date before %(date)s."
            ),
            "date_order",
            code=series.code,
            date=_date_text(line.last_date_used),
        )
    if line.starting_date and on_date < line.starting_date:
        raise _error(
            _(
                "You cannot assign new numbers from the number series %(code)s "
                "on a date before %(date)s."
            ),
            "date_order",
            code=series.code,
            date=_date_text(line.starting_date),
        )


def _warning(code: str, number: str, *, warning_no: str, ending_no: str) -> str | None:
    if not formatting.reaches_warning(number, warning_no=warning_no, ending_no=ending_no):
        return None
    return str(
        _(
            "The number series %(code)s is soon running out. The current number is "
            "%(number)s and the last allowed number of the sequence is %(ending_no)s."
        )
        % {"code": code, "number": number, "ending_no": ending_no}
    )


def _fits(number: str, line: NoSeriesLine) -> bool:
    return len(number) <= formatting.MAX_LENGTH and formatting.in_range(
        number, line.starting_no, line.ending_no
    )


def _check_valid(series: NoSeries, number: str) -> None:
    if not codes.is_valid_number(number):
        # Only a line stored before the number rule can get here (the rule holds for
        # every value a line is saved with): refuse rather than hand out a number no
        # page can show.
        raise _error(
            _(
                "The number series %(code)s would assign %(number)s, which is not a valid "
                "number. Correct the series line."
            ),
            "invalid_number",
            code=series.code,
            number=codes.visible(number),
        )


def _ending_error(series: NoSeries, line: NoSeriesLine, number: str) -> NumberSeriesError:
    return _error(
        ENDING_NO_MESSAGE, "ending_no", ending_no=line.ending_no or number, code=series.code
    )


def _compute(series: NoSeries, line: NoSeriesLine, on_date: datetime.date) -> DrawnNumber:
    """Steps 4-5 of 5.3 for a Normal line without saving: date order, next number,
    range, warning."""
    _check_dates(series, line, on_date)
    try:
        number = formatting.next_number(
            starting_no=line.starting_no,
            last_no_used=line.last_no_used,
            increment_by=line.increment_by,
        )
    except ValueError:
        raise _error(
            _(
                "The last number used in the number series %(code)s, %(last_no_used)s, "
                "has no number to increment."
            ),
            "not_a_number",
            code=series.code,
            last_no_used=line.last_no_used,
        ) from None
    if not _fits(number, line):
        raise _ending_error(series, line, number)
    _check_valid(series, number)
    warning = _warning(series.code, number, warning_no=line.warning_no, ending_no=line.ending_no)
    return DrawnNumber(number=number, warning=warning, line_id=line.pk)


def _connection_for(line: NoSeriesLine):
    return connections[line._state.db or router.db_for_write(NoSeriesLine)]


def _draw_locked(code: str, on_date: datetime.date, count: int) -> list[DrawnNumber]:
    """The locked path: `count` numbers for series `code`, moving on to the next range
    (line) of the same starting date when one runs out. All or nothing for the lines'
    counters: when the series cannot supply `count` numbers it raises and no line is
    changed (values already taken from a Sequence line's sequence are lost: gaps)."""
    series, line, candidates = _choose_line(code, on_date, lock=True)
    drawn: list[DrawnNumber] = []
    changed: dict[int, NoSeriesLine] = {}
    while True:
        if line.allows_gaps:
            drawn += _draw_from_sequence(series, line, on_date, count - len(drawn))
        else:
            # Lines are only changed in memory until every number is known.
            number = _compute(series, line, on_date)
            line.last_no_used = number.number
            line.open = line.compute_open()
            drawn.append(number)
        line.last_date_used = on_date
        changed[line.pk] = line
        if len(drawn) == count:
            break
        line = _pick_open_line(series, candidates, has_lines=True, on_date=on_date)
    for changed_line in changed.values():
        _save_counter(changed_line)
    return drawn


def _draw_from_sequence(
    series: NoSeries, line: NoSeriesLine, on_date: datetime.date, count: int
) -> list[DrawnNumber]:
    """Up to `count` numbers from a Sequence line's sequence (fewer when it runs past
    the ending no.: the line is then marked closed in memory)."""
    _check_dates(series, line, on_date)
    if not line.sequence_name:
        raise _error(
            _("The number series line %(code)s %(line_no)s has no number sequence."),
            "no_sequence",
            code=series.code,
            line_no=line.line_no,
        )
    drawn = []
    for value in sequences.next_values(_connection_for(line), line.sequence_name, count):
        number = formatting.format_sequence_value(line.starting_no, value)
        if not _fits(number, line):
            if line.ending_no and (
                len(number) > len(line.ending_no)
                or formatting.compare_numbers(number, line.ending_no) > 0
            ):
                line.open = False  # used up: the next range takes over
                break
            raise _ending_error(series, line, number)
        _check_valid(series, number)
        drawn.append(
            DrawnNumber(
                number=number,
                warning=_warning(
                    series.code, number, warning_no=line.warning_no, ending_no=line.ending_no
                ),
                line_id=line.pk,
            )
        )
    if drawn and line.open:
        line.open = line.compute_open(drawn[-1].number)
    return drawn


_HINTS: dict[tuple[str, str], str] = {}  # (alias, code) -> implementation of the last draw

# Sequence lines on PostgreSQL: each process reserves numbers from the line's sequence
# in small blocks, as a sequence's CACHE does, so a burst of draws needs a database
# round trip only once per block. The block grows (1, 2, 4 ... BLOCK_MAX) while one
# is used up within half of BLOCK_SECONDS, and falls back to 1 when draws are
# sparse, so interactive use stays one number at a time. Reserved numbers not used
# within BLOCK_SECONDS are dropped (gaps); a change to the line reaches every process
# within BLOCK_SECONDS (at once in the process that made it).
BLOCK_MAX = 64
BLOCK_SECONDS = 1.0


@dataclass
class _Block:
    on_date: datetime.date
    line_id: int
    starting_no: str
    ending_no: str
    warning_no: str
    values: list[int]  # reversed: pop() gives the next one
    fetched: float
    size: int


_BLOCKS: dict[tuple[str, str], _Block] = {}


def clear_caches() -> None:
    """Forget the reserved blocks and hints of this process (a line or series changed)."""
    _BLOCKS.clear()
    _HINTS.clear()


def _sequence_number(starting_no: str, ending_no: str, value: int) -> str | None:
    number = formatting.format_sequence_value(starting_no, value)
    if (
        len(number) > formatting.MAX_LENGTH
        or not formatting.in_range(number, starting_no, ending_no)
        or not codes.is_valid_number(number)
    ):
        return None  # running out (the locked path closes the line), or a bad line
    return number


def _draw_from_block(key, on_date: datetime.date) -> DrawnNumber | None:
    block = _BLOCKS.get(key)
    if block is None or block.on_date != on_date or not block.values:
        return None
    if time.monotonic() - block.fetched >= BLOCK_SECONDS:
        block.values.clear()
        return None
    number = _sequence_number(block.starting_no, block.ending_no, block.values.pop())
    if number is None:
        block.values.clear()
        return None
    warning = _warning(key[1], number, warning_no=block.warning_no, ending_no=block.ending_no)
    return DrawnNumber(number=number, warning=warning, line_id=block.line_id)


def _draw_sequence_statement(connection, key, code: str, on_date: datetime.date):
    previous = _BLOCKS.get(key)
    now = time.monotonic()
    size = 1
    if previous is not None and not previous.values and now - previous.fetched < BLOCK_SECONDS / 2:
        size = min(previous.size * 2, BLOCK_MAX)
    try:
        row = drawing.draw_sequence(connection, code, on_date, size)
    except DatabaseError as exc:
        # The line was switched back to Normal (its sequence dropped) between choosing
        # it and drawing: no number, and the transaction is spoilt.
        raise _error(
            _(
                "The number series %(code)s was changed while a number was drawn "
                "from it. Please try again."
            ),
            "changed",
            code=code,
        ) from exc
    if row is None:
        return None
    line_id, starting_no, ending_no, warning_no, values = row
    _BLOCKS[key] = _Block(
        on_date, line_id, starting_no, ending_no, warning_no, values[:0:-1], now, size
    )
    number = _sequence_number(starting_no, ending_no, values[0])
    if number is None:
        _BLOCKS[key].values.clear()
        return None
    return line_id, number, warning_no, ending_no


def _draw_one_statement(connection, code: str, on_date: datetime.date) -> DrawnNumber | None:
    """The number from one statement (numbering/drawing.py), or from this process's
    block of a Sequence line, or None when the locked path must decide. The
    implementation that served this series last is tried first."""
    key = (connection.alias, code)
    if _HINTS.get(key) == drawing.SEQUENCE:
        drawn = _draw_from_block(key, on_date)
        if drawn is not None:
            return drawn
        attempts = (drawing.SEQUENCE, drawing.NORMAL)
    else:
        attempts = (drawing.NORMAL, drawing.SEQUENCE)
    for implementation in attempts:
        if implementation == drawing.NORMAL:
            row = drawing.draw_normal(connection, code, on_date)
        else:
            row = _draw_sequence_statement(connection, key, code, on_date)
        if row is None:
            continue
        line_id, number, warning_no, ending_no = row
        _HINTS[key] = implementation
        warning = _warning(code, number, warning_no=warning_no, ending_no=ending_no)
        return DrawnNumber(number=number, warning=warning, line_id=line_id)
    return None


def _require_atomic(alias: str, name: str) -> None:
    if not transaction.get_connection(alias).in_atomic_block:
        raise transaction.TransactionManagementError(
            f"{name}() must run inside transaction.atomic(), in the transaction "
            "that saves the numbered record."
        )


def series_draw(code: str, *, on_date: datetime.date | None = None) -> DrawnNumber:
    """Take the next number of series `code` for `on_date` (default today).

    Must run inside the caller's transaction (the one that saves the numbered record):
    a Normal line stays locked until it commits, and a rollback gives the number back.
    """
    alias = router.db_for_write(NoSeriesLine)
    _require_atomic(alias, "series_draw")
    on_date = on_date or timezone.localdate()
    if code:
        drawn = _draw_one_statement(connections[alias], code, on_date)
        if drawn is not None:
            return drawn
    drawn = _draw_locked(code, on_date, 1)[0]
    return drawn


def series_draw_many(code: str, count: int, *, on_date: datetime.date | None = None) -> list[str]:
    """`count` numbers of series `code` at once (bulk imports): consecutive from a
    Normal line, under one lock.

    Same rules and transaction contract as `series_draw`; moves on to the next range
    (line) of the same starting date when one runs out. All or nothing: when the
    series cannot supply `count` numbers it raises and changes nothing.
    """
    alias = router.db_for_write(NoSeriesLine)
    _require_atomic(alias, "series_draw_many")
    if count <= 0:
        return []
    on_date = on_date or timezone.localdate()
    return [drawn.number for drawn in _draw_locked(code, on_date, count)]


def series_next_number(code: str, *, on_date: datetime.date | None = None) -> str:
    """The next number of series `code` (see `series_draw` for the transaction contract)."""
    return series_draw(code, on_date=on_date).number


def series_peek(code: str, *, on_date: datetime.date | None = None) -> str:
    """The number `series_next_number` would return now, without consuming it."""
    on_date = on_date or timezone.localdate()
    series, line, _candidates = _choose_line(code, on_date, lock=False)
    return _peek_line(series, line, on_date).number


def _peek_line(
    series: NoSeries,
    line: NoSeriesLine,
    on_date: datetime.date,
    *,
    last_no_used: str | None = None,
) -> DrawnNumber:
    """The number `line` would issue next (nothing consumed). For a Sequence line the
    live last no. used is read unless the caller passes it."""
    if not line.allows_gaps:
        return _compute(series, line, on_date)
    _check_dates(series, line, on_date)
    live = line_last_no_used(line) if last_no_used is None else last_no_used
    number = formatting.next_number(
        starting_no=line.starting_no, last_no_used=live, increment_by=line.increment_by
    )
    if not _fits(number, line):
        raise _ending_error(series, line, number)
    warning = _warning(series.code, number, warning_no=line.warning_no, ending_no=line.ending_no)
    return DrawnNumber(number=number, warning=warning, line_id=line.pk)


def line_last_no_used(line: NoSeriesLine) -> str:
    """The line's last no. used. For a Sequence line this is read from its sequence
    (the stored field holds the number at the last switch or edit)."""
    if not (line.allows_gaps and line.sequence_name):
        return line.last_no_used
    value = sequences.last_values(_connection_for(line), [line.sequence_name]).get(
        line.sequence_name
    )
    if value is None:
        return line.last_no_used
    return formatting.format_sequence_value(line.starting_no, value)


def lines_show_last_no_used(lines: list[NoSeriesLine]) -> list[NoSeriesLine]:
    """Put the live last no. used of Sequence lines into `last_no_used` (in memory, for
    display; never save these objects). One query for all of them."""
    by_db: dict[str, list[NoSeriesLine]] = {}
    for line in lines:
        if line.allows_gaps and line.sequence_name:
            by_db.setdefault(line._state.db or router.db_for_read(NoSeriesLine), []).append(line)
    for alias, group in by_db.items():
        values = sequences.last_values(connections[alias], [line.sequence_name for line in group])
        for line in group:
            value = values.get(line.sequence_name)
            if value is not None:
                line.last_no_used = formatting.format_sequence_value(line.starting_no, value)
    return lines


@dataclass
class SeriesOverview:
    """A series with its current line and next number, as the list page shows it."""

    series: NoSeries
    line: NoSeriesLine | None
    next_no: str
    warning: str | None
    problem: str | None


def series_overview(*, on_date: datetime.date | None = None) -> list[SeriesOverview]:
    """Every series with its current line for `on_date` and the number it would issue
    next (peek, nothing consumed). Two queries whatever the number of series."""
    on_date = on_date or timezone.localdate()
    rows = []
    all_series = list(NoSeries.objects.prefetch_related("lines"))
    lines_show_last_no_used([line for series in all_series for line in series.lines.all()])
    for series in all_series:
        lines = list(series.lines.all())
        line = None
        try:
            candidates = lines_on_latest_date(lines, on_date)
            line = next(
                (c for c in candidates if line_is_open_now(c)),
                candidates[-1] if candidates else None,
            )
            picked = _pick_open_line(series, candidates, has_lines=bool(lines), on_date=on_date)
            drawn = _peek_line(series, picked, on_date, last_no_used=picked.last_no_used)
        except NumberSeriesError as exc:
            rows.append(SeriesOverview(series, line, "", None, str(exc)))
            continue
        rows.append(SeriesOverview(series, line, drawn.number, drawn.warning, None))
    return rows


def series_check_automatic(series: NoSeries | str) -> None:
    """Raise unless the series allows automatic numbers (Default Nos., 5.5)."""
    if not isinstance(series, NoSeries):
        series = _get_series(series)
    if not series.default_nos:
        raise _error(
            _(
                "It is not possible to assign numbers automatically. If you want the program "
                "to assign numbers automatically, please activate Default Nos. in No. Series "
                "%(code)s."
            ),
            "default_nos",
            code=series.code,
        )


def series_check_manual(code: str) -> None:
    """Raise unless numbers may be typed by hand for series `code` (Manual Nos., 5.6).

    A blank code means no series is set up, so manual numbers are allowed.
    """
    if not code:
        return
    series = _get_series(code)
    if not series.manual_nos:
        raise _error(
            _(
                "You may not enter numbers manually. If you want to enter numbers manually, "
                "please activate Manual Nos. in No. Series %(code)s."
            ),
            "manual_nos",
            code=series.code,
        )


def series_settle_default_manual(series: NoSeries, *, unticked: str) -> str:
    """Keep Default Nos. or Manual Nos. on (5.1): unticking one while the other is off
    ticks the other. `unticked` names the field the user changed ("default_nos" or
    "manual_nos"). In memory; returns the message to show, or "" when nothing moved."""
    if series.default_nos or series.manual_nos:
        return ""
    if unticked == "manual_nos":
        series.default_nos = True
        return str(
            _(
                "Default Nos. has been ticked for number series %(code)s: a number series "
                "needs Default Nos. or Manual Nos."
            )
            % {"code": series.code}
        )
    series.manual_nos = True
    return str(
        _(
            "Manual Nos. has been ticked for number series %(code)s: a number series "
            "needs Default Nos. or Manual Nos."
        )
        % {"code": series.code}
    )


def series_choices(code: str) -> list[NoSeries]:
    """The series a user may choose where `code` is the default (5.5): the default
    first, then the series related to it, by code. Empty for a blank code."""
    if not code:
        return []
    related = list(NoSeries.objects.filter(related_to__series_id=code).order_by("code").distinct())
    default = NoSeries.objects.filter(code=code).first()
    return ([default] if default else []) + [s for s in related if s.code != code]


def series_has_relationships(code: str) -> bool:
    """Whether users can choose another series instead of `code` (5.5)."""
    return bool(code) and NoSeriesRelationship.objects.filter(series_id=code).exists()


def series_check_related(default_code: str, chosen_code: str) -> str:
    """The series to draw from when the user chose `chosen_code` where `default_code` is
    the default (5.5): the default itself, or one related to it; else a clear error.
    Both need Default Nos. (automatic numbers). Returns the chosen code, normalised."""
    chosen = codes.normalise_number(chosen_code or "")
    if not default_code:
        raise _error(
            _("There is no default number series to choose a related series for."),
            "no_default_series",
        )
    series_check_automatic(default_code)
    if not chosen or chosen == default_code:
        return default_code
    if not NoSeriesRelationship.objects.filter(
        series_id=default_code, related_series_id=chosen
    ).exists():
        raise _error(
            _(
                "Number series %(chosen)s is not related to number series %(default)s. "
                "Choose %(default)s or a series related to it."
            ),
            "not_related",
            chosen=chosen,
            default=default_code,
        )
    series_check_automatic(chosen)
    return chosen


COUNTER_FIELDS = ("last_no_used", "last_date_used")


def line_save(line: NoSeriesLine, *, fresh_fields: tuple[str, ...] = COUNTER_FIELDS) -> None:
    """Save a line edited by hand (the admin) without rewinding its counter.

    The fields in `fresh_fields` (the counter fields the user did not edit) are read
    again from the database under the line's row lock, so numbers drawn while the form
    was open are not handed out a second time; the line's numbers are then brought to
    one width again (5.2) and Open is recomputed by save().
    """
    with transaction.atomic(using=router.db_for_write(NoSeriesLine)):
        # A Sequence line's last no. used is taken from its sequence unless typed.
        line._numbering_typed_last_no_used = "last_no_used" not in fresh_fields
        if line.pk and fresh_fields:
            current = (
                NoSeriesLine.objects.select_for_update()
                .filter(pk=line.pk)
                .values(*fresh_fields)
                .first()
            )
            if current is not None:
                for name, value in current.items():
                    setattr(line, name, value)
                normalised = formatting.normalise_line_numbers(
                    starting_no=line.starting_no,
                    ending_no=line.ending_no,
                    warning_no=line.warning_no,
                    last_no_used=line.last_no_used,
                )
                if all(len(value) <= formatting.MAX_LENGTH for value in normalised.values()):
                    for name, value in normalised.items():
                        setattr(line, name, value)
        line.save()


def line_validate(line: NoSeriesLine) -> None:
    """Raise a field-keyed ValidationError when the line's numbers don't fit together,
    else recompute its Open flag (the model's clean(); kept here for service callers)."""
    line.clean()


# --- Sequence lines: their database sequence follows the line (pre/post save, delete) --


def _sequence_start(line: NoSeriesLine, base: str) -> int:
    """The first value the line's sequence issues after last no. used `base`."""
    try:
        following = formatting.next_number(
            starting_no=line.starting_no, last_no_used=base, increment_by=line.increment_by
        )
        return formatting.sequence_value(following)
    except ValueError:
        return (
            formatting.sequence_value(line.starting_no)
            if formatting.has_number(line.starting_no)
            else 0
        )


def _normalised_last(line: NoSeriesLine, base: str) -> str:
    values = formatting.normalise_line_numbers(
        starting_no=line.starting_no,
        ending_no=line.ending_no,
        warning_no=line.warning_no,
        last_no_used=base,
    )
    if all(len(value) <= formatting.MAX_LENGTH for value in values.values()):
        return values["last_no_used"]
    return base


def line_before_save(line: NoSeriesLine, *, using: str, update_fields=None) -> None:
    """pre_save of a line: its sequence follows the implementation (`_line_sequence`)
    and the integer form of its numbers (fast_* fields) follows the text fields."""
    _line_sequence(line, using=using, update_fields=update_fields)
    line.set_fast_fields()


def _line_sequence(line: NoSeriesLine, *, using: str, update_fields=None) -> None:
    """pre_save of a line: keep its database sequence and its last no. used in step
    with the implementation (Normal <-> Sequence) so the numbering continues.

    - Normal -> Sequence: the sequence starts after the last no. used.
    - Sequence -> Normal: the last number the sequence handed out becomes the last no.
      used, read under the sequence's lock (no draw from it until this commits); the
      sequence is dropped.
    - Sequence line edited: the last no. used shown is the sequence's; typing a new one
      (or changing the increment or the starting no.) restarts the sequence from it.

    A typed last no. used is one the admin form marks as edited, or for other saves one
    that differs from the stored value.
    """
    typed = getattr(line, "_numbering_typed_last_no_used", None)
    line._numbering_typed_last_no_used = None
    line._numbering_create_sequence = False
    old = None
    if line.pk:
        old = (
            NoSeriesLine.objects.using(using)
            .select_for_update()
            .filter(pk=line.pk)
            .values(
                "implementation", "sequence_name", "starting_no", "increment_by", "last_no_used"
            )
            .first()
        )
    if old is None:
        line._numbering_create_sequence = line.allows_gaps
        return
    if update_fields is not None and "last_no_used" not in update_fields:
        typed = False
    elif typed is None:
        typed = line.last_no_used != old["last_no_used"]
    connection = connections[using]
    was_sequence = old["implementation"] == NoSeriesLine.Implementation.SEQUENCE
    if was_sequence and old["sequence_name"]:
        live = sequences.lock_last_value(connection, old["sequence_name"])
        if not typed:
            base = (
                old["last_no_used"]
                if live is None
                else formatting.format_sequence_value(old["starting_no"], live)
            )
            line.last_no_used = _normalised_last(line, base)
        if line.allows_gaps:
            line.sequence_name = old["sequence_name"]
            if (
                typed
                or line.increment_by != old["increment_by"]
                or line.starting_no != old["starting_no"]
            ):
                sequences.restart(
                    connection,
                    line.sequence_name,
                    start=_sequence_start(line, line.last_no_used),
                    increment=line.increment_by,
                )
        else:
            sequences.drop(connection, old["sequence_name"])
            line.sequence_name = ""
    elif line.allows_gaps:
        if not typed:
            line.last_no_used = old["last_no_used"]  # fresh, under the row lock
        name = sequences.sequence_name_for(line.pk)
        sequences.drop(connection, name)
        sequences.create(
            connection,
            name,
            start=_sequence_start(line, line.last_no_used),
            increment=line.increment_by,
        )
        line.sequence_name = name
    else:
        line.sequence_name = ""
    line.open = line.compute_open()


def line_after_save(line: NoSeriesLine, *, created: bool, using: str) -> None:
    """post_save of a line: a new Sequence line gets its sequence (it needs the id)."""
    if not (created and getattr(line, "_numbering_create_sequence", False)):
        return
    line._numbering_create_sequence = False
    name = sequences.sequence_name_for(line.pk)
    connection = connections[using]
    sequences.drop(connection, name)
    sequences.create(
        connection,
        name,
        start=_sequence_start(line, line.last_no_used),
        increment=line.increment_by,
    )
    NoSeriesLine.objects.using(using).filter(pk=line.pk).update(sequence_name=name)
    line.sequence_name = name


def line_after_delete(line: NoSeriesLine, *, using: str) -> None:
    """post_delete of a line: its sequence goes with it."""
    if line.sequence_name:
        sequences.drop(connections[using], line.sequence_name)
