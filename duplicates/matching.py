"""Duplicate matching over plain values: no ORM here (tested without a database).

Two methods live side by side:

* the reference method (reference document, 4.3 and 4.4): per setup line the
  first/last N characters of a field after removing a fixed set of characters,
  upper-cased; two companies are duplicates when they share at least
  ceil(lines x hit % / 100) of these strings;
* ours: candidates from blocking keys (normalised VAT number, phone numbers,
  e-mail address and domain, the name, name words within the same post code or
  city, the address), compared field by field (`compare`) and scored by a
  Fellegi–Sunter model learned from the user's own companies
  (`duplicates/linkage.py`), with each field's contribution as the reasons.

A record is any mapping with the Contact field names as keys (missing keys are
blank); `no` identifies it.
"""

from __future__ import annotations

import hashlib
import math
import random
import sys
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TypeVar

from rapidfuzz import fuzz

from contacts.identifiers import VatNumber, one_slip_apart
from duplicates import linkage
from duplicates import normalise as norm
from duplicates.linkage import EMAIL, ENTITY, MISSING, NAME, PHONE, PLACE, VAT

# --- Reference search strings (4.3) -----------------------------------------

#: Characters the reference deletes before cutting a search string.
STRIPPED_CHARACTERS = ' +"&/,.;:-_(){}#!£$\\'
_STRIP_TABLE = str.maketrans("", "", STRIPPED_CHARACTERS)

FIRST = "first"
LAST = "last"

#: The reference's default setup: these fields x first/last, length 5 (16 lines).
DEFAULT_FIELDS = (
    "name",
    "address",
    "city",
    "phone_no",
    "vat_registration_no",
    "post_code",
    "email",
    "mobile_phone_no",
)
DEFAULT_LENGTH = 5
DEFAULT_LINES: tuple[tuple[str, str, int], ...] = tuple(
    (name, part, DEFAULT_LENGTH) for name in DEFAULT_FIELDS for part in (FIRST, LAST)
)

#: Fields whose change re-runs the duplicate check (4.5).
TRIGGER_FIELDS = (
    "name",
    "name_2",
    "address",
    "address_2",
    "city",
    "post_code",
    "vat_registration_no",
    "phone_no",
)

Line = tuple[str, str, int]  # (field, part, length)


def _upper_char(char: str) -> str:
    # One character stays one character (as Business Central's UpperCase does): "ß"
    # keeps its form instead of becoming "SS", so a string never outgrows its length.
    upper = char.upper()
    return upper if len(upper) == 1 else char


def search_string(value: object, part: str, length: int) -> str:
    """One search string as the reference builds it (4.3); "" means none is stored.

    The text is first put in composed form (NFC), so "é" typed as one character or as
    "e" plus an accent gives the same string.
    """
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    text = text.translate(_STRIP_TABLE)
    if len(text) > length:
        text = text[:length] if part == FIRST else text[-length:]
    upper = text.upper()
    return upper if len(upper) == len(text) else "".join(map(_upper_char, text))


def search_strings(record: Mapping, lines: Iterable[Line]) -> dict[tuple[str, str], str]:
    """The non-blank search strings of a record for the given setup lines."""
    strings = {}
    for field_name, part, length in lines:
        string = search_string(record.get(field_name, ""), part, length)
        if string:
            strings[(field_name, part)] = string
    return strings


def reference_threshold(line_count: int, hit_pct: int) -> int:
    """Matching strings needed: ceil(configured lines x hit % / 100) (4.4)."""
    # Integer arithmetic: 16 * 60 / 100 must give 10, not a float rounding surprise.
    return max(1, math.ceil(line_count * hit_pct / 100)) if line_count else 0


def reference_find_pairs(
    records: Sequence[Mapping],
    lines: Sequence[Line] = DEFAULT_LINES,
    hit_pct: int = 60,
) -> dict[tuple[str, str], int]:
    """All pairs the reference flags: {(no_a, no_b) with no_a < no_b: matching strings}.

    Exactly the reference result, computed without comparing every pair: a record
    with n strings shares at least one string with any record that shares
    `threshold` of them, among ANY n - threshold + 1 of its lines (pigeonhole). So
    each record looks only into its n - threshold + 1 smallest groups, then counts
    the shared strings of those candidates.
    """
    threshold = reference_threshold(len(lines), hit_pct)
    if not threshold or threshold > len(lines):
        return {}
    strings = [search_strings(record, lines) for record in records]
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for index, record_strings in enumerate(strings):
        for (field_name, part), string in record_strings.items():
            groups[(field_name, part, string)].append(index)
    pairs: dict[tuple[str, str], int] = {}
    for a, own in enumerate(strings):
        if len(own) < threshold:
            continue
        own_groups = sorted((groups[(*line, string)] for line, string in own.items()), key=len)
        candidates: set[int] = set()
        for members in own_groups[: len(own) - threshold + 1]:
            candidates.update(b for b in members if b > a)
        for b in candidates:
            other = strings[b]
            count = sum(1 for line, string in own.items() if other.get(line) == string)
            if count >= threshold:
                pairs[_pair(records[a]["no"], records[b]["no"])] = count
    return pairs


# --- Our method: profiles ------------------------------------------------------------------

# Kept for callers that normalise single values (tests, the import's preview).
fold = norm.fold
normalise_name = norm.normalise_name
legal_forms = norm.legal_forms
normalise_address = norm.normalise_address
normalise_post_code = norm.normalise_post_code
normalise_city = norm.normalise_city
normalise_email = norm.normalise_email


def normalise_phone(value: object, country: object = "") -> str:
    return norm.normalise_phone(value, country)


def normalise_vat(value: object, country: object = "") -> str:
    """The identifying digits of a VAT/registration number ("" when there is none)."""
    number = norm.normalise_vat(value, country)
    return number.core if number else ""


def email_domain_stem(value: object) -> str:
    """The organisation's registrable e-mail domain ("info@cannon.co.uk" → "cannon.co.uk")."""
    _addresses, domains = norm.email_parts(value)
    return domains[0] if domains else ""


def name_tokens(value: object) -> list[str]:
    return normalise_name(value).split()


_intern = sys.intern


@dataclass(frozen=True, slots=True)
class Profile:
    """The normalised values of one record, computed once and compared many times."""

    no: str
    name: str
    name_key: str
    tokens: tuple[str, ...]
    legal: frozenset[str]
    entity: frozenset[str]
    address: str
    address_key: str
    house: frozenset[str]
    post_code: str
    city: str
    country: str
    phones: tuple[str, ...]
    vat: VatNumber | None
    emails: tuple[str, ...]
    domains: tuple[str, ...]

    @classmethod
    def of(cls, record: Mapping) -> Profile:
        get = record.get
        country = str(get("country") or "").upper()
        raw_name = get("name") or ""
        name_2 = get("name_2") or ""
        full_name = f"{raw_name} {name_2}" if name_2 else raw_name
        name = norm.normalise_name(full_name)
        tokens = tuple(name.split())
        address_text = get("address") or ""
        if get("address_2"):
            address_text = f"{address_text} {get('address_2')}"
        address = norm.normalise_address(address_text)
        phones = []
        for value in (get("phone_no"), get("mobile_phone_no")):
            if value:
                phone = norm.normalise_phone(value, country)
                if phone and phone not in phones:
                    phones.append(phone)
        emails, domains = norm.email_parts(get("email"))
        vat_text = get("vat_registration_no")
        return cls(
            no=str(get("no", "")),
            name=name,
            name_key="".join(sorted(tokens)),
            tokens=tokens,
            legal=norm.legal_forms(full_name),
            entity=norm.entity_words(tokens),
            address=address,
            address_key=address.replace(" ", ""),
            house=norm.house_numbers(address),
            post_code=_intern(norm.normalise_post_code(get("post_code"))),
            city=_intern(norm.normalise_city(get("city"))),
            country=_intern(country),
            phones=tuple(phones),
            vat=norm.normalise_vat(vat_text, country) if vat_text else None,
            emails=emails,
            domains=domains,
        )

    @property
    def place(self) -> str:
        return self.post_code or self.city

    def tf_values(self) -> dict[str, str]:
        """The values whose frequency the term-frequency adjustment uses."""
        return {
            "name": self.name_key,
            "address": f"{self.address_key}@{self.place}" if self.address_key else "",
            "city": self.city,
        }


# --- Our method: stored profiles ----------------------------------------------------------

#: The record fields a profile is made of (besides `no`, which is set when it is loaded).
PROFILE_SOURCE = (
    "name",
    "name_2",
    "address",
    "address_2",
    "post_code",
    "city",
    "country",
    "phone_no",
    "mobile_phone_no",
    "email",
    "vat_registration_no",
)
#: Raise when `Profile.of` or the normalisation changes: stored profiles of another
#: version no longer match their records' fingerprints and are made again.
PROFILE_VERSION = 1


def profile_fingerprint(record: Mapping) -> int:
    """A signed 64-bit digest of the values a profile is made of (and its version):
    a stored profile is used only while its record still has this fingerprint."""
    return profile_fingerprint_of([record.get(name) for name in PROFILE_SOURCE])


def profile_fingerprint_of(values: Sequence[object]) -> int:
    """`profile_fingerprint` of the PROFILE_SOURCE values in that order."""
    try:  # the values as read are text (or None): no str() call each
        text = "\x1f".join([value or "" for value in values])
    except TypeError:
        text = "\x1f".join([str(value or "") for value in values])
    digest = hashlib.blake2b(f"{PROFILE_VERSION}\x1e{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


_FIELD = "\x1f"  # between a stored profile's fields
_ITEM = "\x1e"  # between the items of one field
_VALID = {"": None, "1": True, "0": False}


def _items(values: Iterable[str]) -> str:
    return _ITEM.join(values)


def profile_dump(profile: Profile) -> str:
    """A profile as text (without its `no`) for `profile_load`: fields and their items
    separated by control characters. "" (stored as no profile) when the text would not
    load as the same profile (a value holding one of those characters)."""
    text = _dump(profile)
    try:
        same = profile_load(text, profile.no) == profile
    except (ValueError, KeyError):
        same = False
    return text if same else ""


def _dump(profile: Profile) -> str:
    p, vat = profile, profile.vat
    if vat is None:
        vat_text = ""
    else:
        valid = "" if vat.valid is None else str(int(vat.valid))
        vat_text = _items((vat.country, vat.kind, vat.core, valid))
    return _FIELD.join(
        (
            p.name, p.name_key, _items(sorted(p.legal)), _items(sorted(p.entity)), p.address,
            p.address_key, _items(sorted(p.house)), p.post_code, p.city, p.country,
            _items(p.phones), vat_text, _items(p.emails), _items(p.domains),
        )
    )  # fmt: skip


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(_ITEM)) if text else ()


#: Loaded sets of legal forms, holding words and house numbers by their stored text:
#: few distinct values, so a million loaded profiles share them (a frozenset is 216
#: bytes) and are loaded faster.
_SETS: dict[str, frozenset[str]] = {"": frozenset()}
_MAX_SETS = 100_000


def _set_of(text: str) -> frozenset[str]:
    found = _SETS.get(text)
    if found is None:
        found = frozenset(text.split(_ITEM))
        if len(_SETS) < _MAX_SETS:
            _SETS[text] = found
    return found


def profile_load(text: str, no: str) -> Profile | None:
    """The profile `profile_dump` wrote, as record `no`: equal to `Profile.of` of the
    record (None for "", no stored profile)."""
    if not text:
        return None
    (name, name_key, legal, entity, address, address_key, house, post_code, city, country,
     phones, vat, emails, domains) = text.split(_FIELD)  # fmt: skip
    if vat:
        vat_country, kind, core, valid = vat.split(_ITEM)
        number = VatNumber(vat_country, kind, core, _VALID[valid])
    else:
        number = None
    item = _ITEM
    return Profile(
        no,
        name,
        name_key,
        tuple(name.split()),
        _set_of(legal),
        _set_of(entity),
        address,
        address_key,
        _set_of(house),
        _intern(post_code),
        _intern(city),
        _intern(country),
        tuple(phones.split(item)) if phones else (),
        number,
        tuple(emails.split(item)) if emails else (),
        tuple(domains.split(item)) if domains else (),
    )


# --- Our method: comparisons -----------------------------------------------------------------


def name_similarity(a: Profile, b: Profile) -> int:
    """0..100: the best of plain, word-order-free and joined comparisons of the names."""
    if not a.name or not b.name:
        return 0
    if a.name_key == b.name_key:
        return 100
    plain = fuzz.ratio(a.name, b.name)
    if plain >= 92:
        return round(plain)
    sort_ratio = fuzz.token_sort_ratio(a.name, b.name)
    joined = fuzz.ratio(a.name_key, b.name_key)
    # A subset ("Madsen" in "Madsen Elektro") counts for less than a full match.
    set_ratio = fuzz.token_set_ratio(a.name, b.name) * 0.9
    return round(max(plain, sort_ratio, joined, set_ratio))


def name_level(a: Profile, b: Profile) -> int:
    if not a.name or not b.name:
        return MISSING
    if a.name_key == b.name_key:
        return 0
    similarity = name_similarity(a, b)
    if similarity >= 92:
        return 1
    if similarity >= 82:
        return 2
    if similarity >= 65:
        return 3
    return 4


def address_similarity(a: str, b: str) -> int:
    """0..100; addresses with different house numbers are different addresses."""
    if not a or not b:
        return 0
    if set(norm.house_numbers(a)) != set(norm.house_numbers(b)):
        return 0
    return round(fuzz.ratio(a, b))


def _same_city(a: str, b: str) -> bool:
    return bool(a and b) and (a == b or (len(a) > 4 and fuzz.ratio(a, b) >= 88))


def place_level(a: Profile, b: Profile) -> int:
    a_has = a.post_code or a.city
    b_has = b.post_code or b.city
    if a.country and b.country and a.country != b.country and a_has and b_has:
        return 4
    same_pc = bool(a.post_code) and a.post_code == b.post_code
    same_city = _same_city(a.city, b.city)
    if a.address and b.address and (same_pc or same_city or not a_has or not b_has):
        if a.address_key == b.address_key:
            return 0
        if a.house == b.house:
            ratio = fuzz.ratio(a.address_key, b.address_key)
            if ratio >= 95:
                return 0
            if ratio >= 80:
                return 1
    if same_pc:
        return 2
    if same_city:
        return 3
    if a_has and b_has:
        return 4
    return MISSING


def phone_level(a: Profile, b: Profile) -> tuple[int, str]:
    if not a.phones or not b.phones:
        return MISSING, ""
    for phone in a.phones:
        if phone in b.phones:
            return 0, phone
    return 1, ""


def vat_level(a: Profile, b: Profile) -> int:
    va, vb = a.vat, b.vat
    if va is None or vb is None or va.kind != vb.kind:
        return MISSING
    if va.country and vb.country and va.country != vb.country:
        return 2
    if va.core == vb.core:
        return 0
    if (va.valid is False or vb.valid is False) and one_slip_apart(va.core, vb.core):
        return 1
    if va.valid and vb.valid:
        return 3
    return 2


def email_level(a: Profile, b: Profile) -> tuple[int, str]:
    if a.emails and b.emails:
        for email in a.emails:
            if email in b.emails:
                return 0, ""
    if a.domains and b.domains:
        for domain in a.domains:
            if domain in b.domains:
                return 1, domain
        return 2, ""
    return MISSING, ""


def entity_level(a: Profile, b: Profile) -> int:
    if a.entity != b.entity:
        return 2
    if a.legal and b.legal and a.legal.isdisjoint(b.legal):
        return 1
    return 0


def compare(a: Profile, b: Profile) -> tuple[linkage.Vector, dict[str, str]]:
    """The comparison vector of a pair and the shared values of its exact levels."""
    phone, shared_phone = phone_level(a, b)
    email, shared_domain = email_level(a, b)
    place = place_level(a, b)
    tf = {}
    name = name_level(a, b)
    if name == 0:
        tf[NAME] = " ".join(sorted(a.tokens))
    if place == 0:
        tf[PLACE] = f"{a.address_key}@{a.place}"
    elif place == 3:
        tf[PLACE] = a.city
    if phone == 0:
        tf[PHONE] = shared_phone
    if email == 1:
        tf[EMAIL] = shared_domain
    return (name, place, phone, vat_level(a, b), email, entity_level(a, b)), tf


def frequencies_of(profiles: Iterable[Profile]) -> linkage.Frequencies:
    """Value frequencies of the term-frequency columns over the given companies."""
    names, addresses, cities, phones, domains, tokens = [], [], [], [], [], []
    companies = 0
    for p in profiles:
        companies += 1
        names.append(p.name_key)
        tokens.extend(set(p.tokens))
        if p.address_key:
            addresses.append(f"{p.address_key}@{p.place}")
        cities.append(p.city)
        phones.extend(p.phones)
        domains.extend(p.domains)
    frequencies = linkage.Frequencies.of(
        {
            "name": names,
            "address": addresses,
            "city": cities,
            "phone": phones,
            "domain": domains,
            "token": tokens,
        }
    )
    # A word's share is of the companies whose name has it (not of all words).
    frequencies.totals["token"] = companies
    return frequencies


# --- Our method: scoring ----------------------------------------------------------------------


@dataclass
class Match:
    """A scored pair: score = match probability in percent, weight in bits, reasons."""

    score: int
    reasons: list[str] = field(default_factory=list)
    weight: float = 0.0


def reason(comparison: str, level: str, weight: float) -> str:
    """A reason code "comparison.level:weight" ("vat.same:+17.3"); the pages translate them."""
    return f"{comparison}.{level}:{weight:+.1f}"


def parse_reason(text: str) -> tuple[str, str, float | None]:
    """("vat", "same", 17.3) from "vat.same:+17.3"; old codes give (code, value, None)."""
    code, _sep, value = str(text).partition(":")
    comparison, dot, level = code.partition(".")
    if not dot:
        return code, value, None
    try:
        return comparison, level, float(value)
    except ValueError:
        return comparison, level, None


_TF_COMPARISON_COLUMN = {(c, level): column for (c, level), column in linkage.TF_LEVELS.items()}


def _shares(values: Sequence[str], others: Sequence[str]) -> bool:
    # A loop, not any(): no generator per pair in the full search's inner loop.
    for value in values:  # noqa: SIM110
        if value in others:
            return True
    return False


class Scorer:
    """Scores pairs with a model and the value frequencies of the companies searched.

    `companies` is the size of the file the pairs come from (the prior depends on it).
    """

    def __init__(
        self,
        model: linkage.Model,
        frequencies: linkage.Frequencies | None = None,
        companies: int | None = None,
    ):
        self.model = model
        # The defaults (nothing counted) score without term frequencies.
        self.frequencies = frequencies if model.totals else None
        self.prior = model.prior_weight(companies or model.companies)
        self._w = model.weights
        self._tf_cache: dict[tuple[str, str], float] = {}
        self._name_bound = max(self._w[NAME][1:])

    def share(self, comparison: str, level: int, value: str) -> float:
        """The chance that another company has this value by coincidence (its frequency).

        A name is as common as its own count says, and no more common than its words
        together: company names are registered once, so two records with a name of
        rare words are rarely two companies ("Kristiansund Ventilasjon"), while a name
        of common words is ("Regnskap", "Hansen Bygg").
        """
        column = _TF_COMPARISON_COLUMN.get((comparison, level))
        frequencies = self.frequencies
        if column is None or frequencies is None or not value:
            return 0.0
        if column != "name":
            return frequencies.share(column, value)
        tokens = value.split()
        share = frequencies.share("name", "".join(tokens))
        companies = frequencies.totals.get("token")
        if share and companies:
            words = 1.0
            for token in tokens:
                words *= frequencies.share("token", token)
            # However rare its words, a name is shared by coincidence at least a quarter
            # as often as a value seen once (words are not independent of each other).
            share = min(share, max(words, 0.25 / companies))
        return share

    def _tf(self, comparison: str, level: int, value: str) -> float:
        key = (comparison, value)
        cached = self._tf_cache.get(key)
        if cached is None:
            share = self.share(comparison, level, value)
            cached = linkage.level_weight(self.model, comparison, level, share)
            if len(self._tf_cache) < 500_000:
                self._tf_cache[key] = cached
        return cached

    def weight(self, a: Profile, b: Profile) -> float:
        """The pair's total log-odds in bits (prior included)."""
        vector, tf = compare(a, b)
        total = self.prior
        w = self._w
        for comparison, level in zip(linkage.COMPARISONS, vector, strict=True):
            if level == MISSING:
                continue
            value = tf.get(comparison)
            if value is not None:
                total += self._tf(comparison, level, value)
            else:
                total += w[comparison][level]
        return total

    def ceiling(self, a: Profile, b: Profile) -> float:
        """An upper bound of `weight(a, b)`: every comparison as `compare` makes it, but
        the names' similarity and a VAT slip, counted at their best level."""
        return self.hopeful(a, [b], [0], -math.inf)[1][0]

    def hopeful(
        self, a: Profile, others: Sequence[Profile], ids: Sequence[int], limit: float
    ) -> tuple[list[int], list[float]]:
        """The `ids` of the `others` whose pair with `a` may weigh `limit` or more, and
        their ceilings (`ceiling`): the others cannot. One call per record, its own
        values read once, for its candidates in the full search; the pairs kept are
        weighed in full by `weight`."""
        w, tf, prior = self._w, self._tf, self.prior
        place_w, vat_w, email_w, entity_w = w[PLACE], w[VAT], w[EMAIL], w[ENTITY]
        phone_other = w[PHONE][1]
        vat_slip = max(vat_w[1], vat_w[2])
        name_bound = self._name_bound
        a_name, a_name_key, a_post_code, a_city = a.name, a.name_key, a.post_code, a.city
        a_country, a_address, a_address_key, a_house = a.country, a.address, a.address_key, a.house
        a_phones, a_vat, a_emails, a_domains = a.phones, a.vat, a.emails, a.domains
        a_entity, a_legal = a.entity, a.legal
        a_has = a_post_code or a_city
        a_long_city = len(a_city) > 4
        ratio = fuzz.ratio
        # The weights of a's exact name, address and town at their own frequencies,
        # worked out when first needed.
        exact_name = exact_address = exact_city = None
        kept: list[int] = []
        ceilings: list[float] = []
        for b, b_id in zip(others, ids, strict=True):
            total = prior
            # Place (place_level).
            b_post_code, b_city = b.post_code, b.city
            b_has = b_post_code or b_city
            if a_country and b.country and a_country != b.country and a_has and b_has:
                total += place_w[4]
            else:
                same_pc = bool(a_post_code) and a_post_code == b_post_code
                same_city = bool(a_city and b_city) and (
                    a_city == b_city or (a_long_city and ratio(a_city, b_city) >= 88)
                )
                level = MISSING
                if a_address and b.address and (same_pc or same_city or not a_has or not b_has):
                    if a_address_key == b.address_key:
                        level = 0
                    elif a_house == b.house:
                        similar = ratio(a_address_key, b.address_key)
                        if similar >= 95:
                            level = 0
                        elif similar >= 80:
                            level = 1
                if level == MISSING:
                    if same_pc:
                        level = 2
                    elif same_city:
                        level = 3
                    elif a_has and b_has:
                        level = 4
                if level == 0:
                    if exact_address is None:
                        exact_address = tf(PLACE, 0, f"{a_address_key}@{a.place}")
                    total += exact_address
                elif level == 3:
                    if exact_city is None:
                        exact_city = tf(PLACE, 3, a_city)
                    total += exact_city
                elif level != MISSING:
                    total += place_w[level]
            # Phone (phone_level).
            if a_phones:
                b_phones = b.phones
                if b_phones:
                    for phone in a_phones:
                        if phone in b_phones:
                            total += tf(PHONE, 0, phone)
                            break
                    else:
                        total += phone_other
            # VAT (vat_level), a possible slip at the best of its level and the next.
            if a_vat is not None:
                b_vat = b.vat
                if b_vat is not None and a_vat.kind == b_vat.kind:
                    if a_vat.country and b_vat.country and a_vat.country != b_vat.country:
                        total += vat_w[2]
                    elif a_vat.core == b_vat.core:
                        total += vat_w[0]
                    elif a_vat.valid is False or b_vat.valid is False:
                        total += vat_slip
                    elif a_vat.valid and b_vat.valid:
                        total += vat_w[3]
                    else:
                        total += vat_w[2]
            # E-mail (email_level).
            b_emails = b.emails
            if a_emails and b_emails and _shares(a_emails, b_emails):
                total += email_w[0]
            elif a_domains:
                b_domains = b.domains
                if b_domains:
                    for domain in a_domains:
                        if domain in b_domains:
                            total += tf(EMAIL, 1, domain)
                            break
                    else:
                        total += email_w[2]
            # Entity (entity_level).
            if a_entity != b.entity:
                total += entity_w[2]
            elif a_legal and b.legal and a_legal.isdisjoint(b.legal):
                total += entity_w[1]
            else:
                total += entity_w[0]
            # Name (name_level): exact with the same sorted words, else at most "close".
            if a_name and b.name:
                if a_name_key != b.name_key:
                    total += name_bound
                else:
                    if exact_name is None:
                        exact_name = tf(NAME, 0, " ".join(sorted(a.tokens)))
                    total += exact_name
            if total >= limit:
                kept.append(b_id)
                ceilings.append(total)
        return kept, ceilings

    def parts(self, a: Profile, b: Profile) -> tuple[linkage.Vector, list[tuple[str, str, float]]]:
        """The comparison vector and (comparison, level, weight) of each comparison made."""
        vector, tf = compare(a, b)
        shares = {
            c: self.share(c, level, tf[c])
            for c, level in zip(linkage.COMPARISONS, vector, strict=True)
            if c in tf
        }
        return vector, linkage.contributions(self.model, vector, shares)

    def match(self, a: Profile, b: Profile) -> Match:
        """Score and reasons: each comparison's level and contribution, strongest first."""
        _vector, parts = self.parts(a, b)
        total = self.prior + sum(w for _c, _l, w in parts)
        parts.sort(key=lambda part: -abs(part[2]))
        reasons = [reason(c, level, w) for c, level, w in parts]
        return Match(score=linkage.score_of(total), reasons=reasons, weight=total)


def score(a: Profile, b: Profile, scorer: Scorer | None = None) -> Match:
    """How likely two companies are the same (0..100), and why (the default model)."""
    return (scorer or Scorer(linkage.default_model())).match(a, b)


#: A pair scoring at least this is a duplicate when no Search Hit % is given.
SCORE_THRESHOLD = 60


# --- Our method: blocking -------------------------------------------------------------------

#: Blocking keys shared by more records than this are too common to help.
MAX_KEY_GROUP = 60
_MIN_TOKEN = 3
#: The families of blocking keys ("sources" of candidate pairs).
KEY_FAMILIES = (
    "vat", "phone", "email", "domain", "name", "word", "prefixes", "address",
)  # fmt: skip
_FAMILY_OF = {
    "v": "vat",
    "t": "phone",
    "m": "email",
    "d": "domain",
    "n": "name",
    "tp": "word",
    "np": "prefixes",
    "a": "address",
}
#: The training session of each key family and the comparisons its pairs cannot train
#: (they agree on them because of the key). Pairs found only through name words in a
#: place train nothing: most of their other fields are blank, and their name and
#: place agree because of the key.
SESSIONS = {
    "vat": ("vat", frozenset({VAT})),
    "phone": ("phone", frozenset({PHONE})),
    "email": ("email", frozenset({EMAIL})),
    "domain": ("email", frozenset({EMAIL})),
    "address": ("address", frozenset({PLACE})),
}


#: Key families whose groups of more than SMALL_GROUP records pair a record only with
#: its WINDOW nearest on each side in the order of `window_order` (sorted
#: neighbourhood): a group of name-word prefixes within a town holds many companies
#: that merely share two words' beginnings, and a twin (a typo after the fourth
#: letter, another word order) sorts next to its record.
WINDOW_FAMILIES = frozenset({"prefixes"})
SMALL_GROUP = 8
WINDOW = 4
_T = TypeVar("_T")


def window_order(profile: Profile) -> tuple[str, str, str]:
    """The order of a large group's records for the window: name words sorted, then
    the name as written, then the number (a total order, the same in every search)."""
    return (profile.name_key, profile.name, profile.no)


def window_around(order: Sequence[_T], place: int) -> list[_T]:
    """The records within WINDOW places of `order[place]` on each side, itself left out
    (the window of one record; `order` is in window order)."""
    return [*order[max(0, place - WINDOW) : place], *order[place + 1 : place + 1 + WINDOW]]


def window_neighbours(order: Sequence[int]) -> list[list[int]]:
    """For the records in window order, each one's neighbours within WINDOW places
    (their positions in `order`'s values, sorted)."""
    return [sorted(window_around(order, p)) for p in range(len(order))]


def windowed(family: str, size: int) -> bool:
    """Whether a group of `size` records of key family `family` pairs by the window."""
    return size > SMALL_GROUP and family in WINDOW_FAMILIES


def key_family(key: str) -> str:
    return _FAMILY_OF.get(key.partition(":")[0], "")


_ALL_FAMILIES = frozenset(KEY_FAMILIES)


def blocking_keys(profile: Profile, families: Iterable[str] | None = None) -> set[str]:
    """Keys under which a record's possible duplicates are looked for.

    Exact keys (VAT number, phone, e-mail address and domain, the whole name, the
    address within its post code or town) and name keys within a place: each name
    word within the post code, and
    each pair of name-word prefixes within the town (a typo after the fourth letter,
    a moved address or another word order still meets the twin).
    """
    use = _ALL_FAMILIES if families is None else frozenset(families)
    keys: set[str] = set()
    add = keys.add
    p = profile
    city = p.city
    if p.vat is not None and len(p.vat.core) >= 6 and "vat" in use:
        # (Halves of the number within the town, for a mistyped digit, were measured to
        # add no true pair the other keys miss: benchmarks/duplicates.py --part sources.)
        add(f"v:{p.vat.core}")
    if "phone" in use:
        for phone in p.phones:
            add(f"t:{phone}")
    if "email" in use:
        for email in p.emails:
            add(f"m:{email}")
    if "domain" in use:
        for domain in p.domains:
            add(f"d:{domain}")
    if "name" in use and len(p.name_key) >= 4:
        add(f"n:{p.name_key}")
    tokens = sorted({token for token in p.tokens if len(token) >= _MIN_TOKEN})
    if p.post_code and "word" in use:
        for token in tokens:
            add(f"tp:{token}@{p.post_code}")
    if city and "prefixes" in use:
        prefixes = sorted({token[:4] for token in tokens})
        if len(prefixes) == 1:
            add(f"np:{prefixes[0]}@{city}")
        for first, second in combinations(prefixes, 2):
            add(f"np:{first}+{second}@{city}")
    if p.address_key and p.place and "address" in use:
        add(f"a:{p.address_key}@{p.place}")
    return keys


#: Stored beside the blocking keys, for the name's frequency only (never to block on).
TF_NAME_KEY = "fn"


def index_keys(profile: Profile) -> set[str]:
    """The keys stored for one company: its blocking keys and its name (for its frequency)."""
    keys = blocking_keys(profile)
    if profile.name_key and len(profile.name_key) < 4:
        keys.add(f"{TF_NAME_KEY}:{profile.name_key}")
    return {key[:120] for key in keys}


def is_blocking_key(key: str) -> bool:
    return bool(key_family(key))


def key_frequencies(counts: Mapping[str, int], model: linkage.Model) -> linkage.Frequencies:
    """Value frequencies for one company's comparisons from its keys' counts.

    `counts` maps stored keys ("fn:...", "a:...", "t:...", "d:...") to how many
    companies have them; cities and anything counted at estimation come from the
    model's most frequent values; totals are the model's.
    """
    columns: dict[str, dict[str, int]] = {c: dict(v) for c, v in model.frequent.items()}
    prefix_column = {TF_NAME_KEY: "name", "n": "name", "a": "address", "t": "phone", "d": "domain"}
    for key, count in counts.items():
        prefix, _sep, value = key.partition(":")
        column = prefix_column.get(prefix)
        if column is None:
            continue
        columns.setdefault(column, {})[value] = max(count, columns.get(column, {}).get(value, 0))
    return linkage.Frequencies(columns, model.totals)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


class Blocks:
    """The candidate pairs of many profiles: records sharing a key that is not too common."""

    def __init__(
        self,
        profiles: Sequence[Profile],
        *,
        max_group: int = MAX_KEY_GROUP,
        families: Iterable[str] | None = None,
    ):
        self.families = None if families is None else tuple(families)
        groups: dict[int, object] = {}
        families_of: dict[int, str] = {}
        get, keys_of, families = groups.get, blocking_keys, self.families
        for index, profile in enumerate(profiles):
            for key in keys_of(profile, families):
                h = hash(key)
                members = get(h)
                if members is None:
                    groups[h] = index
                elif members.__class__ is int:
                    groups[h] = [members, index]
                    families_of[h] = key_family(key)
                else:
                    members.append(index)
        # Each record keeps the groups it shares with others (singletons and groups too
        # common to say anything are dropped).
        self.neighbour_groups: list[list[list[int]] | None] = [None] * len(profiles)
        #: The key family of each group kept (by the group's id), for the training sessions.
        self.group_family: dict[int, str] = {}
        neighbour_groups, group_family = self.neighbour_groups, self.group_family
        for h, members in groups.items():
            if members.__class__ is int or len(members) > max_group:
                continue
            family = families_of[h]
            if windowed(family, len(members)):
                # Sorted neighbourhood: each record gets its own list of neighbours.
                order = sorted(members, key=lambda i: window_order(profiles[i]))
                for index, near in zip(order, window_neighbours(order), strict=True):
                    own = neighbour_groups[index]
                    if own is None:
                        neighbour_groups[index] = [near]
                    else:
                        own.append(near)
                continue
            group_family[id(members)] = family
            for index in members:
                own = neighbour_groups[index]
                if own is None:
                    neighbour_groups[index] = [members]
                else:
                    own.append(members)
        del groups, families_of

    def shared_families(self, index: int, other: int) -> set[str]:
        """The key families through which two records are candidates."""
        families = {
            self.group_family.get(id(members))
            for members in self.neighbour_groups[index] or ()
            if other in members
        }
        families.discard(None)  # a window's neighbours (WINDOW_FAMILIES: no session)
        return families

    def neighbours(self, index: int) -> set[int]:
        """The candidates of a record with a higher index (each pair once)."""
        groups = self.neighbour_groups[index]
        if not groups:
            return set()
        # A group's members are in index order (added so): those after `index` are a
        # slice, and the union of the slices is made in C.
        if len(groups) == 1:
            members = groups[0]
            return set(members[bisect_right(members, index) :])
        return set().union(*[members[bisect_right(members, index) :] for members in groups])

    def pairs(self) -> Iterable[tuple[int, int]]:
        for index in range(len(self.neighbour_groups)):
            if self.neighbour_groups[index] is not None:
                for other in self.neighbours(index):
                    yield index, other


def candidate_pairs(profiles: Sequence[Profile], *, max_group: int = MAX_KEY_GROUP):
    """Index pairs sharing at least one blocking key that is not too common."""
    return Blocks(profiles, max_group=max_group).pairs()


def shared_families(a: Profile, b: Profile, families: Iterable[str] | None = None) -> set[str]:
    """The key families through which a pair is a candidate."""
    return {key_family(k) for k in blocking_keys(a, families) & blocking_keys(b, families)}


# --- Our method: estimating the model and finding all pairs ------------------------------------

RANDOM_PAIRS = 20_000
EM_PAIRS = 30_000


def estimate_model(
    profiles: Sequence[Profile],
    *,
    blocks: Blocks | None = None,
    frequencies: linkage.Frequencies | None = None,
    labelled: Sequence[tuple[Sequence[tuple[str, float]], bool]] = (),
    labelled_same: Sequence[linkage.Vector] = (),
    decisions: Sequence[tuple[linkage.Vector, Mapping[str, float], bool]] = (),
    seed: int = 1,
) -> linkage.Model:
    """The model learned from these companies (defaults below MIN_COMPANIES_TO_ESTIMATE).

    `decisions` are the user's (comparison vector, value shares, same company): the
    "same" ones join the estimation of m, and all of them calibrate the result (their
    parts are weighed by the model just estimated). `labelled`/`labelled_same` give the
    same already split.

    u from random pairs; m by EM per training session over a uniform sample of the
    candidate pairs (all candidate pairs of a random subset of the records: a pair
    is taken when its first record is); then the calibration by the decisions in
    `labelled` ((comparison, weight) parts, same company or not).
    """
    n = len(profiles)
    if decisions and not labelled_same:
        labelled_same = [vector for vector, _shares, same in decisions if same]
    frequencies = frequencies or frequencies_of(profiles)
    totals = dict(frequencies.totals)
    if n < linkage.MIN_COMPANIES_TO_ESTIMATE:
        # Too few companies to learn from, or to count frequencies on: the defaults.
        model = linkage.default_model()
        model = linkage.calibrate(model, labelled or _parts(model, decisions), companies=n)
        model.labelled_pairs = max(model.labelled_pairs, len(decisions) or len(labelled))
        return model
    rng = random.Random(seed)
    blocks = blocks or Blocks(profiles)
    random_vectors = [
        compare(profiles[a], profiles[b])[0] for a, b in linkage.sample_pairs(RANDOM_PAIRS, n, rng)
    ]
    u = linkage.u_from_random_pairs(random_vectors, frequencies)
    with_neighbours = [i for i, g in enumerate(blocks.neighbour_groups) if g is not None]
    rng.shuffle(with_neighbours)
    sessions: dict[str, linkage.Session] = {}
    for name, excluded in SESSIONS.values():
        sessions.setdefault(name, linkage.Session(name, excluded))
    sample: list[tuple[linkage.Vector, frozenset[str]]] = []
    taken = 0
    for index in with_neighbours:
        a = profiles[index]
        for other in blocks.neighbours(index):
            b = profiles[other]
            vector = compare(a, b)[0]
            member_of = frozenset(
                SESSIONS[f][0] for f in blocks.shared_families(index, other) if f in SESSIONS
            )
            for name in member_of:
                sessions[name].vectors.append(vector)
            sample.append((vector, member_of))
        taken += 1
        if len(sample) >= EM_PAIRS:
            break
    total = round(len(sample) * len(with_neighbours) / max(1, taken))
    model = linkage.estimate(
        list(sessions.values()),
        u=u,
        companies=n,
        candidates=sample,
        total_candidates=total,
        totals=totals,
        labelled_same=labelled_same,
    ).model
    model.frequent = frequencies.most_frequent()
    model = linkage.calibrate(model, labelled or _parts(model, decisions), companies=n)
    # How many decisions this estimate has seen (used or not), for the staleness rule.
    model.labelled_pairs = max(model.labelled_pairs, len(decisions) or len(labelled))
    return model


def _parts(
    model: linkage.Model, decisions: Sequence[tuple[linkage.Vector, Mapping[str, float], bool]]
) -> list[tuple[list[tuple[str, float]], bool]]:
    """Decisions as (comparison, weight under `model`) parts and their label."""
    return [
        ([(c, w) for c, _level, w in linkage.contributions(model, vector, shares)], same)
        for vector, shares, same in decisions
    ]


@dataclass
class SearchResult:
    """Pairs found (by record no.), the model used and the pairs it was least sure of."""

    pairs: dict[tuple[str, str], Match]
    model: linkage.Model
    candidates: int = 0
    uncertain: list[tuple[str, str, Match]] = field(default_factory=list)


#: Below this many companies the full search's candidate pass stays in one process
#: (starting a process and sending its pairs back costs more than it saves).
PARALLEL_MIN = 20_000


def find_pairs(
    profiles: Sequence[Profile],
    *,
    hit_pct: int = SCORE_THRESHOLD,
    model: linkage.Model | None = None,
    labelled: Sequence[tuple[Sequence[tuple[str, float]], bool]] = (),
    decisions: Sequence[tuple[linkage.Vector, Mapping[str, float], bool]] = (),
    families: Iterable[str] | None = None,
    uncertain: int = 0,
    progress: Callable[[int], None] | None = None,
    processes: int = 1,
) -> SearchResult:
    """All pairs scoring at least `hit_pct` (the match probability in percent).

    Without a `model` one is estimated from the profiles themselves. `uncertain`
    asks for that many candidate pairs whose probability is nearest one half
    (whichever side of the threshold), for the review queue. With `processes` > 1
    (and at least PARALLEL_MIN profiles, where the system can fork) the candidates
    are weighed by that many processes, each taking every n-th record: the same
    pairs and the same uncertain ones as in one process.
    """
    frequencies = frequencies_of(profiles)
    blocks = Blocks(profiles, families=families)
    if model is None:
        model = estimate_model(
            profiles, blocks=blocks, frequencies=frequencies, labelled=labelled, decisions=decisions
        )
    scorer = Scorer(model, frequencies, len(profiles))
    minimum = linkage.min_weight_for(hit_pct)
    scan = _Scan(profiles, blocks, scorer, minimum, uncertain)
    if processes > 1 and len(profiles) >= PARALLEL_MIN and _can_fork():
        found, doubt, candidates = _scan_in_processes(scan, processes, progress)
    else:
        found, doubt, candidates = scan.run(0, 1, progress)
    if progress:
        progress(len(profiles) - scan.reported)
    unsure = []
    for _w, index, other in sorted(doubt, reverse=True):
        a, b = profiles[index], profiles[other]
        no_a, no_b = _pair(a.no, b.no)
        unsure.append((no_a, no_b, scorer.match(a, b)))
    return SearchResult(found, model, candidates, unsure)


class _Scan:
    """The candidate pass of `find_pairs`: each record's candidates with a higher index
    weighed (those `Scorer.hopeful` keeps), over every `parts`-th record from `part`."""

    def __init__(self, profiles, blocks, scorer, minimum, uncertain):
        self.profiles, self.blocks, self.scorer = profiles, blocks, scorer
        self.minimum, self.uncertain = minimum, uncertain
        self.reported = 0  # records reported to `progress` (by the process calling it)

    def run(self, part, parts, progress=None):
        import heapq

        profiles, blocks, scorer = self.profiles, self.blocks, self.scorer
        minimum, uncertain = self.minimum, self.uncertain
        found: dict[tuple[str, str], Match] = {}
        doubt: list[tuple[float, int, int]] = []
        candidates = seen = 0
        weigh, hopeful = scorer.weight, scorer.hopeful
        neighbour_groups = blocks.neighbour_groups
        for index in range(part, len(profiles), parts):
            seen += 1
            if progress and seen >= 10_000:
                self._tell(progress, seen * parts)
                seen = 0
            if neighbour_groups[index] is None:
                continue
            a = profiles[index]
            others = blocks.neighbours(index)
            candidates += len(others)
            # Pairs that can neither reach the threshold nor be nearer one half than the
            # doubts kept are skipped (the margin covers another order of the additions).
            # With several processes each keeps its own doubts: fewer than all of them,
            # so it skips no pair that one process would have kept.
            limit = minimum
            if uncertain:
                limit = min(limit, doubt[0][0]) if len(doubt) >= uncertain else -math.inf
            ids = list(others)
            ids, _ceilings = hopeful(a, [profiles[other] for other in ids], ids, limit - 1e-6)
            for other in ids:
                b = profiles[other]
                w = weigh(a, b)
                if w >= minimum:
                    found[_pair(a.no, b.no)] = scorer.match(a, b)
                if uncertain:
                    item = (-abs(w), index, other)
                    if len(doubt) < uncertain:
                        heapq.heappush(doubt, item)
                    elif item > doubt[0]:
                        heapq.heapreplace(doubt, item)
        return found, doubt, candidates

    def _tell(self, progress, records):
        # Never more than all of them (the last stripes are shorter).
        records = min(records, len(self.profiles) - self.reported)
        if records > 0:
            progress(records)
            self.reported += records


def _can_fork() -> bool:
    import multiprocessing

    # A daemonic process (a pool's worker) may not start children.
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


def _scan_child(scan: _Scan, part: int, parts: int, writer) -> None:
    try:
        writer.send(scan.run(part, parts))
    finally:
        writer.close()


def _scan_in_processes(scan: _Scan, processes: int, progress):
    """`scan` over `processes` processes: this one and forked children, which share the
    profiles and blocks with it (copy on write; the collector's objects frozen first, so
    that a collection in a child does not copy every page). A child that fails or dies
    has its records weighed here after the others."""
    import gc
    import heapq
    import multiprocessing

    context = multiprocessing.get_context("fork")
    gc.collect()
    gc.freeze()
    children = []
    try:
        for part in range(1, processes):
            reader, writer = context.Pipe(duplex=False)
            child = context.Process(
                target=_scan_child, args=(scan, part, processes, writer), daemon=True
            )
            child.start()
            writer.close()
            children.append((part, child, reader))
        found, doubt, candidates = scan.run(0, processes, progress)
        for part, child, reader in children:
            try:
                result = reader.recv()
            except (EOFError, OSError):  # the child died (killed, out of memory)
                result = scan.run(part, processes)
            finally:
                reader.close()
                child.join()
            more, more_doubt, more_candidates = result
            found.update(more)
            doubt.extend(more_doubt)
            candidates += more_candidates
    finally:
        for _part, child, _reader in children:
            if child.is_alive():
                child.kill()
                child.join()
        gc.unfreeze()
    if scan.uncertain:
        doubt = heapq.nlargest(scan.uncertain, doubt)
    return found, doubt, candidates


def ours_find_pairs(
    records: Sequence[Mapping],
    *,
    threshold: int = SCORE_THRESHOLD,
    model: linkage.Model | None = None,
    extra_pairs: Iterable[tuple[str, str]] = (),
) -> dict[tuple[str, str], Match]:
    """All pairs our method flags over plain records: {(no_a, no_b) with no_a < no_b: Match}.

    `extra_pairs` (e.g. the reference's pairs) are scored too.
    """
    profiles = [Profile.of(record) for record in records]
    result = find_pairs(profiles, hit_pct=threshold, model=model)
    found = result.pairs
    extra = [pair for pair in extra_pairs if _pair(*pair) not in found]
    if extra:
        by_no = {p.no: p for p in profiles}
        scorer = Scorer(result.model, frequencies_of(profiles), len(profiles))
        for no_a, no_b in extra:
            if no_a in by_no and no_b in by_no:
                match = scorer.match(by_no[no_a], by_no[no_b])
                if match.score >= threshold:
                    found[_pair(no_a, no_b)] = match
    return found


# --- Evaluation ---------------------------------------------------------------


@dataclass(frozen=True)
class Quality:
    found: int
    true_positives: int
    false_positives: int
    truth: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.truth if self.truth else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def quality(found: Iterable[tuple[str, str]], truth: Iterable[tuple[str, str]]) -> Quality:
    """Precision and recall of found pairs against the true pairs (order-free)."""
    found_set = {_pair(a, b) for a, b in found}
    truth_set = {_pair(a, b) for a, b in truth}
    hits = len(found_set & truth_set)
    return Quality(len(found_set), hits, len(found_set) - hits, len(truth_set))
