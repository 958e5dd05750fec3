"""Lists (issue 8.3): sorting with keyset paging, counts and position, bulk actions."""

from __future__ import annotations

import random

import pytest
from django.urls import reverse

from contacts import selectors
from contacts.models import Contact
from contacts.searchkeys import fold
from listing.keyset import keyset_page
from tests.factories import SalespersonFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

CITIES = ["Bergen", "Oslo", "Ålesund", "Delft", "", "Bodø"]


@pytest.fixture
def contacts():
    rnd = random.Random(8)
    people = [SalespersonFactory(code=c) for c in ("AA", "BB", "CC")]
    made = []
    for i in range(23):
        made.append(
            Contact.objects.create(
                no=f"K{i:03d}",
                name=rnd.choice(["Fjord AS", "Berg BV", "Næss AS", "Aas AS"]) + f" {i % 5}",
                city=rnd.choice(CITIES),
                salesperson=rnd.choice([*people, None]),
            )
        )
    return made


def _expected(rows, field, descending):
    def value(c):
        if field == "city":  # sorted by its key, as the name is: Ålesund with the A's
            return fold(c.city)
        return getattr(c, field)

    nulls = [c for c in rows if value(c) is None]
    rest = [c for c in rows if value(c) is not None]
    rest.sort(key=lambda c: (value(c), c.no), reverse=descending)
    nulls.sort(key=lambda c: c.no, reverse=descending)
    return [c.no for c in (nulls + rest if descending else rest + nulls)]


@pytest.mark.parametrize(
    "sort", ["no", "-no", "name", "-name", "city", "-city", "salesperson", "-salesperson"]
)
def test_keyset_pages_walk_the_whole_sorted_list_both_ways(contacts, sort):
    field = {"no": "no", "name": "name_key", "city": "city", "salesperson": "salesperson_id"}[
        sort.removeprefix("-")
    ]
    rows = list(Contact.objects.all())
    expected = _expected(rows, field, sort.startswith("-"))
    seen, after, position = [], None, 0
    while True:
        page = selectors.contact_list(
            params={}, sort=sort, after=after, position=position, page_size=4
        )
        assert page.position == len(seen)
        seen += [c.no for c in page.contacts]
        if not page.has_next:
            break
        after, position = page.next_after, page.next_position
    assert seen == expected
    # ...and back from the last page to the first.
    back = []
    page = selectors.contact_list(params={}, sort=sort, last=True, page_size=4)
    assert page.position == 23 - len(page.contacts)
    while True:
        back = [c.no for c in page.contacts] + back
        if not page.has_previous:
            break
        page = selectors.contact_list(
            params={}, sort=sort, before=page.previous_before, page_size=4
        )
    assert back == expected


def test_unknown_sort_falls_back_and_a_deleted_cursor_restarts(contacts):
    page = selectors.contact_list(params={}, sort="password", after="NOPE", page_size=5)
    assert page.sort == "no"
    page = selectors.contact_list(params={}, sort="city", after="NOPE", page_size=5)
    assert [c.no for c in page.contacts] == _expected(list(Contact.objects.all()), "city", False)[
        :5
    ]


def test_count_is_exact_when_cheap_and_capped_otherwise(contacts):
    page = keyset_page(
        Contact.objects.all(),
        sort="no",
        options=selectors.SORTS,
        tiebreak="no",
        count_cap=10,
        page_size=5,
    )
    assert (page.total, page.total_capped) == (10, True)
    assert page.last_position is None  # no "Last" link without an exact total
    page = selectors.contact_list(params={}, page_size=5)
    assert (page.total, page.total_capped) == (23, False)


def test_a_first_page_holding_every_row_is_counted_without_a_count_query(contacts):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_and_counts(**kwargs):
        with CaptureQueriesContext(connection) as queries:
            page = keyset_page(
                Contact.objects.all(), sort="no", options=selectors.SORTS, tiebreak="no", **kwargs
            )
        return page, sum("COUNT(" in q["sql"] for q in queries)

    page, counts = page_and_counts(page_size=50)  # all 23 on the first page
    assert (page.total, page.total_capped, counts) == (23, False, 0)
    assert page.last_position == 0 and not page.has_next
    page, counts = page_and_counts(page_size=23)  # exactly one page full
    assert (page.total, page.total_capped, counts) == (23, False, 0)
    page, counts = page_and_counts(page_size=5)  # more rows than the page: counted
    assert (page.total, page.total_capped, counts) == (23, False, 1)
    assert page.last_position == 18
    page, counts = page_and_counts(page_size=5, after="K004")  # a later page: counted
    assert (page.total, counts) == (23, 1)
    assert [c.no for c in page.rows] == ["K005", "K006", "K007", "K008", "K009"]


def test_list_page_sorts_by_a_column_head(staff_client, contacts):
    html = staff_client.get(reverse("contacts:list"), {"sort": "-city"}).content.decode()
    assert 'aria-sort="descending"' in html
    assert "?sort=city" in html  # clicking again sorts ascending
    assert 'data-href="/contacts/' in html  # whole rows open the card


def _queries(client, url, params=None):
    client.get(url, params)  # warm caches (content types, setup)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "contacts:list",
        "interactions:list",
        "opportunities:list",
        "relations:list",
        "duplicates:list",
        "home",
    ],
)
def test_query_count_per_page_stays_constant_with_the_data(
    admin_client, url, django_assert_max_num_queries
):
    from tests.factories import CompanyFactory, PersonFactory

    def grow(n):
        for _i in range(n):
            company = CompanyFactory(salesperson=SalespersonFactory(), territory=TerritoryFactory())
            PersonFactory(company=company)

    grow(2)
    small = _queries(admin_client, reverse(url))
    grow(12)
    large = _queries(admin_client, reverse(url))
    assert large == small
