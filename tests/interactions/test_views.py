import datetime
import re

import pytest
from django.urls import reverse

from interactions import services
from interactions.models import InteractionLogEntry, InteractionTemplateSetup
from tests.factories import PersonFactory, SalutationFormulaFactory
from tests.interactions.factories import InteractionTemplateFactory

pytestmark = pytest.mark.django_db


def test_list_needs_login(client):
    response = client.get(reverse("interactions:list"))
    assert response.status_code == 302


def test_list_needs_view_permission(django_user_model, client):
    client.force_login(django_user_model.objects.create_user("nobody"))
    assert client.get(reverse("interactions:list")).status_code == 403


def test_list_shows_entries(staff_client, person, outgoing):
    services.interaction_log(contact=person, template=outgoing, description="Called Kari")
    response = staff_client.get(reverse("interactions:list"))
    assert response.status_code == 200
    assert "Called Kari" in response.content.decode()


def test_list_filters(staff_client, company, person, outgoing):
    other_template = InteractionTemplateFactory(code="MEET", description="Meeting")
    stranger = PersonFactory(no="CT555")
    services.interaction_log(contact=person, template=outgoing, description="Person call")
    old = services.interaction_log(contact=company, template=other_template, description="Old")
    old.date = datetime.date(2020, 5, 1)
    old.save()
    services.interaction_log(contact=stranger, template=outgoing, description="Stranger call")
    url = reverse("interactions:list")

    def shown(**params):
        page = staff_client.get(url, params).context["page"]
        return {e.description for e in page}

    # a company's number finds its persons' entries too
    assert shown(contact="CT100") == {"Person call", "Old"}
    assert shown(contact="CT101") == {"Person call"}
    assert shown(template="MEET") == {"Old"}
    assert shown(group=outgoing.group_id) == {"Person call", "Stranger call"}
    assert shown(date_to="2021-01-01") == {"Old"}
    assert shown(date_from="2021-01-01", contact="CT555") == {"Stranger call"}


def test_list_document_type_filter(staff_client, company, system_setup):
    services.document_log(document_type="sales_invoice", document_no="I1", contact_no="CT100")
    services.interaction_log(contact=company, template=system_setup.outgoing_calls)
    page = staff_client.get(reverse("interactions:list"), {"document_type": "sales_invoice"})
    assert [e.document_no for e in page.context["page"]] == ["I1"]


def test_list_query_count_does_not_grow(staff_client, company, outgoing, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("interactions:list")
    services.interaction_log(contact=company, template=outgoing)
    staff_client.get(url)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    for n in range(10):
        services.interaction_log(contact=PersonFactory(no=f"CTX{n}"), template=outgoing)
    with django_assert_num_queries(len(few.captured_queries)):
        response = staff_client.get(url)
    assert len(response.context["page"]) == 11


def test_list_paginates(staff_client, company, outgoing):
    for _ in range(51):
        services.interaction_log(contact=company, template=outgoing)
    response = staff_client.get(reverse("interactions:list"), {"contact": "CT100"})
    assert len(response.context["page"]) == 50
    body = response.content.decode()
    assert "1–50 of 51" in body
    next_url = re.search(r'rel="next" href="([^"]+)"', body).group(1).replace("&amp;", "&")
    assert "contact=CT100" in next_url and "page=" not in next_url
    second = staff_client.get(reverse("interactions:list") + next_url)
    assert len(second.context["page"]) == 1
    assert "51–51 of 51" in second.content.decode()


def test_detail(staff_client, person, outgoing):
    entry = services.interaction_log(contact=person, template=outgoing, subject="Chairs")
    response = staff_client.get(reverse("interactions:detail", args=[entry.pk]))
    assert response.status_code == 200
    assert "Chairs" in response.content.decode()


def test_phone_call_page_logs_an_entry(staff_client, staff_user, person, system_setup):
    url = reverse("interactions:log_phone_call", args=[person.no])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["template"] == "OUTGOING"

    response = staff_client.post(
        url,
        {
            "template": "OUTGOING",
            "description": "",
            "subject": "Offer for chairs",
            "duration_min": "7",
            "attempt_failed": "on",
            "evaluation": "positive",
        },
    )

    assert response.status_code == 302
    entry = InteractionLogEntry.objects.get()
    assert entry.contact == person
    assert entry.subject == "Offer for chairs"
    assert entry.duration_min == 7
    assert entry.attempt_failed
    assert entry.evaluation == "positive"
    assert entry.user == staff_user
    assert entry.description == "Outgoing telephone call"


def test_phone_call_without_template_shows_error(staff_client, person):
    url = reverse("interactions:log_phone_call", args=[person.no])
    response = staff_client.post(url, {"subject": "x"})
    assert response.status_code == 200
    assert "Outgoing calls must have a value in Interaction Template Setup." in (
        response.content.decode()
    )
    assert not InteractionLogEntry.objects.exists()


def test_phone_call_negative_duration_is_refused(staff_client, person, system_setup):
    url = reverse("interactions:log_phone_call", args=[person.no])
    response = staff_client.post(url, {"duration_min": "-3"})
    assert response.status_code == 200
    assert not InteractionLogEntry.objects.exists()


def test_phone_call_unknown_contact_is_404(staff_client, system_setup):
    url = reverse("interactions:log_phone_call", args=["NOPE"])
    assert staff_client.get(url).status_code == 404


def test_log_pages_need_add_permission(django_user_model, client, person):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_interactionlogentry"))
    client.force_login(viewer)
    for name in ("log_phone_call", "log_email", "cover_sheet"):
        assert client.get(reverse(f"interactions:{name}", args=[person.no])).status_code == 403


def test_email_page_logs_an_entry(staff_client, person, system_setup):
    url = reverse("interactions:log_email", args=[person.no])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"subject": "Price list", "description": "Sent prices"})
    assert response.status_code == 302
    entry = InteractionLogEntry.objects.get()
    assert (entry.interaction_template_id, entry.subject) == ("EMAIL", "Price list")


def test_cover_sheet_shows_greeting_and_address(staff_client, person):
    formula = SalutationFormulaFactory(text="Dear Ms. %1 %2 %3,")
    person.salutation = formula.salutation
    person.address = "Storgata 1"
    person.save()
    response = staff_client.get(reverse("interactions:cover_sheet", args=[person.no]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dear Ms. Kari Nordmann," in html
    assert "Storgata 1" in html
    assert "Fjord Møbler AS" in html
    assert "data-print-on-load" not in html  # opening it does not print (app.js)
    assert not InteractionLogEntry.objects.exists()  # looking is not logging


def test_cover_sheet_shows_salutation_error(staff_client, person):
    person.salutation = None
    person.save()
    response = staff_client.get(reverse("interactions:cover_sheet", args=[person.no]))
    assert response.status_code == 200
    assert "has no salutation code" in response.content.decode()


def test_cover_sheet_print_logs_and_prints(staff_client, person, system_setup):
    url = reverse("interactions:cover_sheet", args=[person.no])
    response = staff_client.post(url, {"description": "Catalogue enclosed"}, follow=True)

    entry = InteractionLogEntry.objects.get()
    assert entry.document_type == "cover_sheet"
    assert entry.interaction_template_id == "COVERSH"
    html = response.content.decode()
    assert "data-print-on-load" in html  # static/js/app.js prints it: no inline script
    assert "Catalogue enclosed" in html
    assert f"Logged as interaction {entry.pk}" in html


def test_cover_sheet_without_template_shows_error(staff_client, person):
    url = reverse("interactions:cover_sheet", args=[person.no])
    response = staff_client.post(url, {})
    assert "Cover sheets must have a value in Interaction Template Setup." in (
        response.content.decode()
    )
    assert not InteractionLogEntry.objects.exists()


def test_template_setup_page(admin_client, outgoing):
    url = reverse("interactions:template_setup")
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for section in ("General", "Sales", "Purchases"):
        assert f"<legend>{section}</legend>" in html

    response = admin_client.post(url, {"outgoing_calls": "OUTGOING"})

    assert response.status_code == 302
    assert InteractionTemplateSetup.get().outgoing_calls_id == "OUTGOING"


def test_template_setup_rejects_unknown_template(admin_client):
    response = admin_client.post(reverse("interactions:template_setup"), {"emails": "NOPE"})
    assert response.status_code == 200
    assert InteractionTemplateSetup.get().emails_id is None


def test_template_setup_needs_change_permission(django_user_model, client):
    client.force_login(django_user_model.objects.create_user("nobody"))
    assert client.get(reverse("interactions:template_setup")).status_code == 403


def test_staff_see_the_template_setup_but_may_not_change_it(staff_client):
    url = reverse("interactions:template_setup")
    assert 'id="read-only-note"' in staff_client.get(url).content.decode()
    assert staff_client.post(url, {}).status_code == 403


def test_staff_may_log_but_not_edit_templates(staff_user):
    assert staff_user.has_perm("interactions.add_interactionlogentry")
    assert staff_user.has_perm("interactions.view_interactiontemplate")
    assert not staff_user.has_perm("interactions.change_interactiontemplate")
    assert not staff_user.has_perm("interactions.change_interactiontemplatesetup")


def test_list_keeps_the_valid_filters_when_one_is_invalid(staff_client, company, person, outgoing):
    stranger = PersonFactory(no="CT555")
    services.interaction_log(contact=person, template=outgoing, description="Person call")
    services.interaction_log(contact=stranger, template=outgoing, description="Stranger call")

    response = staff_client.get(
        reverse("interactions:list"), {"contact": "CT101", "date_from": "not-a-date"}
    )

    assert response.status_code == 200
    assert {e.description for e in response.context["page"]} == {"Person call"}
    assert "Enter a valid date." in response.content.decode()


def test_cover_sheet_greets_in_the_contacts_language(staff_client, person):
    from tests.factories import LanguageFactory

    dutch = LanguageFactory(code="NLD", description="Dutch", django_language="nl")
    formula = SalutationFormulaFactory(text="Dear %1 %2 %3,")
    SalutationFormulaFactory(salutation=formula.salutation, language=dutch, text="Geachte %1 %3,")
    person.salutation = formula.salutation
    person.language = dutch
    person.save()

    html = staff_client.get(reverse("interactions:cover_sheet", args=[person.no])).content
    assert "Geachte Kari Nordmann," in html.decode()

    person.language = None
    person.save()
    html = staff_client.get(reverse("interactions:cover_sheet", args=[person.no])).content
    assert "Dear Kari Nordmann," in html.decode()
