"""Gap-allowing lines (Business Central's Sequence implementation, issue 14.11):
numbers from a database sequence, last no. used readable, switching both ways keeps
the numbering continuous. Runs on SQLite and PostgreSQL."""

import datetime

import pytest
from django.db import connection, transaction
from django.urls import reverse

from numbering import services
from numbering.models import NoSeriesLine
from numbering.services import (
    NumberSeriesError,
    line_last_no_used,
    series_draw_many,
    series_next_number,
    series_peek,
)
from tests.numbering.factories import make_series
from tests.numbering.test_admin import admin_site_client, inline_data  # noqa: F401

pytestmark = pytest.mark.django_db

SEQUENCE = NoSeriesLine.Implementation.SEQUENCE
NORMAL = NoSeriesLine.Implementation.NORMAL


def next_no(code, **kwargs):
    with transaction.atomic():
        return series_next_number(code, **kwargs)


def switch(line, implementation):
    line.refresh_from_db()
    line.implementation = implementation
    services.line_save(line)
    line.refresh_from_db()
    return line


@pytest.fixture(autouse=True)
def _one_number_at_a_time(monkeypatch):
    """As a process drawing now and then: no numbers reserved ahead (see
    test_a_burst_reserves_numbers_ahead for bursts on PostgreSQL)."""
    monkeypatch.setattr(services, "BLOCK_MAX", 1)
    services.clear_caches()
    yield
    services.clear_caches()


def test_numbers_follow_the_starting_no_and_last_no_used_stays_readable():
    make_series("CONT", {"starting_no": "CT0001", "implementation": SEQUENCE})
    line = NoSeriesLine.objects.get()
    assert line.sequence_name
    assert series_peek("CONT") == "CT0001"
    assert [next_no("CONT") for _ in range(3)] == ["CT0001", "CT0002", "CT0003"]
    line.refresh_from_db()
    assert line_last_no_used(line) == "CT0003"
    assert series_peek("CONT") == "CT0004"  # peeking consumes nothing
    assert next_no("CONT") == "CT0004"


def test_increment_and_ending_no_with_the_next_range_taking_over():
    make_series(
        "S",
        {"starting_no": "A10", "ending_no": "A50", "increment_by": 20, "implementation": SEQUENCE},
        {"starting_no": "B01", "ending_no": "B99"},
    )
    assert [next_no("S") for _ in range(4)] == ["A10", "A30", "A50", "B01"]
    assert NoSeriesLine.objects.get(starting_no="A10").open is False
    assert next_no("S") == "B02"


def test_an_exhausted_sequence_line_gives_the_ending_no_error():
    make_series("S", {"starting_no": "A1", "ending_no": "A2", "implementation": SEQUENCE})
    assert [next_no("S"), next_no("S")] == ["A1", "A2"]
    with pytest.raises(NumberSeriesError, match="greater than A2"):
        next_no("S")


def test_date_order_applies_to_sequence_lines():
    make_series("S", {"starting_no": "A1", "implementation": SEQUENCE}, date_order=True)
    next_no("S", on_date=datetime.date(2027, 5, 2))
    with pytest.raises(NumberSeriesError, match="on a date before"):
        next_no("S", on_date=datetime.date(2027, 5, 1))
    assert NoSeriesLine.objects.get().last_date_used == datetime.date(2027, 5, 2)


def test_switching_to_sequence_continues_after_the_last_no_used():
    make_series("S", {"starting_no": "A0001"})
    assert [next_no("S") for _ in range(2)] == ["A0001", "A0002"]
    line = switch(NoSeriesLine.objects.get(), SEQUENCE)
    assert line.sequence_name and line_last_no_used(line) == "A0002"
    assert next_no("S") == "A0003"


def test_switching_back_to_normal_continues_after_the_sequence():
    make_series("S", {"starting_no": "A0001", "implementation": SEQUENCE})
    assert [next_no("S") for _ in range(3)] == ["A0001", "A0002", "A0003"]
    line = switch(NoSeriesLine.objects.get(), NORMAL)
    assert (line.last_no_used, line.sequence_name) == ("A0003", "")
    assert next_no("S") == "A0004"
    line = switch(line, SEQUENCE)  # and there again
    assert next_no("S") == "A0005"


def test_a_typed_last_no_used_restarts_the_sequence():
    make_series("S", {"starting_no": "A001", "implementation": SEQUENCE})
    next_no("S")
    line = NoSeriesLine.objects.get()
    line.last_no_used = "A500"
    services.line_save(line, fresh_fields=("last_date_used",))
    assert next_no("S") == "A501"


def test_an_untouched_counter_is_not_rewound_by_an_edit():
    make_series("S", {"starting_no": "A001", "implementation": SEQUENCE})
    line = NoSeriesLine.objects.get()  # loaded before the draws
    for _ in range(3):
        next_no("S")
    line.ending_no = "A900"
    services.line_save(line)
    line.refresh_from_db()
    assert line.last_no_used == "A003"
    assert next_no("S") == "A004"


def test_draw_many_from_a_sequence_line():
    make_series("S", {"starting_no": "A1", "ending_no": "A3", "implementation": SEQUENCE})
    make_series("T", {"starting_no": "T1", "implementation": SEQUENCE})
    with transaction.atomic():
        assert series_draw_many("T", 3) == ["T1", "T2", "T3"]
    with pytest.raises(NumberSeriesError), transaction.atomic():
        series_draw_many("S", 4)


def test_deleting_the_line_drops_its_sequence():
    make_series("S", {"starting_no": "A1", "implementation": SEQUENCE})
    line = NoSeriesLine.objects.get()
    name = line.sequence_name
    line.delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [name])
            assert cursor.fetchone()[0] is None
    else:
        from numbering.models import SequenceCounter

        assert not SequenceCounter.objects.filter(name=name).exists()


def test_a_rolled_back_number_is_lost_on_postgresql():
    make_series("S", {"starting_no": "A1", "implementation": SEQUENCE})
    with pytest.raises(RuntimeError), transaction.atomic():
        assert series_next_number("S") == "A1"
        raise RuntimeError
    # PostgreSQL sequences are not transactional: a gap. SQLite's stand-in is a row in
    # the drawing transaction (one writer at a time anyway): the number comes back.
    assert next_no("S") == ("A2" if connection.vendor == "postgresql" else "A1")


def test_admin_switches_a_line_and_shows_the_live_last_no_used(admin_site_client):  # noqa: F811
    make_series("S", {"starting_no": "A001", "ending_no": "A999"})
    line = NoSeriesLine.objects.get()
    next_no("S")
    data = {
        "description": "",
        "default_nos": "on",
        **inline_data(
            id=str(line.pk),
            starting_no="A001",
            ending_no="A999",
            last_no_used="A001",
            implementation="sequence",
        ),
        "initial-lines-0-last_no_used": "A001",
        "initial-lines-0-last_date_used": "",
        "lines-INITIAL_FORMS": "1",
        "lines-0-series": "S",
    }
    url = reverse("admin:numbering_noseries_change", args=["S"])
    response = admin_site_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert next_no("S") == "A002"
    assert next_no("S") == "A003"
    page = admin_site_client.get(url).content.decode()
    assert 'value="A003"' in page  # the sequence's value, not the stored A001
    changelist = admin_site_client.get(reverse("admin:numbering_noseries_changelist"))
    assert "A003" in changelist.content.decode()


def test_the_series_page_shows_the_live_counter_and_the_gaps_badge(admin_client):
    make_series("S", {"starting_no": "A001", "implementation": SEQUENCE})
    next_no("S")
    next_no("S")
    response = admin_client.get(reverse("numbering:list"))
    row = response.content.decode().split('id="series-S"')[1].split("</tr>")[0]
    assert "A002" in row and "A003" in row and "Gaps allowed" in row


def test_sequence_lines_refuse_numbers_over_18_digits():
    line = NoSeriesLine(
        series=make_series("S"),
        line_no=20000,
        starting_no="A" + "1" * 19,
        implementation=SEQUENCE,
    )
    with pytest.raises(Exception) as exc:
        line.full_clean()
    assert "18 digit" in str(exc.value)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_burst_reserves_numbers_ahead(monkeypatch):
    """PostgreSQL: a process drawing many numbers quickly reserves them in growing
    blocks (1, 2, 4 ...), so most draws need no database round trip; the line's last
    no. used then shows the highest number reserved, reserved numbers a process does
    not use within BLOCK_SECONDS are skipped, and a switch to Normal continues after
    everything reserved (no number twice)."""
    monkeypatch.setattr(services, "BLOCK_MAX", 8)
    make_series("S", {"starting_no": "A001", "implementation": SEQUENCE})
    drawn = [next_no("S") for _ in range(7)]  # blocks of 1, 1, 2, 4
    assert drawn == [f"A{n:03d}" for n in range(1, 8)]
    line = NoSeriesLine.objects.get()
    assert line_last_no_used(line) == "A008"  # one reserved, not yet used
    clock = [services.time.monotonic() + services.BLOCK_SECONDS]
    monkeypatch.setattr(services.time, "monotonic", lambda: clock[0])
    assert next_no("S") == "A009"  # A008 was not used in time: skipped
    switch(line, NORMAL)
    assert next_no("S") == "A010"
