"""Creating, updating, moving, retyping and deleting contacts (reference 2.3-2.8, 5.6)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from contacts.models import Contact
from contacts.services import (
    contact_change_type,
    contact_create,
    contact_delete,
    contact_update,
    person_change_company,
)

pytestmark = pytest.mark.django_db


def company(**kw):
    data = {"type": "company", "name": "Hagen Bygg AS"}
    data.update(kw)
    return contact_create(data=data)


def person(**kw):
    data = {"type": "person", "name": "Kari Nordmann"}
    data.update(kw)
    return contact_create(data=data)


def test_blank_no_is_drawn_from_contact_series(setup_with_series):
    first = company()
    second = company(name="Other AS")
    assert (first.no, second.no) == ("CT000001", "CT000002")
    assert first.no_series == "CONT"


def test_drawn_no_skips_numbers_typed_by_hand(setup_with_series):
    company(no="CT000001")
    assert company(name="Next").no == "CT000002"


def test_typed_no_allowed_when_series_allows_manual(setup_with_series):
    contact = company(no="MY-1")
    assert contact.no == "MY-1" and contact.no_series == ""


def test_typed_no_refused_when_series_has_no_manual_nos(setup_with_series, contact_series):
    contact_series.manual_nos = False
    contact_series.save()
    with pytest.raises(ValidationError) as excinfo:
        company(no="MY-1")
    assert "You may not enter numbers manually" in str(excinfo.value)
    assert not Contact.objects.exists()


def test_blank_no_without_series_gives_clear_error(setup):
    with pytest.raises(ValidationError) as excinfo:
        company()
    assert "Contact Nos. must have a value in Marketing Setup" in str(excinfo.value)


def test_typed_no_without_series_is_fine(setup):
    assert company(no="X1").no == "X1"


def test_plain_orm_create_gets_number_defaults_and_names(full_setup):
    contact = Contact.objects.create(type="person", first_name="Ola", surname="Hansen")
    contact.refresh_from_db()
    assert contact.no == "CT000001"
    assert contact.name == "Ola Hansen"
    assert contact.search_name == "OLA HANSEN"
    assert contact.language_id == "NOR"
    assert contact.territory_id == "OSLO"
    assert contact.salesperson_id == "JC"
    assert contact.country == "NO"
    assert contact.salutation_id == "UNISEX"


def test_defaults_only_fill_blank_fields(full_setup, codes):
    contact = company(language=codes["languages"]["DEU"])
    assert contact.language_id == "DEU"
    assert contact.territory_id == "OSLO"
    assert contact.salutation_id == "COMPANY"


def test_blocked_default_salesperson_is_not_used(full_setup, codes):
    codes["salespeople"]["JC"].blocked = True
    codes["salespeople"]["JC"].save()
    assert company().salesperson_id is None


def test_doc_example_inheritance_wins_over_defaults(full_setup, codes):
    """Default language NOR, company DEU: its new person gets DEU."""
    firm = company(language=codes["languages"]["DEU"], country="DE")
    employee = person(company=firm)
    assert employee.language_id == "DEU"
    assert employee.country == "DE"


def test_plain_orm_person_under_company_inherits(full_setup, codes):
    firm = company(
        language=codes["languages"]["DEU"],
        address="Hauptstr. 1",
        city="Berlin",
        phone_no="+49 30 1234",
        email="info@firm.de",
        salesperson=codes["salespeople"]["PS"],
    )
    employee = Contact.objects.create(type="person", name="Hans Meier", company=firm)
    employee.refresh_from_db()
    assert employee.language_id == "DEU"
    assert employee.salesperson_id == "PS"
    assert (employee.address, employee.city) == ("Hauptstr. 1", "Berlin")
    assert employee.phone_no == "+49 30 1234"
    assert employee.email == "info@firm.de"
    assert employee.company_name == firm.name


def test_new_person_keeps_typed_values(full_setup, codes):
    firm = company(language=codes["languages"]["DEU"], city="Berlin", email="a@firm.de")
    employee = person(
        company=firm, language=codes["languages"]["ENU"], city="Bonn", email="me@home.de"
    )
    assert (employee.language_id, employee.city, employee.email) == ("ENU", "Bonn", "me@home.de")


def test_inherit_flags_off_copy_nothing(full_setup, codes):
    full_setup.inherit_language = False
    full_setup.inherit_address = False
    full_setup.save()
    firm = company(language=codes["languages"]["DEU"], city="Berlin")
    employee = person(company=firm)
    assert employee.language_id == "NOR"  # the default instead
    assert employee.city == ""


def test_phone_with_letters_is_refused(setup_with_series):
    with pytest.raises(ValidationError) as excinfo:
        company(phone_no="22 33 ab")
    assert "must not contain letters" in str(excinfo.value)


def test_bad_email_is_refused(setup_with_series):
    with pytest.raises(ValidationError) as excinfo:
        company(email="not-an-address")
    assert "email" in excinfo.value.message_dict


def test_company_needs_a_name(setup_with_series):
    with pytest.raises(ValidationError) as excinfo:
        contact_create(data={"type": "company"})
    assert "name" in excinfo.value.message_dict


def test_vat_registration_no_is_upper_cased(setup_with_series):
    assert company(vat_registration_no="no 967 234 788 mva").vat_registration_no == (
        "NO 967 234 788 MVA"
    )


def test_update_person_name_resplits(setup_with_series):
    contact = person(name="John Smith")
    contact_update(contact=contact, data={"name": "John Peter Smith"})
    contact.refresh_from_db()
    assert (contact.first_name, contact.middle_name, contact.surname) == ("John", "Peter", "Smith")
    assert contact.search_name == "JOHN PETER SMITH"


def test_update_keeps_hand_edited_search_name(setup_with_series):
    contact = company(name="Hagen Bygg AS")
    contact_update(contact=contact, data={"search_name": "HAGEN"})
    contact_update(contact=contact, data={"name": "Hagen Bygg og Anlegg AS"})
    contact.refresh_from_db()
    assert contact.search_name == "HAGEN"


def test_plain_orm_edit_of_existing_person_keeps_typed_values(full_setup, codes):
    firm = company(language=codes["languages"]["DEU"])
    employee = person(company=firm)
    employee.language = codes["languages"]["ENU"]
    employee.city = "Leeds"
    employee.save()
    employee.refresh_from_db()
    assert (employee.language_id, employee.city) == ("ENU", "Leeds")


# --- moving a person (2.4) ------------------------------------------------------------


def test_move_person_copies_unconditional_fields(full_setup, codes):
    old = company(name="Old AS", salesperson=codes["salespeople"]["PS"])
    new = company(
        name="New AS", salesperson=codes["salespeople"]["MB"], language=codes["languages"]["DEU"]
    )
    employee = person(company=old)
    employee.salesperson = codes["salespeople"]["JC"]  # hand-set earlier
    employee.save()
    person_change_company(person=employee, company=new)
    employee.refresh_from_db()
    assert employee.company_id == new.pk
    assert employee.salesperson_id == "MB"
    assert employee.language_id == "DEU"


def test_move_person_with_old_company_address_takes_new_address(full_setup):
    old = company(name="Old AS", address="Gate 1", post_code="0150", city="Oslo")
    new = company(
        name="New AS", address="Vei 2", post_code="5003", city="Bergen", county="Vestland"
    )
    employee = person(company=old)
    person_change_company(person=employee, company=new)
    employee.refresh_from_db()
    assert (employee.address, employee.post_code, employee.city, employee.county) == (
        "Vei 2",
        "5003",
        "Bergen",
        "Vestland",
    )


def test_move_person_with_own_address_keeps_it(full_setup):
    old = company(name="Old AS", address="Gate 1", city="Oslo")
    new = company(name="New AS", address="Vei 2", city="Bergen")
    employee = person(company=old, address="Hjemme 5", city="Oslo")
    person_change_company(person=employee, company=new)
    employee.refresh_from_db()
    assert (employee.address, employee.city) == ("Hjemme 5", "Oslo")


def test_independent_person_with_blank_address_gets_company_address(full_setup):
    employee = person()
    firm = company(address="Vei 2", city="Bergen")
    person_change_company(person=employee, company=firm)
    employee.refresh_from_db()
    assert employee.city == "Bergen"


def test_move_person_communication_fields_per_field(full_setup):
    old = company(name="Old AS", phone_no="111", email="post@old.no")
    new = company(name="New AS", phone_no="222", email="post@new.no", fax_no="333")
    employee = person(company=old)
    contact_update(contact=employee, data={"email": "kari@old.no"})
    person_change_company(person=employee, company=new)
    employee.refresh_from_db()
    assert employee.phone_no == "222"  # was the old company's: follows
    assert employee.fax_no == "333"  # was blank: filled
    assert employee.email == "kari@old.no"  # own value: kept


def test_move_person_by_plain_orm_save(full_setup, codes):
    old = company(name="Old AS", city="Oslo")
    new = company(name="New AS", city="Bergen", language=codes["languages"]["DEU"])
    employee = person(company=old)
    employee.company = new
    employee.save()
    employee.refresh_from_db()
    assert (employee.city, employee.language_id) == ("Bergen", "DEU")


def test_detaching_person_keeps_inherited_values(full_setup):
    firm = company(city="Bergen")
    employee = person(company=firm)
    person_change_company(person=employee, company=None)
    employee.refresh_from_db()
    assert employee.company_id is None and employee.city == "Bergen"


def test_company_cannot_be_moved_under_a_company(full_setup):
    a, b = company(name="A"), company(name="B")
    with pytest.raises(ValidationError):
        person_change_company(person=a, company=b)


def test_person_cannot_be_attached_to_a_person(full_setup):
    with pytest.raises(ValidationError):
        person_change_company(person=person(), company=person(name="Per Olsen"))


# --- type changes (2.7) ---------------------------------------------------------------


def test_company_to_person_splits_name_and_takes_person_salutation(full_setup):
    contact = company(name="Ola Nordmann")
    contact_change_type(contact=contact, new_type="person")
    contact.refresh_from_db()
    assert contact.type == "person"
    assert (contact.first_name, contact.surname) == ("Ola", "Nordmann")
    assert contact.salutation_id == "UNISEX"


def test_person_to_company_clears_person_fields(full_setup):
    firm = company()
    contact = person(name="Ola Nordmann", company=firm, job_title="CEO")
    contact_change_type(contact=contact, new_type="company")
    contact.refresh_from_db()
    assert contact.type == "company" and contact.company_id is None
    assert (contact.first_name, contact.surname, contact.job_title) == ("", "", "")
    assert contact.name == "Ola Nordmann"
    assert contact.salutation_id == "COMPANY"


def test_company_with_persons_cannot_become_person(full_setup):
    firm = company()
    person(company=firm)
    with pytest.raises(ValidationError) as excinfo:
        contact_change_type(contact=firm, new_type="person")
    assert "related people" in str(excinfo.value)


def test_company_with_vat_no_cannot_become_person(full_setup):
    firm = company(vat_registration_no="NO123")
    with pytest.raises(ValidationError):
        contact_change_type(contact=firm, new_type="person")


def test_update_with_type_routes_to_type_change(full_setup):
    contact = company(name="Ola Nordmann")
    contact_update(contact=contact, data={"type": "person"})
    contact.refresh_from_db()
    assert contact.surname == "Nordmann"


# --- delete (2.8) -----------------------------------------------------------------------


def test_deleting_company_deletes_its_persons(full_setup):
    firm = company()
    person(company=firm)
    person(company=firm, name="Per Olsen")
    other = person(name="Independent Person")
    contact_delete(contact=firm)
    assert list(Contact.objects.values_list("pk", flat=True)) == [other.pk]


def test_deleting_person_keeps_company(full_setup):
    firm = company()
    employee = person(company=firm)
    contact_delete(contact=employee)
    assert list(Contact.objects.all()) == [firm]


@pytest.mark.django_db(transaction=True)
def test_plain_orm_create_outside_a_transaction_draws_a_number():
    """Contact.save opens the transaction the number must be drawn in (autocommit mode)."""
    from marketing_setup.models import MarketingSetup
    from numbering.models import NoSeries, NoSeriesLine

    series = NoSeries.objects.create(code="CONT", manual_nos=True)
    NoSeriesLine.objects.create(series=series, line_no=10000, starting_no="CT000001")
    setup = MarketingSetup.get()
    setup.contact_nos = series
    setup.save()
    assert Contact.objects.create(type="company", name="Autocommit AS").no == "CT000001"
    assert Contact.objects.create(type="company", name="Second AS").no == "CT000002"


def test_correspondence_type_copied_on_attach_and_defaulted(full_setup):
    full_setup.default_correspondence_type = "hard_copy"
    full_setup.save()
    firm = company(correspondence_type="email")
    assert person(company=firm).correspondence_type == "email"
    assert person(name="Per Olsen").correspondence_type == "hard_copy"


def test_moving_a_person_tells_upper_apps(full_setup):
    from contacts.signals import person_company_changed

    old, new = company(name="Old AS"), company(name="New AS")
    employee = person(company=old)
    moves = []

    def listener(sender, person, old_company_id, new_company_id, **kwargs):
        moves.append((person.pk, old_company_id, new_company_id))

    person_company_changed.connect(listener)
    try:
        person_change_company(person=employee, company=new)
        contact_update(contact=employee, data={"job_title": "CFO"})  # no move: no signal
        person_change_company(person=employee, company=None)
    finally:
        person_company_changed.disconnect(listener)
    assert moves == [(employee.pk, old.pk, new.pk), (employee.pk, new.pk, None)]
