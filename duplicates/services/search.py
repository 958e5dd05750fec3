"""Finding duplicates: one company (4.4, 4.5) or all of them (4.6), and the pairs (4.7).

Two methods (Marketing Setup, *Duplicate search method*): Business Central's string
count (the reference, exact) and ours (a model learned from the user's companies,
`duplicates.linkage`). Search Hit % is the threshold of both: the share of matching
search-string lines for the reference, the lowest match probability for ours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from contacts.maintenance import analyze_after_bulk_write
from contacts.models import Contact
from contacts.services import contact_save_setup
from duplicates import linkage, matching
from duplicates.models import (
    ContactDuplicate,
    ContactMatchKey,
    ContactMatchProfile,
    ContactSearchString,
    ReviewQuestion,
)
from duplicates.services import learning
from duplicates.services.index import (
    CHUNK,
    METHODS,
    OURS,
    REFERENCE,
    WATCHED_FIELDS,
    Progress,
    contact_record,
    contact_unindex,
    id_chunks,
    profiles_store,
    record_fields,
    search_strings_build,
    search_strings_rebuild,
    setup_lines,
)
from marketing_setup.models import MarketingSetup

# --- Finding ----------------------------------------------------------------------


@dataclass(frozen=True)
class FoundPair:
    contact_id: int
    duplicate_id: int
    matching_strings: int
    score: int
    reasons: list[str]
    kind: str = Contact.Type.COMPANY


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def method_of(setup: MarketingSetup, method: str | None) -> str:
    """The method asked for, or the setup's."""
    method = method or setup.duplicate_search_method or OURS
    if method not in METHODS:
        raise ValidationError(_("Unknown method: %(method)s.") % {"method": method})
    return method


def method_of_setup(method: str | None = None) -> str:
    """The method asked for, or the one the Marketing Setup chooses."""
    return method_of(MarketingSetup.get(), method)


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


def _count_shared(own: Mapping[tuple[str, str], str], others: Iterable[int]) -> dict[int, int]:
    """{other company id: how many of `own` strings it has too}, one query per 500."""
    counts: dict[int, int] = {}
    others = list(others)
    condition = Q()
    for (field_name, part), string in own.items():
        condition |= Q(field=field_name, part=part, string=string)
    if not own:
        return counts
    for start in range(0, len(others), 500):
        rows = (
            ContactSearchString.objects.filter(
                condition, contact_id__in=others[start : start + 500]
            )
            .values("contact_id")
            .annotate(n=Count("id"))
            .values_list("contact_id", "n")
        )
        counts.update(rows)
    return counts


def _reference_counts(
    contact_id: int, own: Mapping[tuple[str, str], str], threshold: int
) -> dict[int, int]:
    """Companies sharing at least `threshold` of the contact's strings (4.4 steps 3-5).

    The same result as counting every shared string, but read through the index
    for a few lines only: a company sharing `threshold` of the contact's n strings
    shares at least one of any n - threshold + 1 of them (pigeonhole), so the
    candidates come from the most selective lines and are then counted in full.
    Three statements: the lines' group sizes, the candidates, their counts.
    """
    if not threshold or len(own) < threshold:
        return {}
    condition = Q()
    for (field_name, part), string in own.items():
        condition |= Q(field=field_name, part=part, string=string)
    sizes: dict[tuple[str, str], int] = dict.fromkeys(own, 0)
    rows = (
        ContactSearchString.objects.filter(condition)
        .values("field", "part")
        .annotate(n=Count("id"))
        .values_list("field", "part", "n")
    )
    for field_name, part, n in rows:
        sizes[(field_name, part)] = n
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


def _key_counts(keys: Sequence[str]) -> dict[str, int]:
    """How many companies have each of these keys (one statement)."""
    if not keys:
        return {}
    rows = (
        ContactMatchKey.objects.filter(key__in=list(keys))
        .values("key")
        .annotate(n=Count("id"))
        .values_list("key", "n")
    )
    return dict(rows)


def _key_candidates(
    contact_id: int, keys: Sequence[str], fields: Sequence[str]
) -> tuple[dict[str, int], list[dict], dict[str, list[int]]]:
    """How many companies have each key (the contact included), and the `fields` of the
    companies sharing a blocking key that is not too common (at most MAX_KEY_GROUP
    holders), with their stored profiles as `companies_values(..., profiles=True)`
    gives them, by id: one statement, written out (the ORM's compilation of it costs
    more than running it). Each key's first holder row carries its count; a holder's
    values come only with the rows of usable keys, so a common key costs one row.
    Third (empty unless a key's group pairs by the window, `matching.windowed`): the
    other holders (ids) of each such key, and under "" those of the other keys."""
    if not keys:
        return {}, [], {}
    blocking = [key for key in keys if matching.is_blocking_key(key)]
    connection = connections[router.db_for_read(ContactMatchKey)]
    quote = connection.ops.quote_name
    key, holder = quote("key"), quote("contact_id")
    columns = list(dict.fromkeys(("id", "type", *fields)))
    contact_columns = ", ".join(
        f"c.{quote(Contact._meta.get_field(name).column)}" for name in columns
    )
    usable = (
        f" AND r.n BETWEEN 2 AND %s AND r.{key} IN ({', '.join(['%s'] * len(blocking))})"
        if blocking
        else " AND 1 = 0"
    )
    sql = (
        f"SELECT r.{key}, r.n, {contact_columns}, p.{quote('fingerprint')}, p.{quote('data')} "
        f"FROM (SELECT {key}, {holder}, COUNT(*) OVER (PARTITION BY {key}) AS n, "
        f"ROW_NUMBER() OVER (PARTITION BY {key} ORDER BY {holder}) AS rn "
        f"FROM {quote(ContactMatchKey._meta.db_table)} "
        f"WHERE {key} IN ({', '.join(['%s'] * len(keys))})) r "
        f"LEFT JOIN {quote(Contact._meta.db_table)} c ON c.{quote('id')} = r.{holder} "
        f"AND r.{holder} <> %s{usable} "
        f"LEFT JOIN {quote(ContactMatchProfile._meta.db_table)} p "
        f"ON p.{quote('contact_id')} = c.{quote('id')} "
        f"WHERE r.rn = 1 OR c.{quote('id')} IS NOT NULL"
    )
    params = [*keys, contact_id, *([matching.MAX_KEY_GROUP, *blocking] if blocking else [])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counts: dict[str, int] = {}
    by_id: dict[int, dict] = {}
    width = len(columns)
    company = Contact.Type.COMPANY
    windowed: dict[str, list[int]] = {}
    plain: set[int] = set()  # holders of keys whose groups pair every member
    for row in rows:
        counts[row[0]] = row[1]
        values = row[2 : 2 + width]
        other = values[0]
        if other is not None:
            if matching.windowed(matching.key_family(row[0]), row[1]):
                windowed.setdefault(row[0], []).append(other)
            else:
                plain.add(other)
        if other is None or other in by_id or values[1] != company:
            continue
        record = {name: value or "" for name, value in zip(columns[2:], values[2:], strict=True)}
        record["id"] = other
        record["country"] = str(record.get("country") or "")
        fingerprint, data = row[2 + width :]
        fresh = data and fingerprint == matching.profile_fingerprint(record)
        record["_profile"] = matching.profile_load(data, record["no"]) if fresh else None
        by_id[other] = record
    if windowed:
        windowed[""] = sorted(plain)  # under "": the holders reached in full
    return counts, [by_id[other] for other in sorted(by_id)], windowed


_PROFILE_COLUMNS = ("duplicate_match_profile__fingerprint", "duplicate_match_profile__data")


def companies_values(
    ids: Iterable[int], fields: Sequence[str], *, profiles: bool = False
) -> list[dict]:
    """The `fields` of the companies among `ids`, by id (blanks as ""), CHUNK ids a statement.

    Looked up by primary key only, the type checked here: with a type condition in
    the statement SQLite may read the type index, that is every company. With
    `profiles`, each record's "_profile" is its stored profile while its values still
    have the profile's fingerprint, else None (read in the same statement)."""
    ids = sorted(ids)
    columns = list(dict.fromkeys(("id", "type", *fields)))
    if profiles:
        columns += _PROFILE_COLUMNS
    fingerprint_column, data_column = _PROFILE_COLUMNS
    out = []
    for start in range(0, len(ids), CHUNK):
        rows = Contact.objects.filter(pk__in=ids[start : start + CHUNK]).order_by("pk")
        for row in rows.values(*columns):
            if row["type"] != Contact.Type.COMPANY:
                continue
            record = {name: row[name] or "" for name in fields} | {"id": row["id"]}
            if profiles:
                record["country"] = str(record.get("country") or "")
                data = row[data_column]
                fresh = data and row[fingerprint_column] == matching.profile_fingerprint(record)
                record["_profile"] = matching.profile_load(data, record["no"]) if fresh else None
            out.append(record)
    return out


@dataclass
class _Own:
    """What one company's search needs about itself."""

    record: dict
    profile: matching.Profile
    strings: dict[tuple[str, str], str]
    keys: set[str]


def _own(contact: Contact, lines: list[matching.Line]) -> _Own:
    record = contact_record(contact, lines)
    profile = matching.Profile.of(record)
    return _Own(
        record, profile, matching.search_strings(record, lines), matching.index_keys(profile)
    )


def duplicates_search_for(
    *,
    contact: Contact,
    method: str | None = None,
    setup: MarketingSetup | None = None,
    lines: list[matching.Line] | None = None,
    own: _Own | None = None,
) -> list[FoundPair]:
    """The possible duplicates of one company from the stored strings and keys.

    Reference: the companies sharing at least ceil(lines x hit % / 100) strings.
    Ours: the companies sharing a blocking key, scored by the model in use; a pair
    is found when its score (match probability in %) reaches Search Hit %.
    A few set-based statements whatever the size of the table.
    """
    setup = setup or MarketingSetup.get()
    method = method_of(setup, method)
    lines = setup_lines() if lines is None else lines
    own = own or _own(contact, lines)
    if method == REFERENCE:
        threshold = matching.reference_threshold(len(lines), setup.search_hit_pct)
        counts = _reference_counts(contact.pk, own.strings, threshold)
        counts.pop(contact.pk, None)
        if not counts:
            return []
        others = companies_values(counts, record_fields(lines), profiles=True)
        key_counts: dict[str, int] = {}
    else:
        key_counts, others, windowed = _key_candidates(
            contact.pk, sorted(own.keys), record_fields(lines)
        )
        counts = {}
        if not others:
            return []
    model = learning.model_in_use()
    scorer = matching.Scorer(model, matching.key_frequencies(key_counts, model), model.companies)
    profiles = [record.pop("_profile") or matching.Profile.of(record) for record in others]
    kept = range(len(others))
    if method != REFERENCE and windowed:
        kept = _within_windows(own, others, profiles, windowed)
    if method != REFERENCE:
        # Only pairs whose ceiling reaches Search Hit % are scored in full (as in the
        # full search, `matching.Scorer.hopeful`): the same pairs, most candidates
        # skipped for a few comparisons.
        minimum = linkage.min_weight_for(setup.search_hit_pct)
        kept, _ceilings = scorer.hopeful(
            own.profile, [profiles[index] for index in kept], kept, minimum - 1e-6
        )
    found = []
    for index in kept:
        record = others[index]
        match = scorer.match(own.profile, profiles[index])
        if method == REFERENCE:
            strings = counts.get(record["id"], 0)
        else:
            if match.score < setup.search_hit_pct:
                continue
            theirs = matching.search_strings(record, lines)
            strings = sum(1 for line, s in own.strings.items() if theirs.get(line) == s)
        found.append(FoundPair(contact.pk, record["id"], strings, match.score, match.reasons))
    return found


def _within_windows(
    own: _Own,
    others: Sequence[dict],
    profiles: Sequence[matching.Profile],
    windowed: Mapping[str, list[int]],
) -> list[int]:
    """The candidates (positions in `others`) the full search pairs with the company: a
    large group of a windowed key family gives only its WINDOW nearest on each side in
    `matching.window_order` (as `matching.Blocks`); any other shared key gives all."""
    at = {record["id"]: index for index, record in enumerate(others)}
    reached = {at[i] for i in windowed.get("", ()) if i in at}
    own_order = matching.window_order(own.profile)
    for key, ids in windowed.items():
        if not key:
            continue
        group = [(matching.window_order(profiles[at[i]]), at[i]) for i in ids if i in at]
        group.append((own_order, -1))
        group.sort()
        place = next(p for p, (_order, index) in enumerate(group) if index == -1)
        reached.update(index for _order, index in matching.window_around(group, place))
    return sorted(reached)


def _store_pairs(
    found: Iterable[FoundPair], *, existing: set[tuple[int, int]] | None = None
) -> list[ContactDuplicate]:
    """Insert pairs unless the pair already exists in either direction (4.4 step 5).

    `existing` are the stored (low id, high id) pairs when the caller knows them
    (none for a contact saved for the first time); otherwise they are read."""
    rows = {}
    for pair in found:
        low, high = _ordered(pair.contact_id, pair.duplicate_id)
        rows[(low, high)] = ContactDuplicate(
            contact_id=low,
            duplicate_id=high,
            no_of_matching_strings=pair.matching_strings,
            score=pair.score,
            reasons=pair.reasons,
            kind=pair.kind,
        )
    if not rows:
        return []
    ids = sorted({low for low, _high in rows}) if existing is None else []
    existing = set() if existing is None else existing
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        existing |= set(
            ContactDuplicate.objects.filter(contact_id__in=chunk).values_list(
                "contact_id", "duplicate_id"
            )
        )
    new = [row for key, row in rows.items() if key not in existing]
    ContactDuplicate.objects.bulk_create(new, batch_size=2000)
    return new


# No savepoint of its own inside the caller's transaction (a save's): two round trips
# fewer per save, and a failure here fails the caller's transaction as it did anyway.
@transaction.atomic(savepoint=False)
def contact_index(
    *,
    contact: Contact,
    method: str | None = None,
    setup: MarketingSetup | None = None,
    search: bool = True,
    new: bool = False,
) -> list[ContactDuplicate]:
    """Make the contact index (4.4): rebuild strings and keys, replace the open pairs.

    Pairs marked as separate contacts are kept, whichever side the contact is on.
    With `search` off only the strings and keys are rebuilt (Autosearch off: the
    pairs stay as the last search left them). `new`: the contact was just created,
    so it has no strings, keys or pairs to replace yet (nothing is deleted or read
    back). Returns the pairs found now (new rows).
    """
    if contact.is_person:
        from duplicates.services.persons import person_index

        return person_index(contact=contact, search=search)
    setup = setup or MarketingSetup.get()
    lines = setup_lines()
    own = _own(contact, lines)
    search_strings_build(
        contact=contact,
        lines=lines,
        strings=own.strings,
        keys=own.keys,
        replace=not new,
        record=own.record,
        profile=own.profile,
    )
    if not search:
        return []
    if not new:
        ContactDuplicate.objects.involving(contact).open().delete()
    found = duplicates_search_for(contact=contact, method=method, setup=setup, lines=lines, own=own)
    return _store_pairs(found, existing=set() if new else None)


def duplicates_find_for(*, contact: Contact, method: str | None = None) -> list[ContactDuplicate]:
    """Re-index one contact and return all its pairs (new and kept), best first."""
    contact_index(contact=contact, method=method)
    return list(
        ContactDuplicate.objects.involving(contact)
        .select_related("contact", "duplicate")
        .order_by("-score")
    )


def contact_check_duplicates(
    *, contact: Contact, created: bool, before: Mapping | None
) -> list[ContactDuplicate] | None:
    """After a save: maintain the contact's index and search when the setup says so (4.5).

    Maintain off: nothing. Maintain on, Autosearch off: the strings and keys are
    kept up to date and nothing is searched (the issue's rule, stricter than the
    reference). Both on: the contact is searched too. Re-indexes when the contact
    is new, changed type or a watched field changed; a company that became a person
    loses its company index. Returns the new pairs, or None when nothing was searched.
    """
    # Read by the contact rules of this same save (in its transaction): not read again.
    setup = contact_save_setup(contact) or MarketingSetup.get()
    if before is not None and before.get("type") != contact.type:
        contact_unindex(contact=contact)
    if not setup.maintain_search_strings:
        return None
    if not created and before is not None:
        changed = any(before.get(name) != getattr(contact, name) for name in WATCHED_FIELDS)
        if not changed:
            return None
    pairs = contact_index(
        contact=contact,
        setup=setup,
        search=setup.autosearch_for_duplicates,
        new=created and before is None,
    )
    return pairs if setup.autosearch_for_duplicates else None


#: A bulk change (import, bulk update) of at most this many companies is searched at
#: once, as a save would be; a larger one gets its strings and keys only (the
#: reference's advice for migrations) and is searched with `find_duplicates`.
BULK_SEARCH_LIMIT = 200


def contacts_bulk_changed(*, contact_ids: Sequence[int], created: bool = False) -> int:
    """After contacts were written in bulk (no save signals): maintain their index.

    Companies among `contact_ids` get fresh search strings and match keys when the
    setup maintains them; a small batch is also searched for duplicates when
    Autosearch is on. `created`: the contacts were all inserted in this transaction
    (nothing of theirs is stored in the index yet). Returns the number of companies
    indexed.
    """
    setup = MarketingSetup.get()
    ids = list(contact_ids)
    if not setup.maintain_search_strings or not ids:
        return 0
    if setup.autosearch_for_duplicates and len(ids) <= BULK_SEARCH_LIMIT:
        # By id only (the type checked here): a type condition may read every company.
        found = [c for c in Contact.objects.filter(pk__in=ids) if c.type == Contact.Type.COMPANY]
        with transaction.atomic():
            for company in found:
                contact_index(contact=company, setup=setup)
        return len(found)
    indexed = sum(
        search_strings_rebuild(
            # By id only: search_strings_rebuild keeps the companies. With the type in
            # the statement PostgreSQL read the type index's companies for each chunk
            # (1M-row import: 500 chunks, 92 ms each, against 13 ms at 100k rows).
            contacts=Contact.objects.filter(pk__in=ids[start : start + CHUNK]),
            new=created,
            persons=False,  # persons' keys as before: their own saves and full rebuilds
        )
        for start in range(0, len(ids), CHUNK)
    )
    # A large import filled the index tables (at least a row per company): planner
    # statistics once it commits (15.5), as for the contact table.
    analyze_after_bulk_write(indexed, ContactSearchString, ContactMatchKey, ContactMatchProfile)
    return indexed


def companies_search(
    *, contact_ids: Sequence[int], progress: Progress | None = None, batch: int = 500
) -> int:
    """Search the companies among `contact_ids` for duplicates against all companies,
    from their stored strings and keys (what a save with Autosearch does, for many):
    new pairs are added, pairs already stored (either way round, or marked separate)
    are kept. One committed transaction per `batch` companies, `progress(count)` after
    each; returns the number of new pairs. For a large import, after its commit."""
    setup = MarketingSetup.get()
    lines = setup_lines()
    ids = sorted(set(contact_ids))
    new = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with transaction.atomic():
            found: list[FoundPair] = []
            for company in Contact.objects.filter(pk__in=chunk):
                if company.type != Contact.Type.COMPANY:
                    continue  # checked here: a type condition may read every company
                found += duplicates_search_for(contact=company, setup=setup, lines=lines)
            new += len(_store_pairs(found))
            if progress:
                progress(len(chunk))  # inside: a cancel rolls this batch back
    return new


@dataclass
class SearchResult:
    companies: int
    pairs: list[tuple[str, str, int]]  # (contact no., duplicate no., score) as stored
    stored: int
    method: str = OURS
    model: linkage.Model | None = None
    questions: int = 0
    persons: int = 0
    person_pairs: list[tuple[str, str, int]] = field(default_factory=list)


def _all_records(lines: list[matching.Line], progress: Progress | None) -> list[dict]:
    fields = record_fields(lines)
    records: list[dict] = []
    for chunk in id_chunks(Contact.objects.all(), fields[1:], kind=Contact.Type.COMPANY):
        records.extend(
            {k: (v or "") if k != "id" else v for k, v in zip(fields, row, strict=True)}
            for row in chunk
        )
        if progress and chunk:
            progress(len(chunk))
    return records


def _all_profiles(
    progress: Progress | None, *, store: bool = False
) -> tuple[list[matching.Profile], list[int]]:
    """The profiles of all companies and their ids (in id order), read in chunks.

    A stored profile is used while the company's values still have its fingerprint;
    the others are made from the values (and, with `store`, stored for next time).
    The values themselves are not kept: only the profiles.
    """
    source = matching.PROFILE_SOURCE
    columns = ("no", *source)
    width = len(source)
    fingerprint_of, load, make = (
        matching.profile_fingerprint_of,
        matching.profile_load,
        matching.Profile.of,
    )
    profiles: list[matching.Profile] = []
    ids: list[int] = []
    stale: list[tuple] = []
    for chunk in id_chunks(Contact.objects.all(), columns, kind=Contact.Type.COMPANY):
        if not chunk:
            continue
        # The stored profiles of the chunk's id range, read by their primary key (the
        # contact's id) in a statement of their own: joined to the contacts, PostgreSQL
        # merged the chunk with the profile table read from its first row, every chunk
        # (151 ms a chunk half-way through a million companies).
        stored = {
            row[0]: row[1:]
            for row in ContactMatchProfile.objects.filter(
                contact_id__gte=chunk[0][0], contact_id__lte=chunk[-1][0]
            ).values_list("contact_id", "fingerprint", "data")
        }
        for row in chunk:
            values = row[2 : 2 + width]
            fingerprint = fingerprint_of(values)
            no = row[1] or ""
            kept = stored.get(row[0])
            fresh = kept is not None and kept[0] == fingerprint and kept[1]
            profile = load(kept[1], str(no)) if fresh else None
            if profile is None:
                record = {name: value or "" for name, value in zip(source, values, strict=True)}
                record["country"] = str(record["country"])
                record["no"] = no
                profile = make(record)
                if store:
                    stale.append((row[0], fingerprint, matching.profile_dump(profile)))
            profiles.append(profile)
            ids.append(row[0])
        if progress:
            progress(len(chunk))
    if stale:
        profiles_store(stale)
    return profiles, ids


def company_profiles(progress: Progress | None = None) -> list[matching.Profile]:
    """The profiles of all companies (for estimating the model)."""
    return _all_profiles(progress)[0]


def pairs_find(
    records: list[Mapping],
    *,
    lines: list[matching.Line],
    hit_pct: int,
    method: str = OURS,
    model: linkage.Model | None = None,
) -> dict[tuple[str, str], tuple[int, matching.Match]]:
    """All pairs over plain records: {(no_a, no_b): (matching strings, match)}."""
    profiles = [matching.Profile.of(r) for r in records]
    by_no = {r["no"]: r for r in records}
    if method == REFERENCE:
        reference = matching.reference_find_pairs(records, lines, hit_pct)
        model = model or learning.model_in_use()
        scorer = matching.Scorer(model, matching.frequencies_of(profiles), len(profiles))
        profile_of = {p.no: p for p in profiles}
        return {
            pair: (count, scorer.match(profile_of[pair[0]], profile_of[pair[1]]))
            for pair, count in reference.items()
        }
    found = matching.find_pairs(profiles, hit_pct=hit_pct, model=model).pairs
    result = {}
    for pair, match in found.items():
        a = matching.search_strings(by_no[pair[0]], lines)
        b = matching.search_strings(by_no[pair[1]], lines)
        result[pair] = (sum(1 for key, s in a.items() if b.get(key) == s), match)
    return result


def _with_matching_strings(
    pairs: Mapping[tuple[str, str], matching.Match],
    id_of: Mapping[str, int],
    lines: list[matching.Line],
) -> dict[tuple[str, str], tuple[int, matching.Match]]:
    """{pair: (matching search strings, match)}: the strings of the companies in pairs
    only, read by id."""
    wanted = {id_of[no] for pair in pairs for no in pair}
    strings = {
        record["no"]: matching.search_strings(record, lines)
        for record in companies_values(wanted, record_fields(lines))
    }
    found = {}
    for (a, b), match in pairs.items():
        sa, sb = strings[a], strings[b]
        found[(a, b)] = (sum(1 for key, s in sa.items() if sb.get(key) == s), match)
    return found


#: How many uncertain pairs the full search leaves for the review queue.
REVIEW_QUESTIONS = 50


@transaction.atomic
def duplicates_find_all(
    *, method: str | None = None, progress: Progress | None = None, persons: bool = True
) -> SearchResult:
    """Run the full search over all companies (and persons) and replace the open pairs.

    Pairs marked as separate contacts survive; a pair is stored once. Our method
    re-estimates the model first when the companies or decisions changed enough,
    and leaves the pairs it is least sure of as review questions.
    """
    setup = MarketingSetup.get()
    method = method_of(setup, method)
    lines = setup_lines()
    ContactDuplicate.objects.open().filter(kind=Contact.Type.COMPANY).delete()
    model = None
    questions = 0
    if method == REFERENCE:
        records = _all_records(lines, progress)
        id_of = {r["no"]: r["id"] for r in records}
        companies = len(records)
        found = pairs_find(records, lines=lines, hit_pct=setup.search_hit_pct, method=method)
        del records
    else:
        profiles, ids = _all_profiles(progress, store=setup.maintain_search_strings)
        id_of = {p.no: pk for p, pk in zip(profiles, ids, strict=True)}
        companies = len(profiles)
        del ids
        estimate = learning.model_needs_estimate(len(profiles))
        result = matching.find_pairs(
            profiles,
            hit_pct=setup.search_hit_pct,
            model=None if estimate else learning.model_in_use(),
            decisions=learning.decisions_data() if estimate else (),
            uncertain=REVIEW_QUESTIONS,
            processes=settings.DUPLICATE_SEARCH_PROCESSES,
        )
        del profiles
        model = result.model
        if (estimate and companies >= linkage.MIN_COMPANIES_TO_ESTIMATE) or (
            estimate and model.labelled_pairs
        ):
            learning.model_store(model, companies=companies)
        found = _with_matching_strings(result.pairs, id_of, lines)
        questions = review_questions_replace(
            [(id_of[a], id_of[b], match) for a, b, match in result.uncertain]
        )
    stored = _store_pairs(
        FoundPair(id_of[a], id_of[b], count, match.score, match.reasons)
        for (a, b), (count, match) in found.items()
    )
    pairs = sorted((a, b, match.score) for (a, b), (_count, match) in found.items())
    result_persons: list[tuple[str, str, int]] = []
    person_count = 0
    if persons and method == OURS:
        from duplicates.services.persons import persons_find_all

        person_count, result_persons = persons_find_all(hit_pct=setup.search_hit_pct)
    return SearchResult(
        companies=companies,
        pairs=pairs,
        stored=len(stored),
        method=method,
        model=model,
        questions=questions,
        persons=person_count,
        person_pairs=result_persons,
    )


def review_questions_replace(pairs: Iterable[tuple[int, int, matching.Match]]) -> int:
    """Replace the review questions by these pairs, leaving out decided and listed ones."""
    ReviewQuestion.objects.all().delete()
    listed = set()
    wanted = []
    for a, b, match in pairs:
        low, high = _ordered(a, b)
        wanted.append((low, high, match))
        listed.add(low)
    existing = set(
        ContactDuplicate.objects.filter(contact_id__in=listed).values_list(
            "contact_id", "duplicate_id"
        )
    )
    rows = [
        ReviewQuestion(contact_id=low, duplicate_id=high, score=m.score, reasons=m.reasons)
        for low, high, m in wanted
        if (low, high) not in existing
    ]
    ReviewQuestion.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def duplicate_set_separate(
    *, pair: ContactDuplicate, separate: bool, user=None
) -> ContactDuplicate:
    """Mark a pair as separate contacts (not duplicates), or undo the mark.

    The mark is a decision the model learns from ("two companies"); undoing it takes
    the decision back.
    """
    pair.separate_contacts = separate
    pair.save(update_fields=["separate_contacts"])
    if separate:
        learning.decision_record(
            contact=pair.contact, other=pair.duplicate, same=False, source="separate", user=user
        )
    else:
        learning.decision_forget(contact=pair.contact, other=pair.duplicate, source="separate")
    return pair


@dataclass(frozen=True)
class RecordMatch:
    """An existing company that a (not yet saved) record may be: for imports.

    `reasons` are the stored codes ("vat.same:+13.5"); `labels` the same translated
    ("same VAT registration no. (+13.5)").
    """

    contact_id: int
    contact_no: str
    name: str
    score: int
    reasons: list[str]
    labels: list[str]


def record_find_matches(
    record: Mapping, *, limit: int = 5, min_score: int | None = None
) -> list[RecordMatch]:
    """The existing companies one record (a dict of Contact field values) may be.

    Public and stable for the import (through the matcher extension point in
    contacts): the record is compared with the stored companies by our method and
    the model in use, best first; `min_score` defaults to the setup's Search Hit %.
    A few set-based statements per record, whatever the size of the table.
    """
    return records_find_matches([record], limit=limit, min_score=min_score)[0]


def records_find_matches(
    records: Sequence[Mapping], *, limit: int = 5, min_score: int | None = None
) -> list[list[RecordMatch]]:
    """`record_find_matches` for many records at once (an import's rows): the same
    matches per record, read with a few statements per 900 distinct keys and per 900
    candidates (not per record). Records are compared with the stored companies only,
    not with each other, and with every holder of a shared key (a large name-prefix
    group too, where the full search pairs within `matching.WINDOW` names only: an
    import row is not yet in the names' order, and a wider look can only show more
    matches, each scored as the full search scores it)."""
    from duplicates.selectors import reason_labels

    setup = MarketingSetup.get()
    threshold = setup.search_hit_pct if min_score is None else min_score
    fields = record_fields(())
    profiles = []
    for record in records:
        values = {name: record.get(name) or "" for name in fields}
        values["country"] = str(values.get("country") or "")
        profiles.append(matching.Profile.of(values))
    own_keys = [matching.index_keys(profile) for profile in profiles]
    every_key = sorted(set().union(*own_keys)) if own_keys else []
    key_counts: dict[str, int] = {}
    for start in range(0, len(every_key), CHUNK):
        key_counts.update(_key_counts(every_key[start : start + CHUNK]))
    # As if each record were stored: a key shared with one company makes a group of two.
    blocking = [
        key
        for key, n in key_counts.items()
        if matching.is_blocking_key(key) and 2 <= n + 1 <= matching.MAX_KEY_GROUP
    ]
    holders: dict[str, set[int]] = {}
    for start in range(0, len(blocking), CHUNK):
        rows = ContactMatchKey.objects.filter(key__in=blocking[start : start + CHUNK])
        for key, contact_id in rows.values_list("key", "contact_id"):
            holders.setdefault(key, set()).add(contact_id)
    wanted = sorted(set().union(*holders.values())) if holders else []
    stored = {record["id"]: record for record in companies_values(wanted, fields)}
    model = learning.model_in_use() if stored else None
    results: list[list[RecordMatch]] = []
    for profile, keys in zip(profiles, own_keys, strict=True):
        candidates = set().union(*(holders.get(key, set()) for key in keys))
        found = []
        if candidates and model is not None:
            usable = {k: key_counts[k] + 1 for k in keys if k in key_counts}
            scorer = matching.Scorer(
                model, matching.key_frequencies(usable, model), model.companies
            )
            for contact_id in candidates:
                theirs = stored.get(contact_id)
                if theirs is None:
                    continue
                match = scorer.match(profile, matching.Profile.of(theirs))
                if match.score >= threshold:
                    found.append(
                        RecordMatch(
                            contact_id,
                            theirs["no"],
                            theirs["name"],
                            match.score,
                            match.reasons,
                            reason_labels(match.reasons),
                        )
                    )
        found.sort(key=lambda m: (-m.score, m.contact_no))
        results.append(found[:limit])
    return results


SAME = "same"
DIFFERENT = "different"
UNSURE = "unsure"
ANSWERS = (SAME, DIFFERENT, UNSURE)


@transaction.atomic
def review_answer(*, question: ReviewQuestion, answer: str, user=None) -> ContactDuplicate | None:
    """The user's answer to a review question (active learning).

    "same": the pair becomes a possible duplicate (to merge) and a "one company"
    decision; "different": a pair marked as separate contacts and a "two companies"
    decision; "unsure": the question is dropped and nothing is learned. The next
    estimate of the model uses the decisions.
    """
    if answer not in ANSWERS:
        raise ValidationError(_("Answer same, different or unsure."))
    contact, other = question.contact, question.duplicate
    question.delete()
    if answer == UNSURE:
        return None
    pair, _created = ContactDuplicate.objects.get_or_create(
        contact_id=contact.pk,
        duplicate_id=other.pk,
        defaults={
            "score": question.score,
            "reasons": question.reasons,
            "kind": contact.type,
            "separate_contacts": answer == DIFFERENT,
        },
    )
    if pair.separate_contacts != (answer == DIFFERENT):
        pair.separate_contacts = answer == DIFFERENT
        pair.save(update_fields=["separate_contacts"])
    learning.decision_record(
        contact=contact, other=other, same=answer == SAME, source="review", user=user
    )
    return pair
