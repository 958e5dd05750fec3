"""marketing_setup/demo.py: the reference data covers the sample CSV; the setup points at it."""

import csv
from io import StringIO
from pathlib import Path

import pytest

from marketing_setup import demo
from marketing_setup.models import (
    Language,
    MarketingSetup,
    Salesperson,
    SalutationFormula,
    Territory,
)

pytestmark = pytest.mark.django_db

SAMPLE = Path("/work/shared/data/sample-contacts.csv")


def test_load_sets_up_the_demo_company():
    demo.load(StringIO())
    setup = MarketingSetup.get()
    assert setup.default_language_id == "NOR"
    assert setup.default_country.code == "NO"
    assert setup.default_sales_cycle_id == "NEW"
    assert setup.default_company_salutation_id == "COMPANY"
    assert setup.default_person_salutation_id == "UNISEX"
    assert (
        setup.bus_rel_code_for_customers_id,
        setup.bus_rel_code_for_vendors_id,
        setup.bus_rel_code_for_bank_accounts_id,
    ) == ("CUST", "VEND", "BANK")
    assert setup.contact_nos_id == "CONT"
    assert setup.opportunity_nos_id == "OPP"
    assert setup.contact_nos.lines.get().starting_no == "CT0000001"
    assert dict(Language.objects.values_list("code", "django_language")) == {
        "NOR": "nb",
        "NLD": "nl",
        "ENU": "en",
        "DEU": "de",
    }


def test_load_twice_gives_the_same_data():
    demo.load(StringIO())
    counts = (Salesperson.objects.count(), SalutationFormula.objects.count())
    demo.load(StringIO())
    assert (Salesperson.objects.count(), SalutationFormula.objects.count()) == counts


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample file not available")
def test_every_code_in_the_sample_file_exists():
    demo.load(StringIO())
    with SAMPLE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for column, model in (
        ("salesperson_code", Salesperson),
        ("territory_code", Territory),
        ("language_code", Language),
    ):
        wanted = {row[column] for row in rows if row[column]}
        assert wanted <= set(model.objects.values_list("code", flat=True)), column


@pytest.mark.parametrize(
    ("salutation", "language", "kind", "text", "name_1"),
    [
        ("M", "NOR", "formal", "Kjære herr %1 %2 %3,", "first_name"),
        ("UNISEX", "NOR", "formal", "Kjære %1 %2 %3,", "first_name"),
        ("UNISEX", "NOR", "informal", "Hei %1,", "first_name"),
        ("M", "NLD", "formal", "Geachte heer %1,", "surname"),
        ("F", "NLD", "formal", "Geachte mevrouw %1,", "surname"),
        ("UNISEX", "NLD", "informal", "Beste %1,", "first_name"),
        ("M", "DEU", "formal", "Sehr geehrter Herr %1,", "surname"),
        ("COMPANY", "ENU", "formal", "Dear Sirs,", ""),
        ("COMPANY", "NOR", "formal", "Til %1,", "company_name"),
        ("COMPANY", None, "formal", "Dear Sirs,", ""),
        ("M", None, "formal", "Dear Mr. %1 %2 %3,", "first_name"),
    ],
)
def test_salutation_formulas(salutation, language, kind, text, name_1):
    demo.load(StringIO())
    formula = SalutationFormula.objects.get(
        salutation_id=salutation, language_id=language, salutation_type=kind
    )
    assert (formula.text, formula.name_1) == (text, name_1)


def test_every_salutation_has_formal_and_informal_formulas_per_language():
    demo.load(StringIO())
    for salutation in ("COMPANY", "F", "M", "UNISEX"):
        for language in (None, "ENU", "NOR", "NLD", "DEU"):
            kinds = set(
                SalutationFormula.objects.filter(
                    salutation_id=salutation, language_id=language
                ).values_list("salutation_type", flat=True)
            )
            assert kinds == {"formal", "informal"}, (salutation, language)
