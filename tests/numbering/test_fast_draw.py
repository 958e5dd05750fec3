"""The one-statement draw (numbering/drawing.py) gives exactly the number the Python
rules give, or declines and leaves the draw to them (issue 15.1). Generated lines,
fixed seed; also lines whose text fields a bulk update() changed behind the integer
form."""

import datetime
import random

import pytest
from django.db import transaction

from numbering import drawing, formatting, services
from numbering.models import NoSeries, NoSeriesLine

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 6, 1)


def _number(rng, prefix, suffix, width, value):
    return f"{prefix}{str(value).zfill(width)}{suffix}"


def _case(rng):
    prefix = rng.choice(["", "A", "CT", "X-", "2026-"])
    suffix = rng.choice(["", "", "/B"])
    width = rng.randint(1, 4)
    start = rng.randint(0, 20)
    end = rng.choice([None, start + rng.randint(0, 30)])
    last = rng.choice([None, None, start + rng.randint(-3, 35)])
    fields = {
        "starting_no": _number(rng, prefix, suffix, width, start),
        "ending_no": "" if end is None else _number(rng, prefix, suffix, width, end),
        "last_no_used": ""
        if last is None or last < 0
        else _number(rng, prefix, suffix, width + rng.choice([0, 0, 0, 1]), last),
        "increment_by": rng.choice([1, 1, 2, 5]),
    }
    raw = {}
    if rng.random() < 0.25:  # a bulk update() behind the integer form's back
        raw[rng.choice(["last_no_used", "ending_no"])] = _number(
            rng, prefix, suffix, width, rng.randint(0, 40)
        )
    return fields, raw


def _python_draw(line_id):
    """What the Python rules give for the line as stored: (number, open) or None."""
    line = NoSeriesLine.objects.select_related("series").get(pk=line_id)
    if not line.compute_open():
        return None
    try:
        drawn = services._compute(line.series, line, TODAY)
    except services.NumberSeriesError:
        return None
    line.last_no_used = drawn.number
    return drawn.number, line.compute_open()


def test_fast_draw_agrees_with_the_python_rules():
    rng = random.Random(20261201)
    series = NoSeries.objects.create(code="GEN")
    served = 0
    for index in range(150):
        fields, raw = _case(rng)
        if formatting.validate_line_numbers(**fields):
            continue  # the admin refuses such a line
        with transaction.atomic():
            sid = transaction.savepoint()
            line = NoSeriesLine.objects.create(series=series, line_no=10000, **fields)
            if raw:
                NoSeriesLine.objects.filter(pk=line.pk).update(**raw)
            expected = _python_draw(line.pk)
            row = drawing.draw_normal(transaction.get_connection(), "GEN", TODAY)
            if row is not None:
                served += 1
                line.refresh_from_db()
                assert expected is not None, (index, fields, raw, row)
                assert (row[1], line.open) == expected, (index, fields, raw)
                assert line.last_no_used == row[1]
                # The integer form still matches the text: the next draw may use it.
                assert (
                    line.fast_source
                    == formatting.fast_fields(
                        starting_no=line.starting_no,
                        ending_no=line.ending_no,
                        last_no_used=line.last_no_used,
                    )["fast_source"]
                    or not line.fast_ok
                )
            transaction.savepoint_rollback(sid)
    assert served > 60  # the common lines are drawn in one statement


def test_a_stale_integer_form_is_repaired_by_the_locked_path():
    series = NoSeries.objects.create(code="S")
    line = NoSeriesLine.objects.create(series=series, line_no=10000, starting_no="A01")
    NoSeriesLine.objects.filter(pk=line.pk).update(last_no_used="A07")
    with transaction.atomic():
        assert services.series_next_number("S", on_date=TODAY) == "A08"  # locked path
        assert drawing.draw_normal(transaction.get_connection(), "S", TODAY)[1] == "A09"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # Equal value, wider digits: A005 sorts before A05, so it is out of range.
        ({"starting_no": "A05", "last_no_used": "A004"}, None),
        ({"starting_no": "A05", "last_no_used": "A04"}, "A05"),
        ({"starting_no": "A1", "last_no_used": "A9"}, "A10"),  # grows without an end
        ({"starting_no": "A1", "ending_no": "A9", "last_no_used": "A9"}, None),
        ({"starting_no": "AB1" + "0" * 17, "last_no_used": "AB" + "9" * 18}, None),  # > 20
    ],
)
def test_fast_draw_edge_cases(fields, expected):
    series = NoSeries.objects.create(code="E")
    line = NoSeriesLine.objects.create(series=series, line_no=10000, **fields)
    assert (_python_draw(line.pk) or (None,))[0] == expected
    with transaction.atomic():
        row = drawing.draw_normal(transaction.get_connection(), "E", TODAY)
    assert (row[1] if row else None) == expected or (row is None and expected is not None)
