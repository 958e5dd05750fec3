"""Contact staff pages: permissions, list, card, create/edit, inheritance actions, export."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts import importing, selectors
from contacts.models import Contact
from contacts.panels import card_panels, register_card_panel
from tests.factories import SalespersonFactory, SalutationFormulaFactory, TerritoryFactory

pytestmark = pytest.mark.django_db


def company(no: str, name: str, **fields) -> Contact:
    return Contact.objects.create(no=no, name=name, type=Contact.Type.COMPANY, **fields)


def person(no: str, first: str, surname: str, *, of: Contact | None = None, **fields) -> Contact:
    return Contact.objects.create(
        no=no, first_name=first, surname=surname, type=Contact.Type.PERSON, company=of, **fields
    )


@pytest.fixture
def acme():
    return company(
        "C100",
        "Acme Shipping AS",
        address="Bryggen 1",
        post_code="5003",
        city="Bergen",
        country="NO",
        phone_no="55 11 22 33",
        email="post@acme.no",
        salesperson=SalespersonFactory(code="JO"),
        territory=TerritoryFactory(code="VEST"),
    )


def form_data(**values) -> dict:
    """POST data with every form field present (blank unless given)."""
    fields = [
        *("no", "name", "name_2", "search_name", "first_name", "middle_name", "surname"),
        *("initials", "job_title", "address", "address_2", "post_code", "city", "county"),
        *("country", "phone_no", "mobile_phone_no", "fax_no", "telex_answer_back", "email"),
        *("home_page", "correspondence_type", "salesperson", "territory", "language"),
        *("salutation", "vat_registration_no"),
    ]
    return {name: values.get(name, "") for name in fields}


# --- login and permissions ----------------------------------------------------------


def test_login_required(client, acme):
    response = client.get(reverse("contacts:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("contacts:list", [], "get"),
        ("contacts:detail", ["C100"], "get"),
        ("contacts:export", [], "get"),
        ("contacts:create", [], "get"),
        ("contacts:create_person", ["C100"], "get"),
        ("contacts:edit", ["C100"], "get"),
        ("contacts:delete", ["C100"], "get"),
        ("contacts:import", [], "get"),
        ("contacts:follow", ["C100"], "post"),
        ("contacts:change_type", ["C100"], "post"),
    ],
)
def test_user_without_permissions_gets_403(client, django_user_model, acme, name, args, method):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 403


def test_view_only_user_sees_list_and_card_but_cannot_edit(client, django_user_model, acme):
    user = django_user_model.objects.create_user("viewer", password="x")
    user.user_permissions.add(Permission.objects.get(codename="view_contact"))
    client.force_login(user)
    assert client.get(reverse("contacts:list")).status_code == 200
    card = client.get(reverse("contacts:detail", args=["C100"]))
    assert card.status_code == 200
    assert reverse("contacts:edit", args=["C100"]) not in card.content.decode()
    assert client.get(reverse("contacts:edit", args=["C100"])).status_code == 403
    assert client.post(reverse("contacts:delete", args=["C100"])).status_code == 403


# --- list ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "shown"),
    [
        ("c10", True),
        ("acme", True),
        ("shipping", True),
        ("berg", True),
        ("55 11", True),
        ("POST@", True),
        ("5003", True),
        ("oslo", False),
    ],
)
def test_list_search_by_each_field(staff_client, acme, q, shown):
    company("C200", "Other Firm", city="Oslo")
    response = staff_client.get(reverse("contacts:list"), {"q": q})
    html = response.content.decode()
    assert ("Acme Shipping AS" in html) is shown
    assert ("Other Firm" in html) is (q == "oslo")


def test_list_filters(staff_client, acme):
    person("P100", "Kari", "Nordmann", of=acme)
    company("C200", "Delft Tegels BV", country="NL")
    url = reverse("contacts:list")

    def names(params):
        page = staff_client.get(url, params).context["page"]
        return [c.name for c in page.contacts]

    assert names({"type": "person"}) == ["Kari Nordmann"]
    assert names({"company": "C100"}) == ["Acme Shipping AS", "Kari Nordmann"]
    assert names({"salesperson": "JO", "type": "company"}) == ["Acme Shipping AS"]
    assert names({"territory": "VEST"}) == ["Acme Shipping AS", "Kari Nordmann"]
    assert names({"country": "NL"}) == ["Delft Tegels BV"]
    html = staff_client.get(url, {"country": "NL"}).content.decode()
    assert '<option value="NL" selected>Netherlands</option>' in html
    # A country code that is none: said, and the other filters still apply.
    html = staff_client.get(url, {"country": "XX", "type": "person"}).content.decode()
    assert "Select a valid choice" in html and "Kari Nordmann" in html
    assert names({"country": "XX", "type": "person"}) == ["Kari Nordmann"]


def test_list_with_an_unknown_filter_value_says_so(staff_client, acme):
    response = staff_client.get(reverse("contacts:list"), {"salesperson": "NOPE", "q": "acme"})
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert "Acme Shipping AS" in html  # the valid filters still apply


def test_list_pagination_links(staff_client):
    Contact.objects.bulk_create(
        Contact(no=f"K{i:04d}", name=f"Firma {i}", search_name=f"FIRMA {i}") for i in range(60)
    )
    url = reverse("contacts:list")
    first = staff_client.get(url, {"q": "firma"})
    html = first.content.decode()
    assert ">K0049</a>" in html and ">K0050</a>" not in html
    assert "60 contacts" in html
    assert "q=firma&amp;after=K0049&amp;pos=50" in html
    assert "1–50 of 60" in html
    second = staff_client.get(url, {"q": "firma", "after": "K0049", "pos": "50"})
    html = second.content.decode()
    assert ">K0050</a>" in html and ">K0059</a>" in html and ">K0049</a>" not in html
    assert 'rel="next"' not in html and "before=K0050" in html
    assert "51–60 of 60" in html


def test_htmx_search_returns_only_the_table(staff_client, acme):
    response = staff_client.get(
        reverse("contacts:list"),
        {"q": "acme"},
        headers={"HX-Request": "true", "HX-Target": "contact-table"},
    )
    html = response.content.decode()
    assert "Acme Shipping AS" in html
    assert "<html" not in html and 'id="contact-list"' in html


@pytest.mark.parametrize("size", [5, 50])
def test_list_query_count_does_not_grow_with_the_data(staff_client, size, acme):
    for i in range(size):
        person(f"P{i:04d}", "Person", f"No{i}", of=acme)
    company("C900", "Solo AS")
    url = reverse("contacts:list")
    staff_client.get(url)  # warm up the session/permission caches
    with CaptureQueriesContext(connection) as ctx:
        response = staff_client.get(url, {"q": "p", "territory": "VEST"})
    assert response.status_code == 200
    assert len(response.context["page"].contacts) == min(size + 1, 50)  # + the company
    # session, user, permissions, salespeople and territories for the filter selects,
    # the page, and the capped count once the rows fill more than a page (a first page
    # holding every row is its own count): never more with more rows.
    queries_for_size = len(ctx.captured_queries)
    assert queries_for_size == _baseline(staff_client) + (1 if size + 1 > 50 else 0)


def _baseline(client) -> int:
    """Queries for the same list page over a tiny data set (one row)."""
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("contacts:list"), {"q": "c100", "territory": "VEST"})
    return len(ctx.captured_queries)


# --- card ---------------------------------------------------------------------------


def test_company_card_shows_persons_and_new_person_button(staff_client, acme):
    person("P100", "Kari", "Nordmann", of=acme)
    html = staff_client.get(reverse("contacts:detail", args=["C100"])).content.decode()
    assert "Kari Nordmann" in html
    assert reverse("contacts:create_person", args=["C100"]) in html
    assert "Bergen" in html and "Norway" in html


def test_company_card_lists_the_first_persons_and_links_to_all(staff_client, acme, monkeypatch):
    monkeypatch.setattr("contacts.views.CARD_PERSONS", 2)
    for i in range(3):
        person(f"P10{i}", "Person", f"No{i}", of=acme)
    response = staff_client.get(reverse("contacts:detail", args=["C100"]))
    html = response.content.decode()
    assert "P100" in html and "P101" in html and "P102" not in html
    assert "?company=C100&amp;type=person" in html


def test_person_card_shows_inheritance_badges(staff_client, acme):
    kari = person("P100", "Kari", "Nordmann", of=acme)
    Contact.objects.filter(pk=kari.pk).update(phone_no="900 00 000")  # typed by hand
    response = staff_client.get(reverse("contacts:detail", args=["P100"]))
    html = response.content.decode()
    states = response.context["states"]
    assert states["city"] == "inherited"
    assert states["phone_no"] == "overridden"
    assert 'id="field-city" data-state="inherited"' in html
    assert 'id="field-phone_no" data-state="overridden"' in html
    assert "Follow company" in html


def test_card_404_for_unknown_no(staff_client):
    assert staff_client.get(reverse("contacts:detail", args=["NOPE"])).status_code == 404


def test_card_renders_registered_panels(staff_client, acme, settings, tmp_path):
    (tmp_path / "test_panel.html").write_text("<p>Panel of {{ contact.no }}: {{ x }}</p>")
    templates = [dict(settings.TEMPLATES[0])]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    register_card_panel("test_panel", "test_panel.html", lambda request, contact: {"x": 42})
    try:
        html = staff_client.get(reverse("contacts:detail", args=["C100"])).content.decode()
    finally:
        card_panels.panels.pop("test_panel")
    assert 'id="panel-test_panel"' in html
    assert "<p>Panel of C100: 42</p>" in html


def test_card_shows_greeting_or_why_not(staff_client, acme):
    html = staff_client.get(reverse("contacts:detail", args=["C100"])).content.decode()
    assert "has no salutation code" in html
    formula = SalutationFormulaFactory(text="Dear %1,", name_1="company_name")
    Contact.objects.filter(pk=acme.pk).update(salutation=formula.salutation)
    html = staff_client.get(reverse("contacts:detail", args=["C100"])).content.decode()
    assert "Dear Acme Shipping AS," in html


# --- follow company -----------------------------------------------------------------


def test_follow_company_for_one_field(staff_client, acme):
    kari = person("P100", "Kari", "Nordmann", of=acme)
    Contact.objects.filter(pk=kari.pk).update(phone_no="900 00 000", email="kari@home.no")
    response = staff_client.post(reverse("contacts:follow", args=["P100"]), {"fields": "phone_no"})
    assert response.status_code == 302
    kari.refresh_from_db()
    assert kari.phone_no == "55 11 22 33"
    assert kari.email == "kari@home.no"


def test_follow_company_for_all_fields(staff_client, acme):
    kari = person("P100", "Kari", "Nordmann", of=acme)
    Contact.objects.filter(pk=kari.pk).update(phone_no="900", city="Oslo", territory=None)
    staff_client.post(reverse("contacts:follow", args=["P100"]), {"fields": "all"})
    kari.refresh_from_db()
    assert (kari.phone_no, kari.city, kari.territory_id) == ("55 11 22 33", "Bergen", "VEST")


def test_follow_rejects_unknown_fields(staff_client, acme):
    person("P100", "Kari", "Nordmann", of=acme)
    response = staff_client.post(reverse("contacts:follow", args=["P100"]), {"fields": "name"})
    assert response.status_code == 400


# --- create / edit / delete ---------------------------------------------------------


def test_create_company(staff_client):
    TerritoryFactory(code="VEST")
    response = staff_client.post(
        reverse("contacts:create") + "?type=company",
        form_data(no="C500", name="Nordlys AS", city="Tromsø", country="NO", territory="VEST"),
    )
    assert response.status_code == 302, response.context["form"].errors
    created = Contact.objects.get(no="C500")
    assert response["Location"] == reverse("contacts:detail", args=["C500"])
    assert (created.type, created.name, created.search_name) == (
        "company",
        "Nordlys AS",
        "NORDLYS AS",
    )
    assert created.territory_id == "VEST"


def test_create_company_needs_a_name(staff_client):
    response = staff_client.post(reverse("contacts:create") + "?type=company", form_data(no="C5"))
    assert response.status_code == 200
    assert "Enter the company&#x27;s name." in response.content.decode()
    assert not Contact.objects.filter(no="C5").exists()


def test_create_person_under_company_inherits(staff_client, acme):
    response = staff_client.post(
        reverse("contacts:create_person", args=["C100"]),
        form_data(no="P500", first_name="Ola", surname="Nordmann", job_title="CEO"),
    )
    assert response.status_code == 302, response.context["form"].errors
    ola = Contact.objects.get(no="P500")
    assert (ola.type, ola.company_id, ola.name) == ("person", acme.pk, "Ola Nordmann")
    assert (ola.city, ola.phone_no, ola.salesperson_id) == ("Bergen", "55 11 22 33", "JO")
    card = staff_client.get(response["Location"]).content.decode()
    assert 'id="field-city" data-state="inherited"' in card


def test_create_person_needs_a_name(staff_client, acme):
    response = staff_client.post(
        reverse("contacts:create_person", args=["C100"]), form_data(no="P501")
    )
    assert response.status_code == 200
    assert "Enter a first name or a surname." in response.content.decode()


def test_create_person_only_under_a_company(staff_client, acme):
    person("P100", "Kari", "Nordmann", of=acme)
    assert staff_client.get(reverse("contacts:create_person", args=["P100"])).status_code == 404


def test_edit_company_passes_changes_to_persons(staff_client, acme):
    kari = person("P100", "Kari", "Nordmann", of=acme)
    ola = person("P101", "Ola", "Nordmann", of=acme)
    Contact.objects.filter(pk=ola.pk).update(phone_no="900 00 000")
    data = form_data(
        name="Acme Shipping AS",
        address="Strandkaien 2",
        post_code="5013",
        city="Bergen",
        country="NO",
        phone_no="55 99 99 99",
        email="post@acme.no",
        salesperson="JO",
        territory="VEST",
        search_name="ACME SHIPPING AS",
    )
    response = staff_client.post(reverse("contacts:edit", args=["C100"]), data)
    assert response.status_code == 302, response.context["form"].errors
    kari.refresh_from_db()
    ola.refresh_from_db()
    assert (kari.address, kari.phone_no) == ("Strandkaien 2", "55 99 99 99")
    assert (ola.address, ola.phone_no) == ("Strandkaien 2", "900 00 000")


def test_person_edit_form_tells_which_fields_follow_the_company(staff_client, acme):
    kari = person("P100", "Kari", "Nordmann", of=acme)
    Contact.objects.filter(pk=kari.pk).update(phone_no="900 00 000")
    html = staff_client.get(reverse("contacts:edit", args=["P100"])).content.decode()
    assert "Differs from the company (company: 55 11 22 33)." in html
    assert "Follows the company." in html


def test_edit_shows_form_errors(staff_client, acme):
    data = form_data(name="Acme", email="not-an-address")
    response = staff_client.post(reverse("contacts:edit", args=["C100"]), data)
    assert response.status_code == 200
    acme.refresh_from_db()
    assert acme.name == "Acme Shipping AS"


def test_change_company_of_a_person(staff_client, acme):
    kari = person("P100", "Kari", "Nordmann")
    staff_client.post(reverse("contacts:change_company", args=["P100"]), {"company": "c100"})
    kari.refresh_from_db()
    assert kari.company_id == acme.pk and kari.city == "Bergen"


def test_change_company_unknown(staff_client, acme):
    person("P100", "Kari", "Nordmann")
    response = staff_client.post(
        reverse("contacts:change_company", args=["P100"]), {"company": "X"}, follow=True
    )
    assert "There is no company with no. X." in response.content.decode()


def test_change_type(staff_client):
    company("C300", "Per Hansen")
    staff_client.post(reverse("contacts:change_type", args=["C300"]), {"type": "person"})
    changed = Contact.objects.get(no="C300")
    assert (changed.type, changed.first_name, changed.surname) == ("person", "Per", "Hansen")


def test_change_type_refused_shows_message(staff_client, acme):
    person("P100", "Kari", "Nordmann", of=acme)
    response = staff_client.post(
        reverse("contacts:change_type", args=["C100"]), {"type": "person"}, follow=True
    )
    assert "related people" in response.content.decode()
    assert Contact.objects.get(no="C100").type == "company"


def test_delete_company_confirm_page_and_cascade(staff_client, acme):
    person("P100", "Kari", "Nordmann", of=acme)
    page = staff_client.get(reverse("contacts:delete", args=["C100"])).content.decode()
    assert "1 person is deleted with it" in page
    response = staff_client.post(reverse("contacts:delete", args=["C100"]))
    assert response.status_code == 302
    assert not Contact.objects.filter(no__in=["C100", "P100"]).exists()


# --- export -------------------------------------------------------------------------


def test_export_applies_the_filters(staff_client, acme):
    person("P100", "Kari", "Nordmann", of=acme)
    company("C200", "Other Firm", city="Oslo")
    response = staff_client.get(reverse("contacts:export"), {"company": "C100"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [r["no"] for r in rows] == ["C100", "P100"]
    assert rows[1]["company_no"] == "C100"
    assert (rows[0]["territory_code"], rows[0]["country_region_code"]) == ("VEST", "NO")


def test_export_header_is_the_import_header():
    assert list(selectors.EXPORT_COLUMNS) == importing.HEADER


def test_exported_file_imports_again(staff_client, acme):
    person("P100", "Kari", "Nordmann", of=acme)
    response = staff_client.get(reverse("contacts:export"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    Contact.objects.all().delete()
    result = importing.import_contacts(io.StringIO(text))
    assert result.errors == []
    assert Contact.objects.get(no="P100").company.no == "C100"
