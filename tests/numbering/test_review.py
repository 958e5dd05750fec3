"""Review of number series against sections 5.3-5.4: increment-by at the end of a
range, the Open flag whoever saves the line, ranges sharing a starting date,
admin edits racing with draws, and deleting a series the setup still uses."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from marketing_setup.models import MarketingSetup
from numbering.models import NoSeries, NoSeriesLine
from numbering.services import NumberSeriesError, series_draw, series_draw_many, series_peek
from tests.numbering.factories import make_series
from tests.numbering.test_admin import admin_site_client, inline_data  # noqa: F401

pytestmark = pytest.mark.django_db

D = datetime.date


def next_no(code, **kwargs):
    with transaction.atomic():
        return series_draw(code, **kwargs).number


# --- increment-by greater than 1 -------------------------------------------------------


def test_increment_by_never_overshoots_the_ending_no():
    make_series("S", {"starting_no": "A01", "ending_no": "A10", "increment_by": 4})
    assert [next_no("S") for _ in range(3)] == ["A01", "A05", "A09"]
    line = NoSeriesLine.objects.get()
    assert line.open is False  # A13 would pass A10
    with pytest.raises(NumberSeriesError, match="greater than A10"):
        next_no("S")
    line.refresh_from_db()
    assert line.last_no_used == "A09"


def test_increment_by_moves_on_to_the_next_range_of_the_same_date():
    make_series(
        "S",
        {"starting_no": "A01", "ending_no": "A10", "increment_by": 4},
        {"starting_no": "B01", "ending_no": "B10", "increment_by": 4},
    )
    assert [next_no("S") for _ in range(5)] == ["A01", "A05", "A09", "B01", "B05"]


def test_draw_many_with_increment_by_crosses_ranges():
    make_series(
        "S",
        {"starting_no": "A01", "ending_no": "A10", "increment_by": 4},
        {"starting_no": "B01", "ending_no": "B10", "increment_by": 4},
    )
    with transaction.atomic():
        assert series_draw_many("S", 4) == ["A01", "A05", "A09", "B01"]


# --- the Open flag follows the line, however it is saved ---------------------------------


def test_line_saved_through_the_orm_gets_its_open_flag():
    """Scripts, fixtures and data migrations save lines without clean(): a used-up
    line must still be closed, so the next range of the same date takes over."""
    make_series(
        "S",
        {"starting_no": "A1", "ending_no": "A5", "last_no_used": "A5"},
        {"starting_no": "B1", "ending_no": "B5"},
    )
    first = NoSeriesLine.objects.get(line_no=10000)
    assert first.open is False
    assert series_peek("S") == "B1"
    assert next_no("S") == "B1"


def test_reopening_a_line_by_raising_its_ending_no_through_the_orm():
    make_series("S", {"starting_no": "A1", "ending_no": "A5", "last_no_used": "A5"})
    line = NoSeriesLine.objects.get()
    line.ending_no = "A9"
    line.save()
    line.refresh_from_db()
    assert line.open is True
    assert next_no("S") == "A6"


def test_a_stale_open_flag_does_not_block_the_next_range():
    """A bulk update() fires no save(): the draw judges the line itself."""
    make_series(
        "S",
        {"starting_no": "A1", "ending_no": "A5"},
        {"starting_no": "B1", "ending_no": "B5"},
    )
    NoSeriesLine.objects.filter(line_no=10000).update(last_no_used="A5")  # open stays True
    assert next_no("S") == "B1"
    with transaction.atomic():
        assert series_draw_many("S", 2) == ["B2", "B3"]


@pytest.mark.parametrize(
    ("change", "is_open"),
    [
        ({"ending_no": "A05"}, False),  # last no. used A05 reaches the new end
        ({"increment_by": "6"}, False),  # A05 + 6 passes A10
        ({"ending_no": ""}, True),  # unlimited again
        ({"last_no_used": "A03"}, True),  # rewound
    ],
)
def test_admin_edits_recompute_open(admin_site_client, change, is_open):  # noqa: F811
    series = make_series("S", {"starting_no": "A01", "ending_no": "A10", "last_no_used": "A05"})
    line = series.lines.get()
    fields = {"starting_no": "A01", "ending_no": "A10", "last_no_used": "A05", **change}
    data = {
        "description": "",
        "default_nos": "on",
        **inline_data(id=str(line.pk), **fields),
        "lines-INITIAL_FORMS": "1",
        "lines-0-series": "S",
    }
    url = reverse("admin:numbering_noseries_change", args=["S"])
    response = admin_site_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    line.refresh_from_db()
    assert line.open is is_open


def test_line_admin_edit_recomputes_open(admin_site_client):  # noqa: F811
    series = make_series("S", {"starting_no": "A01", "ending_no": "A10", "last_no_used": "A05"})
    line = series.lines.get()
    url = reverse("admin:numbering_noseriesline_change", args=[line.pk])
    response = admin_site_client.post(
        url,
        {
            "series": "S",
            "line_no": "10000",
            "starting_no": "A01",
            "ending_no": "A05",
            "increment_by": "1",
            "last_no_used": "A05",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    line.refresh_from_db()
    assert line.open is False


def test_blanking_the_ending_no_blanks_the_warning_no(admin_site_client):  # noqa: F811
    series = make_series("S", {"starting_no": "A01", "ending_no": "A99", "warning_no": "A90"})
    line = series.lines.get()
    data = {
        "description": "",
        "default_nos": "on",
        **inline_data(id=str(line.pk), starting_no="A01", ending_no="", warning_no="A90"),
        "lines-INITIAL_FORMS": "1",
        "lines-0-series": "S",
    }
    response = admin_site_client.post(reverse("admin:numbering_noseries_change", args=["S"]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    line.refresh_from_db()
    assert (line.ending_no, line.warning_no) == ("", "")


def test_a_warning_no_without_ending_no_is_still_refused(admin_site_client):  # noqa: F811
    data = {
        "code": "W",
        "default_nos": "on",
        **inline_data(starting_no="A01", ending_no="", warning_no="A90"),
    }
    response = admin_site_client.post(reverse("admin:numbering_noseries_add"), data)
    assert response.status_code == 200
    assert "You must specify an Ending No. to use a Warning No." in response.content.decode()
    assert not NoSeries.objects.filter(code="W").exists()


# --- an admin edit must not rewind a counter drawn meanwhile ------------------------------


def test_admin_edit_of_other_fields_keeps_numbers_drawn_meanwhile(admin_site_client):  # noqa: F811
    """The administrator opens the series, a user draws A05 and A06, the administrator
    saves a new warning no.: the counter must stay at A06, or A05 is issued twice."""
    series = make_series("S", {"starting_no": "A01", "ending_no": "A99", "last_no_used": "A04"})
    line = series.lines.get()
    form_as_shown = {"starting_no": "A01", "ending_no": "A99", "last_no_used": "A04"}
    assert [next_no("S", on_date=D(2027, 3, 1)) for _ in range(2)] == ["A05", "A06"]
    data = {
        "description": "Contacts",
        "default_nos": "on",
        **inline_data(id=str(line.pk), warning_no="A90", **form_as_shown),
        # What the browser sends back: the counter as the form showed it.
        "initial-lines-0-last_no_used": "A04",
        "initial-lines-0-last_date_used": "",
        "lines-INITIAL_FORMS": "1",
        "lines-0-series": "S",
    }
    response = admin_site_client.post(reverse("admin:numbering_noseries_change", args=["S"]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    line.refresh_from_db()
    assert (line.warning_no, line.last_no_used, line.last_date_used) == (
        "A90",
        "A06",
        D(2027, 3, 1),
    )
    assert NoSeries.objects.get(code="S").description == "Contacts"
    assert next_no("S") == "A07"


def test_admin_may_still_fast_forward_the_counter(admin_site_client):  # noqa: F811
    series = make_series("S", {"starting_no": "A01", "ending_no": "A99", "last_no_used": "A04"})
    line = series.lines.get()
    next_no("S")  # A05, drawn while the form is open
    data = {
        "description": "",
        "default_nos": "on",
        **inline_data(id=str(line.pk), starting_no="A01", ending_no="A99", last_no_used="A50"),
        "initial-lines-0-last_no_used": "A04",
        "initial-lines-0-last_date_used": "",
        "lines-INITIAL_FORMS": "1",
        "lines-0-series": "S",
    }
    response = admin_site_client.post(reverse("admin:numbering_noseries_change", args=["S"]), data)
    assert response.status_code == 302
    assert next_no("S") == "A51"


def test_admin_forms_send_back_the_counter_as_shown(admin_site_client):  # noqa: F811
    series = make_series("S", {"starting_no": "A01", "last_no_used": "A04"})
    line = series.lines.get()
    page = admin_site_client.get(reverse("admin:numbering_noseries_change", args=["S"]))
    assert 'name="initial-lines-0-last_no_used" value="A04"' in page.content.decode()
    page = admin_site_client.get(reverse("admin:numbering_noseriesline_change", args=[line.pk]))
    assert 'name="initial-last_no_used" value="A04"' in page.content.decode()


def test_widening_the_numbers_keeps_a_counter_drawn_meanwhile(admin_site_client):  # noqa: F811
    series = make_series("S", {"starting_no": "A1", "ending_no": "A9", "last_no_used": "A4"})
    line = series.lines.get()
    next_no("S")  # A5
    data = {
        "description": "",
        "default_nos": "on",
        **inline_data(id=str(line.pk), starting_no="A1", ending_no="A100", last_no_used="A4"),
        "initial-lines-0-last_no_used": "A4",
        "initial-lines-0-last_date_used": "",
        "lines-INITIAL_FORMS": "1",
        "lines-0-series": "S",
    }
    response = admin_site_client.post(reverse("admin:numbering_noseries_change", args=["S"]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    line.refresh_from_db()
    assert (line.starting_no, line.ending_no, line.last_no_used) == ("A001", "A100", "A005")
    assert next_no("S") == "A006"


def test_line_admin_keeps_a_counter_drawn_meanwhile(admin_site_client):  # noqa: F811
    series = make_series("S", {"starting_no": "A01", "ending_no": "A99", "last_no_used": "A04"})
    line = series.lines.get()
    next_no("S")  # A05
    response = admin_site_client.post(
        reverse("admin:numbering_noseriesline_change", args=[line.pk]),
        {
            "series": "S",
            "line_no": "10000",
            "starting_no": "A01",
            "ending_no": "A99",
            "warning_no": "A90",
            "increment_by": "1",
            "last_no_used": "A04",
            "initial-last_no_used": "A04",
            "initial-last_date_used": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert next_no("S") == "A06"


# --- lines with equal starting dates --------------------------------------------------------


def test_equal_starting_dates_use_line_no_order_not_insertion_order():
    series = NoSeries.objects.create(code="S")
    NoSeriesLine.objects.create(
        series=series, line_no=20000, starting_date=D(2027, 1, 1), starting_no="B1"
    )
    NoSeriesLine.objects.create(
        series=series,
        line_no=10000,
        starting_date=D(2027, 1, 1),
        starting_no="A1",
        ending_no="A2",
    )
    NoSeriesLine.objects.create(series=series, line_no=5000, starting_no="OLD1")
    draws = [next_no("S", on_date=D(2027, 2, 1)) for _ in range(3)]
    assert draws == ["A1", "A2", "B1"]
    assert next_no("S", on_date=D(2026, 12, 31)) == "OLD1"


# --- deleting a series that the setup uses ----------------------------------------------------


@pytest.fixture
def used_series():
    series = make_series("CONT", {"starting_no": "CT001"})
    setup = MarketingSetup.get()
    setup.contact_nos = series
    setup.save()
    return series


def test_admin_refuses_to_delete_a_series_the_setup_uses(admin_site_client, used_series):  # noqa: F811
    url = reverse("admin:numbering_noseries_delete", args=["CONT"])
    page = admin_site_client.get(url)
    assert page.status_code == 200
    assert "Cannot delete number series" in page.content.decode()
    assert "Marketing setup" in page.content.decode(), page.content.decode()
    response = admin_site_client.post(url, {"post": "yes"})
    assert response.status_code in (200, 403)
    assert NoSeries.objects.filter(code="CONT").exists()
    assert NoSeriesLine.objects.filter(series_id="CONT").exists()


def test_admin_bulk_delete_keeps_a_series_the_setup_uses(admin_site_client, used_series):  # noqa: F811
    make_series("SPARE", {"starting_no": "SP1"})
    url = reverse("admin:numbering_noseries_changelist")
    response = admin_site_client.post(
        url,
        {"action": "delete_selected", "_selected_action": ["CONT", "SPARE"], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert NoSeries.objects.filter(code="CONT").exists()
