"""Search keys: what people type, made comparable with what is stored. Pure: no ORM.

The staff list and the lookups find contacts by keys kept beside the typed values
(`Contact.name_key`, `phone_key`, `mobile_key`, `email_domain`), so an index answers:

- names regardless of case, accents and the Nordic/German letters and their spellings:
  æ/ae, ø/oe/ö, å/aa, ä, ü/ue, ß/ss all fold to the same key ("Sæther" and "saether",
  "Næss" and "Naess", "Tromsø" and "tromso", "Ålesund" and "Aalesund");
- phone numbers by their national digits, whatever the spaces, dashes, "+47", "0047" or
  a trunk "0" ("62 45 93 46", "62459346", "+47 62 45 93 46" and "0047 62 45 93 46" give
  62459346; "020 123 4567" and "+31 20 123 4567" give 201234567);
- e-mail by its domain ("oslomaling" finds post@oslomaling.no).

Every write path keeps the keys: `contacts.services.contact_prepare` (every save),
`contacts.importing` (bulk insert), `contacts.inheritance` (set-based propagation) and
`contacts.services.company_bulk_update`, all through `search_keys` / `key_updates`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

NAME_KEY_LENGTH = 100
PHONE_KEY_LENGTH = 30
EMAIL_DOMAIN_LENGTH = 80

# Letters NFKD does not split into a base letter and an accent.
_LETTERS = str.maketrans(
    {"æ": "a", "ø": "o", "œ": "o", "ß": "ss", "đ": "d", "ð": "d", "ł": "l", "þ": "th"}
)
# Spellings of those letters without them: "ae" = æ/ä, "oe" = ø/ö, "aa" = å, "ue" = ü.
_DIGRAPHS = re.compile(r"ae|oe|aa|ue")
_DIGRAPH_LETTER = {"ae": "a", "oe": "o", "aa": "a", "ue": "u"}
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_PHONE_TEXT = re.compile(r"^[\d\s+()./-]+$")
_NON_DIGITS = re.compile(r"\D+")


@lru_cache(maxsize=65536)
def fold(value: str) -> str:
    """The comparable form of a name: lower-case ASCII words joined by one space.

    Both spellings of a letter give the same key, so the typed text folds the same way
    as the stored name: "Sæther" → "sather", "Saether" → "sather", "Müller" → "muller".
    """
    text = (value or "").casefold().translate(_LETTERS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _DIGRAPHS.sub(lambda m: _DIGRAPH_LETTER[m.group(0)], text)
    return " ".join(_NOT_WORD.sub(" ", text).split())[:NAME_KEY_LENGTH]


def looks_like_phone(text: str) -> bool:
    """Typed text that can only be a phone number: digits and phone punctuation, 3+ digits."""
    return bool(_PHONE_TEXT.match(text or "")) and len(_NON_DIGITS.sub("", text)) >= 3


def phone_key(value: str) -> str:
    """The national digits of a phone number (prefix-searchable, region-independent).

    An international number ("+47 …", "0047 …") loses its country calling code, as
    `phonenumbers` knows them (they are prefix-free, so the first 1-3 digits that are a
    code are the code); a national one its trunk prefix "0"; "(0)" is dropped. Partial
    numbers fold the same way, so a prefix of a number finds the number.
    """
    text = (value or "").strip().replace("(0)", "")
    digits = _NON_DIGITS.sub("", text)
    if text.startswith("+") or digits.startswith("00"):
        digits = digits.removeprefix("00") if not text.startswith("+") else digits
        for length in (1, 2, 3):
            if len(digits) > length and int(digits[:length]) in COUNTRY_CODE_TO_REGION_CODE:
                digits = digits[length:]
                break
    return digits.lstrip("0")[:PHONE_KEY_LENGTH]


def email_domain(value: str) -> str:
    """The lower-case domain of an e-mail address, the first one of several separated
    by semicolons ("" when there is none)."""
    first = (value or "").split(";", 1)[0]
    _local, at, domain = first.strip().rpartition("@")
    return domain.lower()[:EMAIL_DOMAIN_LENGTH] if at else ""


# Which stored field each key is made from.
KEY_SOURCES = {
    "name_key": "name",
    "phone_key": "phone_no",
    "mobile_key": "mobile_phone_no",
    "email_domain": "email",
}
_MAKERS = {"name_key": fold, "phone_key": phone_key, "mobile_key": phone_key}
_MAKERS["email_domain"] = email_domain
SOURCE_FIELDS = frozenset(KEY_SOURCES.values())
KEY_FIELDS = tuple(KEY_SOURCES)


def search_keys(values: dict[str, Any]) -> dict[str, str]:
    """The keys for a contact's values (`values` maps source field names to values)."""
    return {key: _MAKERS[key](str(values.get(source) or "")) for key, source in KEY_SOURCES.items()}


def key_updates(values: dict[str, Any]) -> dict[str, str]:
    """The keys to write beside an UPDATE that sets some source fields (bulk paths)."""
    return {
        key: _MAKERS[key](str(values[source] or ""))
        for key, source in KEY_SOURCES.items()
        if source in values
    }


def apply_search_keys(contact: Any) -> None:
    """Set the keys on a contact (in memory) from its current values."""
    for key, value in search_keys({s: getattr(contact, s) for s in SOURCE_FIELDS}).items():
        setattr(contact, key, value)
