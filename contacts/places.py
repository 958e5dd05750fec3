"""The city and post code the contact list sorts and searches by, kept in `ContactPlace`
(one row per contact) instead of in indexes of the contact table (issue 15.5).

Why: PostgreSQL updates a row without touching any index (a HOT update, on the same
page: the contact table keeps half of each page free, contacts 0013) only when no
changed column is named by an index of the table. A company that moves passes its
address block on to its persons; while the contact table had indexes on the city and
the post code, each such change wrote ~21 index entries per person (about 1 s for
10,000 persons). Here the person rows change HOT, and only the narrow place rows (three
indexes) get new entries.

What a place row holds: the contact's no. (the city sort pages by (city key, no.) from
one index), the city's key (`searchkeys.fold`: the city sorts and is found regardless of
case, accents and the Nordic spellings, as the name is by its key) and the post code
(prefix search, as typed).

Every write path keeps it, in the statement's transaction, set-based where the write
is: a save (`place_after_save`, from the post_save receiver), `ContactQuerySet.update()`
and `update_known()` (`before_update`: one UPDATE of the place rows for constant
values, else the rows' keys read back after the update), `ContactQuerySet.bulk_create()`
and the import's own inserts and renumbering (`places_insert`, `places_renumber`). A
contact's delete removes its place row (CASCADE).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connections

from contacts import searchkeys

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from contacts.models import Contact

CITY_KEY_LENGTH = 60  # a 30-character city may fold longer ("ß" -> "ss")
# The contact's fields a place row is made from.
SOURCE_FIELDS = ("no", "city", "post_code")
_CHUNK = 5_000


def city_key(city: str) -> str:
    """The key the list sorts a city by and finds it by (see searchkeys.fold)."""
    return searchkeys.fold(city or "")[:CITY_KEY_LENGTH]


def place_values(*, no: str, city: str, post_code: str) -> dict[str, str]:
    """A place row's values for a contact's no., city and post code."""
    return {"no": no or "", "city_key": city_key(city), "post_code": post_code or ""}


def _source(contact: Contact) -> tuple[str, str, str]:
    return (contact.no or "", contact.city or "", contact.post_code or "")


def _values_of(contact: Contact) -> dict[str, str]:
    return place_values(no=contact.no, city=contact.city, post_code=contact.post_code)


def remember(contact: Contact, old: dict[str, Any] | None) -> None:
    """Before a save: the stored no., city and post code (None for a new contact), so
    `place_after_save` writes only when one of them changed."""
    contact._contacts_place_old = (
        None if old is None else (old["no"] or "", old["city"] or "", old["post_code"] or "")
    )


def place_after_save(contact: Contact, *, created: bool, update_fields=None, using: str) -> None:
    """After a contact's save: insert its place row, or update it when the no., city or
    post code changed (one statement; none when they did not)."""
    from contacts.models import ContactPlace

    old = contact.__dict__.pop("_contacts_place_old", ...)
    if created:
        ContactPlace.objects.using(using).create(contact_id=contact.pk, **_values_of(contact))
        return
    if update_fields is not None and not set(SOURCE_FIELDS).intersection(update_fields):
        return
    if old is not ... and old == _source(contact):
        return
    values = _values_of(contact)
    if not ContactPlace.objects.using(using).filter(pk=contact.pk).update(**values):
        ContactPlace.objects.using(using).create(contact_id=contact.pk, **values)


def places_insert(contacts: Iterable[Contact], *, using: str) -> None:
    """The place rows of contacts just inserted in bulk (their pks set): one statement
    per chunk (an array per column on PostgreSQL, executemany on SQLite)."""
    rows = [(contact.pk, *_values_of(contact).values()) for contact in contacts]
    for start in range(0, len(rows), _CHUNK):
        _write(rows[start : start + _CHUNK], using=using)


def before_update(queryset: QuerySet[Contact], values: dict[str, Any]) -> Callable[[], None]:
    """Before `queryset.update(**values)`, in its transaction: bring the place rows of
    the rows it changes up to date (the filter still selects them). Constant values:
    one UPDATE of those place rows now. Expressions (a CASE per row, F()): the rows'
    ids now, and their place rows rewritten from the stored values by the returned
    callable, to be called after the update. Returns a callable in either case."""
    from contacts.models import ContactPlace

    fields = [f for f in SOURCE_FIELDS if f in values]
    if not fields:
        return _nothing
    if any(hasattr(values[f], "resolve_expression") for f in fields):  # F(), Case(), ...
        ids = list(queryset.order_by().values_list("pk", flat=True))
        return lambda: places_refresh(ids, using=queryset.db)
    changes: dict[str, Any] = {}
    if "no" in values:
        changes["no"] = values["no"] or ""
    if "city" in values:
        changes["city_key"] = city_key(values["city"])
    if "post_code" in values:
        changes["post_code"] = values["post_code"] or ""
    ContactPlace.objects.using(queryset.db).filter(
        contact__in=queryset.order_by().values("pk")
    ).update(**changes)
    return _nothing


def _nothing() -> None:
    return None


def places_refresh(ids: Sequence[int], *, using: str) -> None:
    """Rewrite the place rows of contacts `ids` from their stored no., city and post
    code (read back, the keys made here): one read and one write per chunk."""
    from contacts.models import Contact

    for start in range(0, len(ids), _CHUNK):
        part = list(ids[start : start + _CHUNK])
        rows = [
            (pk, *place_values(no=no, city=city, post_code=post_code).values())
            for pk, no, city, post_code in Contact.objects.using(using)
            .filter(pk__in=part)
            .values_list("pk", *SOURCE_FIELDS)
        ]
        _write(rows, using=using)


def places_renumber(ids: Sequence[int], numbers: Sequence[str], *, using: str) -> None:
    """The contacts `ids` were given `numbers` by a raw UPDATE (the import's final step)."""
    from contacts.models import ContactPlace

    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(ContactPlace._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET {quote('no')} = v.no FROM UNNEST(%s::bigint[], "
                f"%s::text[]) AS v(id, no) WHERE {table}.{quote('contact_id')} = v.id",
                [list(ids), list(numbers)],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET {quote('no')} = %s WHERE {quote('contact_id')} = %s",
                list(zip(numbers, ids, strict=True)),
            )


def _write(rows: list[tuple[int, str, str, str]], *, using: str) -> None:
    """Set (no, city key, post code) of the place rows (contact id first), one statement;
    a missing place row is inserted."""
    from contacts.models import ContactPlace

    if not rows:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(ContactPlace._meta.db_table)
    columns = ("contact_id", "no", "city_key", "post_code")
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT * FROM UNNEST(%s::bigint[], "
                "%s::text[], %s::text[], %s::text[]) ON CONFLICT (contact_id) DO UPDATE SET "
                + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns[1:]),
                [list(column) for column in zip(*rows, strict=True)],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES (%s, %s, %s, %s) ON CONFLICT "
                "(contact_id) DO UPDATE SET "
                + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns[1:]),
                rows,
            )
