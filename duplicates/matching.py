"""Duplicate matching over plain values: no ORM here (tested without a database).

Two methods live side by side:

* the reference method (reference document, 4.3 and 4.4): per setup line the
  first/last N characters of a field after removing a fixed set of characters,
  upper-cased; two companies are duplicates when they share at least
  ceil(lines x hit % / 100) of these strings;
* ours: candidates from blocking keys (normalised VAT number, phone numbers,
  e-mail, web domain, name tokens within the same post code or city, the
  reference name strings) and a rapidfuzz score over normalised names,
  addresses, phone and VAT numbers, with the reasons that produced it.

A record is any mapping with the Contact field names as keys (missing keys are
blank); `no` identifies it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from rapidfuzz import fuzz

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


# --- Normalisation ----------------------------------------------------------

#: Legal forms removed from names before comparing (after casefold, dots removed).
LEGAL_FORMS = frozenset(
    {
        # Norway
        "as",
        "asa",
        "ans",
        "da",
        "ba",
        "sa",
        "nuf",
        "ks",
        # Netherlands / Belgium
        "bv",
        "nv",
        "vof",
        "cv",
        "bvba",
        "vzw",
        # United Kingdom / Ireland
        "ltd",
        "limited",
        "plc",
        "llp",
        "lp",
        "public limited company",
        "cic",
        # Germany / Austria / Switzerland
        "gmbh",
        "ag",
        "kg",
        "ug",
        "ek",
        "ohg",
        "gbr",
        "se",
        "mbh",
        "co",
        # Denmark / Sweden / elsewhere
        "aps",
        "ab",
        "oy",
        "inc",
        "llc",
        "corp",
        "sarl",
        "srl",
        "spa",
    }
)
_MULTIWORD_LEGAL = re.compile(
    r"\b(public limited company|limited liability partnership|haftungsbeschrankt"
    r"|besloten vennootschap|naamloze vennootschap|aksjeselskap|and co|& co|u a)\b"
)
# "A/S", "B.V.", "G.m.b.H.", "e.K.", "P.L.C.": joined before dots are removed.
_DOTTED = re.compile(r"\b((?:[a-z]\.){1,4}[a-z]\.?)(?=\s|$|,)")
_SLASHED = re.compile(r"\b([a-z])/([a-z])\b")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


_FOLD_TABLE = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "œ": "oe", "đ": "d", "ł": "l"})


def fold(value: object) -> str:
    """Casefold and strip accents (ø→o, æ→ae, ß→ss, å→a) for comparison only."""
    text = ("" if value is None else str(value)).casefold()
    if text.isascii():
        return text
    return _fold_accents(text)


@lru_cache(maxsize=65536)
def _fold_accents(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_FOLD_TABLE))
    return "".join(c for c in text if not unicodedata.combining(c))


def _name_words(value: object) -> list[str]:
    text = fold(value)
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)
    text = _SLASHED.sub(r"\1\2", text)
    text = text.replace("public limited company", "plc").replace("limited", "ltd")
    text = _MULTIWORD_LEGAL.sub(" ", text)
    return _NON_ALNUM.sub(" ", text).split()


def normalise_name(value: object) -> str:
    """Name for comparison: folded, punctuation gone, legal forms removed."""
    return " ".join(word for word in _name_words(value) if word not in LEGAL_FORMS)


#: Legal forms that name the same kind of company ("a/s" is the Norwegian "as").
_LEGAL_FAMILY = {"mbh": "gmbh", "limited": "ltd", "co": ""}


def legal_forms(value: object) -> frozenset[str]:
    """The legal forms in a name, e.g. {"bv"} for "Joy Catering B.V."."""
    forms = {_LEGAL_FAMILY.get(word, word) for word in _name_words(value) if word in LEGAL_FORMS}
    return frozenset(forms - {""})


def name_tokens(value: object) -> list[str]:
    return normalise_name(value).split()


#: Country calling codes dropped from phone numbers (Norway, Netherlands, UK, Germany...).
COUNTRY_CALLING_CODES = ("47", "31", "44", "49", "45", "46", "32", "33", "1")
_DIGITS = re.compile(r"\D+")


def normalise_phone(value: object) -> str:
    """Digits of the national number: "+44 (0)1223 100349" and "01223 100349" → "1223100349"."""
    text = "" if value is None else str(value).strip()
    international = text.startswith(("+", "00"))
    text = text.replace("(0)", "")
    digits = _DIGITS.sub("", text)
    if international:
        digits = digits.removeprefix("00")
        for code in COUNTRY_CALLING_CODES:
            if digits.startswith(code) and len(digits) - len(code) >= 6:
                digits = digits[len(code) :]
                break
    digits = digits.lstrip("0")
    return digits if len(digits) >= 6 else ""


_VAT_PREFIX = re.compile(r"^[A-Z]{2}(?=\d)")
_VAT_SUFFIX = re.compile(r"(MVA|B\d{2})$")


def normalise_vat(value: object) -> str:
    """Core VAT number: "NO 967 234 788 MVA" → "967234788", "NL035281944B03" → "035281944"."""
    text = re.sub(r"[^0-9A-Z]", "", fold(value).upper())
    text = _VAT_PREFIX.sub("", text)
    text = _VAT_SUFFIX.sub("", text)
    # Only a number counts; a letter left in the middle means an unknown format.
    digits = _DIGITS.sub("", text)
    return digits if len(digits) >= 6 else ""


#: Street words and their abbreviations, mapped to one short form. Compounds
#: (Solberggata, Bryggenv., Angelinastraat) are handled by the suffix rules.
_STREET_SUFFIXES = (
    ("straat", "str"),
    ("strasse", "str"),
    ("veien", "v"),
    ("vegen", "v"),
    ("vei", "v"),
    ("veg", "v"),
    ("vn", "v"),
    ("gata", "gt"),
    ("gate", "gt"),
    ("gt", "gt"),
    ("laan", "ln"),
    ("singel", "sngl"),
    ("plein", "pln"),
)
_STREET_WORDS = {
    "road": "rd",
    "street": "st",
    "lane": "ln",
    "avenue": "ave",
    "av": "ave",
    "close": "cl",
    "crescent": "cres",
    "cresc": "cres",
    "drive": "dr",
    "square": "sq",
    "place": "pl",
    "court": "ct",
    "weg": "wg",
    "str": "str",
}


def normalise_address(value: object) -> str:
    """Address for comparison: folded, punctuation gone, street words abbreviated."""
    text = _NON_ALNUM.sub(" ", fold(value))
    out = []
    for token in text.split():
        if token in _STREET_WORDS:
            token = _STREET_WORDS[token]
        else:
            for long, short in _STREET_SUFFIXES:
                if token.endswith(long) and len(token) > len(long) + 1:
                    token = token[: -len(long)] + short
                    break
        out.append(token)
    return " ".join(out)


def normalise_post_code(value: object) -> str:
    return _NON_ALNUM.sub("", fold(value))


def normalise_city(value: object) -> str:
    return _NON_ALNUM.sub("", fold(value))


_GENERIC_MAIL_DOMAINS = frozenset(
    {"gmail", "hotmail", "outlook", "live", "yahoo", "icloud", "online", "msn", "aol", "mail"}
)
_TLD_TAILS = frozenset({"co", "com", "org", "net", "ac", "gov", "no", "nl", "uk", "de", "eu"})


def normalise_email(value: object) -> str:
    return fold(value).strip()


def email_domain_stem(value: object) -> str:
    """The organisation part of an e-mail domain: "info@cannon.co.uk" → "cannon"."""
    email = normalise_email(value)
    if "@" not in email:
        return ""
    labels = [label for label in email.rsplit("@", 1)[1].split(".") if label]
    while len(labels) > 1 and labels[-1] in _TLD_TAILS:
        labels.pop()
    stem = labels[-1] if labels else ""
    stem = _NON_ALNUM.sub("", stem)
    return "" if stem in _GENERIC_MAIL_DOMAINS or len(stem) < 3 else stem


# --- Our method: features, score, blocking keys -------------------------------


@dataclass(frozen=True)
class Profile:
    """The normalised values of one record, computed once and compared many times."""

    no: str
    name: str
    tokens: tuple[str, ...]
    address: str
    post_code: str
    city: str
    phones: frozenset[str]
    vat: str
    email: str
    domain: str
    legal: frozenset[str] = frozenset()

    @classmethod
    def of(cls, record: Mapping) -> Profile:
        name = normalise_name(f"{record.get('name', '')} {record.get('name_2', '')}")
        address = normalise_address(f"{record.get('address', '')} {record.get('address_2', '')}")
        phones = {
            normalise_phone(record.get("phone_no")),
            normalise_phone(record.get("mobile_phone_no")),
        } - {""}
        return cls(
            no=str(record.get("no", "")),
            name=name,
            tokens=tuple(name.split()),
            address=address,
            post_code=normalise_post_code(record.get("post_code")),
            city=normalise_city(record.get("city")),
            phones=frozenset(phones),
            vat=normalise_vat(record.get("vat_registration_no")),
            email=normalise_email(record.get("email")),
            domain=email_domain_stem(record.get("email")),
            legal=legal_forms(record.get("name")),
        )


@dataclass
class Match:
    score: int
    reasons: list[str] = field(default_factory=list)


#: Reason codes (shown translated by the pages: see duplicates/reasons.py).
R_SAME_VAT = "same_vat"
R_DIFFERENT_VAT = "different_vat"
R_SAME_PHONE = "same_phone"
R_SAME_EMAIL = "same_email"
R_SAME_DOMAIN = "same_domain"
R_NAME = "name"  # with the similarity, e.g. "name:93"
R_SAME_ADDRESS = "same_address"
R_SIMILAR_ADDRESS = "similar_address"
R_SAME_POST_CODE = "same_post_code"
R_SAME_CITY = "same_city"
R_OTHER_ENTITY = "other_entity"
R_OTHER_LEGAL_FORM = "other_legal_form"

#: A pair scoring at least this is reported as a duplicate by our method.
SCORE_THRESHOLD = 80


#: Words that mark a different legal entity at the same place ("X Holding B.V." vs "X B.V.").
ENTITY_WORDS = frozenset({"holding", "holdings", "beheer", "group", "groep", "gruppen", "konsern"})


def _entity_words(tokens: Sequence[str]) -> frozenset[str]:
    """The holding/group words in a name, typos included ("Hoding" is "holding")."""
    return frozenset(
        word
        for word in ENTITY_WORDS
        for token in tokens
        if token == word or (len(token) > 4 and fuzz.ratio(token, word) >= 85)
    )


def name_similarity(a: Profile, b: Profile) -> int:
    """0..100: the best of plain, word-order-free and joined comparisons of the names."""
    if not a.name or not b.name:
        return 0
    plain = fuzz.ratio(a.name, b.name)
    sort_ratio = fuzz.token_sort_ratio(a.name, b.name)
    # Joined names catch "Bernaards-Software" vs "Software Bernaards" and split words.
    joined = fuzz.ratio("".join(sorted(a.tokens)), "".join(sorted(b.tokens)))
    set_ratio = fuzz.token_set_ratio(a.name, b.name)
    # A subset ("Madsen" in "Madsen Elektro") counts for less than a full match.
    return round(max(plain, sort_ratio, joined, set_ratio * 0.9))


def _same_words(a: Profile, b: Profile) -> bool:
    """Every word has a twin on the other side with at most a slip of the finger.

    Long words tolerate one typo; short ones (surnames such as Kraus/Krause) do not.
    """
    if not a.tokens or not b.tokens:
        return False
    if "".join(sorted(a.tokens)) == "".join(sorted(b.tokens)):
        return True

    def covered(xs, ys):
        return all(max(fuzz.ratio(x, y) for y in ys) >= 95 for x in xs)

    return covered(a.tokens, b.tokens) and covered(b.tokens, a.tokens)


_NUMBER = re.compile(r"\d+")


def address_similarity(a: str, b: str) -> int:
    """0..100; addresses with different house numbers are different addresses."""
    if not a or not b:
        return 0
    if set(_NUMBER.findall(a)) != set(_NUMBER.findall(b)):
        return 0
    return round(fuzz.ratio(a, b))


def score(a: Profile, b: Profile) -> Match:
    """How likely two companies are the same (0..100), and why.

    The name gives up to 60 points; agreeing VAT number, phone, e-mail, address,
    post code and city add up to 40. A different VAT number or a holding/group
    word on one side only marks two legal entities and caps the score.
    """
    reasons: list[str] = []
    name = name_similarity(a, b)
    reasons.append(f"{R_NAME}:{name}")
    evidence = 0
    cap = 100
    if a.vat and b.vat:
        if a.vat == b.vat:
            evidence += 40
            reasons.append(R_SAME_VAT)
        else:
            cap = 50
            reasons.append(R_DIFFERENT_VAT)
    if _entity_words(a.tokens) != _entity_words(b.tokens) and R_SAME_VAT not in reasons:
        cap = min(cap, 50)
        reasons.append(R_OTHER_ENTITY)
    if a.phones & b.phones:
        evidence += 25
        reasons.append(R_SAME_PHONE)
    if a.email and a.email == b.email:
        evidence += 25
        reasons.append(R_SAME_EMAIL)
    elif a.domain and a.domain == b.domain:
        evidence += 15
        reasons.append(R_SAME_DOMAIN)
    if a.address and b.address:
        address = address_similarity(a.address, b.address)
        if address >= 97:
            evidence += 20
            reasons.append(R_SAME_ADDRESS)
        elif address >= 80:
            evidence += 12
            reasons.append(R_SIMILAR_ADDRESS)
    if a.post_code and a.post_code == b.post_code:
        evidence += 8
        reasons.append(R_SAME_POST_CODE)
    if a.city and (a.city == b.city or (len(a.city) > 4 and fuzz.ratio(a.city, b.city) >= 85)):
        evidence += 10
        reasons.append(R_SAME_CITY)
        other_domain = a.domain and b.domain and a.domain != b.domain
        other_form = a.legal and b.legal and a.legal.isdisjoint(b.legal)
        if other_form:
            reasons.append(R_OTHER_LEGAL_FORM)
        if name >= 97 and _same_words(a, b) and not other_domain and not other_form:
            # The same name in the same town: most likely the company moved.
            evidence += 20
    if name < 85:
        # Other companies share buildings: the place alone does not make a match.
        place = sum(
            points
            for reason, points in (
                (R_SAME_ADDRESS, 20),
                (R_SIMILAR_ADDRESS, 12),
                (R_SAME_POST_CODE, 8),
                (R_SAME_CITY, 10),
            )
            if reason in reasons
        )
        evidence -= max(0, place - 20)
    value = 0.6 * name + min(evidence, 40)
    return Match(score=max(0, min(cap, round(value))), reasons=reasons)


#: Blocking keys shared by more records than this are too common to help.
MAX_KEY_GROUP = 60
_MIN_TOKEN = 3


def blocking_keys(profile: Profile) -> set[str]:
    """Keys under which a record's possible duplicates are looked for.

    Exact keys (VAT number, phone, e-mail, web domain) and name keys within a
    place: each name word within the post code, and each pair of name-word
    prefixes within the city (a typo after the fourth letter, a moved address
    or another word order still meets the twin).
    """
    keys: set[str] = set()
    if profile.vat:
        keys.add(f"vat:{profile.vat}")
    for phone in profile.phones:
        keys.add(f"tel:{phone}")
    if profile.email:
        keys.add(f"mail:{profile.email}")
    if profile.domain:
        keys.add(f"dom:{profile.domain}")
    tokens = sorted({token for token in profile.tokens if len(token) >= _MIN_TOKEN})
    if profile.post_code:
        for token in tokens:
            keys.add(f"tok:{token}@{profile.post_code}")
    if profile.city:
        prefixes = sorted({token[:4] for token in tokens})
        if len(prefixes) == 1:
            keys.add(f"np:{prefixes[0]}@{profile.city}")
        for first, second in combinations(prefixes, 2):
            keys.add(f"np:{first}+{second}@{profile.city}")
    return keys


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def candidate_pairs(profiles: Sequence[Profile], *, max_group: int = MAX_KEY_GROUP):
    """Index pairs sharing at least one blocking key that is not too common."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, profile in enumerate(profiles):
        for key in blocking_keys(profile):
            groups[key].append(index)
    seen: set[tuple[int, int]] = set()
    for members in groups.values():
        if len(members) < 2 or len(members) > max_group:
            continue
        for a, b in combinations(members, 2):
            pair = (a, b) if a < b else (b, a)
            if pair not in seen:
                seen.add(pair)
                yield pair


def ours_find_pairs(
    records: Sequence[Mapping],
    *,
    threshold: int = SCORE_THRESHOLD,
    extra_pairs: Iterable[tuple[str, str]] = (),
) -> dict[tuple[str, str], Match]:
    """All pairs our method flags: {(no_a, no_b) with no_a < no_b: Match}.

    `extra_pairs` (e.g. the reference's pairs) are scored too, so no candidate
    the search strings find is lost.
    """
    profiles = [Profile.of(record) for record in records]
    found: dict[tuple[str, str], Match] = {}
    for a, b in candidate_pairs(profiles):
        match = score(profiles[a], profiles[b])
        if match.score >= threshold:
            found[_pair(profiles[a].no, profiles[b].no)] = match
    by_no = {profile.no: profile for profile in profiles}
    for no_a, no_b in extra_pairs:
        pair = _pair(no_a, no_b)
        if pair in found or no_a not in by_no or no_b not in by_no:
            continue
        match = score(by_no[no_a], by_no[no_b])
        if match.score >= threshold:
            found[pair] = match
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


def quality(found: Iterable[tuple[str, str]], truth: Iterable[tuple[str, str]]) -> Quality:
    """Precision and recall of found pairs against the true pairs (order-free)."""
    found_set = {_pair(a, b) for a, b in found}
    truth_set = {_pair(a, b) for a, b in truth}
    hits = len(found_set & truth_set)
    return Quality(len(found_set), hits, len(found_set) - hits, len(truth_set))
