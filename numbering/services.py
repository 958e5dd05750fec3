"""Drawing numbers from a number series (reference document, sections 5.3-5.6).

Contract (as django-sequences): call `series_draw` / `series_next_number` inside the
transaction that saves the numbered record, as late as possible. The chosen line's row
stays locked (SELECT ... FOR UPDATE) until that transaction ends, so concurrent callers
queue up and get consecutive numbers; a rollback gives the number back, so there are no
gaps. SQLite ignores FOR UPDATE but serialises writers, which gives the same result.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from numbering import codes, formatting
from numbering.models import NoSeries, NoSeriesLine

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


def _pick_open_line(
    series: NoSeries, candidates: list[NoSeriesLine], *, has_lines: bool, on_date: datetime.date
) -> NoSeriesLine:
    """Step 2-3 of 5.3: the first open line among `candidates`, else the matching error."""
    for line in candidates:
        # Judged afresh, not from the stored flag: update() and raw SQL leave it stale.
        if line.compute_open():
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
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(meta.db_table)} SET {qn('last_no_used')} = %s, "
            f"{qn('last_date_used')} = %s, {qn('open')} = %s WHERE {qn(meta.pk.column)} = %s",
            [
                line.last_no_used,
                connection.ops.adapt_datefield_value(line.last_date_used),
                line.open,
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


def _compute(series: NoSeries, line: NoSeriesLine, on_date: datetime.date) -> DrawnNumber:
    """Steps 4-5 of 5.3 without saving: date order, next number, range, warning."""
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
    if not formatting.in_range(number, line.starting_no, line.ending_no) or len(number) > (
        formatting.MAX_LENGTH
    ):
        raise _error(
            ENDING_NO_MESSAGE,
            "ending_no",
            ending_no=line.ending_no or number,
            code=series.code,
        )
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
    warning = None
    if formatting.reaches_warning(number, warning_no=line.warning_no, ending_no=line.ending_no):
        warning = str(
            _(
                "The number series %(code)s is soon running out. The current number is "
                "%(number)s and the last allowed number of the sequence is %(ending_no)s."
            )
            % {"code": series.code, "number": number, "ending_no": line.ending_no}
        )
    return DrawnNumber(number=number, warning=warning, line_id=line.pk)


def series_draw(code: str, *, on_date: datetime.date | None = None) -> DrawnNumber:
    """Take the next number of series `code` for `on_date` (default today).

    Must run inside the caller's transaction (the one that saves the numbered record):
    the line stays locked until it commits, and a rollback gives the number back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "series_draw() must run inside transaction.atomic(), in the transaction "
            "that saves the numbered record."
        )
    on_date = on_date or timezone.localdate()
    series, line, _candidates = _choose_line(code, on_date, lock=True)
    drawn = _compute(series, line, on_date)
    line.last_no_used = drawn.number
    line.last_date_used = on_date
    line.open = line.compute_open()
    _save_counter(line)
    return drawn


def series_draw_many(code: str, count: int, *, on_date: datetime.date | None = None) -> list[str]:
    """`count` consecutive numbers of series `code` under one lock (bulk imports).

    Same rules and transaction contract as `series_draw`; moves on to the next range
    (line) of the same starting date when one runs out. All or nothing: when the
    series cannot supply `count` numbers it raises and changes nothing.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "series_draw_many() must run inside transaction.atomic(), in the transaction "
            "that saves the numbered records."
        )
    if count <= 0:
        return []
    on_date = on_date or timezone.localdate()
    series, line, candidates = _choose_line(code, on_date, lock=True)
    numbers: list[str] = []
    changed: dict[int, NoSeriesLine] = {}
    while True:
        # Lines are only changed in memory until every number is known.
        drawn = _compute(series, line, on_date)
        line.last_no_used = drawn.number
        line.last_date_used = on_date
        line.open = line.compute_open()
        changed[line.pk] = line
        numbers.append(drawn.number)
        if len(numbers) == count:
            break
        line = _pick_open_line(series, candidates, has_lines=True, on_date=on_date)
    for changed_line in changed.values():
        _save_counter(changed_line)
    return numbers


def series_next_number(code: str, *, on_date: datetime.date | None = None) -> str:
    """The next number of series `code` (see `series_draw` for the transaction contract)."""
    return series_draw(code, on_date=on_date).number


def series_peek(code: str, *, on_date: datetime.date | None = None) -> str:
    """The number `series_next_number` would return now, without consuming it."""
    on_date = on_date or timezone.localdate()
    series, line, _candidates = _choose_line(code, on_date, lock=False)
    return _compute(series, line, on_date).number


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
    for series in NoSeries.objects.prefetch_related("lines"):
        lines = list(series.lines.all())
        line = None
        try:
            candidates = lines_on_latest_date(lines, on_date)
            line = next(
                (c for c in candidates if c.compute_open()), candidates[-1] if candidates else None
            )
            picked = _pick_open_line(series, candidates, has_lines=bool(lines), on_date=on_date)
            drawn = _compute(series, picked, on_date)
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


COUNTER_FIELDS = ("last_no_used", "last_date_used")


def line_save(line: NoSeriesLine, *, fresh_fields: tuple[str, ...] = COUNTER_FIELDS) -> None:
    """Save a line edited by hand (the admin) without rewinding its counter.

    The fields in `fresh_fields` (the counter fields the user did not edit) are read
    again from the database under the line's row lock, so numbers drawn while the form
    was open are not handed out a second time; the line's numbers are then brought to
    one width again (5.2) and Open is recomputed by save().
    """
    with transaction.atomic(using=router.db_for_write(NoSeriesLine)):
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
