import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse

from contacts.models import Contact
from duplicates import selectors
from duplicates.models import ContactDuplicate, ContactMerge
from marketing_setup.models import MarketingSetup
from tests.duplicates.factories import cannon_pair
from tests.factories import CompanyFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_list_shows_pairs_with_score_and_reasons(
    staff_client, setup, django_assert_max_num_queries
):
    kept, other = cannon_pair()
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("duplicates:list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert kept.no in content and other.no in content
    assert "same VAT registration no." in content
    assert reverse("duplicates:compare", args=[ContactDuplicate.objects.get().pk]) in content


def test_list_query_count_does_not_grow(staff_client, setup, django_assert_max_num_queries):
    for _ in range(5):
        cannon_pair()
    with django_assert_max_num_queries(12):
        staff_client.get(reverse("duplicates:list"))


def test_list_needs_permission(client, django_user_model, setup):
    user = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(user)
    assert client.get(reverse("duplicates:list")).status_code == 403


def test_separate_toggle_with_htmx(staff_client, setup):
    cannon_pair()
    pair = ContactDuplicate.objects.get()
    url = reverse("duplicates:separate", args=[pair.pk])
    response = staff_client.post(url, {"separate": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    pair.refresh_from_db()
    assert pair.separate_contacts
    assert "checked" in response.content.decode()
    # The merge link is disabled for separate pairs.
    assert reverse("duplicates:merge", args=[pair.pk]) not in response.content.decode()
    staff_client.post(url, {})
    pair.refresh_from_db()
    assert not pair.separate_contacts


def test_compare_highlights_differences(staff_client, setup):
    cannon_pair()
    pair = ContactDuplicate.objects.get()
    response = staff_client.get(reverse("duplicates:compare", args=[pair.pk]))
    content = response.content.decode()
    assert "Kirkeveien 20" in content and "Storgata 1" in content
    assert 'class="differs"' in content


def test_merge_page_and_post(staff_client, setup):
    kept, other = cannon_pair()
    PersonFactory(company=other)
    pair = ContactDuplicate.objects.get()
    url = reverse("duplicates:merge", args=[pair.pk])
    page = staff_client.get(url).content.decode()
    assert "<li>1 person</li>" in page
    assert 'name="field_address"' in page
    # Without confirmation nothing happens.
    response = staff_client.post(url, {"field_address": "merge"})
    assert response.status_code == 200
    assert Contact.objects.filter(pk=other.pk).exists()
    response = staff_client.post(url, {"field_address": "merge", "confirm": "on"})
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.address == "Kirkeveien 20"
    assert not Contact.objects.filter(pk=other.pk).exists()
    assert ContactMerge.objects.get().merged_contact_no == other.no


def test_merge_can_keep_the_other_side(staff_client, setup):
    kept, other = cannon_pair()
    pair = ContactDuplicate.objects.get()
    url = reverse("duplicates:merge", args=[pair.pk]) + "?keep=duplicate"
    staff_client.post(url, {"confirm": "on", "keep": "duplicate"})
    assert Contact.objects.filter(pk=other.pk).exists()
    assert not Contact.objects.filter(pk=kept.pk).exists()


@pytest.mark.parametrize("language", ["en", "nb"])
def test_row_answered_alone_is_the_lists_row(staff_client, setup, language):
    """The list translates the row labels once for all rows; the row the checkbox gets
    back alone (htmx) translates them itself: the same markup, in the user's language."""
    import re

    cannon_pair()
    pair = ContactDuplicate.objects.get()
    ContactDuplicate.objects.update(separate_contacts=True)
    listed = staff_client.get(reverse("duplicates:list"), HTTP_ACCEPT_LANGUAGE=language)
    alone = staff_client.post(
        reverse("duplicates:separate", args=[pair.pk]),
        {"separate": "on"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    row = re.compile(r'<tr id="pair-.*?</tr>', re.S)

    def without_token(html: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    listed_row = row.search(listed.content.decode()).group()
    assert without_token(row.search(alone.content.decode()).group()) == without_token(listed_row)
    label = "Separate contacts" if language == "en" else "Separate kontakter"
    assert f'data-label="{label}"' in listed_row


def test_separate_pair_cannot_be_merged(staff_client, setup):
    _kept, other = cannon_pair()
    pair = ContactDuplicate.objects.get()
    ContactDuplicate.objects.update(separate_contacts=True)
    response = staff_client.post(reverse("duplicates:merge", args=[pair.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert Contact.objects.filter(pk=other.pk).exists()


def test_rebuild_is_for_administrators(staff_client, setup):
    assert staff_client.post(reverse("duplicates:rebuild")).status_code == 403


def test_rebuild_by_administrator(admin_client, setup):
    """The button queues a job (tests/jobs/test_views.py); the job finds the pair."""
    from jobs import runner
    from jobs.models import Job

    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    cannon_pair()
    response = admin_client.post(reverse("duplicates:rebuild"), follow=True)
    assert "was queued as job" in response.content.decode()
    runner.run_job(Job.objects.get().pk, heartbeat=False)
    response = admin_client.get(Job.objects.get().get_absolute_url())
    assert "1 possible duplicate found among 2 companies." in response.content.decode()
    assert ContactDuplicate.objects.count() == 1


def test_card_panel_context_lists_open_pairs(setup, staff_user):
    kept, other = cannon_pair()
    request = RequestFactory().get("/")
    request.user = staff_user
    items = selectors.card_panel_context(request, other)["duplicate_pairs"]
    assert [item.other for item in items] == [kept]
    ContactDuplicate.objects.update(separate_contacts=True)
    assert selectors.card_panel_context(request, other)["duplicate_pairs"] == []


def test_the_rendered_card_panel_reads_its_pairs_in_one_query(setup, staff_user):
    """The panel reads only the other contact's fields it shows: rendering it must not
    load a deferred field per pair."""
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    kept, other = cannon_pair()
    request = RequestFactory().get("/")
    request.user = staff_user
    staff_user.has_perm("duplicates.view_contactduplicate")  # its permissions read first
    MarketingSetup.get()
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string(
            "duplicates/card_panel.html",
            {**selectors.card_panel_context(request, other), "contact": other, "perms": {}},
        )
    assert len([q for q in queries.captured_queries if "contacts_contact" in q["sql"]]) == 1
    for value in (kept.no, kept.name, kept.address, kept.post_code, kept.city):
        assert value and str(value) in html


def test_card_panel_hidden_when_autosearch_off(setup, staff_user):
    kept, _other = cannon_pair()
    MarketingSetup.objects.update(autosearch_for_duplicates=False)
    request = RequestFactory().get("/")
    request.user = staff_user
    assert selectors.card_panel_context(request, kept)["duplicate_pairs"] == []


def test_contact_card_shows_autosearch_warning(staff_client, setup):
    kept, other = cannon_pair()
    response = staff_client.get(reverse("contacts:detail", kwargs={"no": other.no}))
    content = response.content.decode()
    assert "Possible duplicates found" in content
    assert kept.no in content


def test_find_duplicates_command_writes_csv(setup, tmp_path):
    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    kept, other = cannon_pair()
    CompanyFactory(name="Unrelated AS", city="Tromsø")
    call_command("rebuild_search_strings", "--no-progress", stdout=StringIO())
    out = tmp_path / "pairs.csv"
    call_command("find_duplicates", "--output", str(out), "--no-progress", stdout=StringIO())
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["contact_no", "duplicate_contact_no", "score"]
    assert [row[:2] for row in rows[1:]] == [[kept.no, other.no]]
    assert int(rows[1][2]) >= 80


def test_find_duplicates_for_one_contact(setup, tmp_path):
    kept, other = cannon_pair()
    out = tmp_path / "pairs.csv"
    call_command(
        "find_duplicates",
        "--contact",
        other.no,
        "--output",
        str(out),
        stdout=StringIO(),
    )
    assert kept.no in out.read_text()


def test_find_duplicates_unknown_contact(setup):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("find_duplicates", "--contact", "NOPE")


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:duplicates_contactduplicate_changelist",
        "admin:duplicates_duplicatesearchstringsetup_changelist",
        "admin:duplicates_contactsearchstring_changelist",
        "admin:duplicates_contactmatchkey_changelist",
        "admin:duplicates_contactmerge_changelist",
    ],
)
def test_admin_changelists(client, django_user_model, setup, url_name):
    cannon_pair()
    user = django_user_model.objects.create_superuser("root", "r@example.com", "x")
    client.force_login(user)
    assert client.get(reverse(url_name), {"q": "Cannon"}).status_code == 200


def test_rebuild_command_with_find(setup):
    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    cannon_pair()
    out = StringIO()
    call_command("rebuild_search_strings", "--no-progress", "--find", stdout=out)
    assert "Search strings rebuilt for 2 companies." in out.getvalue()
    assert "1 possible duplicates found." in out.getvalue()
    assert ContactDuplicate.objects.count() == 1


def test_list_filtered_by_contact(staff_client, setup):
    kept, other = cannon_pair()
    third = CompanyFactory(name="Zeta Holding AS", city="Bergen")
    response = staff_client.get(reverse("duplicates:list"), {"contact": other.no})
    assert kept.no in response.content.decode()
    response = staff_client.get(reverse("duplicates:list"), {"contact": third.no})
    assert "No possible duplicates found." in response.content.decode()


def test_admin_add_setup_line_validates_length(client, django_user_model, setup):
    from duplicates.models import DuplicateSearchStringSetup

    user = django_user_model.objects.create_superuser("root", "r@example.com", "x")
    client.force_login(user)
    url = reverse("admin:duplicates_duplicatesearchstringsetup_add")
    assert client.get(url).status_code == 200
    DuplicateSearchStringSetup.objects.filter(field="name_2").delete()
    response = client.post(url, {"field": "name_2", "part": "first", "length": 11})
    assert response.status_code == 200  # the form is shown again with the error
    assert not DuplicateSearchStringSetup.objects.filter(field="name_2").exists()
    client.post(url, {"field": "name_2", "part": "first", "length": 4})
    assert DuplicateSearchStringSetup.objects.get(field="name_2").length == 4
