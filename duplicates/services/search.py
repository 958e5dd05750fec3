"""Finding duplicates: one company (4.4, 4.5) or all of them (4.6), and the pairs (4.7)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from contacts.models import Contact
from duplicates import matching
from duplicates.models import (
    ContactDuplicate,
    ContactMatchKey,
    ContactSearchString,
)
from duplicates.services.index import (
    CHUNK,
    METHODS,
    OURS,
    REFERENCE,
    WATCHED_FIELDS,
    Progress,
    contact_record,
    contact_unindex,
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
    """Companies sharing a blocking key that is not too common.

    One bounded index read per key: a key with more than MAX_KEY_GROUP companies
    says too little and is skipped, so the cost per company does not grow with
    the table.
    """
    own = ContactMatchKey.objects.filter(contact_id=contact_id).values_list("key", flat=True)
    candidates: set[int] = set()
    for key in list(own):
        members = list(
            ContactMatchKey.objects.filter(key=key).values_list("contact_id", flat=True)[
                : matching.MAX_KEY_GROUP + 1
            ]
        )
        if len(members) <= matching.MAX_KEY_GROUP:
            candidates.update(members)
    candidates.discard(contact_id)
    return candidates


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
    fields = record_fields(lines)
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


#: A bulk change (import, bulk update) of at most this many companies is searched at
#: once, as a save would be; a larger one gets its strings and keys only (the
#: reference's advice for migrations) and is searched with `find_duplicates`.
BULK_SEARCH_LIMIT = 200


def contacts_bulk_changed(*, contact_ids: Sequence[int]) -> int:
    """After contacts were written in bulk (no save signals): maintain their index.

    Companies among `contact_ids` get fresh search strings and match keys when the
    setup maintains them; a small batch is also searched for duplicates. Returns the
    number of companies indexed.
    """
    setup = MarketingSetup.get()
    ids = list(contact_ids)
    if not setup.maintain_search_strings or not ids:
        return 0
    companies = Contact.objects.filter(type=Contact.Type.COMPANY)
    if len(ids) <= BULK_SEARCH_LIMIT:
        found = list(companies.filter(pk__in=ids))
        if len(found) <= BULK_SEARCH_LIMIT:
            with transaction.atomic():
                for company in found:
                    contact_index(contact=company, setup=setup)
            return len(found)
    return sum(
        search_strings_rebuild(contacts=companies.filter(pk__in=ids[start : start + CHUNK]))
        for start in range(0, len(ids), CHUNK)
    )


@dataclass
class SearchResult:
    companies: int
    pairs: list[tuple[str, str, int]]  # (contact no., duplicate no., score) as stored
    stored: int


def _all_records(lines: list[matching.Line], progress: Progress | None) -> list[dict]:
    fields = record_fields(lines)
    records: list[dict] = []
    last_id = 0
    companies = Contact.objects.filter(type=Contact.Type.COMPANY)
    while True:
        chunk = list(companies.filter(id__gt=last_id).order_by("id").values(*fields)[:CHUNK])
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
