"""The import streams its file (issue 15.4) and draws its numbers in a short final step
(13.4): what users see must not change with the batch size or the order of the rows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from contacts import importing
from contacts.importing import import_contacts
from contacts.models import Contact
from history.models import Change
from numbering.models import NoSeriesLine

pytestmark = pytest.mark.django_db


def company(**kw):
    return {"type": "company", "country_region_code": "NO", **kw}


def person(**kw):
    return {"type": "person", **kw}


# Persons before their companies, a company in the database, numbers typed and blank.
ROWS = [
    person(company_no="C2", first_name="Kari", surname="Nordmann"),  # 2: company on line 7
    person(no="P1", company_no="DB1", name="Per Olsen"),  # 3: company in the database
    company(name="Blank AS", city="Tromsø"),  # 4: number from the series
    person(company_no="C1", name="Ola Hansen", phone_no=""),  # 5: company on line 6
    person(company_no="C1", name="Anne Berg"),  # 6
    company(no="C1", name="Fjord AS", city="Bergen", phone_no="55 00 00 00"),  # 7
    company(no="C2", name="Nord AS", city="Bodø"),  # 8
    person(name="Solo Person"),  # 9: no company, number from the series
]


def _snapshot():
    return sorted(
        (
            c.no,
            c.type,
            c.name,
            c.company.no if c.company else "",
            c.city,
            c.phone_no,
            c.no_series,
        )
        for c in Contact.objects.select_related("company").exclude(no="DB1")
    )


@pytest.fixture
def db_company(setup_with_series):
    import_contacts([company(no="DB1", name="Base AS", city="Molde")])
    return Contact.objects.get(no="DB1")


def _import_rolled_back(rows, **kw):
    """The result and the contacts an import makes, then undone (for comparing)."""
    with transaction.atomic():
        result = import_contacts(rows, **kw)
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return result, snapshot


def test_tiny_batches_write_the_same_contacts(db_company, monkeypatch):
    first, expected = _import_rolled_back(ROWS)
    assert first.written and first.errors == []
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    result, got = _import_rolled_back(ROWS)
    assert result.errors == [] and result.written
    assert got == expected
    assert (result.companies_created, result.persons_created) == (3, 5)
    by_name = {row[2]: row for row in got}
    # Persons read before their company are linked and inherit from it.
    assert by_name["Ola Hansen"][3:6] == ("C1", "Bergen", "55 00 00 00")
    assert by_name["Kari Nordmann"][3:5] == ("C2", "Bodø")
    assert by_name["Per Olsen"][3:5] == ("DB1", "Molde")
    # Blank numbers come from the series, gap-free, companies first.
    drawn = sorted(row[0] for row in got if row[6] == "CONT")
    assert drawn == ["CT000001", "CT000002", "CT000003", "CT000004", "CT000005"]
    assert by_name["Blank AS"][0] == "CT000001"
    assert [by_name[n][0] for n in ("Kari Nordmann", "Ola Hansen", "Solo Person")] == [
        "CT000002",
        "CT000003",
        "CT000005",
    ]
    assert not Contact.objects.filter(no__startswith="~").exists()


def test_tiny_batches_find_a_duplicate_number_across_batches(db_company, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    rows = [*ROWS, company(no="C1", name="Again AS")]  # line 10 repeats line 7's number
    result = import_contacts(rows)
    assert not result.written
    assert [(e.line, e.column) for e in result.errors] == [(10, "no")]
    assert "already used on line 7" in result.errors[0].message
    assert Contact.objects.count() == 1  # the database company only

    result = import_contacts(rows, skip_bad_rows=True)
    assert result.written and result.bad_rows == 1
    assert Contact.objects.get(no="C1").name == "Fjord AS"
    assert Contact.objects.count() == 1 + 8


def test_preview_of_a_person_before_its_company(db_company, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    result = import_contacts(ROWS, dry_run=True)
    assert result.errors == [] and not result.written
    by_line = {p["line"]: p for p in result.preview}
    assert len(by_line) == len(ROWS)
    assert (by_line[5]["company_no"], by_line[5]["city"]) == ("C1", "Bergen")
    assert by_line[3]["city"] == "Molde"
    assert Contact.objects.count() == 1


def test_failure_in_the_final_step_leaves_nothing(db_company, contact_series):
    """The series runs out when the numbers are drawn at the end: nothing is written,
    no row is left under a provisional number and no number is consumed."""
    line = contact_series.lines.get()
    line.ending_no = "CT000004"  # 4 numbers, 5 wanted
    line.save()
    changes = Change.objects.count()
    with pytest.raises(ValidationError):
        import_contacts(ROWS)
    assert list(Contact.objects.values_list("no", flat=True)) == ["DB1"]
    assert NoSeriesLine.objects.get(pk=line.pk).last_no_used == line.last_no_used
    assert Change.objects.count() == changes
