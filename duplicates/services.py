"""Duplicate search strings, duplicate search and merge (reference document, section 4).

The matching itself is pure (`duplicates/matching.py`); these functions read and
write the rows around it. Callers own the transaction unless a function says
otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from contacts.models import Contact
from duplicates import matching
from duplicates.models import (
    ContactDuplicate,
    ContactMatchKey,
    ContactMerge,
    ContactSearchString,
    DuplicateSearchStringSetup,
    SearchField,
)
from marketing_setup.models import MarketingSetup

Progress = Callable[[int], None]  # called with the number of contacts just processed

REFERENCE = "reference"
OURS = "ours"
METHODS = (REFERENCE, OURS)

#: Contact fields our matching reads (beside the setup lines' fields).
MATCH_FIELDS = (
    "name",
    "name_2",
    "address",
    "address_2",
    "post_code",
    "city",
    "phone_no",
    "mobile_phone_no",
    "email",
    "vat_registration_no",
)
#: Fields whose change re-indexes a company: the reference's trigger fields, the
#: fields our keys use and the type (a person never takes part).
WATCHED_FIELDS = tuple(
    dict.fromkeys(("type", *matching.TRIGGER_FIELDS, *MATCH_FIELDS, *SearchField.values))
)
_CHUNK = 2000


# --- Setup ----------------------------------------------------------------------


def setup_lines() -> list[matching.Line]:
    """The configured search-string lines as (field, part, length)."""
    return [(row.field, row.part, row.length) for row in DuplicateSearchStringSetup.objects.all()]


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


# --- Values ---------------------------------------------------------------------


def _record_fields(lines: Iterable[matching.Line]) -> list[str]:
    return list(dict.fromkeys(("id", "no", *MATCH_FIELDS, *(line[0] for line in lines))))


def contact_record(contact: Contact, lines: Iterable[matching.Line] = ()) -> dict:
    """The values matching reads, as a plain dict."""
    return {name: getattr(contact, name) or "" for name in _record_fields(lines)}


def contact_watched_values(contact: Contact) -> dict | None:
    """The stored values of the watched fields (None for a new contact)."""
    if contact.pk is None:
        return None
    return Contact.objects.filter(pk=contact.pk).values(*WATCHED_FIELDS).first()


# --- Strings and keys -------------------------------------------------------------


def _index_tuples(
    records: Iterable[Mapping], lines: list[matching.Line]
) -> tuple[list[tuple], list[tuple]]:
    """(contact_id, field, part, string) and (contact_id, key) rows for the records."""
    strings, keys = [], []
    for record in records:
        contact_id = record["id"]
        for (field_name, part), string in matching.search_strings(record, lines).items():
            strings.append((contact_id, field_name, part, string))
        for key in matching.blocking_keys(matching.Profile.of(record)):
            keys.append((contact_id, key[:120]))
    return strings, keys


def _index_rows(
    records: Iterable[Mapping], lines: list[matching.Line]
) -> tuple[list[ContactSearchString], list[ContactMatchKey]]:
    strings, keys = _index_tuples(records, lines)
    return (
        [ContactSearchString(contact_id=c, field=f, part=p, string=s) for c, f, p, s in strings],
        [ContactMatchKey(contact_id=c, key=k) for c, k in keys],
    )


def _insert(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Plain multi-row INSERT for the bulk path: the ORM's per-object cost would dominate."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(model._meta.get_field(c).column) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10000):
            cursor.executemany(sql, rows[start : start + 10000])


def search_strings_build(*, contact: Contact, lines: list[matching.Line] | None = None) -> None:
    """Replace one company's search strings and match keys (4.4 steps 1-2)."""
    lines = setup_lines() if lines is None else lines
    ContactSearchString.objects.filter(contact=contact).delete()
    ContactMatchKey.objects.filter(contact=contact).delete()
    strings, keys = _index_rows([contact_record(contact, lines)], lines)
    ContactSearchString.objects.bulk_create(strings)
    ContactMatchKey.objects.bulk_create(keys)


@transaction.atomic
def search_strings_rebuild(
    *, contacts: models.QuerySet | None = None, progress: Progress | None = None
) -> int:
    """Rebuild the search strings and match keys of many companies in bulk.

    Only strings: no duplicate search (reference document, section 9: imports want
    strings without the search). Returns the number of companies processed.
    """
    lines = setup_lines()
    companies = (contacts if contacts is not None else Contact.objects.all()).filter(
        type=Contact.Type.COMPANY
    )
    if contacts is None:
        ContactSearchString.objects.all().delete()
        ContactMatchKey.objects.all().delete()
    fields = _record_fields(lines)
    done = 0
    last_id = 0
    while True:
        chunk = list(companies.filter(id__gt=last_id).order_by("id").values(*fields)[:_CHUNK])
        if not chunk:
            break
        last_id = chunk[-1]["id"]
        ids = [record["id"] for record in chunk]
        if contacts is not None:
            ContactSearchString.objects.filter(contact_id__in=ids).delete()
            ContactMatchKey.objects.filter(contact_id__in=ids).delete()
        records = [
            {k: v or "" for k, v in record.items()} | {"id": record["id"]} for record in chunk
        ]
        strings, keys = _index_tuples(records, lines)
        _insert(ContactSearchString, ("contact", "field", "part", "string"), strings)
        _insert(ContactMatchKey, ("contact", "key"), keys)
        done += len(chunk)
        if progress:
            progress(len(chunk))
    return done


def contact_unindex(*, contact: Contact) -> None:
    """Remove a contact's strings, keys and every pair, separate ones too (person, 4.7)."""
    ContactSearchString.objects.filter(contact=contact).delete()
    ContactMatchKey.objects.filter(contact=contact).delete()
    ContactDuplicate.objects.involving(contact).delete()


# --- Finding ----------------------------------------------------------------------


@dataclass(frozen=True)
class FoundPair:
    contact_id: int
    duplicate_id: int
    matching_strings: int
    score: int
    reasons: list[str]


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


#: Setup lines from the usually most to the least selective. Any order gives the same
#: result (see `_reference_counts`); a selective one keeps the candidate set small.
_SELECTIVITY = (
    ("phone_no", "last"),
    ("mobile_phone_no", "last"),
    ("vat_registration_no", "first"),
    ("vat_registration_no", "last"),
    ("email", "first"),
    ("name", "first"),
    ("address", "last"),
    ("name", "last"),
    ("phone_no", "first"),
    ("mobile_phone_no", "first"),
    ("address", "first"),
    ("post_code", "last"),
    ("post_code", "first"),
    ("email", "last"),
    ("city", "first"),
    ("city", "last"),
)


def _rank(line: tuple[str, str]) -> int:
    return _SELECTIVITY.index(line) if line in _SELECTIVITY else len(_SELECTIVITY) // 2


def _own_strings(contact_id: int) -> dict[tuple[str, str], str]:
    rows = ContactSearchString.objects.filter(contact_id=contact_id)
    return {(f, p): s for f, p, s in rows.values_list("field", "part", "string")}


def _count_shared(own: Mapping[tuple[str, str], str], others: Iterable[int]) -> dict[int, int]:
    """{other company id: how many of `own` strings it has too}."""
    counts: dict[int, int] = {}
    others = list(others)
    for start in range(0, len(others), 500):
        rows = ContactSearchString.objects.filter(contact_id__in=others[start : start + 500])
        for contact_id, f, p, s in rows.values_list("contact_id", "field", "part", "string"):
            if own.get((f, p)) == s:
                counts[contact_id] = counts.get(contact_id, 0) + 1
    return counts


_SIZE_CAP = 500


def _group_size(line: tuple[str, str], string: str) -> int:
    """How many companies have this string, counted up to a cap (a bounded index read)."""
    rows = ContactSearchString.objects.filter(field=line[0], part=line[1], string=string)
    return len(rows.values_list("id", flat=True)[:_SIZE_CAP])


def _reference_counts(
    contact_id: int, own: Mapping[tuple[str, str], str], threshold: int
) -> dict[int, int]:
    """Companies sharing at least `threshold` of the contact's strings (4.4 steps 3-5).

    The same result as counting every shared string, but read through the index
    for a few lines only: a company sharing `threshold` of the contact's n strings
    shares at least one of any n - threshold + 1 of them (pigeonhole), so the
    candidates come from the most selective lines and are then counted in full.
    """
    if not threshold or len(own) < threshold:
        return {}
    sizes = {line: _group_size(line, own[line]) for line in own}
    chosen = sorted(own, key=lambda line: (sizes[line], _rank(line)))
    chosen = chosen[: len(own) - threshold + 1]
    condition = Q()
    for field_name, part in chosen:
        condition |= Q(field=field_name, part=part, string=own[(field_name, part)])
    candidates = set(
        ContactSearchString.objects.filter(condition)
        .exclude(contact_id=contact_id)
        .values_list("contact_id", flat=True)
    )
    counts = _count_shared(own, candidates)
    return {other: n for other, n in counts.items() if n >= threshold}


def _key_candidates(contact_id: int) -> set[int]:
    """Companies sharing a blocking key that is not too common (indexed lookups)."""
    own = list(ContactMatchKey.objects.filter(contact_id=contact_id).values_list("key", flat=True))
    if not own:
        return set()
    sizes = (
        ContactMatchKey.objects.filter(key__in=own)
        .values("key")
        .annotate(n=Count("id"))
        .filter(n__lte=matching.MAX_KEY_GROUP)
    )
    usable = [row["key"] for row in sizes]
    if not usable:
        return set()
    return set(
        ContactMatchKey.objects.filter(key__in=usable)
        .exclude(contact_id=contact_id)
        .values_list("contact_id", flat=True)
    )


def duplicates_search_for(
    *, contact: Contact, method: str = OURS, setup: MarketingSetup | None = None
) -> list[FoundPair]:
    """The possible duplicates of one company from its stored strings and keys."""
    setup = setup or MarketingSetup.get()
    lines = setup_lines()
    threshold = matching.reference_threshold(len(lines), setup.search_hit_pct)
    own = _own_strings(contact.pk)
    reference = _reference_counts(contact.pk, own, threshold)
    if method == REFERENCE:
        candidates = set(reference)
    else:
        candidates = _key_candidates(contact.pk) | set(reference)
    candidates.discard(contact.pk)
    if not candidates:
        return []
    fields = _record_fields(lines)
    others = list(
        Contact.objects.filter(pk__in=candidates, type=Contact.Type.COMPANY).values(*fields)
    )
    counts = reference | _count_shared(own, (o["id"] for o in others if o["id"] not in reference))
    own_profile = matching.Profile.of(contact_record(contact, lines))
    found = []
    for other in others:
        match = matching.score(own_profile, matching.Profile.of(other))
        strings = counts.get(other["id"], 0)
        if method == REFERENCE:
            keep = strings >= threshold
        else:
            keep = match.score >= matching.SCORE_THRESHOLD
        if keep:
            found.append(FoundPair(contact.pk, other["id"], strings, match.score, match.reasons))
    return found


def _store_pairs(found: Iterable[FoundPair]) -> list[ContactDuplicate]:
    """Insert pairs unless the pair already exists in either direction (4.4 step 5)."""
    rows = {}
    for pair in found:
        low, high = _ordered(pair.contact_id, pair.duplicate_id)
        rows[(low, high)] = ContactDuplicate(
            contact_id=low,
            duplicate_id=high,
            no_of_matching_strings=pair.matching_strings,
            score=pair.score,
            reasons=pair.reasons,
        )
    if not rows:
        return []
    existing = set()
    ids = {low for low, _high in rows}
    for chunk_start in range(0, len(ids), 500):
        chunk = list(ids)[chunk_start : chunk_start + 500]
        existing |= set(
            ContactDuplicate.objects.filter(contact_id__in=chunk).values_list(
                "contact_id", "duplicate_id"
            )
        )
    new = [row for key, row in rows.items() if key not in existing]
    ContactDuplicate.objects.bulk_create(new, batch_size=2000)
    return new


@transaction.atomic
def contact_index(
    *, contact: Contact, method: str = OURS, setup: MarketingSetup | None = None
) -> list[ContactDuplicate]:
    """Make the contact index (4.4): rebuild strings and keys, replace the open pairs.

    Pairs marked as separate contacts are kept, whichever side the contact is on.
    Returns the pairs found now (new rows).
    """
    if not contact.is_company:
        contact_unindex(contact=contact)
        return []
    ContactDuplicate.objects.involving(contact).open().delete()
    search_strings_build(contact=contact)
    return _store_pairs(duplicates_search_for(contact=contact, method=method, setup=setup))


def duplicates_find_for(*, contact: Contact, method: str = OURS) -> list[ContactDuplicate]:
    """Re-index one company and return all its pairs (new and kept), best first."""
    contact_index(contact=contact, method=method)
    return list(
        ContactDuplicate.objects.involving(contact)
        .select_related("contact", "duplicate")
        .order_by("-score")
    )


def contact_check_duplicates(
    *, contact: Contact, created: bool, before: Mapping | None
) -> list[ContactDuplicate] | None:
    """After a save: maintain the company's index when the setup says so (4.5).

    Re-indexes a company when it is new, became a company or a watched field
    changed; removes a person's index. Returns the new pairs, or None when
    nothing was done.
    """
    if not contact.is_company:
        if before is not None and before.get("type") == Contact.Type.COMPANY:
            contact_unindex(contact=contact)
        return None
    setup = MarketingSetup.get()
    if not setup.maintain_search_strings:
        return None
    if not created and before is not None:
        changed = any(before.get(name) != getattr(contact, name) for name in WATCHED_FIELDS)
        if not changed:
            return None
    return contact_index(contact=contact, setup=setup)


@dataclass
class SearchResult:
    companies: int
    pairs: list[tuple[str, str, int]]  # (contact no., duplicate no., score) as stored
    stored: int


def _all_records(lines: list[matching.Line], progress: Progress | None) -> list[dict]:
    fields = _record_fields(lines)
    records: list[dict] = []
    last_id = 0
    companies = Contact.objects.filter(type=Contact.Type.COMPANY)
    while True:
        chunk = list(companies.filter(id__gt=last_id).order_by("id").values(*fields)[:_CHUNK])
        if not chunk:
            break
        last_id = chunk[-1]["id"]
        records.extend({k: (v or "") if k != "id" else v for k, v in r.items()} for r in chunk)
        if progress:
            progress(len(chunk))
    return records


def pairs_find(
    records: list[Mapping], *, lines: list[matching.Line], hit_pct: int, method: str = OURS
) -> dict[tuple[str, str], tuple[int, matching.Match]]:
    """All pairs over plain records: {(no_a, no_b): (matching strings, match)}."""
    reference = matching.reference_find_pairs(records, lines, hit_pct)
    if method == REFERENCE:
        by_no = {r["no"]: matching.Profile.of(r) for r in records}
        return {
            pair: (count, matching.score(by_no[pair[0]], by_no[pair[1]]))
            for pair, count in reference.items()
        }
    ours = matching.ours_find_pairs(records, extra_pairs=reference)
    by_no = {r["no"]: r for r in records}
    result = {}
    for pair, match in ours.items():
        count = reference.get(pair)
        if count is None:
            a = matching.search_strings(by_no[pair[0]], lines)
            b = matching.search_strings(by_no[pair[1]], lines)
            count = sum(1 for key, string in a.items() if b.get(key) == string)
        result[pair] = (count, match)
    return result


@transaction.atomic
def duplicates_find_all(*, method: str = OURS, progress: Progress | None = None) -> SearchResult:
    """Run the full search over all companies and replace the open pairs.

    Pairs marked as separate contacts survive; a pair is stored once.
    """
    if method not in METHODS:
        raise ValidationError(_("Unknown method: %(method)s.") % {"method": method})
    setup = MarketingSetup.get()
    lines = setup_lines()
    records = _all_records(lines, progress)
    found = pairs_find(records, lines=lines, hit_pct=setup.search_hit_pct, method=method)
    id_of = {r["no"]: r["id"] for r in records}
    ContactDuplicate.objects.open().delete()
    stored = _store_pairs(
        FoundPair(id_of[a], id_of[b], count, match.score, match.reasons)
        for (a, b), (count, match) in found.items()
    )
    pairs = sorted((a, b, match.score) for (a, b), (_count, match) in found.items())
    return SearchResult(companies=len(records), pairs=pairs, stored=len(stored))


def duplicate_set_separate(*, pair: ContactDuplicate, separate: bool) -> ContactDuplicate:
    """Mark a pair as separate contacts (not duplicates), or undo the mark."""
    pair.separate_contacts = separate
    pair.save(update_fields=["separate_contacts"])
    return pair


# --- Merge ------------------------------------------------------------------------

#: Fields a merge may take from the merged contact.
MERGE_FIELDS = (
    "name",
    "name_2",
    "search_name",
    "address",
    "address_2",
    "post_code",
    "city",
    "county",
    "country",
    "phone_no",
    "mobile_phone_no",
    "fax_no",
    "email",
    "home_page",
    "vat_registration_no",
    "correspondence_type",
    "salesperson",
    "territory",
    "language",
    "salutation",
    "job_title",
    "first_name",
    "middle_name",
    "surname",
    "initials",
)
KEEP = "keep"
MERGE = "merge"

# Rows of this app that describe a contact rather than belong to it: rebuilt, not moved.
_REBUILT = (ContactSearchString, ContactMatchKey, ContactDuplicate)


def _relations() -> list:
    """Every foreign key (or one-to-one) pointing at Contact, hidden ones ("+") too."""
    return [
        f
        for f in Contact._meta.get_fields(include_hidden=True)
        if f.auto_created
        and not f.concrete
        and (f.one_to_many or f.one_to_one)
        and f.related_model not in _REBUILT
    ]


def merge_fields() -> list[models.Field]:
    names = {f.name for f in Contact._meta.concrete_fields}
    return [Contact._meta.get_field(name) for name in MERGE_FIELDS if name in names]


def contact_values(contact: Contact) -> dict[str, object]:
    """The contact's concrete field values as JSON-ready data (for the merge record)."""
    values = {}
    for f in Contact._meta.concrete_fields:
        value = getattr(contact, f.attname)
        values[f.attname] = value if isinstance(value, (int, bool, type(None))) else str(value)
    return values


def related_rows(contact: Contact) -> list[tuple[str, int]]:
    """How many rows of each model refer to the contact (what a merge moves), labelled."""
    counts = []
    for relation in _relations():
        n = relation.related_model._base_manager.filter(**{relation.field.name: contact}).count()
        if n:
            meta = relation.related_model._meta
            label = f"{meta.verbose_name_plural} ({relation.field.verbose_name})"
            counts.append((str(label[:1].upper() + label[1:]), n))
    return counts


def _describe(row: models.Model) -> dict:
    data = {"model": row._meta.label, "pk": str(row.pk)}
    for f in row._meta.concrete_fields:
        value = getattr(row, f.attname)
        data[f.attname] = value if isinstance(value, (int, bool, type(None))) else str(value)
    return data


def _move(relation, *, keep: Contact, merge: Contact) -> tuple[int, list[dict]]:
    """Point every row of one relation from `merge` to `keep`; returns (moved, dropped)."""
    model = relation.related_model
    attname = relation.field.attname
    rows = model._base_manager.filter(**{relation.field.name: merge})
    try:
        with transaction.atomic():
            return rows.update(**{attname: keep.pk}), []
    except IntegrityError:
        pass
    # A unique constraint clashes with a row of the kept contact: move row by row,
    # keep the kept contact's row and record the dropped one.
    moved, dropped = 0, []
    for row in list(rows):
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=row.pk).update(**{attname: keep.pk})
            moved += 1
        except IntegrityError:
            dropped.append(_describe(row))
            row.delete()
    return moved, dropped


@transaction.atomic
def contacts_merge(
    *,
    keep: Contact,
    merge: Contact,
    field_choices: Mapping[str, str] | None = None,
    user=None,
) -> ContactMerge:
    """Merge `merge` into `keep` in one transaction and record what was merged.

    `field_choices` maps a field name to "keep" or "merge" (take the merged
    contact's value). Every row referring to the merged contact (persons,
    interactions, business relations, opportunities...) moves to the kept one;
    a row that would clash with a unique row of the kept contact is dropped and
    recorded. The merged contact is deleted; the kept one is re-indexed.
    """
    field_choices = dict(field_choices or {})
    if keep.pk == merge.pk:
        raise ValidationError(_("A contact cannot be merged with itself."))
    if keep.type != merge.type:
        raise ValidationError(_("Only contacts of the same type can be merged."))
    allowed = {f.name for f in merge_fields()}
    for name, choice in field_choices.items():
        if name not in allowed:
            raise ValidationError(_("%(field)s cannot be merged.") % {"field": name})
        if choice not in (KEEP, MERGE):
            raise ValidationError(_("Choose keep or merge for %(field)s.") % {"field": name})
    # Lock both rows so a concurrent edit cannot slip in between.
    locked = {
        c.pk: c for c in Contact.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk])
    }
    if len(locked) != 2:
        raise ValidationError(_("One of the contacts no longer exists."))
    keep, merge = locked[keep.pk], locked[merge.pk]

    snapshot = contact_values(merge)
    taken = {}
    for name, choice in field_choices.items():
        if choice == MERGE:
            f = Contact._meta.get_field(name)
            setattr(keep, f.attname, getattr(merge, f.attname))
            taken[name] = snapshot.get(f.attname)

    moved: dict[str, int] = {}
    dropped: list[dict] = []
    strings = ContactSearchString.objects.filter(contact=merge).count()
    if strings:
        moved[f"{ContactSearchString._meta.label}.contact"] = strings
    for relation in _relations():
        count, lost = _move(relation, keep=keep, merge=merge)
        if count:
            label = f"{relation.related_model._meta.label}.{relation.field.name}"
            moved[label] = moved.get(label, 0) + count
        dropped.extend(lost)

    merged_no = merge.no
    contact_unindex(contact=merge)
    merge.delete()
    keep.full_clean(exclude=["no"])
    keep.save()
    record = ContactMerge.objects.create(
        kept_contact=keep,
        kept_contact_no=keep.no,
        merged_contact_no=merged_no,
        merged_values=snapshot,
        field_choices=taken,
        moved_rows=moved,
        dropped_rows=dropped,
        user=user if getattr(user, "is_authenticated", False) else None,
    )
    if keep.is_company and MarketingSetup.get().maintain_search_strings:
        contact_index(contact=keep)
    return record
