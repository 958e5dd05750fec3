"""Factories for the shared models. App-specific factories live in tests/<app>/factories.py."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from contacts.models import Contact
from marketing_setup.models import (
    BusinessRelation,
    Language,
    SalesCycle,
    Salesperson,
    Salutation,
    SalutationFormula,
    Territory,
)
from numbering.models import NoSeries, NoSeriesLine


class SalespersonFactory(DjangoModelFactory):
    class Meta:
        model = Salesperson
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SP{n:03d}")
    name = factory.Faker("name", locale="no_NO")


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:03d}")
    description = factory.Faker("city", locale="no_NO")


class LanguageFactory(DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = "NOR"
    description = "Norwegian"
    django_language = "nb"


class BusinessRelationFactory(DjangoModelFactory):
    class Meta:
        model = BusinessRelation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"BR{n:03d}")
    description = factory.Faker("word")


class SalesCycleFactory(DjangoModelFactory):
    class Meta:
        model = SalesCycle
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SC{n:03d}")
    description = "Sales cycle"


class SalutationFactory(DjangoModelFactory):
    class Meta:
        model = Salutation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"S{n:03d}")
    description = "Salutation"


class SalutationFormulaFactory(DjangoModelFactory):
    class Meta:
        model = SalutationFormula

    salutation = factory.SubFactory(SalutationFactory)
    language = None
    salutation_type = SalutationFormula.SalutationType.FORMAL
    text = "Dear %1 %2 %3,"
    name_1 = SalutationFormula.NamePart.FIRST_NAME
    name_2 = SalutationFormula.NamePart.MIDDLE_NAME
    name_3 = SalutationFormula.NamePart.SURNAME


class NoSeriesFactory(DjangoModelFactory):
    class Meta:
        model = NoSeries
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SER{n:03d}")
    description = "Test series"
    default_nos = True
    manual_nos = False


class NoSeriesLineFactory(DjangoModelFactory):
    class Meta:
        model = NoSeriesLine

    series = factory.SubFactory(NoSeriesFactory)
    line_no = factory.Sequence(lambda n: (n + 1) * 10000)
    starting_no = "T0001"


class CompanyFactory(DjangoModelFactory):
    """A company contact. Numbers come from the contact series when one is set up;
    otherwise the factory gives a fake-prefixed number."""

    class Meta:
        model = Contact

    type = Contact.Type.COMPANY
    no = factory.Sequence(lambda n: f"FC{n:06d}")
    name = factory.Faker("company", locale="no_NO")
    address = factory.Faker("street_address", locale="no_NO")
    post_code = factory.Faker("postcode", locale="no_NO")
    city = factory.Faker("city", locale="no_NO")
    country = "NO"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    type = Contact.Type.PERSON
    no = factory.Sequence(lambda n: f"FP{n:06d}")
    first_name = factory.Faker("first_name", locale="no_NO")
    surname = factory.Faker("last_name", locale="no_NO")
    name = factory.LazyAttribute(lambda o: f"{o.first_name} {o.surname}")
