from decimal import Decimal
from io import StringIO

import pytest

from interactions import demo
from interactions.models import (
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
)
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent_and_maps_the_setup():
    CompanyFactory(no="CT000001")
    demo.load(StringIO())
    demo.load(StringIO())

    assert set(InteractionGroup.objects.values_list("code", flat=True)) == {
        "LETTER",
        "MEETING",
        "PHONE",
        "PURCHASES",
        "SALES",
        "SYSTEM",
    }
    invoice = InteractionTemplate.objects.get(code="S_INVOICE")
    assert (invoice.unit_cost, invoice.unit_duration_min) == (Decimal("8"), Decimal("1"))
    outgoing = InteractionTemplate.objects.get(code="OUTGOING")
    assert (outgoing.unit_cost, outgoing.unit_duration_min) == (Decimal("1"), Decimal("15"))
    setup = InteractionTemplateSetup.get()
    assert setup.sales_invoices_id == "S_INVOICE"
    assert setup.outgoing_calls_id == "OUTGOING"
    assert setup.purch_return_order_confirmations_id == "P_RT_ORD_C"
    assert InteractionLogEntry.objects.count() == 2  # not doubled by the second load
