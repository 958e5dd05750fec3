"""Edge cases found in review: string building, setup line changes, command errors,
merge conflicts and the list's paging."""

import re
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from contacts.models import Contact
from contacts.services import contact_update
from duplicates import matching, services
from duplicates.models import (
    ContactDuplicate,
    ContactMerge,
    ContactSearchString,
    DuplicateSearchStringSetup,
)
from marketing_setup.models import MarketingSetup
from tests.duplicates.factories import cannon_pair
from tests.factories import BusinessRelationFactory, CompanyFactory, PersonFactory

pytestmark = pytest.mark.django_db


# --- Search strings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "part", "length", "expected"),
    [
        ("Großstraße", "last", 5, "TRAßE"),
        ("Straßenbahn", "first", 10, "STRAßENBAH"),
        ("ﬁnans", "first", 2, "ﬁN"),
    ],
)
def test_search_string_never_grows_beyond_its_length(value, part, length, expected):
    """Upper-casing must not lengthen the string (ß → SS): the column holds 10 characters."""
    string = matching.search_string(value, part, length)
    assert string == expected
    assert len(string) <= length


def test_search_string_treats_composed_and_decomposed_accents_alike():
    composed = "Caf\u00e9 Øst"
    decomposed = "Cafe\u0301 Øst"
    assert matching.search_string(composed, "first", 5) == matching.search_string(
        decomposed, "first", 5
    )


def test_company_with_sharp_s_and_length_10_is_saved(setup):
    DuplicateSearchStringSetup.objects.filter(field="address", part="first").update(length=10)
    company = CompanyFactory(name="Bäckerei Groß", address="Straßenbahnstraße 1")
    stored = company.duplicate_search_strings.get(field="address", part="first").string
    assert stored == "STRAßENBAH"


# --- Setup line changes -------------------------------------------------------------


def test_changing_a_line_length_rebuilds_that_lines_strings(setup):
    company = CompanyFactory(name="Cannon Group AS")
    line = DuplicateSearchStringSetup.objects.get(field="name", part="first")
    line.length = 8
    line.save()
    assert company.duplicate_search_strings.get(field="name", part="first").string == "CANNONGR"
    # Other lines are left alone.
    assert company.duplicate_search_strings.get(field="name", part="last").string == "OUPAS"


def test_a_new_line_gets_strings_for_existing_companies(setup):
    company = CompanyFactory(name="Cannon Group AS", home_page="www.cannon.no")
    DuplicateSearchStringSetup.objects.create(field="home_page", part="first", length=6)
    assert company.duplicate_search_strings.get(field="home_page", part="first").string == (
        "WWWCAN"
    )


def test_changing_a_lines_field_moves_its_strings(setup):
    company = CompanyFactory(name="Cannon Group AS", city="Oslo", county="Viken")
    line = DuplicateSearchStringSetup.objects.get(field="city", part="last")
    line.field = "county"
    line.save()
    strings = set(company.duplicate_search_strings.values_list("field", "part", "string"))
    assert ("city", "last", "OSLO") not in strings
    assert ("county", "last", "VIKEN") in strings


def test_line_change_with_maintain_off_leaves_strings(setup):
    company = CompanyFactory(name="Cannon Group AS")
    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    line = DuplicateSearchStringSetup.objects.get(field="name", part="first")
    line.length = 8
    line.save()
    assert company.duplicate_search_strings.get(field="name", part="first").string == "CANNO"


def test_admin_line_change_tells_the_user(admin_client, setup):
    CompanyFactory(name="Cannon Group AS")
    line = DuplicateSearchStringSetup.objects.get(field="name", part="first")
    url = reverse("admin:duplicates_duplicatesearchstringsetup_change", args=[line.pk])
    response = admin_client.post(
        url, {"field": "name", "part": "first", "length": "7"}, follow=True
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "rebuilt for 1 companies" in content
    assert ContactSearchString.objects.get(field="name", part="first").string == "CANNONG"


# --- find_duplicates ------------------------------------------------------------------


def test_find_duplicates_unwritable_output_writes_nothing(setup, tmp_path):
    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    cannon_pair()
    call_command("rebuild_search_strings", "--no-progress", stdout=StringIO())
    missing = tmp_path / "no-such-dir" / "pairs.csv"
    with pytest.raises(CommandError, match="Cannot write"):
        call_command(
            "find_duplicates", "--output", str(missing), "--no-progress", stdout=StringIO()
        )
    assert not ContactDuplicate.objects.exists()
    assert not missing.exists()


def test_find_duplicates_output_is_a_directory(setup, tmp_path):
    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    cannon_pair()
    call_command("rebuild_search_strings", "--no-progress", stdout=StringIO())
    with pytest.raises(CommandError, match="Cannot write"):
        call_command(
            "find_duplicates", "--output", str(tmp_path), "--no-progress", stdout=StringIO()
        )
    assert not ContactDuplicate.objects.exists()


def test_find_duplicates_for_one_contact_unwritable_output_writes_nothing(setup, tmp_path):
    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    kept, _other = cannon_pair()
    call_command("rebuild_search_strings", "--no-progress", stdout=StringIO())
    missing = tmp_path / "no-such-dir" / "pairs.csv"
    with pytest.raises(CommandError, match="Cannot write"):
        call_command(
            "find_duplicates", "--contact", kept.no, "--output", str(missing), stdout=StringIO()
        )
    assert not ContactDuplicate.objects.exists()


# --- Merge --------------------------------------------------------------------------


def _link(contact, code, link_to="", no=""):
    from relations.models import ContactBusinessRelation

    return ContactBusinessRelation.objects.create(
        contact=contact,
        business_relation=BusinessRelationFactory(code=code),
        link_to=link_to,
        no=no,
    )


def test_merge_refuses_when_a_clashing_row_would_lose_information(setup):
    """Both contacts linked to a different customer: dropping one link would lose it."""
    kept, other = cannon_pair()
    _link(kept, "CUST", "customer", "C00010")
    _link(other, "CUST", "customer", "C00020")
    person = PersonFactory(company=other)
    with pytest.raises(ValidationError) as error:
        services.contacts_merge(keep=kept, merge=other)
    assert "conflict" in " ".join(error.value.messages).lower()
    assert Contact.objects.filter(pk=other.pk).exists()
    person.refresh_from_db()
    assert person.company_id == other.pk
    assert other.business_relations.get().no == "C00020"


def test_merge_page_shows_the_conflict_and_changes_nothing(admin_client, setup):
    kept, other = cannon_pair()
    _link(kept, "CUST", "customer", "C00010")
    _link(other, "CUST", "customer", "C00020")
    pair = ContactDuplicate.objects.get()
    response = admin_client.post(reverse("duplicates:merge", args=[pair.pk]), {"confirm": "on"})
    assert response.status_code == 200
    assert "conflict" in response.content.decode().lower()
    assert Contact.objects.filter(pk=other.pk).exists()


def test_merge_companies_with_persons_relations_on_both_sides(setup):
    kept, other = cannon_pair()
    kept_person, other_person = PersonFactory(company=kept), PersonFactory(company=other)
    _link(kept, "CUST", "customer", "C00010")
    _link(other, "VEND", "vendor", "V00010")
    record = services.contacts_merge(keep=kept, merge=other)
    assert set(Contact.objects.filter(company=kept)) == {kept_person, other_person}
    links = set(kept.business_relations.values_list("link_to", "no"))
    assert links == {("customer", "C00010"), ("vendor", "V00010")}
    assert record.dropped_rows == []
    assert record.moved_rows["contacts.Contact.company"] == 1
    assert record.moved_rows["relations.ContactBusinessRelation.contact"] == 1


GONE = (
    "This possible duplicate is no longer in the list: one of its contacts was changed, "
    "merged or deleted meanwhile. Nothing was merged."
)


def test_merge_view_with_deleted_contact_says_the_pair_is_gone(admin_client, setup):
    kept, other = cannon_pair()
    pair = ContactDuplicate.objects.get()
    other.delete()
    response = admin_client.post(
        reverse("duplicates:merge", args=[pair.pk]), {"confirm": "on"}, follow=True
    )
    assert response.redirect_chain == [(reverse("duplicates:list"), 302)]
    assert GONE in response.content.decode()
    assert Contact.objects.filter(pk=kept.pk).exists()


def test_merging_a_pair_an_edit_replaced_says_so_instead_of_404(admin_client, setup):
    """Someone else saves one of the companies while the user looks at the pair: the
    save replaces the company's open pairs (4.4), so the pair the page names is gone.
    The user is told, nothing is merged (was: a bare 404)."""
    _kept, other = cannon_pair()
    pair = ContactDuplicate.objects.get()
    contact_update(contact=other, data={"name": "Something Else Entirely Ltd"})
    assert not ContactDuplicate.objects.filter(pk=pair.pk).exists()
    response = admin_client.post(
        reverse("duplicates:merge", args=[pair.pk]), {"confirm": "on"}, follow=True
    )
    assert response.status_code == 200
    assert GONE in response.content.decode()
    assert Contact.objects.filter(pk=other.pk).exists()
    assert not ContactMerge.objects.exists()


# --- List ---------------------------------------------------------------------------


def test_list_paging_keeps_the_contact_filter(staff_client, setup):
    kept = CompanyFactory(name="Hub AS")
    others = [CompanyFactory(name=f"Other {i} AS") for i in range(55)]
    ContactDuplicate.objects.bulk_create(
        ContactDuplicate(contact=kept, duplicate=other, score=90) for other in others
    )
    response = staff_client.get(reverse("duplicates:list"), {"contact": kept.no})
    links = re.findall(r'rel="next" href="([^"]*)"', response.content.decode())
    assert links
    assert all(f"contact={kept.no}" in link for link in links)
    url = reverse("duplicates:list") + links[0].replace("&amp;", "&")
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response.context["page"].position == 50
    assert len(response.context["rows"]) == 5
    assert "51–55 of 55" in response.content.decode()


def test_list_separate_toggle_keeps_the_contact_filter(staff_client, setup):
    kept, _other = cannon_pair()
    response = staff_client.get(reverse("duplicates:list"), {"contact": kept.no})
    links = re.findall(r'href="([^"]*separate=0[^"]*)"', response.content.decode())
    assert links and all(f"contact={kept.no}" in link for link in links)


# --- Rebuild button -----------------------------------------------------------------


def test_rebuild_button_on_a_large_table_queues_a_job(admin_client, setup):
    """No limit any more: the rebuild is a job, nothing is done in the request."""
    from jobs.models import Job

    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    cannon_pair()
    response = admin_client.post(reverse("duplicates:rebuild"), follow=True)
    assert "was queued as job" in response.content.decode()
    assert Job.objects.get().params == {"find": True}
    assert not ContactDuplicate.objects.exists()
    assert not ContactSearchString.objects.exists()


def test_merge_carries_separate_marks_to_the_kept_contact(setup):
    """The merged contact was marked "not a duplicate" of a third one: so is the kept one."""
    kept, other = cannon_pair()
    third = CompanyFactory(
        name="Cannon Group Holding AS",
        address="Storgata 1",
        post_code="0155",
        city="Oslo",
        phone_no="22 33 44 99",
    )
    low, high = sorted((other.pk, third.pk))
    ContactDuplicate.objects.update_or_create(
        contact_id=low, duplicate_id=high, defaults={"separate_contacts": True}
    )
    services.contacts_merge(keep=kept, merge=other)
    low, high = sorted((kept.pk, third.pk))
    pair = ContactDuplicate.objects.get(contact_id=low, duplicate_id=high)
    assert pair.separate_contacts
    # And it survives a full rebuild.
    services.search_strings_rebuild()
    services.duplicates_find_all()
    assert ContactDuplicate.objects.get(contact_id=low, duplicate_id=high).separate_contacts


def test_merge_moves_interactions_and_opportunities_with_their_contact_no(setup):
    """Moved interaction entries carry the kept contact's number (their copy of it)."""
    import datetime

    from interactions.models import InteractionLogEntry
    from opportunities.models import Opportunity

    kept, other = cannon_pair()
    person = PersonFactory(company=other)
    entries = [
        InteractionLogEntry.objects.create(
            contact=contact,
            contact_company=other,
            contact_no=contact.no,
            contact_name=contact.name,
            date=datetime.date(2026, 1, 5),
        )
        for contact in (other, person)
    ]
    kept_entry = InteractionLogEntry.objects.create(
        contact=kept, contact_company=kept, contact_no=kept.no, date=datetime.date(2026, 1, 6)
    )
    opportunity = Opportunity.objects.create(
        no="OPX1", description="Vans", contact=other, contact_company=other
    )
    record = services.contacts_merge(keep=kept, merge=other)
    company_entry, person_entry = (
        InteractionLogEntry.objects.get(pk=entry.pk) for entry in entries
    )
    assert (company_entry.contact, company_entry.contact_company) == (kept, kept)
    assert company_entry.contact_no == kept.no
    assert (person_entry.contact, person_entry.contact_company) == (person, kept)
    assert person_entry.contact_no == person.no
    kept_entry.refresh_from_db()
    assert kept_entry.contact_no == kept.no
    opportunity.refresh_from_db()
    assert (opportunity.contact, opportunity.contact_company) == (kept, kept)
    assert record.moved_rows["interactions.InteractionLogEntry.contact"] == 1
    assert record.moved_rows["interactions.InteractionLogEntry.contact_company"] == 2
    assert record.moved_rows["opportunities.Opportunity.contact"] == 1


def test_find_duplicates_unknown_contact_leaves_no_file(setup, tmp_path):
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match="does not exist"):
        call_command("find_duplicates", "--contact", "NOPE", "--output", str(out))
    assert list(tmp_path.iterdir()) == []


def test_merge_record_keeps_the_overwritten_values_of_the_kept_contact(setup):
    """Taking the merged contact's address must not lose the kept contact's old one."""
    kept, other = cannon_pair()
    record = services.contacts_merge(keep=kept, merge=other, field_choices={"address": "merge"})
    record.refresh_from_db()
    assert record.kept_values["address"] == "Storgata 1"
    assert record.kept_values["no"] == kept.no
    assert record.field_choices == {"address": "Kirkeveien 20"}
