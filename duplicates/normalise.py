"""Field normalisers for duplicate matching: names, addresses, phones, e-mails, VAT numbers.

Pure functions, no ORM, tested without a database. Each turns what users type into
the form two records of one company share: accents folded, legal forms set aside,
street types abbreviated the same way in every country we serve, phone numbers
read with the contact's country (phonenumbers), e-mail domains cut at the public
suffix (publicsuffixlist, which carries its list offline) and identifiers
checked with python-stdnum (`contacts.identifiers`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from publicsuffixlist import PublicSuffixList

from contacts.identifiers import VatNumber, one_slip_apart, parse_vat

# --- Text ------------------------------------------------------------------------------

_FOLD_TABLE = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "œ": "oe", "đ": "d", "ł": "l"})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


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


# --- Names -----------------------------------------------------------------------------

#: Legal forms of the countries we serve (after folding, dots and slashes removed).
LEGAL_FORMS = frozenset(
    {
        # Norway
        "as", "asa", "ans", "da", "ba", "sa", "nuf", "ks", "enk", "iks", "sf",
        # Denmark
        "aps", "ivs", "is", "ps", "amba", "fmba", "smba",
        # Sweden / Finland
        "ab", "hb", "kb", "oy", "oyj", "publ",
        # Netherlands / Belgium
        "bv", "nv", "vof", "cv", "bvba", "vzw", "cvba", "commv", "srl", "sprl", "asbl", "scrl",
        "ua",
        # United Kingdom / Ireland
        "ltd", "plc", "llp", "lp", "cic",
        # Germany / Austria / Switzerland
        "gmbh", "gesmbh", "ag", "kg", "ug", "ek", "eu", "ohg", "gbr", "se", "eg", "mbh", "co",
        "kgaa",
        # Elsewhere
        "inc", "llc", "corp", "sarl", "sas", "spa",
    }
)  # fmt: skip
#: Legal forms written out, as their abbreviation.
_LONG_LEGAL = {
    "public limited company": "plc",
    "limited liability partnership": "llp",
    "besloten vennootschap": "bv",
    "naamloze vennootschap": "nv",
    "allmennaksjeselskap": "asa",
    "aksjeselskap": "as",
    "anpartsselskab": "aps",
    "aktieselskab": "as",
    "aktiebolag": "ab",
    "handelsbolag": "hb",
    "kommanditbolag": "kb",
    "gesellschaft mit beschrankter haftung": "gmbh",
    "gesellschaft mbh": "gmbh",
    "gesmbh": "gmbh",
    "enkeltpersonforetak": "enk",
}
_MULTIWORD_LEGAL = re.compile(r"\b(" + "|".join(_LONG_LEGAL) + r")\b")
_NOISE = re.compile(r"\b(haftungsbeschrankt|and co|og co|und co|en co|u a)\b")
# "A/S", "B.V.", "G.m.b.H.", "e.K.", "P.L.C.": joined before dots are removed.
_DOTTED = re.compile(r"\b((?:[a-z]\.){1,4}[a-z]\.?)(?=\s|$|,)")
_SLASHED = re.compile(r"\b([a-z])/([a-z])\b")
#: Words that join names and say nothing ("Smith & Jones", "Hansen og Sønn").
_JOINING_WORDS = frozenset({"and", "og", "och", "und", "en", "et", "the", "of"})
#: Legal forms that name the same kind of company, including the forms law reforms
#: renamed (Belgium 2019: BVBA → BV, SPRL → SRL, CVBA → CV; Denmark 2021: IVS → ApS).
_LEGAL_FAMILY = {
    "mbh": "gmbh", "gesmbh": "gmbh", "co": "", "publ": "",
    "bvba": "bv", "sprl": "srl", "cvba": "cv", "scrl": "srl", "ivs": "aps",
}  # fmt: skip
#: Words that mark another legal entity of the same owner at the same place: a holding
#: or group ("X Holding" beside "X"), or the property or management company ("X
#: Eiendom AS", "X Fastigheter AB", "X Immobilien GmbH", "X Beheer B.V.").
ENTITY_WORDS = frozenset(
    {
        "holding", "holdings", "beheer", "group", "groep", "gruppen", "gruppe", "konsern",
        "invest", "eiendom", "ejendomme", "fastigheter", "forvaltning", "immobilien", "vastgoed",
        "beteiligungen", "immo",
    }
)  # fmt: skip


@lru_cache(maxsize=131072)
def _name_words(value: str) -> tuple[str, ...]:
    text = fold(value)
    if "." in text:
        text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)
    if "/" in text:
        text = _SLASHED.sub(r"\1\2", text)
    text = _MULTIWORD_LEGAL.sub(lambda m: _LONG_LEGAL[m.group(1)], text)
    text = text.replace("limited", "ltd")
    text = _NOISE.sub(" ", text)
    return tuple(_NON_ALNUM.sub(" ", text).split())


def normalise_name(value: object) -> str:
    """Name for comparison: folded, punctuation gone, legal forms and joining words removed."""
    words = _name_words("" if value is None else str(value))
    return " ".join(w for w in words if w not in LEGAL_FORMS and w not in _JOINING_WORDS)


def legal_forms(value: object) -> frozenset[str]:
    """The legal forms in a name, e.g. {"bv"} for "Joy Catering B.V."."""
    words = _name_words("" if value is None else str(value))
    forms = {_LEGAL_FAMILY.get(w, w) for w in words if w in LEGAL_FORMS}
    return frozenset(forms - {""})


_ENTITY_BY_START: dict[str, tuple[str, ...]] = {}
for _word in ENTITY_WORDS:
    _ENTITY_BY_START[_word[0]] = (*_ENTITY_BY_START.get(_word[0], ()), _word)


def entity_words(tokens) -> frozenset[str]:
    """The holding/group words among name tokens, typos included ("hoding" is "holding")."""
    found = set()
    for token in tokens:
        if token in ENTITY_WORDS:
            found.add(token)
        elif len(token) > 4:
            for word in _ENTITY_BY_START.get(token[0], ()):
                if abs(len(word) - len(token)) <= 1 and one_slip_apart(token, word):
                    found.add(word)
    return frozenset(found)


# --- Addresses -------------------------------------------------------------------------

#: Street types of every country we serve, each mapped to one short form. Whole words
#: ("Kongens gate", "Main Road", "rue") and compound endings ("Storgata",
#: "Bryggenvegen", "Vestergade", "Drottninggatan", "Kerkstraat", "Hauptstraße",
#: "Mariahilfer Gasse") give the same short form as their abbreviations ("gt.", "vn.",
#: "str.", "Rd").
_STREET_WORDS = {
    # street
    **dict.fromkeys(
        ("gate", "gata", "gatan", "gt", "gade", "gaden", "straat", "str", "strasse", "street",
         "gasse", "rue", "g"),
        "g",
    ),
    # road / way
    **dict.fromkeys(
        ("veien", "vegen", "vei", "veg", "vn", "vej", "vejen", "vagen", "vag", "weg", "road", "rd",
         "way", "v"),
        "v",
    ),
    # lane / alley / avenue
    **dict.fromkeys(("laan", "ln", "lane", "allee", "alle", "allen", "avenue", "ave", "av"), "ln"),
    # square
    **dict.fromkeys(
        ("plass", "plassen", "plads", "plein", "platz", "place", "pl", "square", "sq", "torg",
         "torget", "torv", "plats", "platsen"),
        "pl",
    ),
    **dict.fromkeys(("boulevard", "blvd", "bd", "boul"), "bd"),
    **dict.fromkeys(("steenweg", "stwg", "chaussee", "chee"), "stw"),
    **dict.fromkeys(("singel", "sngl"), "sngl"),
    **dict.fromkeys(("kade", "kai", "kaj", "kaia", "quay"), "kd"),
    **dict.fromkeys(("gracht", "gr"), "gr"),
    **dict.fromkeys(("stien", "stig", "stigen", "sti", "path"), "sti"),
    **dict.fromkeys(("drive", "dr"), "dr"),
    **dict.fromkeys(("close", "cl"), "cl"),
    **dict.fromkeys(("crescent", "cres", "cresc"), "cres"),
    **dict.fromkeys(("court", "ct"), "ct"),
    **dict.fromkeys(("ring", "rng"), "rng"),
    **dict.fromkeys(("dreef", "drf"), "drf"),
}  # fmt: skip
#: Compound endings, longest first ("Storgata" → "storg", "Kerkstraat" → "kerkg").
_STREET_SUFFIXES = tuple(
    sorted(
        {
            "gatan": "g", "gata": "g", "gate": "g", "gaden": "g", "gade": "g", "gt": "g",
            "straat": "g", "strasse": "g", "str": "g", "gasse": "g",
            "veien": "v", "vegen": "v", "vejen": "v", "vagen": "v", "vei": "v", "veg": "v",
            "vej": "v", "vag": "v", "vn": "v", "weg": "v",
            "laan": "ln", "allee": "ln", "alle": "ln",
            "plassen": "pl", "plass": "pl", "plads": "pl", "plein": "pl", "platz": "pl",
            "torget": "pl", "torg": "pl", "torv": "pl",
            "steenweg": "stw", "stwg": "stw", "singel": "sngl", "kade": "kd", "gracht": "gr",
            "dreef": "drf",
            "stien": "sti", "stigen": "sti", "ring": "rng",
        }.items(),
        key=lambda item: -len(item[0]),
    )
)  # fmt: skip
_HOUSE_LETTER = re.compile(r"(\d+)\s+([a-z])\b")
_NUMBER = re.compile(r"\d+")


def _street_token(token: str) -> str:
    short = _STREET_WORDS.get(token)
    if short is not None:
        return short
    if token.isdigit() or len(token) < 4:
        return token
    for long, short in _STREET_SUFFIXES:
        if token.endswith(long) and len(token) > len(long) + 1:
            return token[: -len(long)] + short
    return token


@lru_cache(maxsize=65536)
def _address(text: str) -> str:
    text = _NON_ALNUM.sub(" ", fold(text))
    text = _HOUSE_LETTER.sub(r"\1\2", text)
    return " ".join(_street_token(token) for token in text.split())


def normalise_address(value: object) -> str:
    """Address for comparison: folded, punctuation gone, street types abbreviated."""
    return _address("" if value is None else str(value))


def house_numbers(address: str) -> frozenset[str]:
    return frozenset(_NUMBER.findall(address))


def normalise_post_code(value: object) -> str:
    return _NON_ALNUM.sub("", fold(value))


def normalise_city(value: object) -> str:
    return _NON_ALNUM.sub("", fold(value))


# --- Phones ----------------------------------------------------------------------------

_DIGITS = re.compile(r"\D+")
#: A number written nationally: digits and the usual separators, no calling code.
_NATIONAL_WRITING = re.compile(r"^\(?[1-9 ]|^\(?0[1-9]")
_PLAIN = re.compile(r"^[0-9 ()./-]+$")
#: Countries whose trunk prefix phonenumbers' metadata gives without parsing rules.
_SIMPLE_REGIONS = frozenset({"NO", "DK", "SE", "FI", "NL", "BE", "AT", "DE", "CH", "GB", "FR"})


@lru_cache(maxsize=64)
def _trunk_prefix(region: str) -> str | None:
    """The trunk prefix ("0", or "" for Norway and Denmark) when it is the only rule."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return None
    prefix = metadata.national_prefix or ""
    rule = metadata.national_prefix_for_parsing
    if rule and rule != prefix and not (region == "GB" and rule == "0|180020"):
        return None
    return prefix


def normalise_phone(value: object, country: object = "") -> str:
    """The national significant number ("+47 22 33 44 55", "22334455" → "22334455").

    Read with phonenumbers in the contact's country, so the trunk prefix and the
    country's calling code are understood for every country; "" when too short.
    """
    text = "" if value is None else str(value).strip()
    if sum(ch.isdigit() for ch in text) < 6:
        return ""
    region = str(country or "").upper() or None
    if (
        region in _SIMPLE_REGIONS
        and _PLAIN.match(text)
        and _NATIONAL_WRITING.match(text)
        and not text.startswith("18002")
    ):
        # Written nationally in a country with a plain trunk prefix (phonenumbers'
        # metadata): the same national number phonenumbers.parse gives, ten times faster.
        prefix = _trunk_prefix(region)
        if prefix is not None:
            digits = _DIGITS.sub("", text)
            if prefix and digits.startswith(prefix):
                digits = digits[len(prefix) :]
            return digits if len(digits) >= 6 else ""
    if region is None and text.startswith("00"):
        text = "+" + text[2:]  # the international prefix of the countries we serve
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        digits = _DIGITS.sub("", text.replace("(0)", "")).lstrip("0")
        return digits if len(digits) >= 6 else ""
    national = str(number.national_number)
    return national if len(national) >= 6 else ""


# --- E-mail ----------------------------------------------------------------------------

_PSL = PublicSuffixList()
#: Mail providers anyone may use: a shared domain there says nothing about a company.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "hotmail.com", "hotmail.no", "hotmail.co.uk", "outlook.com",
        "live.com", "live.no", "live.nl", "msn.com", "yahoo.com", "yahoo.no", "yahoo.co.uk",
        "icloud.com", "me.com", "aol.com", "gmx.de", "gmx.net", "gmx.at", "web.de", "t-online.de",
        "online.no", "telenor.no", "getmail.no", "ziggo.nl", "kpnmail.nl", "planet.nl", "home.nl",
        "hetnet.nl", "xs4all.nl", "telenet.be", "skynet.be", "proximus.be", "mail.dk", "jubii.dk",
        "outlook.dk", "telia.com", "spray.se", "bredband.net", "chello.at", "aon.at",
        "btinternet.com",
        "protonmail.com", "proton.me", "mail.com",
    }
)  # fmt: skip
_EMAIL_SEPARATORS = re.compile(r"[;,\s]+")


def split_emails(value: object) -> list[str]:
    """The addresses of an e-mail field ("a@x.no; b@y.no" holds two)."""
    text = "" if value is None else str(value)
    return [part for part in _EMAIL_SEPARATORS.split(text) if "@" in part]


def normalise_email(value: object) -> str:
    return fold(value).strip().strip("<>").rstrip(".")


@lru_cache(maxsize=65536)
def mail_domain(domain: str) -> str:
    """The registrable domain (public-suffix rules): "mail.cannon.co.uk" → "cannon.co.uk"."""
    domain = domain.strip(".")
    if not domain or "." not in domain:
        return ""
    return _PSL.privatesuffix(domain) or ""


def email_parts(value: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(addresses, company domains) of an e-mail field; public mail domains are left out."""
    addresses = []
    domains = []
    for part in split_emails(value):
        address = normalise_email(part)
        addresses.append(address)
        domain = mail_domain(address.rpartition("@")[2])
        if domain and domain not in PUBLIC_MAIL_DOMAINS and domain not in domains:
            domains.append(domain)
    return tuple(addresses), tuple(domains)


# --- Identifiers -----------------------------------------------------------------------


def normalise_vat(value: object, country: object = "") -> VatNumber | None:
    """The VAT/registration number, normalised and checked (contacts.identifiers)."""
    return parse_vat(value, country)
