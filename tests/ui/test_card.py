"""The contact card holds its content (issue 8.2): links, compact empty fields, the
duplicates warning first, and a vCard 4.0."""

from __future__ import annotations

import pytest
import vobject

from contacts.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def fjord(setup):
    company = Contact.objects.create(
        no="C1",
        name="Fjord Maling AS",
        phone_no="+47 62 45 93 46",
        email="post@fjord.no",
        home_page="www.fjord.no",
        address="Bryggen 1",
        post_code="5003",
        city="Bergen",
        country="NO",
    )
    person = Contact.objects.create(
        no="P1",
        type="person",
        first_name="Kari",
        surname="Nordmann",
        name="Kari Nordmann",
        company=company,
        job_title="Innkjøper",
        mobile_phone_no="900 11 222",
    )
    return company, person


def test_card_links_phone_mail_home_page_and_map(staff_client, fjord):
    html = staff_client.get("/contacts/C1/").content.decode()
    assert 'href="tel:+4762459346"' in html
    assert 'href="mailto:post@fjord.no"' in html
    assert 'href="https://www.fjord.no"' in html
    assert "https://www.openstreetmap.org/search?query=Bryggen+1%2C+5003+Bergen%2C+Norway" in html
    # Empty fields are listed once, compactly, not as empty rows.
    assert 'id="field-fax_no"' not in html
    assert "Not filled in:" in html and "fax no." in html


def test_duplicates_warning_stands_at_the_top(staff_client, fjord):
    from duplicates.models import ContactDuplicate

    twin = Contact.objects.create(no="C2", name="Fjord Maling A/S")
    ContactDuplicate.objects.create(contact=fjord[0], duplicate=twin, score=95)
    html = staff_client.get("/contacts/C1/").content.decode()
    assert "Possible duplicates found" in html
    assert html.index("Possible duplicates found") < html.index('id="section-1"')


@pytest.mark.parametrize("no", ["C1", "P1"])
def test_vcard_4_for_a_company_and_a_person(staff_client, fjord, no):
    response = staff_client.get(f"/contacts/{no}/vcard/")
    assert response["Content-Type"].startswith("text/vcard")
    assert f'filename="{no}.vcf"' in response["Content-Disposition"]
    card = vobject.readOne(response.content.decode())
    assert card.version.value == "4.0"
    if no == "C1":
        assert card.fn.value == "Fjord Maling AS" and card.kind.value == "org"
        assert card.tel.value == "+47 62 45 93 46"
        assert card.adr.value.city == "Bergen" and card.url.value == "https://www.fjord.no"
    else:
        assert card.n.value.family == "Nordmann" and card.n.value.given == "Kari"
        assert card.org.value == ["Fjord Maling AS"] and card.title.value == "Innkjøper"


def test_home_page_with_another_scheme_is_no_link(staff_client, fjord):
    Contact.objects.filter(no="C1").update(home_page="javascript:alert(1)")
    html = staff_client.get("/contacts/C1/").content.decode()
    assert 'href="javascript:' not in html


@pytest.mark.parametrize(
    ("language", "shown"),
    [("nb", "125\xa0000,00\xa0kr"), ("nl", "NOK\xa0125.000,00"), ("en", "NOK125,000.00")],
)
def test_amounts_have_thousands_separators_and_the_currency(language, shown):
    from django.template import Context, Template
    from django.utils import translation

    with translation.override(language):
        html = Template("{% load crm_format %}{{ value|money }}").render(
            Context({"value": "125000"})
        )
    assert html == shown


def test_lookup_offers_companies_by_name_in_any_spelling(staff_client, fjord):
    Contact.objects.create(no="C9", name="Sæther Bygg AS", city="Hamar")
    html = staff_client.get(
        "/contacts/lookup/", {"kind": "company", "field": "company", "company": "saether"}
    ).content.decode()
    assert 'data-lookup-value="C9"' in html and "Hamar" in html
    # Companies only: a person of Fjord Maling is not offered for "company".
    html = staff_client.get("/contacts/lookup/", {"kind": "company", "q": "kari"}).content.decode()
    assert "P1" not in html and "No match." in html
    # The field still works as a plain field: the card's "change company" takes the name.
    card = staff_client.get("/contacts/P1/").content.decode()
    assert 'hx-get="/contacts/lookup/?kind=company"' in card
    response = staff_client.post(
        "/contacts/P1/company/", {"company": "Sæther Bygg AS"}, follow=True
    )
    assert Contact.objects.get(no="P1").company.no == "C9"
    response = staff_client.post("/contacts/P1/company/", {"company": "Nowhere AS"}, follow=True)
    assert "There is no company with no. NOWHERE AS." in response.content.decode()


def test_cover_sheet_speaks_the_contact_s_language_and_skips_a_domestic_country(
    staff_client, fjord, setup
):
    from marketing_setup.models import Language

    norsk = Language.objects.create(code="NOR", description="Norsk", django_language="nb")
    setup.default_country = "NO"
    setup.save()
    Contact.objects.filter(no="C1").update(language=norsk)
    Contact.objects.create(no="C7", name="Tulp BV", city="Delft", country="NL", language=norsk)
    html = staff_client.get(
        "/interactions/contact/C1/cover-sheet/", headers={"accept-language": "nl"}
    ).content.decode()
    sheet = html.split('id="cover-sheet"')[1].split("</article>")[0]
    assert 'lang="nb"' in sheet and "<h1>Forside</h1>" in sheet
    assert "Norge" not in sheet and "Noorwegen" not in sheet  # domestic: no country
    html = staff_client.get(
        "/interactions/contact/C7/cover-sheet/", headers={"accept-language": "en"}
    ).content.decode()
    sheet = html.split('id="cover-sheet"')[1].split("</article>")[0]
    assert "Nederland" in sheet  # abroad: the country, in the contact's language
