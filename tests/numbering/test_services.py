"""Drawing numbers: line choice, counters, limits, dates, transactions (section 5.3)."""

import datetime

import pytest
from django.db import transaction

from numbering.models import NoSeriesLine
from numbering.services import (
    NumberSeriesError,
    series_check_automatic,
    series_check_manual,
    series_draw,
    series_next_number,
    series_peek,
)
from tests.numbering.factories import make_series

pytestmark = pytest.mark.django_db

D = datetime.date


def draw(code, **kwargs):
    with transaction.atomic():
        return series_draw(code, **kwargs)


def next_no(code, **kwargs):
    with transaction.atomic():
        return series_next_number(code, **kwargs)


def test_first_number_is_the_starting_no_then_increments():
    make_series("CONT", {"starting_no": "CT0001"})
    assert [next_no("CONT") for _ in range(3)] == ["CT0001", "CT0002", "CT0003"]
    line = NoSeriesLine.objects.get(series_id="CONT")
    assert line.last_no_used == "CT0003"
    assert line.last_date_used is not None


def test_increment_by():
    make_series("S", {"starting_no": "A100", "increment_by": 10})
    assert [next_no("S") for _ in range(3)] == ["A100", "A110", "A120"]


def test_draw_records_usage_date():
    make_series("S", {"starting_no": "A1"})
    next_no("S", on_date=D(2027, 3, 4))
    assert NoSeriesLine.objects.get().last_date_used == D(2027, 3, 4)


def test_ending_no_stops_the_series_with_a_clear_error():
    make_series("S", {"starting_no": "A1", "ending_no": "A3"})
    assert [next_no("S") for _ in range(3)] == ["A1", "A2", "A3"]
    assert NoSeriesLine.objects.get().open is False
    with pytest.raises(NumberSeriesError) as exc:
        next_no("S")
    assert str(exc.value) == "You cannot assign numbers greater than A3 from the number series S."


def test_edited_counter_past_the_end_is_refused():
    make_series("S", {"starting_no": "A1", "ending_no": "A9", "last_no_used": "A9"})
    with pytest.raises(NumberSeriesError, match="greater than A9"):
        next_no("S")


def test_overflowing_width_fails_the_range_check():
    make_series("S", {"starting_no": "CT001", "ending_no": "CT999", "last_no_used": "CT998"})
    assert next_no("S") == "CT999"
    with pytest.raises(NumberSeriesError, match="greater than CT999"):
        next_no("S")


def test_warning_from_the_warning_no_on():
    make_series("S", {"starting_no": "A01", "ending_no": "A10", "warning_no": "A09"})
    warnings = [draw("S").warning for _ in range(10)]
    assert warnings[:8] == [None] * 8
    assert warnings[8] == (
        "The number series S is soon running out. The current number is A09 and the last "
        "allowed number of the sequence is A10."
    )
    assert warnings[9] is not None


def test_consecutive_lines_with_the_same_starting_date():
    make_series(
        "S", {"starting_no": "A1", "ending_no": "A2"}, {"starting_no": "B1", "ending_no": "B2"}
    )
    assert [next_no("S") for _ in range(4)] == ["A1", "A2", "B1", "B2"]
    with pytest.raises(NumberSeriesError, match="greater than B2"):
        next_no("S")


def test_dated_lines_pick_the_latest_starting_date():
    make_series(
        "S",
        {"starting_no": "OLD001"},
        {"starting_no": "Y27-001", "starting_date": D(2027, 1, 1)},
        {"starting_no": "Y28-001", "starting_date": D(2028, 1, 1)},
    )
    assert next_no("S", on_date=D(2026, 6, 1)) == "OLD001"
    assert next_no("S", on_date=D(2027, 6, 1)) == "Y27-001"
    assert next_no("S", on_date=D(2027, 12, 31)) == "Y27-002"
    assert next_no("S", on_date=D(2028, 1, 1)) == "Y28-001"


def test_no_line_for_the_date():
    make_series("S", {"starting_no": "A1", "starting_date": D(2027, 1, 1)})
    with pytest.raises(NumberSeriesError) as exc:
        next_no("S", on_date=D(2026, 12, 31))
    assert exc.value.code == "no_line_on_date"
    assert "You cannot assign new numbers from the number series S on " in str(exc.value)


def test_series_without_lines():
    make_series("S", {"starting_no": "A1"})
    NoSeriesLine.objects.all().delete()
    with pytest.raises(NumberSeriesError) as exc:
        next_no("S")
    assert str(exc.value) == "You cannot assign new numbers from the number series S."


def test_blank_and_unknown_codes():
    with pytest.raises(NumberSeriesError, match="empty number series code"):
        next_no("")
    with pytest.raises(NumberSeriesError, match="NOPE does not exist"):
        next_no("NOPE")


def test_date_order_refuses_an_earlier_date():
    make_series("S", {"starting_no": "A1"}, date_order=True)
    assert next_no("S", on_date=D(2027, 5, 10)) == "A1"
    assert next_no("S", on_date=D(2027, 5, 10)) == "A2"
    with pytest.raises(NumberSeriesError) as exc:
        next_no("S", on_date=D(2027, 5, 9))
    assert exc.value.code == "date_order"
    assert "on a date before" in str(exc.value)
    assert next_no("S", on_date=D(2027, 5, 11)) == "A3"


def test_without_date_order_earlier_dates_are_fine():
    make_series("S", {"starting_no": "A1"})
    next_no("S", on_date=D(2027, 5, 10))
    assert next_no("S", on_date=D(2027, 5, 9)) == "A2"


def test_closed_line_is_skipped():
    make_series(
        "S",
        {"starting_no": "A1", "ending_no": "A5", "last_no_used": "A5", "open": False},
        {"starting_no": "B1"},
    )
    assert next_no("S") == "B1"


def test_rollback_gives_the_number_back():
    make_series("S", {"starting_no": "A1"})
    with pytest.raises(RuntimeError), transaction.atomic():
        assert series_next_number("S") == "A1"
        raise RuntimeError("saving the numbered record failed")
    assert next_no("S") == "A1"


def test_draw_outside_a_transaction_raises(django_db_blocker):
    make_series("S", {"starting_no": "A1"})
    # pytest-django wraps each test in a transaction; leave it to test the guard.
    from django.db import connection

    atomic_before = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(transaction.TransactionManagementError):
            series_draw("S")
    finally:
        connection.in_atomic_block = atomic_before


def test_peek_does_not_consume():
    make_series("S", {"starting_no": "A1"})
    assert series_peek("S") == "A1"
    assert series_peek("S") == "A1"
    assert next_no("S") == "A1"
    assert series_peek("S") == "A2"


def test_default_nos_off_refuses_automatic_numbers():
    make_series("S", {"starting_no": "A1"}, default_nos=False, manual_nos=True)
    with pytest.raises(NumberSeriesError, match=r"activate Default Nos\. in No\. Series S"):
        next_no("S")
    with pytest.raises(NumberSeriesError):
        series_check_automatic("S")


def test_check_manual():
    make_series("MAN", {"starting_no": "A1"}, manual_nos=True)
    make_series("AUTO", {"starting_no": "A1"}, manual_nos=False)
    series_check_manual("MAN")
    series_check_manual("")
    with pytest.raises(NumberSeriesError) as exc:
        series_check_manual("AUTO")
    assert str(exc.value) == (
        "You may not enter numbers manually. If you want to enter numbers manually, "
        "please activate Manual Nos. in No. Series AUTO."
    )


def test_error_is_translated():
    from django.utils import translation

    with translation.override("nb"), pytest.raises(NumberSeriesError) as exc:
        series_check_manual("")  # no error
        next_no("")
    assert exc.value.messages


def test_a_draw_is_one_statement(django_assert_num_queries):
    """Choose the line, check it and advance it in one UPDATE (issue 15.1): the row
    lock is held only from that statement to the commit."""
    make_series("S", {"starting_no": "A1"}, {"starting_no": "B1", "starting_date": D(2020, 1, 1)})
    # pytest-django's test transaction is the caller's transaction here.
    with django_assert_num_queries(1) as captured:
        assert series_next_number("S", on_date=D(2027, 1, 1)) == "B1"
    assert captured.captured_queries[0]["sql"].lstrip().upper().startswith("UPDATE")
    with django_assert_num_queries(1):
        assert series_next_number("S", on_date=D(2027, 1, 1)) == "B2"


def test_draw_many_takes_consecutive_numbers_across_ranges():
    from numbering.services import series_draw_many

    make_series("S", {"starting_no": "A1", "ending_no": "A3"}, {"starting_no": "B1"})
    with transaction.atomic():
        assert series_draw_many("S", 5) == ["A1", "A2", "A3", "B1", "B2"]
    assert next_no("S") == "B3"
    assert NoSeriesLine.objects.get(starting_no="A1").open is False


def test_draw_many_is_all_or_nothing():
    from numbering.services import series_draw_many

    make_series("S", {"starting_no": "A1", "ending_no": "A3"})
    # No atomic() of its own here: the test's transaction stays open, so a save would show.
    with pytest.raises(NumberSeriesError, match="greater than A3"):
        series_draw_many("S", 4)
    assert NoSeriesLine.objects.get().last_no_used == ""
    with transaction.atomic():
        assert series_draw_many("S", 0) == []
        assert series_draw_many("S", 3) == ["A1", "A2", "A3"]
