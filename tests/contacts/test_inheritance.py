"""Company → person propagation (reference 2.5), field states and re-following."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts import inheritance
from contacts.inheritance import field_states, fill_from_company, push_company_fields
from contacts.models import Contact
from contacts.services import (
    company_bulk_update,
    contact_change_type,
    contact_create,
    contact_delete,
    contact_update,
    person_follow_company,
)

pytestmark = pytest.mark.django_db


def company(**kw):
    data = {"type": "company", "name": "Fjord Data AS", "address": "Gate 1", "post_code": "0150"}
    data.update(city="Oslo", phone_no="111", email="post@fjord.no")
    data.update(kw)
    return contact_create(data=data)


def person(firm, **kw):
    data = {"type": "person", "name": "Kari Nordmann", "company": firm}
    data.update(kw)
    return contact_create(data=data)


def contact_queries(ctx) -> list[str]:
    """The captured queries on the contact table itself (other apps' receivers, e.g.
    duplicates, run their own queries on a save; they are not counted here)."""
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('UPDATE "contacts_contact"') or "'person'" in q["sql"]
    ]


def fresh(contact):
    return Contact.objects.get(pk=contact.pk)


def test_company_change_reaches_following_persons(full_setup, codes):
    firm = company()
    follower = person(firm)
    contact_update(
        contact=firm,
        data={"language": codes["languages"]["DEU"], "phone_no": "999", "city": "Bergen"},
    )
    follower = fresh(follower)
    assert follower.language_id == "DEU"
    assert follower.phone_no == "999"
    assert follower.city == "Bergen"


def test_person_changed_by_hand_is_left_alone(full_setup, codes):
    firm = company()
    own = person(firm, name="Per Olsen")
    contact_update(contact=own, data={"language": codes["languages"]["ENU"], "phone_no": "555"})
    contact_update(contact=firm, data={"language": codes["languages"]["DEU"], "phone_no": "999"})
    own = fresh(own)
    assert own.language_id == "ENU"
    assert own.phone_no == "555"


def test_value_equal_to_old_company_value_follows_even_if_typed(full_setup, codes):
    firm = company(language=codes["languages"]["NLD"])
    typed = person(firm, language=codes["languages"]["NLD"])
    contact_update(contact=firm, data={"language": codes["languages"]["DEU"]})
    assert fresh(typed).language_id == "DEU"


def test_address_moves_only_as_a_block(full_setup):
    firm = company()
    same = person(firm)
    own_city = person(firm, name="Per Olsen")
    contact_update(contact=own_city, data={"city": "Drammen"})  # block differs now
    contact_update(contact=firm, data={"address": "Ny gate 9", "county": "Viken"})
    same, own_city = fresh(same), fresh(own_city)
    assert (same.address, same.county) == ("Ny gate 9", "Viken")
    assert (own_city.address, own_city.city, own_city.county) == ("Gate 1", "Drammen", "")


def test_inherit_flag_off_stops_propagation(full_setup):
    firm = company()
    follower = person(firm)
    full_setup.inherit_communication = False
    full_setup.save()
    contact_update(contact=firm, data={"phone_no": "999"})
    assert fresh(follower).phone_no == "111"


def test_company_name_follows_always(full_setup):
    firm = company()
    follower = person(firm)
    contact_update(contact=firm, data={"name": "Fjord Data Group AS"})
    assert fresh(follower).company_name == "Fjord Data Group AS"


def test_plain_orm_save_of_company_propagates(full_setup):
    firm = company()
    follower = person(firm)
    firm.city = "Trondheim"
    firm.save()
    assert fresh(follower).city == "Trondheim"


def test_propagation_sets_updated_at(full_setup):
    firm = company()
    follower = person(firm)
    before = fresh(follower).updated_at
    contact_update(contact=firm, data={"phone_no": "999"})
    assert fresh(follower).updated_at > before


def _propagation_queries(full_setup, n):
    firm = company(name=f"Firm {n}")
    for i in range(n):
        person(firm, name=f"Person {i} Hansen")
    firm = fresh(firm)
    firm.city = "Bergen"
    firm.address = "Bryggen 1"
    firm.phone_no = "222"
    with CaptureQueriesContext(connection) as ctx:
        firm.save()
    assert Contact.objects.filter(company=firm, city="Bergen", phone_no="222").count() == n
    return len(contact_queries(ctx))


def test_propagation_query_count_does_not_grow_with_persons(full_setup):
    assert _propagation_queries(full_setup, 5) == _propagation_queries(full_setup, 50)


def test_unrelated_update_fields_save_does_not_touch_persons(full_setup):
    firm = company()
    person(firm)
    firm = fresh(firm)
    firm.name_2 = "Avd. Oslo"
    with CaptureQueriesContext(connection) as ctx:
        firm.save(update_fields=["name_2"])
    assert len(contact_queries(ctx)) == 1  # the UPDATE of the company only


def test_raw_save_skips_rules(full_setup):
    firm = company()
    follower = person(firm)
    firm.city = "Bergen"
    firm.save_base(raw=True)
    assert fresh(follower).city == "Oslo"


def test_push_company_fields_directly(full_setup):
    firm = company()
    follower = person(firm)
    old = inheritance.inheritable_values(firm)
    Contact.objects.filter(pk=firm.pk).update(city="Tromsø")  # bulk path: no signal
    assert fresh(follower).city == "Oslo"
    assert push_company_fields(fresh(firm), old) == 1
    assert fresh(follower).city == "Tromsø"


def test_bulk_company_update_propagates_set_based(full_setup):
    firms = [company(name=f"Firm {i}", city=f"City {i}") for i in range(3)]
    followers = [person(f, name=f"P {i} Hansen") for i, f in enumerate(firms)]
    own = person(firms[0], name="Own Address", address="Home 1", city="Home")
    updated = company_bulk_update(
        companies=Contact.objects.filter(pk__in=[f.pk for f in firms]),
        values={"city": "Stavanger", "post_code": "4006"},
    )
    assert updated == 3
    assert {fresh(p).city for p in followers} == {"Stavanger"}
    assert fresh(own).city == "Home"


def test_bulk_company_update_foreign_key(full_setup, codes):
    firms = [company(name=f"Firm {i}") for i in range(2)]
    followers = [person(f, name=f"P {i} Hansen") for i, f in enumerate(firms)]
    company_bulk_update(
        companies=Contact.objects.filter(pk__in=[f.pk for f in firms]),
        values={"salesperson": codes["salespeople"]["MB"]},
    )
    assert {fresh(p).salesperson_id for p in followers} == {"MB"}


def test_fill_from_company_is_in_memory(full_setup, codes):
    firm = company(language=codes["languages"]["DEU"])
    new = Contact(type="person", name="X Y")
    copied = fill_from_company(new, firm, setup=full_setup)
    assert new.pk is None and new.language_id == "DEU"
    assert "language" in copied and "city" in copied


def test_field_states_and_follow_again(full_setup, codes):
    firm = company()
    employee = person(firm)
    contact_update(contact=employee, data={"phone_no": "555", "city": "Drammen"})
    states = field_states(fresh(employee))
    assert states["phone_no"] == "overridden"
    assert states["city"] == "overridden"
    # The address follows only as a block (2.5): with its own city it no longer follows.
    assert states["address"] == "overridden"
    assert states["language"] == "inherited"
    person_follow_company(person=employee, fields=["phone_no", "city"])
    employee = fresh(employee)
    assert (employee.phone_no, employee.city) == ("111", "Oslo")
    assert set(field_states(employee).values()) == {"inherited"}
    contact_update(contact=firm, data={"phone_no": "999"})
    assert fresh(employee).phone_no == "999"


def test_field_states_empty_for_company_and_independent(full_setup):
    firm = company()
    assert field_states(firm) == {}
    alone = contact_create(data={"type": "person", "name": "Alone Person"})
    assert field_states(alone) == {}


def test_follow_refuses_unknown_field(full_setup):
    firm = company()
    employee = person(firm)
    with pytest.raises(ValidationError):
        person_follow_company(person=employee, fields=["name"])


def test_flagged_related_model_blocks_type_change_and_delete(full_setup, monkeypatch):
    """Models of upper apps set BLOCKS_CONTACT_* flags; checked generically through the
    relations of Contact (here the persons' own company link stands in for them)."""
    firm = company()
    person(firm)
    monkeypatch.setattr(Contact, "BLOCKS_CONTACT_TYPE_CHANGE", True, raising=False)
    monkeypatch.setattr(Contact, "BLOCKS_CONTACT_DELETE", True, raising=False)
    with pytest.raises(ValidationError) as excinfo:
        contact_change_type(contact=firm, new_type="person")
    assert "contacts are linked" in str(excinfo.value)
    with pytest.raises(ValidationError) as excinfo:
        contact_delete(contact=firm)
    assert "You cannot delete contact" in str(excinfo.value)
    assert Contact.objects.count() == 2
