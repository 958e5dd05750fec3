from decimal import Decimal

import pytest

from interactions.models import InformationFlow, InitiatedBy
from tests.factories import CompanyFactory, PersonFactory
from tests.interactions.factories import InteractionTemplateFactory, setup_with


@pytest.fixture
def company(db):
    return CompanyFactory(no="CT100", name="Fjord Møbler AS")


@pytest.fixture
def person(company):
    return PersonFactory(no="CT101", first_name="Kari", surname="Nordmann", company=company)


@pytest.fixture
def outgoing(db):
    return InteractionTemplateFactory(
        code="OUTGOING",
        description="Outgoing telephone call",
        unit_cost=Decimal("1"),
        unit_duration_min=Decimal("15"),
        information_flow=InformationFlow.OUTBOUND,
        initiated_by=InitiatedBy.US,
        correspondence_type="",
    )


@pytest.fixture
def system_setup(outgoing):
    """Setup with invoices, e-mails, cover sheets and outgoing calls mapped."""
    return setup_with(
        sales_invoices="S_INVOICE",
        emails="EMAIL",
        cover_sheets="COVERSH",
        outgoing_calls=outgoing,
    )
