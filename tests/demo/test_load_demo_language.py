"""load_demo --language nb|nl|en (issue 8 item 10): reference data and the demo records
described in that language; loading again in another language re-describes the reference
data and leaves the demo records (business data by then) as they are."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from interactions.models import InteractionGroup, InteractionLogEntry, InteractionTemplate
from marketing_setup.models import (
    BusinessRelation,
    Language,
    SalesCycle,
    SalesCycleStage,
    Salutation,
    SalutationFormula,
)
from numbering.models import NoSeries
from opportunities.models import Opportunity

pytestmark = pytest.mark.django_db

EXPECTED = {
    "en": {
        "language": "Norwegian (Bokmål)",
        "salutation": "Male",
        "formula": "Dear Mr. %1 %2 %3,",
        "template": "Sales invoice",
        "group": "Telephone conversations",
        "cycle": "New customers",
        "stage": "Initial contact",
        "relation": "Customer",
        "series": "Contacts",
        "customer series": "Customers",
        "opportunity": "Annual service agreement",
        "subject": "Demo call",
        "done": "Demo data loaded.",
    },
    "nb": {
        "language": "Norsk (bokmål)",
        "salutation": "Mann",
        "formula": "Kjære herr %1 %2 %3,",
        "template": "Salgsfaktura",
        "group": "Telefonsamtaler",
        "cycle": "Nye kunder",
        "stage": "Første kontakt",
        "relation": "Kunde",
        "series": "Kontakter",
        "customer series": "Kunder",
        "opportunity": "Årlig serviceavtale",
        "subject": "Demosamtale",
        "done": "Demodata er lastet inn.",
    },
    "nl": {
        "language": "Noors (Bokmål)",
        "salutation": "Man",
        "formula": "Geachte heer %1,",
        "template": "Verkoopfactuur",
        "group": "Telefoongesprekken",
        "cycle": "Nieuwe klanten",
        "stage": "Eerste contact",
        "relation": "Klant",
        "series": "Contacten",
        "customer series": "Klanten",
        "opportunity": "Jaarlijks servicecontract",
        "subject": "Demogesprek",
        "done": "Demogegevens geladen.",
    },
}


def described() -> dict[str, str]:
    return {
        "language": Language.objects.get(code="NOR").description,
        "salutation": Salutation.objects.get(code="M").description,
        # The formula for contacts without a language is the loaded language's.
        "formula": SalutationFormula.objects.get(
            salutation_id="M", language=None, salutation_type="formal"
        ).text,
        "template": InteractionTemplate.objects.get(code="S_INVOICE").description,
        "group": InteractionGroup.objects.get(code="PHONE").description,
        "cycle": SalesCycle.objects.get(code="NEW").description,
        "stage": SalesCycleStage.objects.get(sales_cycle="NEW", stage=1).description,
        "relation": BusinessRelation.objects.get(code="CUST").description,
        "series": NoSeries.objects.get(code="CONT").description,
        "customer series": NoSeries.objects.get(code="CUST").description,
        "opportunity": Opportunity.objects.get(no="OP000002").description,
        "subject": InteractionLogEntry.objects.filter(interaction_template="OUTGOING")
        .first()
        .subject,
    }


def load(language: str) -> str:
    out = StringIO()
    call_command("load_demo", "--language", language, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("language", ["en", "nb", "nl"])
def test_load_demo_describes_the_data_in_the_language(language):
    output = load(language)
    expected = dict(EXPECTED[language])
    assert expected.pop("done") in output
    assert described() == expected


def test_loading_again_in_another_language_re_describes_the_reference_data_only():
    load("nb")
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}
    load("nl")
    after = {model._meta.label: model.objects.count() for model in apps.get_models()}
    changed = {label for label in counts if counts[label] != after[label]}
    # Only the change log grows (the descriptions changed); no demo row is duplicated.
    assert changed <= {"history.Event", "history.Change"}, changed
    expected = dict(EXPECTED["nl"])
    expected.pop("done")
    expected["opportunity"] = EXPECTED["nb"]["opportunity"]
    expected["subject"] = EXPECTED["nb"]["subject"]
    assert described() == expected


def test_an_unknown_language_is_refused():
    with pytest.raises(CommandError, match="invalid choice: 'de'"):
        call_command("load_demo", "--language", "de", stdout=StringIO())
    assert not Language.objects.exists()
