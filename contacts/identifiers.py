"""Company identifiers: VAT and registration numbers, normalised and checked (python-stdnum).

Pure functions, no ORM. `parse_vat` reads what users type in the VAT registration no.
field ("NO 967 234 788 MVA", "967234788", "BE 0403.170.701", "SE556036079301",
"ATU13585627", a Dutch KvK number...) into the identifying digits of the company and
says whether the check digits pass. The duplicate search compares these cores; the
contact pages and the import warn when a number fails its check.

Numbers are read with the country written in front of them (the VAT prefix) or, when
there is none, with the contact's country. Covered with check digits: Norway
(organisation number / MVA), Denmark (CVR), Sweden (organisation number / VAT),
the Netherlands (BTW), Belgium (enterprise number / VAT), Austria (UID), Germany
(USt-IdNr.), the United Kingdom and the other EU countries (through stdnum.eu.vat).
A Dutch KvK number (8 digits) has no check digit: its format is read, not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import luhn
from stdnum.at import uid as at_uid
from stdnum.be import vat as be_vat
from stdnum.dk import cvr as dk_cvr
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import vat as gb_vat
from stdnum.iso7064 import mod_11_10
from stdnum.nl import btw as nl_btw
from stdnum.no import orgnr as no_orgnr

#: Countries whose numbers are checked here (ISO codes; Greece writes EL in front).
CHECKED_COUNTRIES = frozenset({"NO", "DK", "SE", "NL", "BE", "AT", "DE", "GB"})
_EU_PREFIXES = frozenset(
    "AT BE BG CY CZ DE DK EE EL ES FI FR GB HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI".split()  # noqa: SIM905
)
_PREFIXES = _EU_PREFIXES | {"NO", "GR", "CH"}
_CLEAN = re.compile(r"[^0-9A-Z]")


@dataclass(frozen=True, slots=True)
class VatNumber:
    """A parsed identifier: `key` is equal for two spellings of the same number."""

    country: str  # ISO code, "" when unknown
    kind: str  # "vat", or "kvk" for the Dutch chamber of commerce number
    core: str  # the identifying characters, e.g. "967234788"
    valid: bool | None  # check digits pass / fail / cannot be checked

    @property
    def key(self) -> str:
        kind = "" if self.kind == "vat" else f"/{self.kind}"
        return f"{self.country}{kind}:{self.core}"


def _check(module, number: str) -> bool:
    try:
        return bool(module.is_valid(number))
    except StdnumError:  # pragma: no cover - is_valid does not raise, kept for safety
        return False


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


# The numbers below are already digits of the right length, so python-stdnum's check
# digit functions are called directly (its is_valid would clean and compact them again,
# which costs more than the check itself in a search over many companies).
def _no_valid(core: str) -> bool:
    return len(core) == 9 and no_orgnr.checksum(core) == 0


def _dk_valid(core: str) -> bool:
    return len(core) == 8 and core[0] != "0" and dk_cvr.checksum(core) == 0


def _se_valid(core: str) -> bool:
    return len(core) == 10 and luhn.is_valid(core)


def _be_valid(core: str) -> bool:
    return len(core) == 10 and core[0] in "01" and be_vat.checksum(core) == 0


def _at_valid(core: str) -> bool:
    return len(core) == 8 and at_uid.calc_check_digit(f"U{core[:-1]}") == core[-1]


def _de_valid(core: str) -> bool:
    return len(core) == 9 and core[0] != "0" and mod_11_10.is_valid(core)


def _parse(text: str, country: str) -> VatNumber | None:
    if country == "NO":
        core = _digits(text.removesuffix("MVA"))
        return VatNumber("NO", "vat", core, _no_valid(core))
    if country == "DK":
        core = _digits(text)
        return VatNumber("DK", "vat", core, _dk_valid(core))
    if country == "SE":
        core = _digits(text)
        if len(core) == 12 and core.endswith("01"):
            core = core[:10]
        return VatNumber("SE", "vat", core, _se_valid(core))
    if country == "NL":
        match = re.fullmatch(r"(\d{9})B(\d{2})", text)
        if match:
            return VatNumber("NL", "vat", match[1], _check(nl_btw, text))
        core = _digits(text)
        if len(core) == 8:  # KvK number: no check digit to verify
            return VatNumber("NL", "kvk", core, None)
        return VatNumber("NL", "vat", core, len(core) == 9 and _check(nl_btw, f"{core}B01"))
    if country == "BE":
        core = _digits(text)
        if len(core) == 9:
            core = "0" + core
        return VatNumber("BE", "vat", core, _be_valid(core))
    if country == "AT":
        core = _digits(text)
        return VatNumber("AT", "vat", core, _at_valid(core))
    if country == "DE":
        core = _digits(text)
        return VatNumber("DE", "vat", core, _de_valid(core))
    if country == "GB":
        core = text if text[:2] in ("GD", "HA") else _digits(text)
        return VatNumber("GB", "vat", core, _check(gb_vat, core))
    if country in _EU_PREFIXES or country == "GR":
        prefix = "EL" if country == "GR" else country
        core = text
        return VatNumber(country, "vat", core, _check(eu_vat, prefix + core))
    core = _digits(text)
    return VatNumber(country, "vat", core, None) if len(core) >= 6 else None


def parse_vat(value: object, country: object = "") -> VatNumber | None:
    """The number in a VAT registration no. field, or None when it holds no number.

    `country` is the contact's country (ISO code); a country prefix in the number
    itself wins ("SE556036079301" is Swedish whatever the contact's country).
    """
    text = _CLEAN.sub("", str(value or "").upper())
    if not text or not any(ch.isdigit() for ch in text):
        return None
    country = str(country or "").upper()
    if text[:2] in _PREFIXES and not text[:2].isdigit():
        country, text = text[:2], text[2:]
        if country == "EL":
            country = "GR"
    if country == "AT":
        text = text.removeprefix("U")
    number = _parse(text, country)
    if number is None or not number.core:
        return None
    return number


def vat_check_message(value: object) -> str:
    """The warning shown when a number fails its check (on save and on import)."""
    from django.utils.translation import gettext as _

    return _(
        "The VAT registration no. %(number)s fails its check digit: it is probably mistyped."
    ) % {"number": value}


def vat_fails_check(value: object, country: object = "") -> bool:
    """True when the field holds a number of a checked country whose check fails."""
    number = parse_vat(value, country)
    return number is not None and number.valid is False


def one_slip_apart(a: str, b: str) -> bool:
    """One digit wrong, one missing or extra, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
