"""Search strings and match keys of companies (reference document, 4.1-4.3 and 4.6)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from django.db import connections, models, router, transaction

from contacts import maintenance
from contacts.models import Contact
from duplicates import matching
from duplicates.models import (
    ContactDuplicate,
    ContactMatchKey,
    ContactMatchProfile,
    ContactSearchString,
    DuplicateSearchStringSetup,
    SearchField,
)

Progress = Callable[[int], None]  # called with the number of contacts just processed

REFERENCE = "reference"  # MarketingSetup.DuplicateMethod values
OURS = "ours"
METHODS = (REFERENCE, OURS)

#: Contact fields our matching reads (beside the setup lines' fields): the fields its
#: stored profiles are made of.
MATCH_FIELDS = matching.PROFILE_SOURCE
#: Fields of persons our person matching reads.
PERSON_FIELDS = ("first_name", "middle_name", "surname", "company_id", "job_title")
#: Fields whose change re-indexes a contact: the reference's trigger fields, the
#: fields our keys use, the persons' fields and the type.
WATCHED_FIELDS = tuple(
    dict.fromkeys(
        ("type", *matching.TRIGGER_FIELDS, *MATCH_FIELDS, *SearchField.values, *PERSON_FIELDS)
    )
)
CHUNK = 2000


# --- Setup ----------------------------------------------------------------------


def setup_lines() -> list[matching.Line]:
    """The configured search-string lines as (field, part, length), in the model's order.

    Written out: read on every save of a company, where the ORM's compilation of
    this query costs several times running it."""
    connection = connections[router.db_for_read(DuplicateSearchStringSetup)]
    quote = connection.ops.quote_name
    field_name, part, length = (quote(name) for name in ("field", "part", "length"))
    table = quote(DuplicateSearchStringSetup._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {field_name}, {part}, {length} FROM {table} ORDER BY {field_name}, {part}"
        )
        return [tuple(row) for row in cursor.fetchall()]


def setup_create_default_lines() -> int:
    """Create the reference's 16 default lines that are missing; returns how many."""
    created = 0
    for field_name, part, length in matching.DEFAULT_LINES:
        _row, new = DuplicateSearchStringSetup.objects.get_or_create(
            field=field_name, part=part, defaults={"length": length}
        )
        created += new
    return created


def setup_line_deleted(*, line: DuplicateSearchStringSetup) -> int:
    """Deleting a setup line deletes the stored strings of that (field, part) (4.1)."""
    deleted, _detail = ContactSearchString.objects.filter(field=line.field, part=line.part).delete()
    return deleted


def setup_line_stored(line: DuplicateSearchStringSetup) -> matching.Line | None:
    """The stored (field, part, length) of a setup line, None for a new one."""
    if line.pk is None:
        return None
    stored = DuplicateSearchStringSetup.objects.filter(pk=line.pk)
    return stored.values_list("field", "part", "length").first()


def setup_line_changed(
    *, line: DuplicateSearchStringSetup, previous: matching.Line | None = None
) -> int | None:
    """A setup line was added or changed (4.1): rebuild that line's stored strings.

    `previous` is the line's (field, part, length) before the change (None for a new
    line). Strings of a former (field, part) are deleted. When the setup does not
    maintain search strings nothing is rebuilt and None is returned; otherwise the
    number of companies processed. The pairs are not searched again here.
    """
    from marketing_setup.models import MarketingSetup

    if previous is not None and previous[:2] != (line.field, line.part):
        ContactSearchString.objects.filter(field=previous[0], part=previous[1]).delete()
    if previous == line.line:
        return 0
    if not MarketingSetup.get().maintain_search_strings:
        return None
    ContactSearchString.objects.filter(field=line.field, part=line.part).delete()
    companies = Contact.objects.filter(type=Contact.Type.COMPANY)
    done = 0
    last_id = 0
    while True:
        chunk = list(
            companies.filter(id__gt=last_id).order_by("id").values_list("id", line.field)[:CHUNK]
        )
        if not chunk:
            return done
        last_id = chunk[-1][0]
        rows = []
        for contact_id, value in chunk:
            string = matching.search_string(value, line.part, line.length)
            if string:
                rows.append((contact_id, line.field, line.part, string))
        _insert(ContactSearchString, ("contact", "field", "part", "string"), rows)
        done += len(chunk)


# --- Values ---------------------------------------------------------------------


def record_fields(lines: Iterable[matching.Line]) -> list[str]:
    return list(dict.fromkeys(("id", "no", *MATCH_FIELDS, *(line[0] for line in lines))))


def contact_record(contact: Contact, lines: Iterable[matching.Line] = ()) -> dict:
    """The values matching reads, as a plain dict (the country as its code)."""
    record = {name: getattr(contact, name) or "" for name in record_fields(lines)}
    record["country"] = str(record.get("country") or "")
    record["id"] = contact.pk
    return record


def contact_watched_values(contact: Contact) -> dict | None:
    """The stored values of the watched fields (None for a new contact)."""
    if contact.pk is None:
        return None
    return Contact.objects.filter(pk=contact.pk).values(*WATCHED_FIELDS).first()


def id_chunks(
    contacts: models.QuerySet, columns: Iterable[str], *, kind: str, size: int = CHUNK
) -> Iterator[list[tuple]]:
    """The `kind` contacts of `contacts` in id order, `size` contacts read a statement,
    as (id, *columns) tuples.

    Read by primary-key range, the type checked here: with a type condition in the
    statement SQLite reads the type index and sorts every contact of that type again
    for each chunk (a quadratic cost at 100,000 companies)."""
    columns = list(columns)
    last_id = 0
    while True:
        rows = list(
            contacts.filter(id__gt=last_id)
            .order_by("id")
            .values_list("id", "type", *columns)[:size]
        )
        if not rows:
            return
        last_id = rows[-1][0]
        yield [(row[0], *row[2:]) for row in rows if row[1] == kind]
        if len(rows) < size:  # that was the last: no read to find nothing
            return


# --- Strings and keys -------------------------------------------------------------


def _index_tuples(
    records: Iterable[Mapping], lines: list[matching.Line]
) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """(contact_id, field, part, string), (contact_id, key) and (contact_id,
    fingerprint, profile) rows for the records."""
    strings, keys, profiles = [], [], []
    for record in records:
        contact_id = record["id"]
        for (field_name, part), string in matching.search_strings(record, lines).items():
            strings.append((contact_id, field_name, part, string))
        profile = matching.Profile.of(record)
        for key in matching.index_keys(profile):
            keys.append((contact_id, key))
        profiles.append(profile_row(contact_id, record, profile))
    return strings, keys, profiles


PROFILE_COLUMNS = ("contact", "fingerprint", "data")
STRING_COLUMNS = ("contact", "field", "part", "string")
KEY_COLUMNS = ("contact", "key")


def profile_row(contact_id: int, record: Mapping, profile: matching.Profile) -> tuple:
    """The stored profile of a company: (contact_id, fingerprint, data)."""
    return (contact_id, matching.profile_fingerprint(record), matching.profile_dump(profile))


def profiles_store(rows: list[tuple]) -> None:
    """Replace the stored profiles of these (contact_id, fingerprint, data) rows."""
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        ContactMatchProfile.objects.filter(contact_id__in=[row[0] for row in chunk]).delete()
        _insert(ContactMatchProfile, PROFILE_COLUMNS, chunk)


def _insert(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Plain multi-row INSERT for the bulk path: the ORM's per-object cost would dominate."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        # One INSERT ... SELECT FROM UNNEST(column arrays) per 10,000 rows: executemany
        # sent one INSERT per row, each parsed, planned and run on its own (an import
        # of 100k rows wrote ~550k index rows that way: 7.3 s, most of it the server's).
        fields = [model._meta.get_field(c) for c in columns]
        sql = maintenance.unnest_insert_sql(connection, model, fields)
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 10000):
                chunk = rows[start : start + 10000]
                cursor.execute(sql, [list(column) for column in zip(*chunk, strict=True)])
        return
    sql = _insert_sql(connection, model, columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10000):
            cursor.executemany(sql, rows[start : start + 10000])


def _insert_sql(connection, model: type[models.Model], columns: tuple[str, ...], rows: int = 1):
    quote = connection.ops.quote_name
    row = "({})".format(", ".join(["%s"] * len(columns)))
    return "INSERT INTO {} ({}) VALUES {}".format(
        quote(model._meta.db_table),
        ", ".join(quote(model._meta.get_field(c).column) for c in columns),
        ", ".join([row] * rows),
    )


def _insert_one_statement(
    model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]
) -> None:
    """The few rows of one contact in one INSERT statement (a save's path)."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_sql(connection, model, columns, len(rows)), [v for row in rows for v in row]
        )


def _insert_together(parts: list[tuple[type[models.Model], tuple[str, ...], list[tuple]]]) -> None:
    """The rows of one contact in several tables (model, columns, rows): one statement on
    PostgreSQL (the first inserts as data-modifying WITH clauses of the last), one per
    table elsewhere (SQLite has no data-modifying WITH, and runs in-process)."""
    parts = [part for part in parts if part[2]]
    if not parts:
        return
    connection = connections[router.db_for_write(parts[0][0])]
    if connection.vendor != "postgresql" or len(parts) == 1:
        for model, columns, rows in parts:
            _insert_one_statement(model, columns, rows)
        return
    inserts = [_insert_sql(connection, model, columns, len(rows)) for model, columns, rows in parts]
    sql = "WITH {} {}".format(
        ", ".join(f"i{n} AS ({insert})" for n, insert in enumerate(inserts[:-1])), inserts[-1]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [v for _model, _columns, rows in parts for row in rows for v in row])


def search_strings_build(
    *,
    contact: Contact,
    lines: list[matching.Line] | None = None,
    strings: Mapping[tuple[str, str], str] | None = None,
    keys: Iterable[str] | None = None,
    replace: bool = True,
    record: Mapping | None = None,
    profile: matching.Profile | None = None,
) -> None:
    """Replace one company's search strings, match keys and profile (4.4 steps 1-2).

    `strings`, `keys`, `record` and `profile` may be given when the caller computed
    them already; `replace` off for a company that has none stored yet (just created).
    """
    lines = setup_lines() if lines is None else lines
    if strings is None or keys is None or record is None or profile is None:
        record = contact_record(contact, lines)
        profile = matching.Profile.of(record)
        strings = matching.search_strings(record, lines)
        keys = matching.index_keys(profile)
    if replace:
        ContactSearchString.objects.filter(contact=contact).delete()
        ContactMatchKey.objects.filter(contact=contact).delete()
    string_rows = [(contact.pk, f, p, s) for (f, p), s in strings.items()]
    key_rows = [(contact.pk, key) for key in sorted(keys)]
    _contact_id, fingerprint, data = profile_row(contact.pk, record, profile)
    profile_rows = [(contact.pk, fingerprint, data)]
    if replace:
        _insert_one_statement(ContactSearchString, STRING_COLUMNS, string_rows)
        _insert_one_statement(ContactMatchKey, KEY_COLUMNS, key_rows)
        # One statement, whether the company had a profile or not.
        ContactMatchProfile.objects.bulk_create(
            [ContactMatchProfile(contact_id=contact.pk, fingerprint=fingerprint, data=data)],
            update_conflicts=True,
            unique_fields=["contact"],
            update_fields=["fingerprint", "data"],
        )
    else:  # a new company: nothing to replace, the three tables' rows in one go
        _insert_together(
            [
                (ContactSearchString, STRING_COLUMNS, string_rows),
                (ContactMatchKey, KEY_COLUMNS, key_rows),
                (ContactMatchProfile, PROFILE_COLUMNS, profile_rows),
            ]
        )


@transaction.atomic
def search_strings_rebuild(
    *,
    contacts: models.QuerySet | None = None,
    progress: Progress | None = None,
    new: bool = False,
    persons: bool = True,
) -> int:
    """Rebuild the search strings and match keys of many companies in bulk.

    Only strings: no duplicate search (reference document, section 9: imports want
    strings without the search). Returns the number of companies processed.
    `new`: `contacts` were all created in this transaction, so they have no stored
    strings, keys or profiles to delete first. `persons=False`: `contacts` holds no
    persons (a companies-only queryset), so their keys need no second read.
    """
    lines = setup_lines()
    if contacts is None:
        ContactSearchString.objects.all().delete()
        ContactMatchKey.objects.all().delete()
        ContactMatchProfile.objects.all().delete()
    fields = record_fields(lines)[1:]  # after the id
    done = 0
    everyone = contacts if contacts is not None else Contact.objects.all()
    for rows in id_chunks(everyone, fields, kind=Contact.Type.COMPANY):
        if not rows:
            continue
        chunk = [dict(zip(("id", *fields), row, strict=True)) for row in rows]
        ids = [record["id"] for record in chunk]
        if contacts is not None and not new:
            ContactSearchString.objects.filter(contact_id__in=ids).delete()
            ContactMatchKey.objects.filter(contact_id__in=ids).delete()
            ContactMatchProfile.objects.filter(contact_id__in=ids).delete()
        records = [
            {k: v or "" for k, v in record.items()} | {"id": record["id"]} for record in chunk
        ]
        for record in records:
            record["country"] = str(record.get("country") or "")
        strings, keys, profiles = _index_tuples(records, lines)
        _insert(ContactSearchString, ("contact", "field", "part", "string"), strings)
        _insert(ContactMatchKey, ("contact", "key"), keys)
        _insert(ContactMatchProfile, PROFILE_COLUMNS, profiles)
        done += len(chunk)
        if progress:
            progress(len(chunk))
    from duplicates.services.persons import person_keys_rebuild

    if persons:
        person_keys_rebuild(contacts=contacts)
    if contacts is None:
        # A full rebuild refilled these tables: fresh planner statistics at once, or the
        # next saves' autosearch is planned as if they were empty (15.3, 15.5). Callers
        # rebuilding a selection in chunks (an import) analyze once for all their chunks.
        maintenance.analyze_after_bulk_write(
            done, ContactSearchString, ContactMatchKey, ContactMatchProfile
        )
    return done


def companies_count() -> int:
    """How many company contacts take part in the duplicate search."""
    return Contact.objects.filter(type=Contact.Type.COMPANY).count()


def contact_unindex(*, contact: Contact) -> None:
    """Remove a contact's strings, keys, profile and every pair, separate ones too
    (person, 4.7)."""
    ContactSearchString.objects.filter(contact=contact).delete()
    ContactMatchKey.objects.filter(contact=contact).delete()
    ContactMatchProfile.objects.filter(contact=contact).delete()
    ContactDuplicate.objects.involving(contact).delete()
