"""Numbers on every path and every page (issue 13.2).

The rule itself is tested in tests/numbering/test_codes.py; here: every route takes a
number through the `number` converter, every page works with numbers that hold each
separator the rule allows, and every way in (service, page, admin, import, series)
refuses a number that breaks it and writes nothing.
"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from contacts.importing import HEADER, import_contacts
from contacts.models import Contact
from contacts.services import contact_create
from numbering import codes
from numbering.codes import NumberConverter
from numbering.models import NoSeries, NoSeriesLine
from opportunities import services as opportunity_services
from opportunities.models import Opportunity
from relations import services as relation_services
from relations.models import BankAccount, Customer, Vendor
from tests.opportunities.factories import setup_opportunities
from tests.relations.factories import setup_sync

pytestmark = pytest.mark.django_db

BAD = ["A\nB", "A/", "..", "A?B", "A\u200fB", "A%B"]


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def test_every_route_takes_numbers_through_the_number_converter():
    """A route parameter that carries a number (no, contact_no, customer_no...) must use
    the number converter, so every valid number (2024/1 included) reaches its page."""
    wrong = []
    for route, entry in _patterns(get_resolver()):
        if route.startswith("admin/"):
            continue  # the admin addresses rows by primary key (quoted)
        for name, converter in getattr(entry.pattern, "converters", {}).items():
            if (name == "no" or name.endswith("_no")) and not isinstance(
                converter, NumberConverter
            ):
                wrong.append(f"{route} ({name}: {type(converter).__name__})")
    assert wrong == []


@pytest.fixture
def numbered(setup):
    """Records whose numbers hold every separator the rule allows."""
    setup_sync()
    setup_opportunities(manual=True)
    company = contact_create(data={"no": "2024/1.A", "type": "company", "name": "Slash AS"})
    person = contact_create(
        data={"no": "2024/1-P_1", "type": "person", "name": "Ola Nordmann", "company": company}
    )
    customer = relation_services.entity_create(
        model=Customer, data={"no": "C/2024.1", "name": "Kunde AS"}
    )
    vendor = relation_services.entity_create(
        model=Vendor, data={"no": "V-1/2", "name": "Leverandør AS"}
    )
    bank = relation_services.entity_create(model=BankAccount, data={"no": "B_1.2", "name": "DNB"})
    opportunity = opportunity_services.opportunity_create(
        data={"no": "OP/2026.1", "description": "Boats", "contact": company}
    )
    return company, person, customer, vendor, bank, opportunity


def test_pages_work_for_numbers_with_every_separator(admin_client, numbered):
    company, person, customer, vendor, bank, opportunity = numbered
    card = reverse("contacts:detail", args=[company.no])
    assert card == "/contacts/2024/1.A/"
    pages = [
        reverse("contacts:list"),
        card,
        reverse("contacts:detail", args=[person.no]),
        reverse("contacts:edit", args=[company.no]),
        reverse("contacts:edit", args=[person.no]),
        reverse("relations:list"),
        reverse("relations:list") + "?tab=vendors",
        reverse("relations:list") + "?tab=bank-accounts",
        reverse("relations:customer_detail", args=[customer.no]),
        reverse("relations:vendor_edit", args=[vendor.no]),
        reverse("relations:bank_account_detail", args=[bank.no]),
        reverse("opportunities:list"),
        reverse("opportunities:detail", args=[opportunity.no]),
        reverse("opportunities:edit", args=[opportunity.no]),
        reverse("interactions:log_phone_call", args=[person.no]),
        reverse("interactions:log_email", args=[company.no]),
        reverse("interactions:cover_sheet", args=[company.no]),
        reverse("duplicates:list") + "?contact=2024/1.A",
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
    body = admin_client.get(card).content.decode()
    assert reverse("contacts:detail", args=[person.no]) in body
    assert reverse("interactions:log_phone_call", args=[company.no]) in body
    body = admin_client.get(reverse("relations:list")).content.decode()
    assert reverse("relations:customer_detail", args=[customer.no]) in body


def _import(no: str):
    out = io.StringIO()
    out.write(",".join(HEADER) + "\n")
    values = {"no": no, "type": "company", "name": "Fjord AS"}
    out.write(",".join(f'"{values.get(c, "")}"' for c in HEADER) + "\n")
    out.seek(0)
    return import_contacts(out)


@pytest.mark.parametrize("bad", BAD)
def test_every_path_refuses_a_number_that_breaks_the_rule(admin_client, setup, bad):
    setup_sync()
    setup_opportunities(manual=True)
    before = (Contact.objects.count(), Customer.objects.count(), Opportunity.objects.count())

    with pytest.raises(ValidationError) as error:
        contact_create(data={"no": bad, "type": "company", "name": "X"})
    assert "no" in error.value.message_dict

    with pytest.raises(ValidationError):
        Contact.objects.create(no=bad, type="company", name="X")  # plain ORM save

    response = admin_client.post(
        reverse("contacts:create") + "?type=company", {"no": bad, "name": "Page AS"}
    )
    assert response.status_code == 200
    assert "A–Z" in response.content.decode()

    response = admin_client.post(
        reverse("admin:contacts_contact_add"), {"no": bad, "type": "company", "name": "Admin AS"}
    )
    assert response.status_code == 200
    assert "A–Z" in response.content.decode()

    result = _import(bad)
    assert [e.column for e in result.errors] == ["no"]

    with pytest.raises(ValidationError) as error:
        relation_services.entity_create(model=Customer, data={"no": bad, "name": "Kunde AS"})
    assert "no" in error.value.message_dict
    response = admin_client.post(reverse("relations:vendor_create"), {"no": bad, "name": "L AS"})
    assert response.status_code == 200

    company = Contact.objects.create(type="company", name="Fjord AS")
    with pytest.raises(ValidationError) as error:
        opportunity_services.opportunity_create(
            data={"no": bad, "description": "Boats", "contact": company}
        )
    assert "no" in error.value.message_dict

    with pytest.raises(ValidationError):
        NoSeries(code=bad).full_clean()
    with pytest.raises(ValidationError):
        NoSeriesLine(series=NoSeries.objects.first(), line_no=1, starting_no=bad).full_clean()

    assert (
        (Contact.objects.count(), Customer.objects.count(), Opportunity.objects.count())
        == (
            before[0] + 1,  # the company of the opportunity
            *before[1:],
        )
    )
    assert not Vendor.objects.exists()


def test_typed_numbers_are_upper_cased_on_every_path(admin_client, setup):
    """Typed input is normalised (trimmed, a-z upper-cased), and so are look-ups."""
    setup_sync()
    assert contact_create(data={"no": " ab-1 ", "type": "company", "name": "X"}).no == "AB-1"
    customer = relation_services.entity_create(model=Customer, data={"no": "c/1", "name": "K"})
    assert customer.no == "C/1"
    series = NoSeries(code="inv")
    series.full_clean()
    assert series.code == "INV"
    assert Customer.objects.get(no="c/1") == customer
    response = admin_client.post(
        reverse("contacts:create") + "?type=company", {"no": "ab/2", "name": "Lower AS"}
    )
    assert response.status_code == 302
    assert Contact.objects.filter(no="AB/2").exists()


def test_a_series_refuses_to_draw_a_number_that_breaks_the_rule(setup):
    """A line stored before the rule (lower-case, set with update()) gives a clear
    error instead of a number no page can show."""
    from django.db import transaction

    from numbering.services import NumberSeriesError, series_next_number

    series = NoSeries.objects.create(code="OLD")
    NoSeriesLine.objects.create(series=series, line_no=10000, starting_no="X001")
    NoSeriesLine.objects.filter(series=series).update(starting_no="x 001")
    with pytest.raises(NumberSeriesError) as error, transaction.atomic():
        series_next_number("OLD")
    assert error.value.code == "invalid_number"


def test_stored_numbers_that_break_the_rule_are_reported_not_rewritten(setup):
    good = Contact.objects.create(no="OK1", type="company", name="Good")
    bad = Contact.objects.create(no="BAD1", type="company", name="Bad")
    Contact.objects.filter(pk=bad.pk).update(no="BAD\n1")
    Customer.objects.create(no="C1", name="K")
    with connection.cursor() as cursor:  # the ORM would upper-case it (NumberField)
        cursor.execute("UPDATE relations_customer SET no = %s WHERE no = %s", ["c1", "C1"])

    from django.apps import apps

    found = codes.find_invalid_numbers(apps)
    assert ("contacts.contact", "no", "BAD\n1") in found
    assert ("relations.customer", "no", "c1") in found
    assert all(value != good.no for _model, _field, value in found)

    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_numbers", stdout=out)
    text = out.getvalue()
    assert "BAD\\n1" in text and "c1" in text
    assert Contact.objects.filter(no="BAD\n1").exists()  # reported, never rewritten
