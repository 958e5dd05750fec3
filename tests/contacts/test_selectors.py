"""The contact list selector: search, filters, keyset pagination, capped count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts import selectors
from contacts.models import Contact
from tests.factories import SalespersonFactory, TerritoryFactory

pytestmark = pytest.mark.django_db


def make(no: str, name: str, *, type=Contact.Type.COMPANY, **fields) -> Contact:
    """A contact saved with the plain ORM (search name upper-cased as the services do)."""
    return Contact.objects.create(no=no, name=name, search_name=name.upper(), type=type, **fields)


def nos(page) -> list[str]:
    return [c.no for c in page.contacts]


@pytest.fixture
def sample():
    acme = make(
        "C001",
        "Acme Shipping AS",
        city="Bergen",
        phone_no="+47 55 11 22 33",
        email="post@acme.no",
        post_code="5003",
        country="NO",
    )
    make(
        "C002",
        "Fjord Fisk AS",
        city="Ålesund",
        phone_no="70 10 20 30",
        email="Salg@FjordFisk.no",
        post_code="6002",
        country="NO",
    )
    make(
        "C003",
        "Delft Tegels BV",
        city="Delft",
        phone_no="015 212 1212",
        email="info@tegels.nl",
        post_code="2611 AB",
        country="NL",
    )
    make(
        "P001",
        "Kari Nordmann",
        type=Contact.Type.PERSON,
        company=acme,
        city="Bergen",
        phone_no="+47 900 00 001",
        email="kari@acme.no",
        post_code="5003",
        country="NO",
    )
    return acme


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("c00", ["C001", "C002", "C003"]),  # no. prefix, any case
        ("p001", ["P001"]),
        ("fjord", ["C002"]),  # name prefix via the search name
        ("tegels", ["C003"]),  # name contains (3+ characters)
        ("delft", ["C003"]),  # name and city
        ("berg", ["C001", "P001"]),  # city prefix, case-insensitive
        ("ålesund", ["C002"]),  # non-ASCII city in the same case
        ("sund", []),  # city: prefix only
        ("+47 9", ["P001"]),  # phone prefix
        ("015", ["C003"]),
        ("salg@fjord", ["C002"]),  # e-mail prefix, case-insensitive
        ("2611", ["C003"]),  # post code prefix
        ("zzz", []),
    ],
)
def test_search_matches_each_field(sample, text, expected):
    page = selectors.contact_list(params={"q": text})
    assert nos(page) == expected
    assert page.total == len(expected)


def test_short_text_does_not_match_inside_names(sample):
    # "As" is the end of "Acme Shipping AS" but fewer than 3 characters: prefix only.
    assert nos(selectors.contact_list(params={"q": "as"})) == []


def test_filter_by_type(sample):
    assert nos(selectors.contact_list(params={"type": "person"})) == ["P001"]
    assert nos(selectors.contact_list(params={"type": "company"})) == ["C001", "C002", "C003"]


def test_filter_by_company_gives_the_company_and_its_persons(sample):
    assert nos(selectors.contact_list(params={"company": "c001"})) == ["C001", "P001"]
    assert nos(selectors.contact_list(params={"company": "NOPE"})) == []


def test_filter_by_salesperson_territory_and_country(sample):
    sp = SalespersonFactory(code="JO")
    territory = TerritoryFactory(code="NORD")
    Contact.objects.filter(no="C002").update(salesperson=sp, territory=territory)
    assert nos(selectors.contact_list(params={"salesperson": sp})) == ["C002"]
    assert nos(selectors.contact_list(params={"salesperson": "JO"})) == ["C002"]
    assert nos(selectors.contact_list(params={"territory": territory})) == ["C002"]
    assert nos(selectors.contact_list(params={"country": "NL"})) == ["C003"]


def test_filters_combine_with_search(sample):
    page = selectors.contact_list(params={"q": "berg", "type": "company"})
    assert nos(page) == ["C001"]


def test_keyset_pagination_walks_forward_and_back():
    Contact.objects.bulk_create(
        Contact(no=f"K{i:04d}", name=f"Firma {i}", search_name=f"FIRMA {i}") for i in range(120)
    )
    first = selectors.contact_list(params={}, page_size=50)
    assert nos(first)[0] == "K0000" and len(first.contacts) == 50
    assert first.has_next and not first.has_previous
    assert first.total == 120 and not first.total_capped

    second = selectors.contact_list(params={}, after=first.next_after, page_size=50)
    assert nos(second)[0] == "K0050" and second.has_next and second.has_previous

    third = selectors.contact_list(params={}, after=second.next_after, page_size=50)
    assert nos(third) == [f"K{i:04d}" for i in range(100, 120)]
    assert not third.has_next and third.has_previous

    back = selectors.contact_list(params={}, before=third.previous_before, page_size=50)
    assert nos(back) == nos(second)

    back_to_first = selectors.contact_list(params={}, before=back.previous_before, page_size=50)
    assert nos(back_to_first) == nos(first)
    assert not back_to_first.has_previous


def test_a_page_without_count_has_the_same_rows_and_no_total():
    Contact.objects.bulk_create(
        Contact(no=f"K{i:04d}", name=f"Firma {i}", search_name=f"FIRMA {i}") for i in range(60)
    )
    counted = selectors.contact_list(params={"q": "firma"}, page_size=50)
    with CaptureQueriesContext(connection) as ctx:
        uncounted = selectors.contact_list(params={"q": "firma"}, page_size=50, count=False)
    assert len(ctx.captured_queries) == 1  # the page; no COUNT
    assert nos(uncounted) == nos(counted) and uncounted.has_next
    assert uncounted.total is None and counted.total == 60
    assert uncounted.last_position is None
    last = selectors.contact_list(params={}, last=True, page_size=50, count=False)
    assert nos(last)[-1] == "K0059" and last.position == 0


def test_count_is_capped():
    Contact.objects.bulk_create(
        Contact(no=f"K{i:04d}", name=f"Firma {i}", search_name=f"FIRMA {i}") for i in range(7)
    )
    qs = selectors.contact_filter(params={})
    assert selectors.contact_count_capped(qs, cap=5) == (5, True)
    assert selectors.contact_count_capped(qs, cap=7) == (7, False)


def test_page_params_keep_filters_for_the_next_link(sample):
    sp = SalespersonFactory(code="JO")
    page = selectors.contact_list(params={"q": "berg", "salesperson": sp, "type": ""})
    assert page.params == {"q": "berg", "salesperson": "JO"}


@pytest.mark.parametrize("size", [5, 60])
def test_query_count_does_not_grow_with_the_data(size):
    sp = SalespersonFactory(code="JO")
    territory = TerritoryFactory(code="NORD")
    company = make("A0000", "Mother AS", salesperson=sp, territory=territory)
    for i in range(size):
        make(
            f"A{i + 1:04d}",
            f"Person {i}",
            type=Contact.Type.PERSON,
            company=company,
            salesperson=sp,
            territory=territory,
        )
    with CaptureQueriesContext(connection) as ctx:
        page = selectors.contact_list(params={"q": "pers"})
        # touching the related rows the table shows costs nothing more
        [(c.company.name, c.salesperson.name, c.territory.code) for c in page.contacts]
    # The page, and the capped count when there are more rows than a page (a first
    # page holding every row is its own count): never more with more data.
    assert len(ctx.captured_queries) == (1 if size + 1 <= 50 else 2)
