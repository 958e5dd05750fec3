"""The other staff lists on the `listing` app (issue 8.3): interactions, opportunities,
customers, vendors, bank accounts and duplicates sort by their indexed columns, page by
keyset (no OFFSET), count exactly when cheap with the position shown, open a record from
the whole row, and cost the same number of queries whatever the data."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact
from duplicates.models import ContactDuplicate
from interactions.models import InteractionLogEntry
from opportunities.models import Opportunity
from relations.models import BankAccount, Customer, Vendor
from tests.factories import SalespersonFactory

pytestmark = pytest.mark.django_db

CITIES = ["Bergen", "Oslo", "Ålesund", "Delft", "Bodø"]


def _grow(kind: str, start: int, n: int) -> None:
    """n more rows of a list (numbers from `start`), made in bulk."""
    span = range(start, start + n)
    if kind == "interactions":
        contact = Contact.objects.get_or_create(no="CTX", defaults={"name": "Fjord AS"})[0]
        InteractionLogEntry.objects.bulk_create(
            InteractionLogEntry(
                contact=contact,
                contact_no=contact.no,
                contact_name=contact.name,
                date=datetime.date(2026, 1, 1) + datetime.timedelta(days=(i * 7) % 40),
                description=f"Call {i}",
            )
            for i in span
        )
    elif kind == "opportunities":
        people = [SalespersonFactory() for _ in range(2)]
        contacts = Contact.objects.bulk_create(
            Contact(no=f"OC{i:03d}", name=f"Firm {i}") for i in span
        )
        Opportunity.objects.bulk_create(
            Opportunity(
                no=f"OP{i:04d}",
                description=f"Deal {i}",
                contact=contact,
                salesperson=people[i % 2],
                estimated_value=Decimal((i * 37) % 11 * 100),
                estimated_closing_date=(
                    datetime.date(2026, 3, 1) + datetime.timedelta(days=i % 5) if i % 3 else None
                ),
            )
            for i, contact in zip(span, contacts, strict=True)
        )
    elif kind in {"customers", "vendors", "bank-accounts"}:
        model = {"customers": Customer, "vendors": Vendor, "bank-accounts": BankAccount}[kind]
        model.objects.bulk_create(
            model(no=f"E{i:04d}", name=f"{'ZYXWVUTS'[i % 8]} Firma {i}", city=CITIES[i % 5])
            for i in span
        )
    elif kind == "duplicates":
        firsts = Contact.objects.bulk_create(
            Contact(no=f"DA{i:03d}", name=f"Berg {i} AS") for i in span
        )
        seconds = Contact.objects.bulk_create(
            Contact(no=f"DB{i:03d}", name=f"Berg {i} A/S") for i in span
        )
        ContactDuplicate.objects.bulk_create(
            ContactDuplicate(
                contact=a, duplicate=b, score=50 + (i * 13) % 40, no_of_matching_strings=2
            )
            for i, a, b in zip(span, firsts, seconds, strict=True)
        )


LISTS = {
    # kind: (url, extra query, sorts, id of the table)
    "interactions": ("interactions:list", {}, ["no", "date", "contact"], "interaction-entries"),
    "opportunities": (
        "opportunities:list",
        {},
        ["no", "contact", "salesperson", "status", "value", "closing"],
        "opportunities",
    ),
    "customers": ("relations:list", {"tab": "customers"}, ["no", "name", "city"], "relation-list"),
    "vendors": ("relations:list", {"tab": "vendors"}, ["no", "name", "city"], "relation-list"),
    "bank-accounts": (
        "relations:list",
        {"tab": "bank-accounts"},
        ["no", "name", "city"],
        "relation-list",
    ),
    "duplicates": ("duplicates:list", {}, ["score"], "duplicates"),
}


def _next_link(body: str) -> str | None:
    found = re.search(r'rel="next" href="([^"]+)"', body)
    return found.group(1).replace("&amp;", "&") if found else None


def _row_links(body: str) -> list[str]:
    return re.findall(r'<tr[^>]* data-href="([^"]+)"', body)


@pytest.mark.parametrize("kind", list(LISTS))
def test_every_sort_pages_through_the_whole_list_without_offset(admin_client, kind):
    """Each sort, both ways, walks all rows exactly once, 50 a page, with the position;
    no query uses OFFSET; every row opens its record."""
    url_name, extra, sorts, _table = LISTS[kind]
    _grow(kind, 0, 53)
    url = reverse(url_name)
    for sort in [*sorts, *(f"-{s}" for s in sorts)]:
        seen: list[str] = []
        with CaptureQueriesContext(connection) as ctx:
            response = admin_client.get(url, {**extra, "sort": sort})
            body = response.content.decode()
            assert response.status_code == 200
            assert "1–50 of 53" in body
            assert 'aria-sort="ascending"' in body or 'aria-sort="descending"' in body
            seen += _row_links(body)
            link = _next_link(body)
            assert link and (f"sort={sort}" in link or "sort=" not in link)  # default: none
            body = admin_client.get(url + link).content.decode()
            assert "51–53 of 53" in body
            assert _next_link(body) is None
            seen += _row_links(body)
        assert len(seen) == 53 and len(set(seen)) == 53, sort
        assert not [q for q in ctx.captured_queries if "OFFSET" in q["sql"].upper()]


def test_sorted_pages_follow_the_column_order(admin_client):
    _grow("customers", 0, 12)
    body = admin_client.get(reverse("relations:list"), {"tab": "customers", "sort": "-city"})
    cities = re.findall(r'data-label="City">([^<]*)<', body.content.decode())
    assert cities == sorted(cities, reverse=True)
    assert "?tab=customers&amp;sort=city" in body.content.decode()  # again: ascending


def test_opportunities_by_value_best_first_and_back(admin_client):
    _grow("opportunities", 0, 9)
    body = admin_client.get(reverse("opportunities:list"), {"sort": "-value"}).content.decode()
    values = [
        Opportunity.objects.get(no=n.rsplit("/", 2)[-2]).estimated_value for n in _row_links(body)
    ]
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize(
    "query",
    [
        {"after": "abc"},
        {"before": "1\x07"},
        {"after": "9" * 80},
        {"sort": "password"},
        {"pos": "-5"},
        {"last": "1"},
    ],
)
@pytest.mark.parametrize("kind", ["interactions", "opportunities", "customers", "duplicates"])
def test_hand_made_paging_links_show_a_page(admin_client, kind, query):
    url_name, extra, _sorts, _table = LISTS[kind]
    _grow(kind, 0, 3)
    response = admin_client.get(reverse(url_name), {**extra, **query})
    assert response.status_code == 200
    assert "pagination" in response.content.decode()  # a page (maybe empty), not an error


def test_the_filters_stay_in_the_paging_links(admin_client):
    _grow("interactions", 0, 52)
    body = admin_client.get(
        reverse("interactions:list"), {"contact": "CTX", "sort": "date"}
    ).content.decode()
    link = _next_link(body)
    assert "contact=CTX" in link and "sort=date" in link


def _queries(client, url, params) -> int:
    client.get(url, params)  # warm caches (content types, setup)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kind", list(LISTS))
@pytest.mark.parametrize("sort", ["", "second"])
def test_query_count_stays_constant_with_the_list_data(admin_client, kind, sort):
    url_name, extra, sorts, _table = LISTS[kind]
    params = {**extra}
    if sort:
        params["sort"] = sorts[min(1, len(sorts) - 1)]
    _grow(kind, 0, 2)
    small = _queries(admin_client, reverse(url_name), params)
    _grow(kind, 2, 25)
    large = _queries(admin_client, reverse(url_name), params)
    assert large == small
