"""The duplicates list's rows come from duplicate_rows.duplicate_rows: the HTML must be
exactly what including _duplicate_row.html once per pair wrote, in every language,
for users who may and may not change pairs, for open and separate pairs."""

from __future__ import annotations

import pytest
from django.contrib.auth.context_processors import PermWrapper
from django.template import Context, Template
from django.utils import translation

from duplicates import selectors
from duplicates.models import ContactDuplicate
from tests.factories import CompanyFactory

LABELS = (
    "{% load i18n duplicate_rows %}"
    "{% translate 'Contact' as l_contact %}{% translate 'Duplicate contact' as l_duplicate %}"
    "{% translate 'Matching strings' as l_matching %}{% translate 'Score' as l_score %}"
    "{% translate 'Reasons' as l_reasons %}{% translate 'Separate contacts' as l_separate %}"
    "{% translate 'Actions' as l_actions %}{% translate 'Compare' as l_compare %}"
    "{% translate 'Merge' as l_merge %}{% translate 'Save' as l_save %}"
)
INCLUDED = (
    LABELS + '{% for pair, reasons in rows %}{% include "duplicates/_duplicate_row.html" %}'
    "{% endfor %}"
)
TAG = (
    LABELS + "{% duplicate_rows rows l_contact l_duplicate l_matching l_score l_reasons "
    "l_separate l_actions l_compare l_merge l_save %}"
)


@pytest.fixture
def rows(db):
    a = CompanyFactory(name='Fjord & <Møbler> "AS"')
    b = CompanyFactory(name="Fjord 'Møbler' A/S")
    c = CompanyFactory(name="Third <b>")
    ContactDuplicate.objects.create(
        contact=a, duplicate=b, no_of_matching_strings=3, score=97,
        reasons=["vat", "name.exact"],
    )  # fmt: skip
    ContactDuplicate.objects.create(
        contact=a, duplicate=c, no_of_matching_strings=1, score=61, reasons=[],
        separate_contacts=True,
    )  # fmt: skip
    pairs = selectors.with_contacts(ContactDuplicate.objects.order_by("-score"))
    return [(pair, selectors.reason_labels(pair.reasons)) for pair in pairs]


@pytest.mark.parametrize("language", ["en", "nb", "nl"])
@pytest.mark.parametrize("who", ["staff_user", "viewer"])
def test_rows_are_the_html_of_the_included_row(request, rows, language, who, django_user_model):
    if who == "viewer":
        user = django_user_model.objects.create_user("viewer")
    else:
        user = request.getfixturevalue(who)
    context = {"rows": rows, "perms": PermWrapper(user), "csrf_token": "TOKEN123"}
    with translation.override(language):
        expected = Template(INCLUDED).render(Context(context))
        written = Template(TAG).render(Context(context))
    assert written.count("<tr id=") == 2
    assert "&lt;Møbler&gt;" in written
    assert (" checked disabled>" in written) == (who == "viewer")
    assert 'value="TOKEN123"' in written
    assert written == expected
