"""Issue 14.1 and 16 through the services and pages: the duplicate switches, Search Hit %
for both methods, the method setting, the learned model, decisions, persons, imports."""

import pytest
from django.urls import reverse
from django.utils import translation

from contacts.models import Contact
from duplicates import linkage, services
from duplicates.models import (
    ContactDuplicate,
    ContactMatchKey,
    ContactSearchString,
    MatchModel,
    PairDecision,
    ReviewQuestion,
)
from duplicates.services import learning
from marketing_setup.models import MarketingSetup
from tests.duplicates.factories import cannon_pair
from tests.factories import CompanyFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    learning.model_clear_cache()
    yield
    learning.model_clear_cache()


def _set(**values):
    MarketingSetup.objects.filter(pk=1).update(**values)


def _same_name_pair():
    """Two companies that share only a rare name (different towns, nothing else)."""
    a = CompanyFactory(name="Kristiansund Ventilasjon AS", address="", post_code="", city="")
    b = CompanyFactory(name="Kristiansund Ventilasjon AS", address="", post_code="", city="")
    return a, b


def test_autosearch_off_maintains_strings_and_finds_nothing(setup):
    _set(autosearch_for_duplicates=False)
    kept, other = cannon_pair()
    assert ContactSearchString.objects.filter(contact=other).exists()
    assert ContactMatchKey.objects.filter(contact=other).exists()
    assert not ContactDuplicate.objects.exists()
    # The next search finds them.
    services.duplicates_find_all()
    assert ContactDuplicate.objects.filter(contact=kept, duplicate=other).exists()


def test_maintain_off_keeps_nothing(setup):
    _set(autosearch_for_duplicates=False, maintain_search_strings=False)
    cannon_pair()
    assert not ContactSearchString.objects.exists()
    assert not ContactDuplicate.objects.exists()


@pytest.mark.parametrize(
    ("method", "hit_pct", "paired"),
    [
        ("ours", 10, True),
        ("ours", 60, False),
        ("reference", 10, True),  # 2 of 16 strings (name first and last) >= ceil(1.6)
        ("reference", 60, False),
    ],
)
def test_search_hit_pct_governs_both_methods(setup, method, hit_pct, paired):
    _set(search_hit_pct=hit_pct, duplicate_search_method=method)
    a, b = _same_name_pair()
    assert ContactDuplicate.objects.filter(contact=a, duplicate=b).exists() is paired


def test_the_higher_the_percentage_the_fewer_pairs(setup):
    cannon_pair()
    _same_name_pair()
    counts = []
    for hit_pct in (10, 60, 100):
        _set(search_hit_pct=hit_pct)
        counts.append(len(services.duplicates_find_all().pairs))
    assert counts[0] >= counts[1] >= counts[2]
    assert counts[0] > counts[2]


def test_the_setup_chooses_the_method_used_on_save(setup):
    _set(duplicate_search_method="reference")
    cannon_pair()  # moved within Oslo: too few equal strings for the reference
    assert not ContactDuplicate.objects.exists()
    ContactDuplicate.objects.all().delete()
    _set(duplicate_search_method="ours")
    CompanyFactory(name="Nordlys Elektro AS", phone_no="22 11 22 11", vat_registration_no="")
    CompanyFactory(name="Nordlys Elektro A/S", phone_no="+47 22112211", vat_registration_no="")
    assert ContactDuplicate.objects.count() == 1


def test_setup_page_explains_the_percentage_for_the_chosen_method(admin_client, setup):
    url = reverse("marketing_setup:setup")
    page = admin_client.get(url).content.decode()
    assert "lowest match probability" in page
    assert "Learned duplicate model" in page
    _set(duplicate_search_method="reference")
    page = admin_client.get(url).content.decode()
    assert "share of the duplicate search string lines" in page
    with translation.override("nb"):
        page = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "andelen av linjene" in page


def test_setup_form_saves_the_method(admin_client, setup):
    from marketing_setup.forms import MarketingSetupForm

    data = {
        name: value
        for name, value in MarketingSetupForm(instance=setup).initial.items()
        if value is not None
    }
    data |= {"duplicate_search_method": "reference", "search_hit_pct": 70}
    data = {k: v for k, v in data.items() if v is not False}
    response = admin_client.post(reverse("marketing_setup:setup"), data)
    assert response.status_code == 302
    setup.refresh_from_db()
    assert setup.duplicate_search_method == "reference"
    assert setup.search_hit_pct == 70


def test_separate_marks_and_merges_are_decisions(setup, admin_user):
    kept, other = cannon_pair()
    pair = ContactDuplicate.objects.get()
    services.duplicate_set_separate(pair=pair, separate=True, user=admin_user)
    decision = PairDecision.objects.get()
    assert (decision.same, decision.source, decision.user) == (False, "separate", admin_user)
    assert len(decision.levels) == len(linkage.COMPARISONS)
    services.duplicate_set_separate(pair=pair, separate=False)
    assert not PairDecision.objects.exists()
    services.contacts_merge(keep=kept, merge=other, user=admin_user)
    decision = PairDecision.objects.get()
    assert (decision.same, decision.source, decision.contact_no) == (True, "merge", kept.no)


def _twins(count):
    """`count` companies, every third with a second record of the same company."""
    companies = []
    for i in range(count):
        companies.append(
            Contact(
                no=f"LM{i:05d}",
                type=Contact.Type.COMPANY,
                name=f"Firma{i} Bygg AS",
                address=f"Gate {i}",
                post_code=f"{1000 + i}",
                city=f"By{i % 13}",
                phone_no=f"2{i:07d}",
                country="NO",
            )
        )
        if i % 3 == 0:
            companies.append(
                Contact(
                    no=f"LN{i:05d}",
                    type=Contact.Type.COMPANY,
                    name=f"Firma{i} Bygg A/S",
                    address=f"Gate {i}",
                    post_code=f"{1000 + i}",
                    city=f"By{i % 13}",
                    phone_no=f"+47 2{i:07d}",
                    country="NO",
                )
            )
    Contact.objects.bulk_create(companies)
    services.search_strings_rebuild()


def test_the_full_search_learns_a_model_and_stores_it(setup, admin_client, monkeypatch):
    monkeypatch.setattr(linkage, "MIN_COMPANIES_TO_ESTIMATE", 50)
    monkeypatch.setattr("duplicates.matching.linkage.MIN_COMPANIES_TO_ESTIMATE", 50)
    _twins(150)  # 200 companies, 50 twins
    result = services.duplicates_find_all()
    row = MatchModel.objects.get()
    assert row.estimated
    assert row.companies == 200
    assert len(result.pairs) == 50
    page = admin_client.get(reverse("marketing_setup:setup")).content.decode()
    assert "Weights learned on" in page
    # Nothing changed: the next search keeps the model.
    services.duplicates_find_all()
    assert MatchModel.objects.count() == 1


def test_estimate_from_the_setup_page(admin_client, setup, monkeypatch):
    monkeypatch.setattr("duplicates.matching.linkage.MIN_COMPANIES_TO_ESTIMATE", 50)
    _twins(100)
    response = admin_client.post(reverse("duplicates:estimate"))
    assert response.status_code == 302
    from jobs import runner
    from jobs.models import Job

    runner.run_job(Job.objects.get().pk, heartbeat=False)
    assert MatchModel.objects.get().estimated


def test_persons_with_one_e_mail_or_name_and_mobile_are_duplicates(setup):
    first, second = CompanyFactory(), CompanyFactory()
    a = PersonFactory(company=first, first_name="Ola", surname="Nordmann", email="ola@nordmann.no")
    b = PersonFactory(company=second, first_name="Ola", surname="Nordmann", email="ola@nordmann.no")
    c = PersonFactory(
        company=first, first_name="Kari", surname="Hansen", mobile_phone_no="912 34 567"
    )
    d = PersonFactory(
        company=first, first_name="Kari", surname="Hansen", mobile_phone_no="+47 91234567"
    )
    PersonFactory(company=first, first_name="Per", surname="Berg", email="post@firma.no")
    PersonFactory(company=second, first_name="Liv", surname="Dahl", email="post@firma.no")
    persons = ContactDuplicate.objects.filter(kind=Contact.Type.PERSON)
    assert set(persons.values_list("contact_id", "duplicate_id")) == {(a.pk, b.pk), (c.pk, d.pk)}
    # The full search finds the same, and a person merge works as for companies.
    services.duplicates_find_all()
    assert persons.count() == 2
    services.contacts_merge(keep=c, merge=d)
    assert not Contact.objects.filter(pk=d.pk).exists()


def test_record_matches_for_an_import_row(setup):
    kept, _other = cannon_pair()
    matches = services.record_find_matches(
        {"name": "Cannon Group", "phone_no": "22334455", "city": "Oslo", "country": "NO"}
    )
    assert [m.contact_no for m in matches][:1] in ([kept.no], [_other.no])
    assert matches[0].score >= 60
    assert any("phone" in label for label in matches[0].labels)
    assert services.record_find_matches({"name": "Nobody Like This AS"}) == []


def _question(a, b, score=50):
    from duplicates.matching import Match
    from duplicates.services.search import review_questions_replace

    review_questions_replace(
        [(a.pk, b.pk, Match(score, ["name.close:+3.0", "phone.different:-3.0"]))]
    )
    return ReviewQuestion.objects.get()


@pytest.mark.parametrize(
    ("answer", "listed", "separate", "same"),
    [("same", True, False, True), ("different", True, True, False), ("unsure", False, None, None)],
)
def test_review_answers_are_decisions(staff_client, setup, answer, listed, separate, same):
    a = CompanyFactory(name="Fjord Catering AS")
    b = CompanyFactory(name="Fjord Cateringservice AS")
    ContactDuplicate.objects.all().delete()
    question = _question(a, b)
    page = staff_client.get(reverse("duplicates:review")).content.decode()
    assert "Fjord Cateringservice AS" in page and "50 % likely" in page
    response = staff_client.post(
        reverse("duplicates:review_answer", args=[question.pk]), {"answer": answer}
    )
    assert response.status_code == 302
    assert not ReviewQuestion.objects.exists()
    pair = ContactDuplicate.objects.filter(contact=a, duplicate=b).first()
    assert (pair is not None) is listed
    if listed:
        assert pair.separate_contacts is separate
        assert PairDecision.objects.get().same is same
    else:
        assert not PairDecision.objects.exists()


def test_a_bad_review_answer_changes_nothing(staff_client, setup):
    a, b = CompanyFactory(), CompanyFactory()
    ContactDuplicate.objects.all().delete()
    question = _question(a, b)
    response = staff_client.post(
        reverse("duplicates:review_answer", args=[question.pk]), {"answer": "maybe"}, follow=True
    )
    assert "Answer same, different or unsure." in response.content.decode()
    assert ReviewQuestion.objects.filter(pk=question.pk).exists()
    assert not PairDecision.objects.exists()


def test_the_list_offers_the_questions_and_the_persons(staff_client, setup):
    a, b = CompanyFactory(), CompanyFactory()
    _question(a, b)
    page = staff_client.get(reverse("duplicates:list")).content.decode()
    assert reverse("duplicates:review") in page
    first = PersonFactory(first_name="Ola", surname="Nordmann", email="ola@nordmann.no")
    second = PersonFactory(first_name="Ola", surname="Nordmann", email="ola@nordmann.no")
    page = staff_client.get(reverse("duplicates:list"), {"kind": "person"}).content.decode()
    assert first.no in page and second.no in page
    assert first.no not in staff_client.get(reverse("duplicates:list")).content.decode()


def test_the_list_pages_without_joining_contacts(
    staff_client, setup, django_assert_max_num_queries
):
    companies = [
        CompanyFactory(name=f"Likt Navn {i // 2} AS", phone_no=f"2222{i // 2:04d}")
        for i in range(12)
    ]
    assert ContactDuplicate.objects.count() >= 6
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = staff_client.get(reverse("duplicates:list"))
    assert response.status_code == 200
    page_query = next(
        q["sql"]
        for q in ctx.captured_queries
        if "ORDER BY" in q["sql"] and "contactduplicate" in q["sql"]
    )
    assert "JOIN" not in page_query.upper()
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        staff_client.get(reverse("duplicates:list"), {"page": 1})
    del companies


def test_find_duplicates_for_one_person(setup, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    a = PersonFactory(first_name="Ola", surname="Nordmann", email="ola@nordmann.no")
    b = PersonFactory(first_name="Ola", surname="Nordmann", email="ola@nordmann.no")
    out = tmp_path / "pairs.csv"
    call_command("find_duplicates", "--contact", a.no, "--output", str(out), stdout=StringIO())
    assert f"{a.no},{b.no}" in out.read_text()
    with pytest.raises(CommandError, match="only our method searches persons"):
        call_command(
            "find_duplicates", "--contact", a.no, "--method", "reference", stdout=StringIO()
        )
