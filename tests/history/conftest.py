"""Fixtures for the change log tests: a contact series and a company with persons."""

from __future__ import annotations

import pytest

from contacts.services import contact_create
from numbering.models import NoSeries, NoSeriesLine


@pytest.fixture
def numbered(setup):
    series = NoSeries.objects.create(code="CONT", description="Contacts", manual_nos=True)
    NoSeriesLine.objects.create(series=series, line_no=10000, starting_no="CT000001")
    setup.contact_nos = series
    setup.save()
    return setup


@pytest.fixture
def firm(numbered):
    """A company in Oslo with three persons that follow its address."""
    company = contact_create(
        data={"type": "company", "name": "Fjord AS", "address": "Gate 1", "city": "Oslo"}
    )
    for name in ("Kari Nordmann", "Ola Nordmann", "Per Hansen"):
        contact_create(data={"type": "person", "name": name, "company": company})
    return company
