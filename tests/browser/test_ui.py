"""Browser: the staff pages of issue 8 in nb and nl (dates, bulk assignment, lookup,
merge conflict, dashboard, the card at 390 px) and axe-core on every staff page."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from contacts.models import Contact
from duplicates.models import ContactDuplicate
from interactions.models import InteractionLogEntry
from marketing_setup.models import MarketingSetup
from opportunities.models import Opportunity
from tests.factories import NoSeriesFactory, NoSeriesLineFactory, SalespersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGUAGES = ("nb", "nl")


@pytest.fixture
def world(db):
    setup = MarketingSetup.get()
    series = NoSeriesFactory(code="CONT", manual_nos=True)
    NoSeriesLineFactory(series=series, starting_no="CT000001")
    setup.contact_nos = series
    setup.save()
    SalespersonFactory(code="JO", name="Jo Salg")
    fjord = Contact.objects.create(
        no="C1",
        name="Fjord Maling AS",
        address="Bryggen 1",
        post_code="5003",
        city="Bergen",
        country="NO",
        phone_no="+47 55 11 22 33",
        email="post.og.regnskap.for.hele.konsernet@fjordmaling-og-interior.example.no",
        home_page="www.fjordmaling-og-interior-og-mye-mer.example.no",
        vat_registration_no="NO912345678MVA",
    )
    Contact.objects.create(
        no="P1",
        type="person",
        first_name="Kari",
        surname="Nordmann",
        name="Kari Nordmann",
        company=fjord,
    )
    twin = Contact.objects.create(no="C2", name="Fjord Maling A/S", city="Bergen")
    Contact.objects.create(no="C3", name="Sæther Bygg AS", city="Hamar")
    pair = ContactDuplicate.objects.create(contact=fjord, duplicate=twin, score=97)
    from tests.duplicates.test_review import _link

    _link(fjord, "CUST", "customer", "C00013")
    _link(twin, "CUST", "customer", "C00014")
    opportunity = Opportunity.objects.create(
        no="OP1",
        description="Nye vinduer",
        contact=fjord,
        status="in_progress",
        creation_date=datetime.date(2026, 12, 1),
        estimated_closing_date=datetime.date(2026, 12, 21),
        estimated_value=Decimal("125000"),
    )
    InteractionLogEntry.objects.create(
        contact=fjord, contact_no="C1", contact_name=fjord.name, date=datetime.date.today()
    )
    return {"pair": pair, "opportunity": opportunity}


def _in(page, live_server, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


def test_dates_bulk_lookup_conflict_and_dashboard_in_nb_and_nl(
    page, live_server, login, admin_user, world
):
    login(admin_user)
    url = live_server.url
    for language in LANGUAGES:
        _in(page, live_server, language)
        # Editing an opportunity keeps both dates.
        page.goto(f"{url}/opportunities/OP1/edit/")
        expect(page.locator("#id_creation_date")).to_have_value("2026-12-01")
        expect(page.locator("#id_estimated_closing_date")).to_have_value("2026-12-21")
        page.fill("#id_description", f"Nye vinduer {language}")
        page.locator("form.card button[type=submit]").click()
        page.wait_for_url(re.compile(r"/opportunities/OP1/$"))
        opportunity = Opportunity.objects.get(no="OP1")
        assert opportunity.estimated_closing_date == datetime.date(2026, 12, 21)
        assert opportunity.creation_date == datetime.date(2026, 12, 1)

        # A bulk salesperson assignment from the list.
        Contact.objects.filter(no__in=["C1", "P1"]).update(salesperson=None)
        page.goto(f"{url}/contacts/")
        page.check("input[name=selected][value=C1]")
        page.locator("#bulk-form summary").click()
        page.select_option("#id_bulk_salesperson", "JO")
        page.locator("button[name=action][value=assign_salesperson]").click()
        expect(page.locator(".messages")).to_contain_text("JO")
        assert Contact.objects.get(no="C1").salesperson_id == "JO"
        assert Contact.objects.get(no="P1").salesperson_id == "JO"  # followed its company

        # Choosing a company with the lookup on the person's card.
        page.goto(f"{url}/contacts/P1/")
        field = page.locator("#actions input[name=company]")
        field.fill("")
        field.press_sequentially("saether")
        page.locator("[data-lookup-value=C3]").click()
        expect(field).to_have_value("C3")
        page.locator("#actions form:has(input[name=company]) button[type=submit]").click()
        expect(page.locator("#company-link")).to_have_text("Sæther Bygg AS")
        Contact.objects.filter(no="P1").update(company=Contact.objects.get(no="C1"))

        # The merge conflict is shown before Merge, in the user's language.
        # (the saves above re-ran the duplicate search, which keeps its own pairs)
        pair, _new = ContactDuplicate.objects.get_or_create(
            contact=Contact.objects.get(no="C1"),
            duplicate=Contact.objects.get(no="C2"),
            defaults={"score": 97},
        )
        page.goto(f"{url}/duplicates/{pair.pk}/merge/")
        conflict = page.locator("#merge-conflicts")
        expect(conflict).to_contain_text("C00014")
        expect(conflict).to_contain_text(
            {"nb": "Begge kontaktene", "nl": "Beide contacten"}[language]
        )
        expect(page.locator("form button.primary[type=submit]")).to_be_disabled()

        if language == "nl":
            # A new person's company chosen with the lookup (8.4).
            page.goto(f"{url}/contacts/new/?type=person")
            company = page.locator("#id_company")
            company.press_sequentially("saether")
            page.locator("[data-lookup-value=C3]").click()
            expect(company).to_have_value("C3")
            page.fill("#id_first_name", "Ola")
            page.fill("#id_surname", "Sæther")
            page.locator("main form button[type=submit].primary").click()
            expect(page.locator("#company-link")).to_have_text("Sæther Bygg AS")
        else:
            # A list sorted by a column head; the whole row opens the record (8.3).
            page.goto(f"{url}/opportunities/")
            page.locator("th.sortable a", has_text="Estimert verdi").click()
            expect(page.locator("th[aria-sort=descending]")).to_contain_text("Estimert verdi")
            expect(page.locator(".pagination .position")).to_contain_text("1–1 av 1")
            page.locator("#opportunities tbody tr td", has_text="Nye vinduer").click()
            page.wait_for_url(re.compile(r"/opportunities/OP1/$"))

        # The dashboard with its charts.
        page.goto(f"{url}/")
        expect(page.locator("#dash-pipeline svg rect")).to_have_count(1)
        expect(page.locator("#dash-pipeline")).to_contain_text("125")
        expect(page.locator("#dash-interactions svg rect")).to_have_count(8)
        expect(page.locator("#dash-recent")).to_contain_text("Kari Nordmann")


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll") return true; }
    return false; };
  return [...document.querySelectorAll("body *")].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && r.right > width + 1 && !scrolls(el);
  }).map((el) => el.tagName + (el.id ? "#" + el.id : "") + "." + el.className).slice(0, 10);
}"""


def test_card_at_390_px_has_nothing_wider_than_the_screen(
    page, live_server, login, admin_user, world
):
    page.set_viewport_size({"width": 390, "height": 844})
    login(admin_user)
    for language in LANGUAGES:
        _in(page, live_server, language)
        for no in ("C1", "P1"):
            page.goto(f"{live_server.url}/contacts/{no}/")
            wide = page.evaluate(OVERFLOW)
            assert wide == [], (language, no, "; ".join(wide))
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # The menu folds into a button.
        expect(page.locator("#mainnav")).to_be_hidden()
        page.locator(".menu-toggle").click()
        expect(page.locator("#mainnav")).to_be_visible()


def _staff_pages(world) -> list[str]:
    pk = ContactDuplicate.objects.order_by("pk").first().pk
    return [
        "/",
        "/search/?q=fjord",
        "/contacts/",
        "/contacts/?sort=-name&q=fjord",
        "/contacts/C1/",
        "/contacts/P1/",
        "/contacts/new/?type=company",
        "/contacts/new/?type=person",
        "/contacts/C1/edit/",
        "/contacts/P1/edit/",
        "/contacts/C1/persons/new/",
        "/contacts/C1/delete/",
        "/contacts/import/",
        "/duplicates/",
        f"/duplicates/{pk}/compare/",
        f"/duplicates/{pk}/merge/",
        "/duplicates/?sort=score",
        "/duplicates/merge-with/C2/",
        "/duplicates/merge-with/C2/?into=C3",
        "/interactions/",
        "/interactions/?sort=date",
        "/interactions/setup/",
        f"/interactions/{InteractionLogEntry.objects.first().pk}/",
        "/interactions/contact/C1/phone-call/",
        "/interactions/contact/C1/email/",
        "/interactions/contact/C1/cover-sheet/",
        "/opportunities/",
        "/opportunities/?sort=-value",
        "/opportunities/OP1/",
        "/opportunities/OP1/edit/",
        "/opportunities/new/",
        "/relations/",
        "/relations/?sort=name",
        "/relations/?tab=vendors",
        "/relations/?tab=bank-accounts",
        "/relations/customers/new/",
        "/numbering/",
        "/setup/marketing/",
        "/setup/reference-data/",
    ]


def test_axe_finds_no_serious_or_critical_violation_on_any_staff_page(
    page, live_server, login, staff_user, world
):
    login(staff_user)
    axe = Axe()
    found = {}
    for path in _staff_pages(world):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status < 400, path
        violations = axe.run(page).response["violations"]
        bad = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
        if bad:
            found[path] = bad
    # The error pages, inside the layout.
    for path, status in (("/no-such-page/", 404), ("/contacts/NOPE1/", 404)):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == status, path
        bad = [
            v["id"]
            for v in axe.run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if bad:
            found[path] = bad
    # A page with a message (the live region) and a failed submit (focus on the error).
    page.goto(f"{live_server.url}/contacts/new/?type=company")
    page.locator("main form button[type=submit].primary").click()
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    bad = [
        v["id"]
        for v in axe.run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    if bad:
        found["failed submit"] = bad
    assert found == {}
