import math

import pytest
from django.db import IntegrityError, transaction

from contacts.models import Contact
from duplicates import services
from duplicates.models import (
    ContactDuplicate,
    ContactMatchKey,
    ContactMerge,
    ContactSearchString,
    DuplicateSearchStringSetup,
)
from marketing_setup.models import MarketingSetup
from tests.duplicates.factories import cannon_pair
from tests.factories import CompanyFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _pairs():
    return set(ContactDuplicate.objects.values_list("contact_id", "duplicate_id"))


def test_migration_creates_the_16_default_lines():
    lines = set(DuplicateSearchStringSetup.objects.values_list("field", "part", "length"))
    assert len(lines) == 16
    assert ("name", "first", 5) in lines
    assert ("mobile_phone_no", "last", 5) in lines
    assert services.setup_create_default_lines() == 0


def test_strings_are_maintained_on_save(setup):
    company = CompanyFactory(name="The Cannon Group PLC", phone_no="+44 (0)20 7946 0000")
    strings = dict(
        ((f, p), s)
        for f, p, s in company.duplicate_search_strings.values_list("field", "part", "string")
    )
    assert strings[("name", "first")] == "THECA"
    assert strings[("phone_no", "last")] == "60000"
    assert ("email", "first") not in strings  # blank field: no row

    company.name = "Anvil Works"
    company.save()
    assert company.duplicate_search_strings.get(field="name", part="first").string == "ANVIL"


def test_strings_not_maintained_when_setup_off(setup):
    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    company = CompanyFactory(name="Cannon")
    assert not ContactSearchString.objects.filter(contact=company).exists()


def test_unrelated_save_does_not_reindex(setup):
    company = CompanyFactory(name="Cannon")
    company.job_title = "x"
    # pre_save reads the old values, contacts' own receivers run; no re-index.
    ContactSearchString.objects.filter(contact=company).delete()
    company.save()
    assert not ContactSearchString.objects.filter(contact=company).exists()


def test_persons_are_not_indexed(setup):
    person = PersonFactory(name="The Cannon Group PLC")
    assert not ContactSearchString.objects.filter(contact=person).exists()


def test_autosearch_finds_moved_company_once(setup):
    kept, other = cannon_pair()
    pair = ContactDuplicate.objects.get()
    assert (pair.contact_id, pair.duplicate_id) == (kept.pk, other.pk)
    assert pair.score >= 80
    assert any(reason.startswith("vat.same:") for reason in pair.reasons)
    # Saving either side again keeps one row per pair.
    kept.address = "Storgata 2"
    kept.save()
    other.city = "OSLO"
    other.save()
    assert ContactDuplicate.objects.count() == 1


def test_reference_method_misses_the_moved_company(setup):
    kept, other = cannon_pair()
    assert services.duplicates_search_for(contact=kept, method=services.REFERENCE) == []
    assert [p.duplicate_id for p in services.duplicates_search_for(contact=kept)] == [other.pk]


def test_pair_is_stored_in_one_direction_only(setup):
    a, b = cannon_pair()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactDuplicate.objects.create(contact=b, duplicate=a)


def test_separate_mark_survives_rebuild(setup):
    kept, other = cannon_pair()
    pair = ContactDuplicate.objects.get()
    services.duplicate_set_separate(pair=pair, separate=True)
    services.search_strings_rebuild()
    services.duplicates_find_all()
    other.name = "Cannon Group"
    other.save()
    services.contact_index(contact=kept)
    pair.refresh_from_db()
    assert pair.separate_contacts
    assert ContactDuplicate.objects.count() == 1


def test_becoming_a_person_removes_index_and_pairs(setup):
    _kept, other = cannon_pair()
    Contact.objects.filter(pk=other.pk).update(type=Contact.Type.PERSON)
    other.refresh_from_db()
    services.contact_check_duplicates(contact=other, created=False, before={"type": "company"})
    assert not ContactDuplicate.objects.exists()
    assert not ContactMatchKey.objects.filter(contact=other).exists()


def test_deleting_a_setup_line_deletes_its_strings(setup):
    CompanyFactory(name="Cannon")
    DuplicateSearchStringSetup.objects.get(field="name", part="first").delete()
    assert not ContactSearchString.objects.filter(field="name", part="first").exists()


def test_rebuild_and_find_all(setup):
    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    kept, other = cannon_pair()
    CompanyFactory(name="Someone Else AS", city="Bergen")
    assert not ContactDuplicate.objects.exists()
    calls = []
    assert services.search_strings_rebuild(progress=calls.append) == 3
    assert sum(calls) == 3
    assert ContactSearchString.objects.filter(contact=kept).count() == 14
    result = services.duplicates_find_all()
    assert result.pairs == [(kept.no, other.no, result.pairs[0][2])]
    assert result.stored == 1
    assert services.duplicates_find_all(method=services.REFERENCE).pairs == []


def test_merge_moves_persons_and_records_everything(setup, admin_user):
    kept, other = cannon_pair()
    person = PersonFactory(company=other)
    record = services.contacts_merge(
        keep=kept,
        merge=other,
        field_choices={"address": "merge", "name": "keep", "post_code": "merge"},
        user=admin_user,
    )
    kept.refresh_from_db()
    person.refresh_from_db()
    assert person.company_id == kept.pk
    assert kept.address == "Kirkeveien 20"
    assert kept.post_code == "0368"
    assert kept.name == "Cannon Group AS"
    assert not Contact.objects.filter(pk=other.pk).exists()
    assert record.merged_contact_no == other.no
    assert record.merged_values["name"] == "Cannon Group A/S"
    assert record.field_choices == {"address": "Kirkeveien 20", "post_code": "0368"}
    assert record.moved_rows["contacts.Contact.company"] == 1
    assert record.user == admin_user
    assert not ContactDuplicate.objects.exists()
    # The kept company's strings follow its new address.
    assert kept.duplicate_search_strings.get(field="address", part="first").string == "KIRKE"


def test_merge_moves_rows_of_other_models(setup):
    """Every FK to Contact moves, including this app's own merge history."""
    kept, other = cannon_pair()
    third = CompanyFactory(name="Third AS")
    earlier = services.contacts_merge(keep=other, merge=third)
    assert earlier.kept_contact == other
    record = services.contacts_merge(keep=kept, merge=other)
    earlier.refresh_from_db()
    assert earlier.kept_contact == kept
    assert record.moved_rows["duplicates.ContactMerge.kept_contact"] == 1


def test_merge_is_one_transaction(setup, monkeypatch):
    kept, other = cannon_pair()
    person = PersonFactory(company=other)

    def fail(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ContactMerge.objects, "create", fail)
    with pytest.raises(RuntimeError):
        services.contacts_merge(keep=kept, merge=other, field_choices={"address": "merge"})
    person.refresh_from_db()
    kept.refresh_from_db()
    assert person.company_id == other.pk
    assert Contact.objects.filter(pk=other.pk).exists()
    assert kept.address == "Storgata 1"
    assert ContactDuplicate.objects.count() == 1


@pytest.mark.parametrize("choices", [{"no": "merge"}, {"name": "maybe"}, {"created_at": "merge"}])
def test_merge_rejects_bad_choices(setup, choices):
    from django.core.exceptions import ValidationError

    kept, other = cannon_pair()
    with pytest.raises(ValidationError):
        services.contacts_merge(keep=kept, merge=other, field_choices=choices)
    assert Contact.objects.filter(pk=other.pk).exists()


def test_merge_refuses_itself_and_other_types(setup):
    from django.core.exceptions import ValidationError

    kept, _other = cannon_pair()
    with pytest.raises(ValidationError):
        services.contacts_merge(keep=kept, merge=kept)
    with pytest.raises(ValidationError):
        services.contacts_merge(keep=kept, merge=PersonFactory())


@pytest.mark.parametrize("hit_pct", [30, 60])
def test_stored_reference_search_equals_pure_reference(setup, hit_pct):
    """The indexed per-company search gives exactly the reference's pairs."""
    MarketingSetup.objects.update(search_hit_pct=hit_pct)
    base = {
        "name": "Cannon Group AS",
        "address": "Storgata 1",
        "post_code": "0155",
        "city": "Oslo",
        "phone_no": "22 33 44 55",
        "email": "post@cannon.no",
        "vat_registration_no": "NO912345678MVA",
        "mobile_phone_no": "900 00 000",
    }
    variants = [
        {},
        {"name": "Anvil AS"},
        {"phone_no": "", "mobile_phone_no": ""},
        {"address": "Kirkeveien 9", "post_code": "0368", "email": ""},
        {"city": "Bergen", "post_code": "5003", "vat_registration_no": ""},
        {"name": "Other", "address": "Elsewhere 3", "phone_no": "55 55 55 55"},
    ]
    companies = [CompanyFactory(**(base | change)) for change in variants]
    records = [services.contact_record(c, services.setup_lines()) for c in companies]
    expected = services.matching.reference_find_pairs(records, services.setup_lines(), hit_pct)
    got = {}
    for company in companies:
        for pair in services.duplicates_search_for(contact=company, method=services.REFERENCE):
            other = Contact.objects.get(pk=pair.duplicate_id)
            key = tuple(sorted((company.no, other.no)))
            got[key] = pair.matching_strings
    assert got == expected
    assert expected  # the case is not empty


def test_merge_keeps_the_kept_contacts_row_on_a_unique_clash(setup):
    """A business relation both contacts have stays once; the dropped one is recorded."""
    from relations.models import ContactBusinessRelation
    from tests.factories import BusinessRelationFactory

    kept, other = cannon_pair()
    shared, extra = BusinessRelationFactory(code="CUST"), BusinessRelationFactory(code="PRESS")
    ContactBusinessRelation.objects.create(contact=kept, business_relation=shared)
    ContactBusinessRelation.objects.create(contact=other, business_relation=shared)
    ContactBusinessRelation.objects.create(contact=other, business_relation=extra)

    record = services.contacts_merge(keep=kept, merge=other)

    codes = sorted(kept.business_relations.values_list("business_relation_id", flat=True))
    assert codes == ["CUST", "PRESS"]
    assert record.moved_rows["relations.ContactBusinessRelation.contact"] == 1
    assert [row["business_relation_id"] for row in record.dropped_rows] == ["CUST"]


def test_demo_load_is_idempotent(setup):
    from io import StringIO

    from duplicates import demo

    cannon_pair()
    demo.load(StringIO())
    demo.load(StringIO())
    assert ContactDuplicate.objects.count() == 1
    assert DuplicateSearchStringSetup.objects.count() == 16


def test_index_query_count_does_not_grow_with_the_table(setup):
    """Re-indexing one company costs the same number of queries at any table size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_new_company(name):
        company = CompanyFactory(name=name, city="Oslo", post_code="0150")
        with CaptureQueriesContext(connection) as ctx:
            services.contact_index(contact=company)
        return len(ctx.captured_queries)

    def add_fillers(start, stop):
        for i in range(start, stop):
            CompanyFactory(name=f"Filler{i} Bygg AS", city="Oslo", post_code="0150")

    add_fillers(0, 5)
    small = queries_for_new_company("Alpha Bygg AS")
    add_fillers(5, 45)
    assert queries_for_new_company("Beta Bygg AS") == small


def test_rebuild_for_some_companies_only(setup):
    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    first, second = CompanyFactory(name="Alpha AS"), CompanyFactory(name="Beta AS")
    done = services.search_strings_rebuild(contacts=Contact.objects.filter(pk=first.pk))
    assert done == 1
    assert ContactSearchString.objects.filter(contact=first).exists()
    assert not ContactSearchString.objects.filter(contact=second).exists()
    assert ContactMatchKey.objects.filter(contact=first).exists()


def test_saving_a_company_searches_in_the_same_statements_however_many_candidates(setup):
    """Autosearch on a save: the keys' holders and the candidates' values are read in
    one statement each, so the statements do not grow with the candidates."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def create(name, phone):
        with CaptureQueriesContext(connection) as ctx:
            company = CompanyFactory(name=name, city="Oslo", post_code="0150", phone_no=phone)
        return company, len(ctx.captured_queries)

    create("Vestlys Rør AS", "22 00 00 03")
    create("Vestlys Rør A/S", "22 00 00 03")  # the first search reads the model in use
    create("Nordlys Rør AS", "22 00 00 01")
    one, with_one = create("Nordlys Rør A/S", "22 00 00 01")
    assert ContactDuplicate.objects.involving(one).count() == 1
    for i in range(20):
        create(f"Sørlys Rør {i} AS", "22 00 00 02")
    many, with_many = create("Sørlys Rør AS", "22 00 00 02")
    assert with_many == with_one
    pairs = ContactDuplicate.objects.involving(many)
    assert pairs.count() > 1  # several of the 20 candidates are found, from one search


def test_the_full_search_uses_a_stored_profile_only_while_the_values_match(setup):
    """Profiles are kept on save; a company changed without a save signal (a plain
    update) is matched on its new values, and its profile is stored again."""
    from duplicates.models import ContactMatchProfile

    kept, other = cannon_pair()
    stored = ContactMatchProfile.objects.get(contact=other)
    assert stored.data
    services.duplicates_find_all()
    assert _pairs() == {(kept.pk, other.pk)}

    Contact.objects.filter(pk=other.pk).update(
        name="Anvil Verksted", phone_no="99 88 77 66", vat_registration_no=""
    )
    services.duplicates_find_all()
    assert _pairs() == set()
    assert ContactMatchProfile.objects.get(contact=other).fingerprint != stored.fingerprint

    Contact.objects.filter(pk=other.pk).update(
        name="Cannon Group A/S", phone_no="+47 22 33 44 55", vat_registration_no="912345678"
    )
    ContactMatchProfile.objects.filter(contact=other).delete()
    services.duplicates_find_all()
    assert _pairs() == {(kept.pk, other.pk)}
    assert ContactMatchProfile.objects.filter(contact=other).exists()


def test_the_full_search_reads_the_stored_profiles_of_every_chunk(setup, monkeypatch):
    """Companies over several read chunks, persons between them: each company's stored
    profile is found (none made again, none stored again), and the pairs are those
    found with every profile made afresh."""
    from duplicates.models import ContactMatchProfile
    from duplicates.services import index, search

    chunks = index.id_chunks
    monkeypatch.setattr(search, "id_chunks", lambda *a, **k: chunks(*a, **{**k, "size": 3}))
    kept, other = cannon_pair()
    # Fillers unlike each other (four "Fjord Bakeri n" in one city sometimes scored as
    # a pair, by the factory's random other fields): only the cannon pair is a duplicate.
    fillers = [
        ("Alpha Bygg", "Bergen"),
        ("Nordlys Regnskap", "Tromsø"),
        ("Vestkyst Energi", "Stavanger"),
        ("Grønn Hage", "Trondheim"),
    ]
    for i, (name, city) in enumerate(fillers):
        CompanyFactory(name=name, city=city)
        PersonFactory(name=f"Per Hansen {i}")
    assert ContactMatchProfile.objects.count() == Contact.objects.filter(type="company").count()
    stored = []
    monkeypatch.setattr(search, "profiles_store", stored.extend)
    services.duplicates_find_all()
    assert stored == []
    assert _pairs() == {(kept.pk, other.pk)}
    ContactMatchProfile.objects.all().delete()
    services.duplicates_find_all()
    assert len(stored) == Contact.objects.filter(type="company").count()
    assert _pairs() == {(kept.pk, other.pk)}


def test_profiles_follow_rebuild_and_type_change(setup):
    from duplicates.models import ContactMatchProfile

    company = CompanyFactory(name="Alpha Bygg AS")
    ContactMatchProfile.objects.all().delete()
    services.search_strings_rebuild()
    assert ContactMatchProfile.objects.filter(contact=company).exists()
    services.contact_unindex(contact=company)
    assert not ContactMatchProfile.objects.filter(contact=company).exists()


def test_a_large_rebuild_refreshes_the_planner_statistics_of_the_index(
    setup, monkeypatch, django_capture_on_commit_callbacks
):
    """Right after a rebuild of many companies, saves search with fresh statistics: at
    250k companies on PostgreSQL autosearch took p95 129 ms planned on empty tables."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contacts import maintenance

    monkeypatch.setattr(maintenance, "LARGE_WRITE_ROWS", 3)
    CompanyFactory.create_batch(3)

    def analyzed() -> set[str]:
        with (
            CaptureQueriesContext(connection) as ctx,
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.search_strings_rebuild()
        return {
            q["sql"].split()[1].strip('"`')
            for q in ctx.captured_queries
            if q["sql"].startswith("ANALYZE")
        }

    assert analyzed() == {
        "duplicates_contactsearchstring",
        "duplicates_contactmatchkey",
        "duplicates_contactmatchprofile",
    }
    monkeypatch.setattr(maintenance, "LARGE_WRITE_ROWS", 4)
    assert analyzed() == set()  # a small rebuild leaves it to autovacuum


def test_autosearch_pairs_a_large_name_prefix_group_as_the_full_search_does(setup, monkeypatch):
    # A group of companies sharing only their name words' first letters within a town
    # pairs each with its nearest names only (matching.WINDOW), in the full search and
    # in the search on saving one company alike. Every candidate pair is made to reach
    # Search Hit %, so the pairs found are the candidates.
    from duplicates import linkage, matching

    monkeypatch.setattr(linkage, "min_weight_for", lambda hit_pct: -math.inf)
    monkeypatch.setattr(linkage, "score_of", lambda weight: 100)

    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    words = ["alfa", "bravo", "delta", "ekko", "golf", "hotell", "india", "kilo", "lima"]
    words += ["mike", "oscar", "papa", "romeo", "sierra"]
    companies = [CompanyFactory(name=f"Bygg Service {w}", city="Oslo") for w in words]
    # One company with a phone shared by another far from it in the names' order:
    # that key pairs them whatever the window says.
    Contact.objects.filter(pk__in=[companies[0].pk, companies[-1].pk]).update(
        phone_no="+47 22 33 44 55"
    )
    services.search_strings_rebuild()
    result = services.duplicates_find_all()
    full = {(a, b) for a, b, _score in result.pairs}
    assert len(words) > matching.SMALL_GROUP
    assert 0 < len(full) < len(words) * (len(words) - 1) // 2
    assert tuple(sorted((companies[0].no, companies[-1].no))) in full
    one_by_one = set()
    for company in companies:
        company.refresh_from_db()
        for pair in services.duplicates_search_for(contact=company):
            a, b = (Contact.objects.get(pk=pk).no for pk in (pair.contact_id, pair.duplicate_id))
            one_by_one.add((a, b) if a < b else (b, a))
    assert one_by_one == full
