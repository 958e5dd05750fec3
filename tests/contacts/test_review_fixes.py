"""Bugs found in review of the contacts area (each test failed before its fix)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.importing import import_contacts
from contacts.inheritance import field_states
from contacts.models import Contact
from contacts.services import contact_create, contact_update

pytestmark = pytest.mark.django_db


def fresh(contact: Contact) -> Contact:
    return Contact.objects.get(pk=contact.pk)


def test_typed_number_is_upper_cased_so_the_company_can_be_found(full_setup, admin_client):
    """No. is a code (upper-case in the reference): a company typed as "ab1" is stored as
    AB1, so a person can be attached to it by typing its number on the card."""
    response = admin_client.post(
        reverse("contacts:create") + "?type=company", {"no": "ab1", "name": "Lower AS"}
    )
    assert response.status_code == 302
    firm = Contact.objects.get(name="Lower AS")
    assert firm.no == "AB1"
    kari = contact_create(data={"type": "person", "name": "Kari Nordmann"})
    response = admin_client.post(
        reverse("contacts:change_company", args=[kari.no]), {"company": "ab1"}, follow=True
    )
    assert "The company was changed." in [str(m) for m in response.context["messages"]]
    assert fresh(kari).company_id == firm.pk


def test_import_upper_cases_numbers_and_company_references(full_setup):
    text = "type,no,name,company_no\ncompany,x1,Firm AS,\nperson,x2,Kari Nordmann,X1\n"
    result = import_contacts(io.StringIO(text))
    assert result.errors == []
    kari = Contact.objects.get(no="X2")
    assert kari.company.no == "X1"


def test_import_skips_empty_rows(full_setup):
    """Spreadsheets save trailing rows of bare separators; they are not contacts."""
    text = "type;no;name;company_no\ncompany;X1;Firm AS;\n;;;\n;;;\nperson;;Kari Nordmann;X1\n"
    result = import_contacts(io.StringIO(text))
    assert result.errors == []
    assert result.rows == 2
    assert Contact.objects.count() == 2


def test_import_line_numbers_stay_right_after_empty_rows(full_setup):
    text = "type,no,name,company_no\n,,,\ncompany,X1,Firm AS,\nperson,,Kari Nordmann,NOPE\n"
    result = import_contacts(io.StringIO(text))
    assert [(e.line, e.column) for e in result.errors] == [(4, "company_no")]


def test_address_state_follows_the_block_rule(full_setup):
    """The address moves as a block (2.5): a person with their own city does not follow
    a company address change, so the card must not call the address "inherited"."""
    firm = contact_create(
        data={"type": "company", "name": "Firm AS", "address": "Gate 1", "city": "Oslo"}
    )
    employee = contact_create(data={"type": "person", "name": "Kari Nordmann", "company": firm})
    contact_update(contact=employee, data={"city": "Drammen"})
    states = field_states(fresh(employee))
    assert states["address"] == "overridden"
    assert states["county"] == "overridden"
    contact_update(contact=firm, data={"address": "Ny gate 9"})
    assert fresh(employee).address == "Gate 1"  # what "overridden" promised


def test_blank_person_names_give_one_clear_error(full_setup, admin_client):
    response = admin_client.post(
        reverse("contacts:create") + "?type=person", {"first_name": " ", "surname": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Enter a first name or a surname."]
    assert not Contact.objects.exists()


def test_number_with_a_slash_has_working_pages(full_setup, admin_client):
    """A typed number like 2024/1 (allowed in a code) must not break the card links."""
    response = admin_client.post(
        reverse("contacts:create") + "?type=company", {"no": "2024/1", "name": "Slash AS"}
    )
    assert response.status_code == 302
    firm = Contact.objects.get(no="2024/1")
    assert admin_client.get(response["Location"]).context["contact"] == firm
    for name in ("edit", "delete", "create_person"):
        assert admin_client.get(reverse(f"contacts:{name}", args=[firm.no])).status_code == 200
    response = admin_client.post(
        reverse("contacts:create_person", args=[firm.no]),
        {"first_name": "Kari", "surname": "Nordmann"},
    )
    assert response.status_code == 302
    assert Contact.objects.get(surname="Nordmann").company == firm
    assert admin_client.get(reverse("contacts:list")).status_code == 200


def test_company_never_keeps_person_name_parts(full_setup):
    """2.2: a company has blank first/middle/surname and job title, whatever the caller
    passed (the reference's type normalisation on insert)."""
    firm = contact_create(
        data={"type": "company", "name": "Firm AS", "first_name": "Kari", "job_title": "CEO"}
    )
    firm = fresh(firm)
    assert (firm.name, firm.first_name, firm.surname, firm.job_title) == ("Firm AS", "", "", "")


def test_import_company_row_drops_person_name_parts(full_setup):
    text = "type,no,name,first_name,surname,job_title\ncompany,X1,Firm AS,Kari,Nordmann,CEO\n"
    result = import_contacts(io.StringIO(text))
    assert result.errors == []
    firm = Contact.objects.get(no="X1")
    assert (firm.name, firm.first_name, firm.surname, firm.job_title) == ("Firm AS", "", "", "")


def test_import_header_is_case_insensitive(full_setup):
    text = "Type,No,Name,Company_No\ncompany,X1,Firm AS,\nperson,,Kari Nordmann,X1\n"
    result = import_contacts(io.StringIO(text))
    assert result.errors == []
    assert Contact.objects.get(surname="Nordmann").company.no == "X1"


def test_bulk_company_update_refuses_fields_it_cannot_keep_consistent(full_setup):
    """The bulk path writes with one UPDATE (no names, numbering or type rules), so a
    number, type or company change is refused, values are validated, and a company
    name change keeps the search name following."""
    from django.core.exceptions import ValidationError

    from contacts.services import company_bulk_update

    firm = contact_create(data={"type": "company", "name": "Firm AS", "phone_no": "1"})
    companies = Contact.objects.filter(pk=firm.pk)
    for values in ({"surname": "X"}, {"no": "X9"}, {"type": "person"}, {"phone_no": "12a"}):
        with pytest.raises(ValidationError):
            company_bulk_update(companies=companies, values=values)
    firm = fresh(firm)
    assert (firm.name, firm.search_name, firm.no, firm.phone_no) == (
        "Firm AS",
        "FIRM AS",
        "CT000001",
        "1",
    )
    company_bulk_update(companies=companies, values={"name": "Renamed AS"})
    assert fresh(firm).search_name == "RENAMED AS"
    contact_update(contact=fresh(firm), data={"search_name": "OWN"})
    company_bulk_update(companies=companies, values={"name": "Again AS"})
    assert fresh(firm).search_name == "OWN"


def test_import_line_numbers_count_from_the_start_of_a_multi_line_row(full_setup):
    """A quoted address with a line break spans two lines: the error names the line the
    row starts on, and later rows keep their own line numbers."""
    text = (
        "type,no,name,address,email\n"
        'company,X1,Firm AS,"Gate 1\nBakgården",bad@\n'
        "company,X2,Other AS,,also-bad@\n"
    )
    result = import_contacts(io.StringIO(text))
    assert [(e.line, e.column) for e in result.errors] == [(2, "email"), (4, "email")]


def test_import_reports_a_row_with_more_values_than_columns(full_setup):
    """An unquoted comma in an address shifts the columns; the row is reported, not
    imported with its values in the wrong fields."""
    text = "type,no,name,address,city\ncompany,X1,Firm AS,Gate 1, Bakgården,Oslo\n"
    result = import_contacts(io.StringIO(text))
    assert [(e.line, e.column) for e in result.errors] == [(2, "—")]
    assert "more values than the header" in result.errors[0].message
    assert not Contact.objects.exists()


def test_change_company_by_name_resolves_like_the_reference(full_setup, admin_client):
    """2.10: the company field takes a no. or a name: exact no., exact name, then a no.
    or name starting with the text, then no./name/city/phone/post code containing it;
    one hit is taken, several are listed."""
    fjord = contact_create(data={"type": "company", "name": "Fjord Data AS", "city": "Bergen"})
    contact_create(data={"type": "company", "name": "Fjordkraft AS", "city": "Oslo"})
    kari = contact_create(data={"type": "person", "name": "Kari Nordmann"})
    url = reverse("contacts:change_company", args=[kari.no])

    def post(text):
        response = admin_client.post(url, {"company": text}, follow=True)
        return [str(m) for m in response.context["messages"]]

    assert "The company was changed." in post("fjord data as")
    assert fresh(kari).company == fjord
    messages = post("fjord")
    assert any("Several companies match “fjord”" in m for m in messages)
    assert fresh(kari).company == fjord  # unchanged
    post("")
    assert "The company was changed." in post("bergen")
    assert fresh(kari).company == fjord
    assert "There is no company with no. NOPE." in post("nope")


def test_company_save_tells_upper_apps_which_persons_followed(full_setup):
    """2.5: a person that follows its company is saved "through the same modify logic"
    (its own sync runs). The push is one UPDATE without save signals, so the persons
    it changed are announced with contacts_bulk_updated, as the bulk path does."""
    from contacts.signals import contacts_bulk_updated

    firm = contact_create(data={"type": "company", "name": "Firm AS", "phone_no": "111"})
    follower = contact_create(data={"type": "person", "name": "Kari Nordmann", "company": firm})
    own = contact_create(
        data={"type": "person", "name": "Ola Nordmann", "company": firm, "phone_no": "222"}
    )
    sent: list[list[int]] = []

    def receiver(sender, contact_ids, **kwargs):
        sent.append(sorted(contact_ids))

    contacts_bulk_updated.connect(receiver, dispatch_uid="test-review-push")
    try:
        contact_update(contact=firm, data={"name_2": "Avd. Oslo"})  # nothing inherited
        assert sent == []
        contact_update(contact=firm, data={"phone_no": "999"})
    finally:
        contacts_bulk_updated.disconnect(dispatch_uid="test-review-push")
    assert sent == [[follower.pk]]
    assert fresh(own).phone_no == "222"


def test_new_person_form_keeps_its_hints_after_an_error(full_setup, admin_client):
    firm = contact_create(data={"type": "company", "name": "Firm AS"})
    url = reverse("contacts:create_person", args=[firm.no])
    response = admin_client.post(url, {"first_name": "", "surname": "", "email": "bad@"})
    assert response.status_code == 200
    assert response.context["form"].fields["salesperson"].help_text == (
        "Leave blank to take the company's value."
    )
    assert not Contact.objects.filter(type="person").exists()


def test_number_field_hidden_when_the_series_takes_no_manual_numbers(
    full_setup, admin_client, contact_series
):
    """5.6: the card hides No. when the contact series does not allow manual numbers
    (a typed number could only be refused); it is shown when it does."""
    url = reverse("contacts:create") + "?type=company"
    assert "no" in admin_client.get(url).context["form"].fields
    contact_series.manual_nos = False
    contact_series.save()
    assert "no" not in admin_client.get(url).context["form"].fields
    response = admin_client.post(url, {"no": "TYPED1", "name": "Firm AS"})
    assert response.status_code == 302
    assert Contact.objects.get(name="Firm AS").no == "CT000001"


def test_import_without_contact_series_is_reported_per_row(setup):
    """Rows without a number need Contact Nos.: the check (and so the preview) says so,
    instead of the write failing after the preview looked fine."""
    text = "type,no,name\ncompany,X1,Typed AS\ncompany,,Blank AS\n"
    result = import_contacts(io.StringIO(text), dry_run=True)
    assert [(e.line, e.column) for e in result.errors] == [(3, "no")]
    assert "Contact Nos. must have a value" in result.errors[0].message


def test_import_confirm_shows_a_number_series_failure(full_setup, admin_client):
    """The series runs out between preview and confirm: a message, not a server error,
    and nothing is written."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from numbering.models import NoSeriesLine

    url = reverse("contacts:import")
    upload = SimpleUploadedFile("c.csv", b"type,no,name\ncompany,,One AS\ncompany,,Two AS\n")
    response = admin_client.post(url, {"file": upload})
    token = response.context["token"]
    NoSeriesLine.objects.update(ending_no="CT000001")
    response = admin_client.post(url, {"step": "confirm", "token": token}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "CT000001" in text or "number" in text.lower()
    assert [str(m) for m in response.context["messages"]]
    assert not Contact.objects.exists()


def test_editing_a_person_without_touching_the_names_keeps_the_name(full_setup, admin_client):
    """A Name whose first part is longer than the 30-character first name is kept whole
    (2.10); editing the job title must not rebuild it from the truncated parts."""
    long_name = "Maximiliane-Alexandra-Josephine von Hohenzollern"
    person = contact_create(data={"type": "person", "name": long_name})
    person = fresh(person)
    assert person.name == long_name and len(person.first_name) == 30
    data = {
        f: getattr(person, f) or ""
        for f in ("first_name", "middle_name", "surname", "search_name", "country")
    }
    response = admin_client.post(
        reverse("contacts:edit", args=[person.no]), {**data, "job_title": "CEO"}
    )
    assert response.status_code == 302
    person = fresh(person)
    assert (person.name, person.job_title) == (long_name, "CEO")
    assert person.search_name == long_name.upper()


def test_company_to_person_keeps_a_long_name_whole(full_setup):
    """2.7 splits the Name into parts (each at most 30 characters); the Name itself is
    kept, not rebuilt from the truncated parts."""
    from contacts.services import contact_change_type

    long_name = "Anne-Marie Louise Elisabeth Charlotte Berg Hansen"
    contact = contact_create(data={"type": "company", "name": long_name})
    contact = contact_change_type(contact=contact, new_type="person")
    contact = fresh(contact)
    assert contact.name == long_name
    assert (contact.middle_name, contact.surname) == ("Berg", "Hansen")
    assert len(contact.first_name) == 30


def _card_queries(client, persons: int) -> list[int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    firm = contact_create(data={"type": "company", "name": f"Firm {persons} AS"})
    for i in range(persons):
        contact_create(data={"type": "person", "name": f"Person {i} Hansen", "company": firm})
    employee = Contact.objects.filter(company=firm).first()
    counts = []
    # The first request also reads the user's permissions (kept for the next).
    client.get(reverse("home"))
    for contact in (firm, employee):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("contacts:detail", args=[contact.no])).status_code == 200
        counts.append(len(ctx.captured_queries))
    return counts


def test_card_query_count_does_not_grow_with_persons(full_setup, admin_client):
    assert _card_queries(admin_client, 2) == _card_queries(admin_client, 30)


def test_edit_page_explains_an_address_field_held_back_by_the_block(full_setup, admin_client):
    firm = contact_create(
        data={"type": "company", "name": "Firm AS", "address": "Gate 1", "city": "Oslo"}
    )
    employee = contact_create(data={"type": "person", "name": "Kari Nordmann", "company": firm})
    contact_update(contact=employee, data={"city": "Drammen"})
    form = admin_client.get(reverse("contacts:edit", args=[employee.no])).context["form"]
    assert form.fields["city"].help_text == "Differs from the company (company: Oslo)."
    assert form.fields["address"].help_text == (
        "Same as the company, but the address follows the company only as a whole "
        "(address, address 2, post code, city)."
    )


def test_hand_changed_county_is_not_overwritten_by_the_company(full_setup):
    """Issue 3: a person follows a company change "unless that person's field was
    changed by hand". With the address block still the company's, a county typed on the
    person stays (the card marks it overridden); block fields still follow."""
    from contacts.services import company_bulk_update

    firm = contact_create(
        data={"type": "company", "name": "Firm AS", "address": "Gate 1", "county": "Viken"}
    )
    own = contact_create(data={"type": "person", "name": "Kari Nordmann", "company": firm})
    same = contact_create(data={"type": "person", "name": "Ola Nordmann", "company": firm})
    contact_update(contact=own, data={"county": "Akershus"})
    assert field_states(fresh(own))["county"] == "overridden"
    contact_update(contact=firm, data={"county": "Oslo", "address": "Gate 2"})
    assert (fresh(own).county, fresh(own).address) == ("Akershus", "Gate 2")
    assert (fresh(same).county, fresh(same).address) == ("Oslo", "Gate 2")
    company_bulk_update(companies=Contact.objects.filter(pk=firm.pk), values={"county": "Vest"})
    assert (fresh(own).county, fresh(same).county) == ("Akershus", "Vest")


def test_blocked_salesperson_is_refused_for_new_choices(full_setup, codes, admin_client):
    """2.1: a privacy-blocked salesperson is rejected: the pages do not offer one (a
    contact that already has it keeps it), and an import names it."""
    blocked = codes["salespeople"]["MB"]
    kept = contact_create(data={"type": "company", "name": "Old AS", "salesperson": blocked})
    blocked.blocked = True
    blocked.save()
    url = reverse("contacts:create") + "?type=company"
    response = admin_client.post(url, {"name": "Firm AS", "salesperson": "MB"})
    assert response.status_code == 200
    assert "salesperson" in response.context["form"].errors
    assert not Contact.objects.filter(name="Firm AS").exists()
    result = import_contacts(io.StringIO("type,name,salesperson_code\ncompany,Firm AS,MB\n"))
    assert [(e.line, e.column) for e in result.errors] == [(2, "salesperson_code")]
    assert "blocked" in result.errors[0].message
    with pytest.raises(ValidationError):  # not given anew, through any door
        contact_create(data={"type": "company", "name": "New AS", "salesperson": blocked})
    form = admin_client.get(reverse("contacts:edit", args=[kept.no])).context["form"]
    assert form.fields["salesperson"].queryset.filter(code="MB").exists()
