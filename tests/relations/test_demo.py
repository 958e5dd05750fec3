from __future__ import annotations

from io import StringIO

import pytest

from numbering import demo as numbering_demo
from relations import demo
from relations.models import BankAccount, ContactBusinessRelation, Customer, Vendor
from tests.relations.factories import setup_sync

pytestmark = pytest.mark.django_db


def test_demo_loads_linked_records_and_is_idempotent():
    numbering_demo.load(StringIO())
    setup_sync()
    demo.load(StringIO())
    demo.load(StringIO())
    assert Customer.objects.count() == len(demo.CUSTOMERS)
    assert Vendor.objects.count() == len(demo.VENDORS)
    assert BankAccount.objects.count() == len(demo.BANK_ACCOUNTS)
    linked = len(demo.CUSTOMERS) + len(demo.VENDORS) + len(demo.BANK_ACCOUNTS)
    assert ContactBusinessRelation.objects.exclude(link_to="").count() == linked
