"""The Marketing Setup singleton and its database constraints."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from marketing_setup.models import MarketingSetup
from tests.factories import SalesCycleFactory, SalespersonFactory

pytestmark = pytest.mark.django_db


def test_get_on_empty_database_creates_row_with_init_values():
    assert not MarketingSetup.objects.exists()
    setup = MarketingSetup.get()
    assert setup.pk == 1
    assert all(
        getattr(setup, name)
        for name in (
            "inherit_salesperson",
            "inherit_territory",
            "inherit_country",
            "inherit_language",
            "inherit_address",
            "inherit_communication",
        )
    )
    assert setup.maintain_search_strings is True
    assert setup.autosearch_for_duplicates is True
    assert setup.search_hit_pct == 60
    assert MarketingSetup.objects.count() == 1


def test_get_returns_the_same_row():
    first = MarketingSetup.get()
    first.search_hit_pct = 75
    first.save()
    assert MarketingSetup.get().search_hit_pct == 75
    assert MarketingSetup.objects.count() == 1


def test_second_row_rejected_by_database_on_create(setup):
    with pytest.raises(IntegrityError), transaction.atomic():
        MarketingSetup.objects.create(pk=2)
    assert MarketingSetup.objects.count() == 1


def test_second_row_rejected_by_database_on_bulk_create(setup):
    with pytest.raises(IntegrityError), transaction.atomic():
        MarketingSetup.objects.bulk_create([MarketingSetup(id=2)])
    assert MarketingSetup.objects.count() == 1


def test_second_row_rejected_by_database_on_raw_insert(setup):
    table = MarketingSetup._meta.db_table
    columns = [f for f in MarketingSetup._meta.concrete_fields if not f.null]
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    values = [
        2 if f.primary_key else f.get_db_prep_save(f.get_default(), connection) for f in columns
    ]
    placeholders = ", ".join(["%s"] * len(columns))
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", values)
    assert MarketingSetup.objects.count() == 1


@pytest.mark.parametrize("value", [0, 101])
def test_search_hit_pct_out_of_range_rejected_by_database(setup, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        MarketingSetup.objects.filter(pk=setup.pk).update(search_hit_pct=value)
    setup.refresh_from_db()
    assert setup.search_hit_pct == 60


def test_autosearch_without_maintain_rejected_by_database(setup):
    with pytest.raises(IntegrityError), transaction.atomic():
        MarketingSetup.objects.filter(pk=setup.pk).update(
            maintain_search_strings=False, autosearch_for_duplicates=True
        )


@pytest.mark.parametrize("value", [0, 101])
def test_full_clean_reports_search_hit_pct_message(setup, value):
    setup.search_hit_pct = value
    with pytest.raises(ValidationError) as excinfo:
        setup.full_clean()
    assert excinfo.value.message_dict["search_hit_pct"] == [
        "Search Hit % must be between 1 and 100."
    ]


def test_full_clean_rejects_blocked_default_salesperson_and_sales_cycle(setup):
    setup.default_salesperson = SalespersonFactory(code="OLD", blocked=True)
    setup.default_sales_cycle = SalesCycleFactory(code="GONE", blocked=True)
    with pytest.raises(ValidationError) as excinfo:
        setup.full_clean()
    errors = excinfo.value.message_dict
    assert "Salesperson OLD is blocked and cannot be the default." in errors["default_salesperson"]
    assert errors["default_sales_cycle"] == [
        "Sales cycle GONE is blocked and cannot be the default."
    ]


def test_str():
    assert str(MarketingSetup.get()) == "Marketing Setup"


def test_one_any_language_formula_per_salutation_and_type():
    from tests.factories import SalutationFactory, SalutationFormulaFactory

    salutation = SalutationFactory(code="M")
    SalutationFormulaFactory(salutation=salutation, language=None, salutation_type="formal")
    with pytest.raises(IntegrityError), transaction.atomic():
        SalutationFormulaFactory(salutation=salutation, language=None, salutation_type="formal")
    # Another type, or a real language, is a different formula.
    SalutationFormulaFactory(salutation=salutation, language=None, salutation_type="informal")


def test_duplicate_any_language_formula_reported_by_validation():
    from marketing_setup.models import SalutationFormula
    from tests.factories import SalutationFactory, SalutationFormulaFactory

    salutation = SalutationFactory(code="F")
    SalutationFormulaFactory(salutation=salutation, language=None, salutation_type="formal")
    duplicate = SalutationFormula(
        salutation=salutation, language=None, salutation_type="formal", text="Dear %1,"
    )
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "This salutation already has a formula of this type for any language." in str(
        excinfo.value
    )
