"""`manage.py next_number SERIES [--date D]`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from numbering.models import NoSeriesLine
from tests.numbering.factories import make_series

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("next_number", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_prints_the_drawn_number():
    make_series("CONT", {"starting_no": "CT0001"})
    assert run("CONT") == ("CT0001", "")
    assert run("CONT") == ("CT0002", "")
    assert NoSeriesLine.objects.get().last_no_used == "CT0002"


def test_date_option_picks_the_dated_line():
    make_series("S", {"starting_no": "A01"}, {"starting_no": "B01", "starting_date": "2027-01-01"})
    assert run("S", "--date", "2026-12-31")[0] == "A01"
    assert run("S", "--date", "2027-01-01")[0] == "B01"
    assert str(NoSeriesLine.objects.get(starting_no="B01").last_date_used) == "2027-01-01"


def test_warning_goes_to_stderr():
    make_series("S", {"starting_no": "A1", "ending_no": "A5", "warning_no": "A1"})
    number, warning = run("S")
    assert number == "A1"
    assert "The number series S is soon running out" in warning


def test_error_is_a_command_error_and_draws_nothing():
    make_series("S", {"starting_no": "A1"}, date_order=True)
    run("S", "--date", "2027-05-10")
    with pytest.raises(CommandError, match="on a date before"):
        run("S", "--date", "2027-05-01")
    line = NoSeriesLine.objects.get()
    assert (line.last_no_used, str(line.last_date_used)) == ("A1", "2027-05-10")


def test_unknown_series_and_bad_date():
    with pytest.raises(CommandError, match="The number series NOPE does not exist"):
        run("NOPE")
    make_series("S", {"starting_no": "A1"})
    with pytest.raises(CommandError, match="not a valid date"):
        run("S", "--date", "31.12.2027")
    assert NoSeriesLine.objects.get().last_no_used == ""
