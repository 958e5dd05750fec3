"""Factories and helpers for relations tests."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from marketing_setup.models import MarketingSetup
from numbering.models import NoSeries, NoSeriesLine
from relations.models import BankAccount, ContactBusinessRelation, Customer, Vendor
from tests.factories import BusinessRelationFactory


def make_series(code: str, starting_no: str, *, manual: bool = False) -> NoSeries:
    series, _ = NoSeries.objects.get_or_create(
        code=code, defaults={"description": code, "default_nos": True, "manual_nos": manual}
    )
    if not series.lines.exists():
        NoSeriesLine.objects.create(series=series, line_no=10000, starting_no=starting_no)
    return series


def setup_sync(*, customers=True, vendors=True, banks=True) -> MarketingSetup:
    """Marketing Setup with a contact series and the business-relation codes switched on."""
    setup = MarketingSetup.get()
    setup.contact_nos = make_series("CONT", "CT000001", manual=True)  # factories type nos.
    make_series("CUST", "C00010")
    make_series("VEND", "V00010")
    make_series("BANK", "B010")
    setup.bus_rel_code_for_customers = (
        BusinessRelationFactory(code="CUST", description="Customer") if customers else None
    )
    setup.bus_rel_code_for_vendors = (
        BusinessRelationFactory(code="VEND", description="Vendor") if vendors else None
    )
    setup.bus_rel_code_for_bank_accounts = (
        BusinessRelationFactory(code="BANK", description="Bank") if banks else None
    )
    setup.save()
    return setup


class CustomerFactory(DjangoModelFactory):
    """A bare customer (no linked contact): saved directly, not through the service."""

    class Meta:
        model = Customer

    no = factory.Sequence(lambda n: f"FCU{n:05d}")
    name = factory.Faker("company", locale="no_NO")
    city = "Oslo"


class VendorFactory(DjangoModelFactory):
    class Meta:
        model = Vendor

    no = factory.Sequence(lambda n: f"FVE{n:05d}")
    name = factory.Faker("company", locale="no_NO")


class BankAccountFactory(DjangoModelFactory):
    class Meta:
        model = BankAccount

    no = factory.Sequence(lambda n: f"FBA{n:05d}")
    name = "DNB"


class ContactBusinessRelationFactory(DjangoModelFactory):
    class Meta:
        model = ContactBusinessRelation

    contact = factory.SubFactory("tests.factories.CompanyFactory")
    business_relation = factory.SubFactory(BusinessRelationFactory)
