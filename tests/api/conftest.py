"""Fixtures for the API tests: a numbered setup, tokens and an API client per role."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.services import api_token_create
from marketing_setup.models import Salesperson, Territory
from numbering.models import NoSeries, NoSeriesLine


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # throttle counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def numbered_setup(setup):
    series = NoSeries.objects.create(code="CONT", description="Contacts", manual_nos=True)
    NoSeriesLine.objects.create(series=series, line_no=10000, starting_no="CT000001")
    setup.contact_nos = series
    setup.default_salesperson = Salesperson.objects.create(code="JC", name="Jo Christensen")
    setup.default_territory = Territory.objects.create(code="OSLO", description="Oslo")
    setup.default_country = "NO"
    setup.save()
    return setup


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user, name='test').key}")
    return client


@pytest.fixture
def staff_api(staff_user):
    return token_client(staff_user)


@pytest.fixture
def admin_api(admin_user):
    return token_client(admin_user)
