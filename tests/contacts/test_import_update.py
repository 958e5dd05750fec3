"""Updating existing contacts from an import (issue 9 item 4): `--update`, the duplicate
engine's matches, per-row actions, the rules of a save applied set-based."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contacts.models import Contact
from contacts.services import contact_create, contact_update
from history.models import Cause, Change, Event

pytestmark = pytest.mark.django_db

HEADER = (
    "type,no,name,company_no,first_name,surname,address,post_code,city,phone_no,email,"
    "salesperson_code\n"
)


def run(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_contacts", str(path), *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def company(full_setup):
    company = contact_create(
        data={
            "type": "company",
            "no": "C100",
            "name": "Fjord Data AS",
            "address": "Strandkaien 1",
            "post_code": "5003",
            "city": "Bergen",
            "phone_no": "55 11 22 33",
            "salesperson_id": "JC",
        }
    )
    return company


@pytest.fixture
def persons(company):
    follower = contact_create(
        data={"type": "person", "no": "P100", "name": "Kari Nordmann", "company": company}
    )
    own = contact_create(
        data={"type": "person", "no": "P101", "name": "Ola Nordmann", "company": company}
    )
    # Ola's city and phone were changed by hand: they no longer follow the company.
    contact_update(contact=own, data={"city": "Voss", "phone_no": "99 88 77 66"})
    return follower, own


def test_update_changes_fields_and_persons_follow(tmp_path, persons):
    follower, own = persons
    path = tmp_path / "in.csv"
    path.write_text(
        HEADER + "company,C100,,,,,Bryggen 2,5004,Bergen,55 99 99 99,,PS\n", encoding="utf-8"
    )
    out, _err = run(path, "--update")
    assert "Updated 1 companies and 0 persons" in out
    company = Contact.objects.get(no="C100")
    # An empty cell (name) keeps the stored value.
    assert (company.name, company.address, company.phone_no, company.salesperson_id) == (
        "Fjord Data AS",
        "Bryggen 2",
        "55 99 99 99",
        "PS",
    )
    follower.refresh_from_db()
    own.refresh_from_db()
    assert (follower.address, follower.post_code, follower.phone_no) == (
        "Bryggen 2",
        "5004",
        "55 99 99 99",
    )
    assert follower.salesperson_id == "PS" and own.salesperson_id == "PS"
    # Hand-changed fields stay; Ola's address block differs (city), so it stays whole.
    assert (own.city, own.phone_no, own.address) == ("Voss", "99 88 77 66", "Strandkaien 1")
    # The search keys follow (phone key of the new number).
    assert company.phone_key.endswith("55999999")


def test_history_shows_the_import_as_cause(tmp_path, persons):
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "company,C100,,,,,,,,55 99 99 99,,\n", encoding="utf-8")
    run(path, "--update")
    event = Event.objects.get(cause=Cause.IMPORT)
    changes = Change.objects.filter(event=event)
    row = changes.get(object_repr="C100", field="phone_no")
    assert (row.old, row.new) == ("55 11 22 33", "55 99 99 99")
    followed = changes.get(object_repr="P100", field="phone_no")
    assert followed.via_repr == "C100" and followed.new == "55 99 99 99"
    # Only changed fields are logged.
    assert not changes.filter(object_repr="C100", field="name").exists()


def test_existing_number_without_update_is_refused_as_before(tmp_path, company):
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "company,C100,Other AS,,,,,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run(path)
    assert Contact.objects.get(no="C100").name == "Fjord Data AS"


def test_new_number_with_update_creates_with_that_number(tmp_path, company):
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "company,C200,Havn AS,,,,,,Oslo,,,\n", encoding="utf-8")
    out, _err = run(path, "--update")
    assert Contact.objects.get(no="C200").name == "Havn AS"
    assert "Imported 1 companies" in out


def test_type_mismatch_refused_and_nothing_written(tmp_path, company):
    path = tmp_path / "in.csv"
    path.write_text(
        HEADER + "person,C100,Kari,,,,,,Oslo,,,\ncompany,C300,Ny AS,,,,,,,,,\n", encoding="utf-8"
    )
    with pytest.raises(CommandError):
        run(path, "--update")
    assert not Contact.objects.filter(no="C300").exists()
    assert Contact.objects.get(no="C100").city == "Bergen"


def test_engine_match_update_skip_create(tmp_path, company):
    from duplicates.services import search_strings_rebuild

    search_strings_rebuild()
    path = tmp_path / "in.csv"
    path.write_text(
        HEADER + "company,,Fjord Data AS,,,,Strandkaien 1,5003,Bergen,55 11 22 33,,PS\n",
        encoding="utf-8",
    )
    out, _err = run(path, "--match", "update", "--dry-run")
    assert "Line 2: Update – matches C100 Fjord Data AS" in out
    out, _err = run(path, "--match", "skip")
    assert Contact.objects.filter(type="company").count() == 1
    assert "1 rows skipped" in out
    run(path, "--match", "update")
    assert Contact.objects.get(no="C100").salesperson_id == "PS"
    assert Contact.objects.filter(type="company").count() == 1
    run(path, "--match", "create")
    assert Contact.objects.filter(type="company").count() == 2


def test_customer_linked_to_an_updated_company_gets_the_change(tmp_path, company):
    from relations import services as relations
    from tests.relations.factories import setup_sync

    setup_sync()
    customer = relations.contact_create_customer(contact=company)
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "company,C100,,,,,Bryggen 7,,,555 55 555,,\n", encoding="utf-8")
    run(path, "--update")
    customer.refresh_from_db()
    assert (customer.address, customer.phone_no) == ("Bryggen 7", "555 55 555")


def test_person_rows_update_names_and_move_to_another_company(tmp_path, persons):
    follower, own = persons
    other = contact_create(
        data={"type": "company", "no": "C900", "name": "Havn AS", "city": "Oslo"}
    )
    path = tmp_path / "in.csv"
    path.write_text(
        HEADER + "person,P100,,,Kari,Berg,,,,,kari@berg.no,\n" + "person,P101,,C900,,,,,,,,\n",
        encoding="utf-8",
    )
    out, _err = run(path, "--update")
    assert "Updated 0 companies and 2 persons" in out
    follower.refresh_from_db()
    own.refresh_from_db()
    assert (follower.name, follower.surname) == ("Kari Berg", "Berg")
    assert follower.email == "kari@berg.no"
    assert follower.company_id != other.pk
    # Moved with the rules of a company change: the salesperson comes from the new company.
    assert own.company_id == other.pk
    assert Event.objects.filter(cause=Cause.IMPORT).count() == 1


def test_clear_empty_clears_but_keeps_the_name(tmp_path, company):
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "company,C100,,,,,,,Bergen,,,\n", encoding="utf-8")
    run(path, "--update", "--clear-empty")
    company.refresh_from_db()
    assert (company.name, company.address, company.phone_no) == ("Fjord Data AS", "", "")


def test_per_row_actions_and_counts(company):
    from contacts.importing import import_contacts

    rows = [
        {"type": "company", "no": "C100", "name": "Fjord Data AS", "city": "Ålesund"},
        {"type": "company", "no": "", "name": "Ny Havn AS", "city": "Oslo"},
        {"type": "company", "no": "", "name": "Tredje AS", "city": "Oslo"},
    ]
    preview = import_contacts(rows, update=True, dry_run=True)
    assert preview.actions == {"create": 2, "update": 1, "skip": 0}
    assert [d["target_no"] for d in preview.decisions] == ["C100"]
    assert preview.decisions[0]["changes"] == [{"field": "City", "old": "Bergen", "new": "Ålesund"}]
    # Lines as in a file: the header is line 1.
    result = import_contacts(rows, update=True, actions={2: "skip", 4: "skip"})
    assert result.actions == {"create": 1, "update": 0, "skip": 2}
    assert Contact.objects.get(no="C100").city == "Bergen"
    assert Contact.objects.filter(name="Ny Havn AS").exists()
    assert not Contact.objects.filter(name="Tredje AS").exists()


# --- the import page -------------------------------------------------------------


@pytest.fixture
def upload_root(tmp_path, settings):
    settings.IMPORT_UPLOAD_ROOT = str(tmp_path / "uploads")


def test_page_shows_matches_and_honours_each_rows_choice(staff_client, company, upload_root):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from duplicates.services import search_strings_rebuild

    search_strings_rebuild()
    data = (
        HEADER
        + "company,C100,,,,,,,Ålesund,,,\n"
        + "company,,Fjord Data AS,,,,Strandkaien 1,5003,Bergen,55 11 22 33,,PS\n"
        + "company,,Helt Ny Bedrift AS,,,,,,Tromsø,,,\n"
    )
    file = SimpleUploadedFile("in.csv", data.encode(), content_type="text/csv")
    url = reverse("contacts:import")
    preview = staff_client.post(url, {"file": file, "update": "on", "match": "create"})
    html = preview.content.decode()
    assert "Rows: 2 to create, 1 to update, 0 to skip." in html
    by_line = {d["line"]: d for d in preview.context["decisions"]}
    assert by_line[2]["by_number"] and by_line[2]["action"] == "update"
    assert by_line[2]["changes"] == [{"field": "City", "old": "Bergen", "new": "Ålesund"}]
    match = by_line[3]
    assert (match["target_no"], match["action"]) == ("C100", "create")
    assert match["score"] >= 60 and match["reasons"]
    assert f'href="{reverse("contacts:detail", kwargs={"no": "C100"})}"' in html
    assert 4 not in by_line  # no match: it simply creates
    assert not Contact.objects.filter(name="Helt Ny Bedrift AS").exists()

    # Each row's choice: the numbered row is skipped, the match updates.
    token = preview.context["token"]
    mapping = {f"col_{m['index']}": m["field"] for m in preview.context["mapping_rows"]}
    again = staff_client.post(
        url,
        {
            "step": "remap",
            "token": token,
            **mapping,
            "update": "1",
            "match": "create",
            "action_2": "skip",
            "action_3": "update",
        },
    )
    assert "Rows: 1 to create, 1 to update, 1 to skip." in again.content.decode()
    done = staff_client.post(url, {"step": "confirm", "token": token}, follow=True)
    page = done.content.decode()
    assert "Updated 1 companies and 0 persons" in page and "1 rows skipped" in page
    company.refresh_from_db()
    assert (company.city, company.salesperson_id) == ("Bergen", "PS")
    assert Contact.objects.filter(name="Helt Ny Bedrift AS").exists()
    assert Contact.objects.filter(type="company").count() == 2


def test_background_job_updates_with_the_pages_choices(company, staff_user):
    from contacts.tasks import import_contacts_file
    from contacts.uploads import import_upload_store
    from jobs.models import Job
    from jobs.runner import run_job

    data = (HEADER + "company,C100,,,,,,,Ålesund,,,\ncompany,,Ny AS,,,,,,Oslo,,,\n").encode()
    upload = import_upload_store(chunks=[data], name="in.csv", owner=staff_user)
    job = import_contacts_file.start(
        user=staff_user,
        upload=upload.pk,
        name="in.csv",
        update=True,
        match="skip",
        actions={"3": "skip"},  # as the page keeps them: JSON, lines as texts
    )
    run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert (job.result["companies_updated"], job.result["skipped"]) == (1, 1)
    assert Contact.objects.get(no="C100").city == "Ålesund"
    assert not Contact.objects.filter(name="Ny AS").exists()


def test_new_person_under_an_updated_company_inherits_its_new_values(tmp_path, company):
    path = tmp_path / "in.csv"
    path.write_text(
        HEADER + "person,P500,,C100,Liv,Dahl,,,,,,\ncompany,C100,,,,,Bryggen 2,5004,Bergen,,,PS\n",
        encoding="utf-8",
    )
    out, _err = run(path, "--update")
    assert "Imported 0 companies and 1 persons" in out
    liv = Contact.objects.get(no="P500")
    assert (liv.company.no, liv.address, liv.post_code, liv.salesperson_id) == (
        "C100",
        "Bryggen 2",
        "5004",
        "PS",
    )


def test_renumbered_file_persons_follow_their_matched_company(tmp_path, company):
    from duplicates.services import search_strings_rebuild

    search_strings_rebuild()
    path = tmp_path / "in.csv"
    path.write_text(
        HEADER
        + "company,1,Fjord Data AS,,,,Strandkaien 1,5003,Bergen,55 11 22 33,,\n"
        + "person,2,,1,Siri,Lie,,,,,,\n",
        encoding="utf-8",
    )
    out, _err = run(path, "--renumber", "--match", "skip")
    assert "Imported 0 companies and 1 persons" in out and "1 rows skipped" in out
    siri = Contact.objects.get(surname="Lie")
    assert siri.company_id == company.pk and siri.city == "Bergen"
    assert Contact.objects.filter(type="company").count() == 1
