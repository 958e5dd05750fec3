"""Factories for number series (the shared ones in tests/factories.py are reused)."""

from __future__ import annotations

from tests.factories import NoSeriesFactory, NoSeriesLineFactory

__all__ = ["NoSeriesFactory", "NoSeriesLineFactory", "make_series"]


def make_series(code: str = "TST", *lines: dict, **series_fields):
    """A series with the given lines (dicts of NoSeriesLine fields; line_no 10000, 20000...)."""
    series = NoSeriesFactory(code=code, **series_fields)
    for index, fields in enumerate(lines or ({"starting_no": "T0001"},), start=1):
        NoSeriesLineFactory(series=series, line_no=index * 10000, **fields)
    return series
