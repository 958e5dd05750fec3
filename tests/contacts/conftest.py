"""Fixtures for the contacts core tests: a contact number series and reference codes."""

from __future__ import annotations

import pytest

from marketing_setup.models import Language, MarketingSetup, Salesperson, Salutation, Territory
from numbering.models import NoSeries, NoSeriesLine


@pytest.fixture
def contact_series(db):
    series = NoSeries.objects.create(code="CONT", description="Contacts", manual_nos=True)
    NoSeriesLine.objects.create(series=series, line_no=10000, starting_no="CT000001")
    return series


@pytest.fixture
def setup_with_series(setup, contact_series):
    setup.contact_nos = contact_series
    setup.save()
    return setup


@pytest.fixture
def codes(db):
    """Reference codes: languages NOR/DEU/NLD/ENU, territories, salespeople, salutations."""
    langs = {
        code: Language.objects.create(code=code, description=code, django_language=dj)
        for code, dj in (("NOR", "nb"), ("DEU", "de"), ("NLD", "nl"), ("ENU", "en"))
    }
    territories = {
        c: Territory.objects.create(code=c, description=c) for c in ("OSLO", "VEST", "RANDSTAD")
    }
    salespeople = {c: Salesperson.objects.create(code=c, name=c) for c in ("JC", "PS", "MB")}
    salutations = {
        c: Salutation.objects.create(code=c, description=c) for c in ("COMPANY", "M", "UNISEX")
    }
    return {
        "languages": langs,
        "territories": territories,
        "salespeople": salespeople,
        "salutations": salutations,
    }


@pytest.fixture
def full_setup(setup_with_series, codes) -> MarketingSetup:
    setup = setup_with_series
    setup.default_language = codes["languages"]["NOR"]
    setup.default_territory = codes["territories"]["OSLO"]
    setup.default_salesperson = codes["salespeople"]["JC"]
    setup.default_country = "NO"
    setup.default_company_salutation = codes["salutations"]["COMPANY"]
    setup.default_person_salutation = codes["salutations"]["UNISEX"]
    setup.save()
    return setup
