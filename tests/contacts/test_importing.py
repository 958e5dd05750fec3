"""CSV import and export (issue 3 item 7)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from contacts.importing import HEADER, import_contacts
from contacts.models import Contact
from marketing_setup.models import Language, Salesperson, Territory

pytestmark = pytest.mark.django_db

SAMPLE = Path("/work/shared/data/sample-contacts.csv")
if not SAMPLE.exists():  # the repository copy, when the shared folder is not there
    SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "sample-contacts.csv"


@pytest.fixture
def sample_codes(db):
    """Every language, territory and salesperson code the sample file uses."""
    with SAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for model, column in (
        (Language, "language_code"),
        (Territory, "territory_code"),
    ):
        model.objects.bulk_create(
            [model(code=c, description=c) for c in sorted({r[column] for r in rows} - {""})]
        )
    Salesperson.objects.bulk_create(
        [Salesperson(code=c, name=c) for c in sorted({r["salesperson_code"] for r in rows} - {""})]
    )
    return rows


def csv_text(rows: list[dict]) -> io.StringIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in HEADER})
    out.seek(0)
    return out


def row(**kw):
    base = {"type": "company", "name": "Fjord Data AS", "country_region_code": "NO"}
    base.update(kw)
    return base


def test_full_sample_imports(setup_with_series, sample_codes):
    result = import_contacts(SAMPLE)
    assert result.errors == []
    assert result.written
    assert result.rows == len(sample_codes) == Contact.objects.count()
    assert result.companies_created == Contact.objects.filter(type="company").count() == 3000
    assert Contact.objects.filter(type="person", company__isnull=True).count() == 0
    hilde = Contact.objects.select_related("company").get(no="CT0000002")
    assert hilde.company.no == "CT0000001"
    assert (hilde.first_name, hilde.surname, hilde.search_name) == ("Hilde", "Hagen", "HILDE HAGEN")
    # Blank fields of persons are inherited from the company (phone here).
    assert hilde.phone_no == "357 22 850"
    assert not Contact.objects.filter(search_name="").exists()


def test_import_applies_inheritance_and_defaults(full_setup, codes):
    rows = [
        row(
            no="C1",
            name="Berlin GmbH",
            language_code="DEU",
            country_region_code="DE",
            city="Berlin",
            phone_no="+49 30 1",
        ),
        {"type": "person", "no": "", "company_no": "C1", "first_name": "Hans", "surname": "Meier"},
        {"type": "person", "name": "Ola Nordmann"},
    ]
    result = import_contacts(rows)
    assert result.errors == [] and result.created == 3
    hans = Contact.objects.get(surname="Meier")
    assert hans.no == "CT000001"  # blank no drawn from the series
    assert hans.name == "Hans Meier"
    assert (hans.language_id, hans.country, hans.city, hans.phone_no) == (
        "DEU",
        "DE",
        "Berlin",
        "+49 30 1",
    )
    assert hans.territory_id == "OSLO"  # company has none: default
    assert hans.salutation_id == "UNISEX"
    ola = Contact.objects.get(surname="Nordmann")
    assert (ola.language_id, ola.first_name) == ("NOR", "Ola")
    assert Contact.objects.get(no="C1").salutation_id == "COMPANY"


def test_persons_before_their_company_are_fine(setup_with_series):
    rows = [
        {"type": "person", "no": "P1", "company_no": "C1", "name": "Kari Nordmann"},
        row(no="C1", city="Bergen"),
    ]
    result = import_contacts(rows)
    assert result.errors == []
    kari = Contact.objects.get(no="P1")
    assert kari.company.no == "C1" and kari.city == "Bergen"


def test_person_may_refer_to_company_in_database(setup_with_series):
    import_contacts([row(no="C1", city="Molde")])
    result = import_contacts([{"type": "person", "company_no": "C1", "name": "Per Olsen"}])
    assert result.errors == []
    assert Contact.objects.get(surname="Olsen").city == "Molde"


BAD_ROWS = [
    row(no="C1"),  # line 2, good
    row(no="C2", language_code="XXX"),  # 3
    {"type": "person", "company_no": "NOPE", "name": "Kari Nordmann"},  # 4
    row(no="C3", email="not-an-email"),  # 5
    row(no="C4", city="x" * 31),  # 6
    {"type": "person", "company_no": "C1"},  # 7 no name
    row(no="C1"),  # 8 duplicate no
    row(no="C5", country_region_code="ZZ"),  # 9
    row(no="C6", phone_no="22 AB 33"),  # 10
    {"type": "robot", "name": "R2"},  # 11
    row(no="C7", salesperson_code="NOBODY", territory_code="NOWHERE"),  # 12
]


def test_bad_rows_reported_by_line_and_nothing_written(setup_with_series, codes):
    result = import_contacts(csv_text(BAD_ROWS))
    assert not result.written
    assert Contact.objects.count() == 0
    by_line = {}
    for error in result.errors:
        by_line.setdefault(error.line, []).append(error)
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "Unknown language code “XXX”" in by_line[3][0].message
    assert "NOPE is neither in the file nor in the database" in by_line[4][0].message
    assert "not a valid e-mail" in by_line[5][0].message
    assert by_line[6][0].column == "city" and "longer than 30" in by_line[6][0].message
    assert "needs a name" in by_line[7][0].message
    assert "already used on line 2" in by_line[8][0].message
    assert "country/region" in by_line[9][0].message
    assert "must not contain letters" in by_line[10][0].message
    assert "company or person" in by_line[11][0].message
    assert {e.column for e in by_line[12]} == {"salesperson_code", "territory_code"}


def test_skip_bad_rows_writes_the_good_ones(setup_with_series, codes):
    result = import_contacts(csv_text(BAD_ROWS), skip_bad_rows=True)
    assert result.written
    assert list(Contact.objects.values_list("no", flat=True)) == ["C1"]
    assert result.bad_rows == 10


def test_person_of_bad_company_row_is_bad_too(setup_with_series):
    rows = [row(no="C1", email="bad"), {"type": "person", "company_no": "C1", "name": "A B"}]
    result = import_contacts(rows, skip_bad_rows=True)
    assert [e.line for e in result.errors] == [2, 3]
    assert Contact.objects.count() == 0


def test_existing_number_in_database_is_bad(setup_with_series):
    import_contacts([row(no="C1")])
    result = import_contacts([row(no="C1", name="Other")])
    assert "already exists" in result.errors[0].message


def test_manual_numbers_refused_when_series_disallows(setup_with_series, contact_series):
    contact_series.manual_nos = False
    contact_series.save()
    result = import_contacts([row(no="C1"), row(no="", name="Auto AS")])
    assert [e.line for e in result.errors] == [2]
    assert "You may not enter numbers manually" in result.errors[0].message


def test_renumber_links_persons_to_new_company_numbers(setup_with_series, contact_series):
    contact_series.manual_nos = False
    contact_series.save()
    rows = [
        row(no="OLD-1", city="Oslo"),
        {"type": "person", "no": "OLD-2", "company_no": "OLD-1", "name": "Kari Nordmann"},
    ]
    result = import_contacts(rows, renumber=True)
    assert result.errors == []
    kari = Contact.objects.get(surname="Nordmann")
    assert kari.no == "CT000002" and kari.company.no == "CT000001"


def test_dry_run_writes_nothing_and_previews(full_setup, codes):
    rows = [
        row(no="C1", language_code="DEU"),
        {"type": "person", "company_no": "C1", "name": "A B"},
    ]
    result = import_contacts(rows, dry_run=True)
    assert result.errors == [] and not result.written
    assert Contact.objects.count() == 0
    assert [p["language"] for p in result.preview] == ["DEU", "DEU"]
    assert result.preview[1]["company_no"] == "C1"


def test_unknown_column_is_listed_and_ignored(setup_with_series):
    text = io.StringIO("type,name,colour\ncompany,A,red\n")
    result = import_contacts(text)
    assert result.errors == [] and result.written
    assert result.mapping.ignored == ["colour"]


def test_semicolon_file_and_bom(setup_with_series):
    data = "\ufefftype;no;name;city\ncompany;C1;Fjord AS;Ålesund\n".encode()
    result = import_contacts(io.BytesIO(data))
    assert result.errors == []
    assert Contact.objects.get(no="C1").city == "Ålesund"


def test_progress_reports_both_stages(setup_with_series):
    seen = []
    import_contacts([row(no="C1")], progress=lambda stage, done, total: seen.append(stage))
    assert "check" in seen and "write" in seen


def test_blank_numbers_drawn_as_a_block_across_lines(setup_with_series, contact_series):
    from numbering.models import NoSeriesLine

    contact_series.lines.all().delete()
    NoSeriesLine.objects.create(
        series=contact_series, line_no=1, starting_no="A01", ending_no="A03"
    )
    NoSeriesLine.objects.create(
        series=contact_series, line_no=2, starting_no="B01", ending_no="B99"
    )
    import_contacts([row(no="A02", name="Typed AS")])
    result = import_contacts([row(name=f"Firm {i}") for i in range(4)])
    assert result.errors == []
    assert sorted(Contact.objects.exclude(no="A02").values_list("no", flat=True)) == [
        "A01",
        "A03",
        "B01",
        "B02",
    ]
    assert contact_series.lines.get(line_no=2).last_no_used == "B02"


def test_bulk_created_signal_inside_the_import_transaction(setup_with_series):
    """13.10: upper apps index the new contacts in the import's transaction (no
    on_commit callback that a crash after the commit would lose)."""
    from django.db import connection

    from contacts.signals import contacts_bulk_created

    received = []

    def listener(sender, contact_ids, **kwargs):
        received.append((connection.in_atomic_block, list(contact_ids)))

    contacts_bulk_created.connect(listener)
    try:
        import_contacts([row(no="C1"), row(no="C2", name="Two AS")])
    finally:
        contacts_bulk_created.disconnect(listener)
    ((in_transaction, ids),) = received  # sent without waiting for the commit
    assert in_transaction
    assert sorted(ids) == sorted(Contact.objects.values_list("pk", flat=True))


def test_failing_receiver_rolls_the_import_back(setup_with_series):
    from contacts.signals import contacts_bulk_created

    def listener(sender, contact_ids, **kwargs):
        raise RuntimeError("index failed")

    contacts_bulk_created.connect(listener)
    try:
        with pytest.raises(RuntimeError):
            import_contacts([row(no="C1")])
    finally:
        contacts_bulk_created.disconnect(listener)
    assert not Contact.objects.exists()


def test_demo_load_is_idempotent(setup_with_series, sample_codes):
    from contacts import demo

    out = io.StringIO()
    demo.load(out)
    count = Contact.objects.count()
    assert count > 12
    # Six Norwegian and six Dutch companies, plus two Dutch companies typed twice.
    assert Contact.objects.filter(type="company", country="NO").count() == 6
    assert Contact.objects.filter(type="company", country="NL").count() == 10
    assert not Contact.objects.filter(type="person", company__isnull=True).exists()
    demo.load(out)
    assert Contact.objects.count() == count
