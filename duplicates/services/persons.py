"""Duplicate persons, within a company and across companies (issue 16.4).

The reference indexes companies only; persons are our method's own. Two person
records are one person when they share a personal e-mail address, or the name and
the mobile phone number; the same name within one company is worth a question.
They are listed and merged like companies (`ContactDuplicate.kind` = person).
Keys are stored in `ContactMatchKey` beside the companies' ("pe:", "pm:", "pn:").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from django.db import transaction
from rapidfuzz import fuzz

from contacts.models import Contact
from duplicates import linkage
from duplicates import normalise as norm
from duplicates.models import ContactDuplicate, ContactMatchKey

#: E-mail local parts that name a role, not a person: shared, so no evidence.
ROLE_ADDRESSES = frozenset(
    {
        "info", "post", "postmaster", "kontakt", "contact", "office", "mail", "admin", "sales",
        "salg", "firmapost", "faktura", "invoice", "regnskap", "support", "service", "booking",
        "ordre", "order", "hello", "hei", "mottak", "resepsjon", "reception", "kantoor",
        "verkoop", "administratie", "boekhouding", "buero", "buro", "vertrieb",
    }
)  # fmt: skip

#: Evidence in bits (a small fixed model: these are rules users can read).
PRIOR = -10.0
WEIGHTS = {
    ("person_email", "same"): 14.0,
    ("person_mobile", "same"): 12.0,
    ("person_name", "exact"): 8.0,
    ("person_name", "close"): 5.0,
    ("person_name", "different"): -4.0,
    ("person_company", "same"): 2.0,
    ("person_company", "other"): -1.0,
}
MAX_GROUP = 30


@dataclass(frozen=True, slots=True)
class PersonProfile:
    id: int
    no: str
    name: str
    name_key: str
    emails: tuple[str, ...]
    mobile: str
    company_id: int | None

    @classmethod
    def of(cls, record: Mapping) -> PersonProfile:
        parts = [record.get("first_name"), record.get("middle_name"), record.get("surname")]
        text = " ".join(str(p) for p in parts if p) or str(record.get("name") or "")
        name = " ".join(norm.fold(text).replace("-", " ").split())
        name = "".join(ch for ch in name if ch.isalnum() or ch == " ")
        emails, _domains = norm.email_parts(record.get("email"))
        personal = tuple(e for e in emails if e.partition("@")[0] not in ROLE_ADDRESSES)
        country = str(record.get("country") or "")
        return cls(
            id=record.get("id") or 0,
            no=str(record.get("no") or ""),
            name=name,
            name_key="".join(sorted(name.split())),
            emails=personal,
            mobile=norm.normalise_phone(record.get("mobile_phone_no"), country),
            company_id=record.get("company_id") or record.get("company") or None,
        )


PERSON_FIELDS = (
    "id", "no", "name", "first_name", "middle_name", "surname", "email", "mobile_phone_no",
    "company_id", "country",
)  # fmt: skip


def person_keys(p: PersonProfile) -> set[str]:
    keys = {f"pe:{email}" for email in p.emails}
    if p.mobile:
        keys.add(f"pm:{p.mobile}")
    if p.name_key and p.company_id:
        keys.add(f"pn:{p.name_key}@{p.company_id}")
    return {key[:120] for key in keys}


def person_compare(a: PersonProfile, b: PersonProfile) -> list[tuple[str, str, float]]:
    """(comparison, level, weight) of the comparisons two persons allow."""
    parts = []
    if a.name and b.name:
        if a.name_key == b.name_key:
            level = "exact"
        elif fuzz.token_sort_ratio(a.name, b.name) >= 90:
            level = "close"
        else:
            level = "different"
        parts.append(("person_name", level))
    if set(a.emails) & set(b.emails):
        parts.append(("person_email", "same"))
    if a.mobile and a.mobile == b.mobile:
        parts.append(("person_mobile", "same"))
    if a.company_id and b.company_id:
        parts.append(("person_company", "same" if a.company_id == b.company_id else "other"))
    return [(c, level, WEIGHTS[(c, level)]) for c, level in parts]


@dataclass(frozen=True)
class PersonMatch:
    score: int
    reasons: list[str]
    weight: float


def person_score(a: PersonProfile, b: PersonProfile) -> PersonMatch:
    parts = person_compare(a, b)
    total = PRIOR + sum(w for _c, _l, w in parts)
    parts.sort(key=lambda part: -abs(part[2]))
    reasons = [f"{c}.{level}:{w:+.1f}" for c, level, w in parts]
    return PersonMatch(linkage.score_of(total), reasons, total)


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _store(pairs: Iterable[tuple[int, int, PersonMatch]]) -> int:
    rows = {}
    for a, b, match in pairs:
        low, high = _ordered(a, b)
        rows[(low, high)] = ContactDuplicate(
            contact_id=low,
            duplicate_id=high,
            score=match.score,
            reasons=match.reasons,
            kind=Contact.Type.PERSON,
        )
    if not rows:
        return 0
    lows = sorted({low for low, _high in rows})
    existing = set()
    for start in range(0, len(lows), 500):
        existing |= set(
            ContactDuplicate.objects.filter(contact_id__in=lows[start : start + 500]).values_list(
                "contact_id", "duplicate_id"
            )
        )
    new = [row for key, row in rows.items() if key not in existing]
    ContactDuplicate.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _record(contact: Contact) -> dict:
    record = {name: getattr(contact, name, None) for name in PERSON_FIELDS}
    record["country"] = str(contact.country or "")
    return record


@transaction.atomic
def person_index(*, contact: Contact, search: bool = True, hit_pct: int | None = None) -> list:
    """Rebuild one person's keys and (with `search`) replace its open pairs."""
    from marketing_setup.models import MarketingSetup

    profile = PersonProfile.of(_record(contact))
    keys = person_keys(profile)
    ContactMatchKey.objects.filter(contact=contact).delete()
    ContactMatchKey.objects.bulk_create(ContactMatchKey(contact=contact, key=k) for k in keys)
    if not search:
        return []
    ContactDuplicate.objects.involving(contact).open().delete()
    if not keys:
        return []
    hit_pct = MarketingSetup.get().search_hit_pct if hit_pct is None else hit_pct
    ids = set(
        ContactMatchKey.objects.filter(key__in=sorted(keys))
        .exclude(contact=contact)
        .values_list("contact_id", flat=True)[: MAX_GROUP * len(keys)]
    )
    others = Contact.objects.filter(pk__in=ids, type=Contact.Type.PERSON).values(*PERSON_FIELDS)
    found = []
    for other in others:
        match = person_score(profile, PersonProfile.of(other))
        if match.score >= hit_pct:
            found.append((contact.pk, other["id"], match))
    _store(found)
    return list(ContactDuplicate.objects.involving(contact).open())


def _person_chunks(contacts):
    """The persons among `contacts` in id order, as value dicts, 5,000 contacts a read."""
    from duplicates.services.index import id_chunks

    fields = [name for name in PERSON_FIELDS if name != "id"]
    for rows in id_chunks(contacts, fields, kind=Contact.Type.PERSON, size=5000):
        yield [dict(zip(("id", *fields), row, strict=True)) for row in rows]


def _all_persons() -> list[PersonProfile]:
    out = []
    for chunk in _person_chunks(Contact.objects.all()):
        out.extend(PersonProfile.of(r) for r in chunk)
    return out


def person_pairs(
    profiles: Sequence[PersonProfile], *, hit_pct: int
) -> list[tuple[PersonProfile, PersonProfile, PersonMatch]]:
    """All pairs of persons sharing a key and scoring at least `hit_pct`."""
    groups: dict[str, list[int]] = {}
    for index, p in enumerate(profiles):
        for key in person_keys(p):
            groups.setdefault(key, []).append(index)
    seen: set[tuple[int, int]] = set()
    found = []
    for members in groups.values():
        if len(members) < 2 or len(members) > MAX_GROUP:
            continue
        for i, j in combinations(members, 2):
            if (i, j) in seen:
                continue
            seen.add((i, j))
            match = person_score(profiles[i], profiles[j])
            if match.score >= hit_pct:
                found.append((profiles[i], profiles[j], match))
    return found


def persons_find_all(*, hit_pct: int) -> tuple[int, list[tuple[str, str, int]]]:
    """Search all persons, replace their open pairs; (persons, [(no, no, score)])."""
    profiles = _all_persons()
    ContactDuplicate.objects.open().filter(kind=Contact.Type.PERSON).delete()
    found = person_pairs(profiles, hit_pct=hit_pct)
    _store((a.id, b.id, match) for a, b, match in found)
    pairs = sorted((min(a.no, b.no), max(a.no, b.no), match.score) for a, b, match in found)
    return len(profiles), pairs


def person_keys_rebuild(*, contacts=None) -> int:
    """Rebuild the keys of persons (all, or those in `contacts`)."""
    from duplicates.services.index import _insert

    done = 0
    for chunk in _person_chunks(contacts if contacts is not None else Contact.objects.all()):
        if not chunk:
            continue
        ids = [r["id"] for r in chunk]
        ContactMatchKey.objects.filter(contact_id__in=ids).delete()
        rows = [(r["id"], key) for r in chunk for key in person_keys(PersonProfile.of(r))]
        _insert(ContactMatchKey, ("contact", "key"), rows)
        done += len(chunk)
    return done
