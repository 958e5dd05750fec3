from __future__ import annotations

from io import StringIO

import pytest

from opportunities import demo
from opportunities.models import Opportunity
from tests.factories import CompanyFactory
from tests.opportunities.factories import setup_opportunities

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_uses_stages():
    setup_opportunities()
    CompanyFactory()
    demo.load(StringIO())
    demo.load(StringIO())
    assert Opportunity.objects.count() == len(demo.DEMO)
    assert Opportunity.objects.filter(status="won").count() == 1
    assert Opportunity.objects.filter(status="in_progress").exists()


def test_demo_without_companies_does_nothing():
    setup_opportunities()
    out = StringIO()
    demo.load(out)
    assert not Opportunity.objects.exists()
    assert "no company contacts" in out.getvalue()
