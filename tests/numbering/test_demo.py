"""The demo number series."""

from io import StringIO

import pytest
from django.db import transaction

from numbering import demo
from numbering.models import NoSeries
from numbering.services import series_check_manual, series_next_number, series_peek

pytestmark = pytest.mark.django_db


def test_load_is_idempotent_and_keeps_counters():
    demo.load(StringIO())
    with transaction.atomic():
        assert series_next_number("CONT") == "CT0000001"
    demo.load(StringIO())
    assert set(NoSeries.objects.values_list("code", flat=True)) >= {
        "CONT",
        "OPP",
        "CAMP",
        "SEGM",
        "TASK",
    }
    assert series_peek("CONT") == "CT0000002"
    assert series_peek("OPP") == "OP000001"


def test_contacts_allow_manual_numbers():
    demo.load(StringIO())
    series_check_manual("CONT")
