"""Reads for the contact staff pages: the searchable, filterable contact list.

The list has to stay fast with a million contacts, so:

- pagination is by key ("after no. X" / "before no. X") on the unique `no`, never OFFSET;
- the total is counted only up to `COUNT_CAP + 1` rows (`SELECT COUNT(*) FROM (... LIMIT n)`),
  so a broad result costs the same as a narrow one;
- the search box matches by *prefix* (no., search name, city, post code, phone, e-mail), which
  b-tree indexes answer, and by "contains" on the name only from `NAME_CONTAINS_MIN_LENGTH`
  characters (PostgreSQL answers that from a trigram index where one exists);
- filters are equalities on indexed columns that lead (filter, no) composite indexes, so a
  filtered page is read in `no` order without sorting the filtered set.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import connection, connections
from django.db.models import Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper

from contacts import places, searchkeys
from contacts.models import Contact, ContactPlace
from listing import keyset

PAGE_SIZE = keyset.PAGE_SIZE
# Counting stops here ("more than 1,000"): finding 1,001 matches of a broad search costs
# a few thousand rows read, finding 10,001 ten times as many (measured in
# benchmarks/contacts_list.py: 30 ms against 300 ms for a 5 % match at 1M rows).
COUNT_CAP = keyset.COUNT_CAP
NAME_CONTAINS_MIN_LENGTH = 3
FILTER_KEYS = ("q", "type", "company", "salesperson", "territory", "country")
# The sorts the list offers: each column leads an index that ends with no., so a page
# in that order is an index range (see Contact.Meta.indexes).
SORTS = (
    keyset.SortOption("no", "no"),
    keyset.SortOption("name", "name_key"),  # contact_name_key_no
    # The city key and the no. copied beside it: contact_place_city_no (contacts/places.py).
    keyset.SortOption("city", "place__city_key", tiebreak="place__no"),
    keyset.SortOption("type", "type"),  # contact_type_no
    keyset.SortOption("country", "country"),  # contact_country_no
    keyset.SortOption("salesperson", "salesperson_id", nullable=True),  # contact_salesperson_no
    keyset.SortOption("territory", "territory_id", nullable=True),  # contact_territory_no
)
DEFAULT_SORT = "no"


class ContactPage(keyset.Page):
    """One page of the contact list (keyset.Page; `contacts` are its rows)."""

    @property
    def contacts(self) -> list[Contact]:
        return self.rows


class _Named:
    """The company, salesperson or territory of a ContactRow: what the list shows of it."""

    __slots__ = ("description", "name", "no")

    def __init__(self, no=None, name=None, description=None):
        self.no, self.name, self.description = no, name, description


class ContactRow:
    """A contact as the list shows it (contact_links.contact_rows): the attributes of a
    Contact it reads, from one values_list row instead of a model instance for the
    contact and one each for its company, salesperson and territory."""

    FIELDS = (
        "no",
        "name",
        "type",
        "company_id",
        "city",
        "phone_no",
        "email",
        "salesperson_id",
        "territory_id",
        "company__no",
        "company__name",
        "salesperson__name",
        "territory__description",
    )
    __slots__ = (
        "city",
        "company",
        "company_id",
        "email",
        "name",
        "no",
        "phone_no",
        "salesperson",
        "salesperson_id",
        "territory",
        "territory_id",
        "type",
    )

    def __init__(self, values: tuple):
        (
            self.no,
            self.name,
            self.type,
            self.company_id,
            self.city,
            self.phone_no,
            self.email,
            self.salesperson_id,
            self.territory_id,
            company_no,
            company_name,
            salesperson_name,
            territory_description,
        ) = values
        self.company = _Named(no=company_no, name=company_name) if self.company_id else None
        self.salesperson = _Named(name=salesperson_name) if self.salesperson_id else None
        self.territory = _Named(description=territory_description) if self.territory_id else None

    def get_type_display(self) -> str:
        return str(dict(Contact.Type.choices).get(self.type, self.type))


def _next_prefix(value: str) -> str:
    """The smallest string greater than every string that starts with `value`."""
    return value[:-1] + chr(ord(value[-1]) + 1)


def _prefix_q(lookup: str, value: str) -> Q:
    """`lookup` starts with `value`, written so the column's b-tree index is used.

    PostgreSQL uses the index for LIKE 'abc%' (C collation, or the varchar_pattern_ops
    indexes). SQLite's LIKE is case-insensitive and so cannot use a binary index: a range
    (value <= col < next prefix, exact for binary collation) lets it use one.
    """
    q = Q(**{f"{lookup}__startswith": value})
    if connection.vendor == "sqlite":
        q &= Q(**{f"{lookup}__gte": value, f"{lookup}__lt": _next_prefix(value)})
    return q


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _sql_upper_variants(text: str) -> set[str]:
    """What UPPER(column) in SQL may look like for a column matching `text`.

    PostgreSQL's UPPER() follows the locale, like Python's. SQLite's only knows ASCII
    letters (Tromsø -> TROMSø, Ålesund -> ÅLESUND): try both the ASCII-only and the
    full upper-casing, which covers non-ASCII letters stored as typed in either case
    except a lower-case letter stored and an upper-case one typed.
    """
    if connection.vendor != "sqlite":
        return {text.upper()}
    return {text.translate(_ASCII_UPPER), text.upper()}


def _key_prefix_q(field: str, value: str) -> Q:
    """A search key starts with `value`: a range on the key's plain b-tree index (keys are
    folded ASCII, so the range is the prefix on either database), plus the exact test."""
    return Q(**{f"{field}__gte": value, f"{field}__lt": _next_prefix(value)}) & Q(
        **{f"{field}__startswith": value}
    )


def _place_search_q(text: str) -> Q:
    """Prefix matches on a ContactPlace (contacts/places.py): the city by its key ("tromso"
    finds Tromsø, as a name is found by its key), the post code as typed (upper case)."""
    q = _prefix_q("post_code", text.upper())
    folded = places.city_key(text)
    if folded:
        q |= _key_prefix_q("city_key", folded)
    return q


def _place_ids(text: str) -> QuerySet:
    return ContactPlace.objects.filter(_place_search_q(text)).values("contact_id")


def _prefix_search_q(text: str) -> Q:
    """Prefix matches on the indexed columns of the contact row (needs the upper_email
    alias); the city and post code are matched in ContactPlace (`_place_search_q`)."""
    upper = text.upper()  # search_name and no. are upper-cased in Python
    q = _prefix_q("no", upper) | _prefix_q("search_name", upper)
    for sql_upper in _sql_upper_variants(text):  # compared with UPPER(column) in SQL
        q |= _prefix_q("upper_email", sql_upper)
    folded = searchkeys.fold(text)
    if folded:  # "saether" finds Sæther, "naess" Næss
        q |= _key_prefix_q("name_key", folded)
    if searchkeys.looks_like_phone(text):  # "62 45 93 46", "+47 62459346", "0047 …"
        digits = searchkeys.phone_key(text)
        if digits:
            q |= _key_prefix_q("phone_key", digits) | _key_prefix_q("mobile_key", digits)
    domain = text.lower().removeprefix("@")
    if domain and " " not in domain and "@" not in domain:  # "oslomaling" finds post@oslomaling.no
        q |= _key_prefix_q("email_domain", domain)
    return q


def _with_search_aliases(qs: QuerySet[Contact]) -> QuerySet[Contact]:
    return qs.alias(upper_email=Upper("email"))


def _search_branches(text: str) -> list[Q]:
    """The search as conditions whose union is the result: the contact row's own columns
    (PostgreSQL answers their OR from its indexes at once: BitmapOr), and the place row's
    city and post code (a subquery: an OR with it could use no index)."""
    folded = searchkeys.fold(text)
    own = _prefix_search_q(text)
    if len(text) >= NAME_CONTAINS_MIN_LENGTH and len(folded) >= NAME_CONTAINS_MIN_LENGTH:
        own |= Q(name_key__contains=folded)  # PostgreSQL: the trigram index
    return [own, Q(id__in=_place_ids(text))]


def _search(qs: QuerySet[Contact], text: str) -> QuerySet[Contact]:
    """Prefix search on no., search name, name key, city key, post code, phone keys,
    e-mail and e-mail domain; from NAME_CONTAINS_MIN_LENGTH characters also the folded
    name containing the folded text. One queryset (contact_list pages the branches of
    `_search_branches` on its own on PostgreSQL, where that is faster)."""
    qs = _with_search_aliases(qs)
    folded = searchkeys.fold(text)
    if len(text) < NAME_CONTAINS_MIN_LENGTH or len(folded) < NAME_CONTAINS_MIN_LENGTH:
        return qs.filter(_prefix_search_q(text) | Q(id__in=_place_ids(text)))
    if connection.vendor == "sqlite":
        # SQLite has no index for "contains", so the name needs a full scan. Keep it
        # cheap: the prefix matches come once from their indexes (MULTI-INDEX OR) as
        # an id set, and the scan only tests the name key with LIKE instead of every
        # prefix condition on every row.
        prefix_ids = _with_search_aliases(Contact.objects.all()).filter(_prefix_search_q(text))
        return qs.filter(
            Q(id__in=prefix_ids.values("id"))
            | Q(id__in=_place_ids(text))
            | Q(name_key__contains=folded)
        )
    return qs.filter(_search_branches(text)[0] | Q(id__in=_place_ids(text)))


def _filters(qs: QuerySet[Contact], params: Mapping[str, Any]) -> QuerySet[Contact]:
    """The list's filters other than the search text."""
    if params.get("type"):
        qs = qs.filter(type=params["type"])
    company_no = str(params.get("company") or "").strip().upper()
    if company_no:
        company_ids = Contact.objects.filter(no=company_no, type=Contact.Type.COMPANY).values("id")
        qs = qs.filter(Q(id__in=Subquery(company_ids)) | Q(company_id__in=Subquery(company_ids)))
    salesperson = params.get("salesperson")
    if salesperson:
        qs = qs.filter(salesperson_id=getattr(salesperson, "pk", salesperson))
    territory = params.get("territory")
    if territory:
        qs = qs.filter(territory_id=getattr(territory, "pk", territory))
    if params.get("country"):
        qs = qs.filter(country=params["country"])
    return qs


def contact_filter(*, params: Mapping[str, Any]) -> QuerySet[Contact]:
    """Contacts matching the list's search text and filters (unordered, unsliced).

    `params` keys (all optional, blank means no filter): q (search text), type,
    company (company no.: the company and its persons), salesperson (code),
    territory (code), country (ISO code).
    """
    qs = Contact.objects.all()
    text = str(params.get("q") or "").strip()
    if text:
        qs = _search(qs, text)
    return _filters(qs, params)


def contact_count_capped(qs: QuerySet[Contact], *, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, capped): counts at most cap + 1 rows, so it costs O(cap), not O(table)."""
    return keyset.count_capped(qs, cap=cap)


def contact_list(
    *,
    params: Mapping[str, Any],
    after: str | None = None,
    before: str | None = None,
    last: bool = False,
    sort: str | None = None,
    position: int = 0,
    page_size: int = PAGE_SIZE,
    count: bool = True,
    related: tuple[str, ...] = ("company", "salesperson", "territory"),
    as_rows: bool = False,
) -> ContactPage:
    """One page of the contact list in the order `sort` (see SORTS; default no.), after or
    before a given no. (keyset), or the last page. `count=False`: no total (None), for
    callers that show none (the API, the global search).

    Four queries or fewer (count, the cursor's sort value, page; nothing per row): the
    company of each person and the salesperson/territory come with the page by joins
    (`related`: the API shows only the company's no., and the codes it has in the row).
    `as_rows`: the rows are ContactRow (what the list page shows), not Contact.
    """
    text = str(params.get("q") or "").strip()
    branches: list[Q] = []
    if text and connection.vendor == "postgresql":
        # Each branch of the search from its own indexes, the page from their union.
        qs = _filters(_with_search_aliases(Contact.objects.all()), params)
        branches = _search_branches(text)
    else:
        qs = contact_filter(params=params)
    sort = keyset.parse_sort(sort, SORTS, DEFAULT_SORT)
    if sort.removeprefix("-") == "city":
        # An inner join, so the place rows' index can lead (every contact has one).
        qs = qs.filter(place__isnull=False)
    if not as_rows:
        qs = qs.select_related(*related)
    clean_params = {
        key: str(getattr(params.get(key), "pk", params.get(key)) or "")
        for key in FILTER_KEYS
        if params.get(key)
    }
    return keyset.keyset_page(
        qs,
        sort=sort,
        options=SORTS,
        tiebreak="no",
        after=after,
        before=before,
        last=last,
        position=position,
        page_size=page_size,
        params=clean_params,
        page_class=ContactPage,
        default_sort=DEFAULT_SORT,
        count=count,
        values=ContactRow.FIELDS if as_rows else None,
        row=ContactRow if as_rows else None,
        branches=branches,
    )


# Export columns: the import file's header (contacts.importing.HEADER) and where each
# value comes from, so an exported file imports again as it is.
EXPORT_COLUMNS = {
    "type": "type",
    "no": "no",
    "name": "name",
    "company_no": "company__no",
    "first_name": "first_name",
    "middle_name": "middle_name",
    "surname": "surname",
    "job_title": "job_title",
    "address": "address",
    "address_2": "address_2",
    "post_code": "post_code",
    "city": "city",
    "county": "county",
    "country_region_code": "country",
    "phone_no": "phone_no",
    "mobile_phone_no": "mobile_phone_no",
    "email": "email",
    "fax_no": "fax_no",
    "language_code": "language_id",
    "territory_code": "territory_id",
    "salesperson_code": "salesperson_id",
    "vat_registration_no": "vat_registration_no",
}


def company_resolve(text: str, *, limit: int = 6) -> list[Contact]:
    """The companies a typed company no. or name stands for (reference 2.10), in this
    order, stopping at the first step with a hit: exact no.; exact name (any case); no.
    or name starting with the text; no., name, city, phone no. or post code containing
    it. One element: that company; several: the caller asks the user to choose."""
    text = (text or "").strip()
    if not text:
        return []
    companies = Contact.objects.filter(type=Contact.Type.COMPANY).order_by("no")
    steps = (
        Q(no=text.upper()),
        Q(name__iexact=text),
        Q(no__startswith=text.upper()) | Q(name__istartswith=text),
        Q(no__contains=text.upper())
        | Q(name__icontains=text)
        | Q(city__icontains=text)
        | Q(phone_no__icontains=text)
        | Q(post_code__icontains=text),
    )
    for step in steps:
        found = list(companies.filter(step)[:limit])
        if found:
            return found
    return []


LOOKUP_SIZE = 8


def contact_lookup(
    text: str, *, companies_only: bool = False, kind: str = "", limit: int = LOOKUP_SIZE
):
    """What a lookup field offers for typed text: the list's search (no., name in any
    spelling, phone, e-mail, city...), companies only (or contacts of `kind`) when asked,
    in no. order."""
    kind = Contact.Type.COMPANY if companies_only else kind
    params = {"q": text, "type": kind if kind in Contact.Type.values else ""}
    text = str(text or "").strip()
    if text and connection.vendor == "postgresql":
        # The first keys of each branch of the search, then their rows (see contact_list).
        qs = _filters(_with_search_aliases(Contact.objects.all()), params)
        keys = [qs.filter(b).order_by("no").values("pk")[:limit] for b in _search_branches(text)]
        qs = Contact.objects.filter(pk__in=keys[0].union(*keys[1:]))
    else:
        qs = contact_filter(params=params)
    return list(qs.select_related("company").order_by("no")[:limit])


# --- numbers that no longer exist ---------------------------------------------------
# A contact merged into another keeps resolving by its old number (11.4): the
# duplicates app registers a resolver in its ready() (contacts never imports it).

NumberResolver = Callable[[list[str]], dict[str, Contact]]
_number_resolvers: list[NumberResolver] = []


def register_number_resolver(resolver: NumberResolver) -> None:
    """`resolver(numbers)` -> {old number: the contact it now stands for}."""
    if resolver not in _number_resolvers:
        _number_resolvers.append(resolver)


def contacts_for_old_nos(nos) -> dict[str, Contact]:
    """{number: contact} for numbers no contact has any more but that stand for one
    (a merged contact's number → the kept contact)."""
    wanted = [no for no in dict.fromkeys(nos) if no]
    found: dict[str, Contact] = {}
    for resolver in _number_resolvers:
        if not wanted:
            break
        found.update(resolver(wanted))
        wanted = [no for no in wanted if no not in found]
    return found


def contact_for_old_no(no: str) -> Contact | None:
    """The contact an old (merged) number stands for, or None."""
    return contacts_for_old_nos([no]).get(no)


def key_set(keys: Iterable[int], *, using: str = "default") -> RawSQL:
    """A subquery yielding these integer keys, passed as ONE query parameter (an array on
    PostgreSQL, a JSON array on SQLite), for ``filter(pk__in=key_set(ids))``: one
    statement however many keys, with no limit on query parameters (a list of keys as
    ``IN (%s, %s, ...)`` needs chunks, one statement per chunk)."""
    keys = [int(key) for key in keys]
    if connections[using].vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [keys])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(keys)])
