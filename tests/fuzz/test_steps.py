"""The forms the URL walk of tests/fuzz/test_pages.py cannot reach by a GET: those shown
only after a step. The import's preview forms (after a valid upload: the column mapping,
the missing codes, the existing contacts; and the confirmation), the duplicate review's
answers (once the search asks questions), the undo of a merge made through the merge
service, and the merge page reached from a pair's comparison, posted as confirmed with
hostile field choices. The same helpers, examples and fixed seed as the walk's forms:
never a 500, and a refused submission writes nothing (tests/fuzz/runner.py).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import strategies as st

from duplicates import services as duplicate_services
from duplicates.matching import Match
from duplicates.models import ContactDuplicate
from duplicates.services.search import review_questions_replace
from tests.duplicates.factories import cannon_pair
from tests.factories import CompanyFactory, PersonFactory
from tests.fuzz.checks import WriteWatch
from tests.fuzz.hostile import hostile_text
from tests.fuzz.html_forms import SUBMIT, forms
from tests.fuzz.runner import discover, form_examples, fuzz_form, run_examples, shown, submit
from tests.fuzz.test_pages import _view

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = 3  # per form; the first is the untouched submission
#: A company with a territory code that does not exist (the preview's missing codes)
#: and its person, and a good company: every preview form shows.
CSV = (
    b"type,no,name,company_no,first_name,surname,city,territory_code,email\n"
    b"company,FZK1,Fjord Import AS,,,,Bergen,NOPE,post@fjordimport.no\n"
    b"company,FZK2,Fjell Import AS,,,,Oslo,,\n"
    b"person,,,FZK1,Kari,Nordmann,,,\n"
)


@pytest.fixture
def admin_client_(client, admin_user, setup):
    client.raise_request_exception = False
    client.force_login(admin_user)
    return client


def _preview_forms(client) -> dict:
    """Upload CSV: the preview's forms by their step (remap, confirm)."""
    page = reverse("contacts:import")
    response = client.post(page, {"file": SimpleUploadedFile("contacts.csv", CSV)})
    assert response.status_code == 200
    found = forms(response.content.decode(), page)
    return {form.fields["step"].value: form for form in found if "step" in form.fields}


def test_import_preview_forms_survive_hostile_values(admin_client_, settings, tmp_path):
    """Each example uploads the file again (a confirmation that imports removes the
    pending upload, which no rollback brings back) and sends the fresh preview's token
    where the example keeps the token."""
    settings.IMPORT_UPLOAD_ROOT = str(tmp_path)
    client = admin_client_
    first = _preview_forms(client)
    assert set(first) == {"remap", "confirm"}
    names = first["remap"].fields
    assert any(n.startswith("col_") for n in names) and any(n.startswith("code:") for n in names)
    watch, failures = WriteWatch(), []

    def checker(step, token):
        def check(changes):
            fresh = _preview_forms(client)[step]
            if changes.get("token") == token:
                changes = {**changes, "token": fresh.fields["token"].value}
            watch.before()
            if problem := submit(client, fresh, changes, watch):
                failures.append(f"POST {step} {shown(changes)}: {problem}")

        return check

    for step, form in first.items():
        run_examples(form_examples(form), EXAMPLES, checker(step, form.fields["token"].value))
    assert failures == [], "\n".join(failures)


def test_review_answer_and_merge_undo_forms_survive_hostile_values(admin_client_, admin_user):
    """A question of the duplicate review and a merge made through the merge service,
    each form as the review page and the merge record render it."""
    client = admin_client_
    a = CompanyFactory(name="Fjord Catering AS")
    b = CompanyFactory(name="Fjord Cateringservice AS")
    review_questions_replace([(a.pk, b.pk, Match(50, ["name.close:+3.0", "phone.different:-3.0"]))])
    kept, other = cannon_pair()
    PersonFactory(company=other, first_name="Kari", surname="Nordmann")
    record = duplicate_services.contacts_merge(
        keep=kept, merge=other, field_choices={"address": "merge"}, user=admin_user
    )
    pages = [reverse("duplicates:review"), reverse("duplicates:merge_record", args=[record.pk])]
    found, _ = discover(client, pages)
    wanted = [
        form
        for form in found.values()
        if _view(form.action) in ("duplicates:review_answer", "duplicates:merge_undo")
    ]
    assert sorted(_view(form.action) for form in wanted) == [
        "duplicates:merge_undo",
        "duplicates:review_answer",
    ]
    watch, failures = WriteWatch(), []
    [undo] = [form for form in wanted if not form.submits]
    fuzz_form(client, undo, watch, failures, examples=EXAMPLES)
    # The answer is the button pressed: a button's value, or its name with a hostile one.
    [review] = [form for form in wanted if form.submits]
    buttons = st.one_of(
        st.sampled_from(review.submits),
        st.tuples(st.sampled_from([name for name, _ in review.submits]), hostile_text),
    )
    answers = st.tuples(form_examples(review), buttons).map(lambda e: {**e[0], SUBMIT: e[1]})
    watch.before()

    def check(changes):
        if problem := submit(client, review, changes, watch):
            failures.append(f"POST {review.action} {shown(changes)}: {problem}")

    run_examples(answers, EXAMPLES, check)
    assert failures == [], "\n".join(failures)


def test_merge_from_the_comparison_survives_hostile_field_choices(admin_client_):
    """The pair's comparison links the merge page; its form, confirmed, with hostile
    choices for the differing fields (and for which side is kept)."""
    client = admin_client_
    kept, other = cannon_pair()
    pair, _ = ContactDuplicate.objects.get_or_create(
        contact=kept, duplicate=other, defaults={"score": 90}
    )
    compare = client.get(reverse("duplicates:compare", args=[pair.pk])).content.decode()
    merge_page = reverse("duplicates:merge", args=[pair.pk])
    assert f'href="{merge_page}"' in compare
    found = forms(client.get(merge_page).content.decode(), merge_page)
    [form] = [f for f in found if f.method == "post" and f.action == merge_page]
    assert any(name.startswith("field_") for name in form.fields)
    watch, failures = WriteWatch(), []
    watch.before()

    def check(changes):
        if problem := submit(client, form, changes, watch):
            failures.append(f"POST {form.action} {shown(changes)}: {problem}")

    confirmed = form_examples(form).map(lambda changes: {**changes, "confirm": "on"})
    run_examples(confirmed, EXAMPLES, check)
    assert failures == [], "\n".join(failures)
