"""Greetings from salutation formulas (reference 3.2)."""

from __future__ import annotations

import pytest

from contacts.models import Contact
from contacts.salutations import SalutationError, apply_formula, contact_greeting, contact_greetings
from marketing_setup.models import Language, Salutation, SalutationFormula

pytestmark = pytest.mark.django_db

NP = SalutationFormula.NamePart


@pytest.fixture
def formulas(db):
    nor = Language.objects.create(code="NOR", description="Norsk", django_language="nb")
    nld = Language.objects.create(code="NLD", description="Nederlands", django_language="nl")
    m = Salutation.objects.create(code="M", description="Male")
    unisex = Salutation.objects.create(code="UNISEX", description="Unisex")
    company = Salutation.objects.create(code="COMPANY", description="Company")
    SalutationFormula.objects.create(
        salutation=m,
        language=None,
        salutation_type="formal",
        text="Dear Mr. %1 %2 %3,",
        name_1=NP.FIRST_NAME,
        name_2=NP.MIDDLE_NAME,
        name_3=NP.SURNAME,
    )
    SalutationFormula.objects.create(
        salutation=m,
        language=None,
        salutation_type="informal",
        text="Hi %1,",
        name_1=NP.FIRST_NAME,
    )
    SalutationFormula.objects.create(
        salutation=m,
        language=nld,
        salutation_type="formal",
        text="Geachte heer %1,",
        name_1=NP.SURNAME,
    )
    SalutationFormula.objects.create(
        salutation=unisex,
        language=nor,
        salutation_type="formal",
        text="Kjære %1 %2 %3,",
        name_1=NP.FIRST_NAME,
        name_2=NP.MIDDLE_NAME,
        name_3=NP.SURNAME,
    )
    SalutationFormula.objects.create(
        salutation=company,
        language=None,
        salutation_type="informal",
        text="%1,",
        name_1=NP.COMPANY_NAME,
    )
    return {"nor": nor, "nld": nld, "m": m, "unisex": unisex, "company": company}


def person(**kw):
    data = {
        "type": "person",
        "no": "P1",
        "first_name": "John",
        "surname": "Smith",
        "name": "John Smith",
    }
    data.update(kw)
    return Contact(**data)


def test_dear_mr_john_smith(formulas):
    john = person(salutation=formulas["m"])
    assert contact_greeting(contact=john) == "Dear Mr. John Smith,"


def test_middle_name_filled(formulas):
    john = person(salutation=formulas["m"], middle_name="Peter")
    assert contact_greeting(contact=john) == "Dear Mr. John Peter Smith,"


def test_informal(formulas):
    john = person(salutation=formulas["m"])
    assert contact_greeting(contact=john, salutation_type="informal") == "Hi John,"


def test_dutch_in_contact_language(formulas):
    jan = person(
        salutation=formulas["m"], first_name="Jan", surname="Jansen", language=formulas["nld"]
    )
    assert contact_greeting(contact=jan) == "Geachte heer Jansen,"


def test_language_argument_overrides_contact_language(formulas):
    jan = person(salutation=formulas["m"], first_name="Jan", surname="Jansen")
    assert contact_greeting(contact=jan, language="NLD") == "Geachte heer Jansen,"


def test_norwegian(formulas):
    kari = person(
        salutation=formulas["unisex"],
        first_name="Kari",
        surname="Nordmann",
        language=formulas["nor"],
    )
    assert contact_greeting(contact=kari) == "Kjære Kari Nordmann,"


def test_falls_back_to_blank_language_formula(formulas):
    john = person(salutation=formulas["m"], language=formulas["nor"])
    assert contact_greeting(contact=john) == "Dear Mr. John Smith,"


def test_company_name_part(formulas, setup):
    firm = Contact(type="company", no="C1", name="Fjord Data AS", salutation=formulas["company"])
    assert contact_greeting(contact=firm, salutation_type="informal") == "Fjord Data AS,"


def test_missing_formula_names_type_language_and_contact(formulas):
    kari = person(salutation=formulas["unisex"], no="CT000010", language=formulas["nld"])
    with pytest.raises(SalutationError) as excinfo:
        contact_greeting(contact=kari)
    assert str(excinfo.value) == (
        "You have to set up the salutation formula of the type Formal in NLD language "
        "for the CT000010 contact."
    )


def test_no_salutation_code_is_a_clear_error(formulas):
    with pytest.raises(SalutationError) as excinfo:
        contact_greeting(contact=person())
    assert "has no salutation code" in str(excinfo.value)


def test_blank_placeholder_without_space_is_removed_cleanly():
    assert apply_formula("Dear Mr. %1 %3,", ["John", "", ""]) == "Dear Mr. John,"
    assert apply_formula("Dear %1 %2 %3,", ["", "", "Smith"]) == "Dear Smith,"


def test_greetings_list_for_card(formulas):
    john = person(salutation=formulas["m"])
    texts = {(g.language, g.salutation_type): g.text for g in contact_greetings(contact=john)}
    assert texts[(None, "formal")] == "Dear Mr. John Smith,"
    assert texts[("NLD", "formal")] == "Geachte heer Smith,"
