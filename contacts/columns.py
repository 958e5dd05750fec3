"""The columns of a contact import: their labels, and which file headers mean which field.

A file's header names are matched to the import's fields whatever their case, spacing
and punctuation ("E-mail address", "e_mail", "EMAIL"), in any of the UI languages (the
field labels in en/nb/nl) and by common synonyms of other systems ("Org.nr.", "KvK",
"Postcode", "Zip"). No ORM here: pure functions over strings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

#: The import's fields (the export's header), with the label users see.
FIELD_LABELS = {
    "type": _("Type"),
    "no": _("No."),
    "name": _("Name"),
    "company_no": _("Company no."),
    "first_name": _("First name"),
    "middle_name": _("Middle name"),
    "surname": _("Surname"),
    "job_title": _("Job title"),
    "address": _("Address"),
    "address_2": _("Address 2"),
    "post_code": _("Post code"),
    "city": _("City"),
    "county": _("County"),
    "country_region_code": _("Country/region"),
    "phone_no": _("Phone no."),
    "mobile_phone_no": _("Mobile phone no."),
    "email": _("E-mail"),
    "fax_no": _("Fax no."),
    "language_code": _("Language"),
    "territory_code": _("Territory"),
    "salesperson_code": _("Salesperson"),
    "vat_registration_no": _("VAT registration no."),
}
FIELDS = list(FIELD_LABELS)

#: Names other systems (and people) give these columns, in English, Norwegian and Dutch.
SYNONYMS = {
    "type": ["contact type", "kontakttype", "soort", "type contact"],
    "no": ["number", "contact no", "contact number", "nr", "nummer", "kontaktnr", "contactnr"],
    "name": ["company name", "full name", "firmanavn", "navn", "naam", "bedrijfsnaam"],
    "company_no": ["company number", "firmanr", "firmanummer", "bedrijfsnr", "bedrijfsnummer"],
    "first_name": ["given name", "fornavn", "voornaam"],
    "middle_name": ["mellomnavn", "tussenvoegsel"],
    "surname": ["last name", "family name", "etternavn", "achternaam"],
    "job_title": ["title", "position", "stilling", "tittel", "functie"],
    "address": ["street", "street address", "adresse", "gateadresse", "adres", "straat"],
    "address_2": ["address line 2", "adresse 2", "adres 2"],
    "post_code": ["postcode", "postal code", "zip", "zip code", "postnr", "postnummer"],
    "city": ["town", "poststed", "sted", "plaats", "woonplaats", "stad"],
    "county": ["fylke", "provincie", "state"],
    "country_region_code": [
        "country",
        "country code",
        "country region",
        "land",
        "landkode",
        "landcode",
    ],
    "phone_no": ["phone", "telephone", "tel", "telefon", "telefonnr", "telefoon", "telefoonnr"],
    "mobile_phone_no": ["mobile", "mobile phone", "cell", "mobil", "mobilnr", "mobiel", "gsm"],
    "email": [
        "e-mail address",
        "email address",
        "mail",
        "e-post",
        "epost",
        "e-postadresse",
        "e-mailadres",
    ],
    "fax_no": ["fax", "faks", "telefax"],
    "language_code": ["language code", "språk", "språkkode", "taal", "taalcode"],
    "territory_code": ["territory", "distrikt", "område", "gebied", "regio", "rayon"],
    "salesperson_code": ["sales person", "seller", "selger", "selgerkode", "verkoper"],
    "vat_registration_no": [
        "vat",
        "vat no",
        "vat number",
        "org nr",
        "org no",
        "orgnr",
        "organisasjonsnummer",
        "organisasjonsnr",
        "mva nr",
        "mvanr",
        "btw",
        "btw nummer",
        "btw nr",
        "kvk",
        "kvk nummer",
        "kvk nr",
    ],
}

#: Words of every UI language for the type column's values.
TYPE_WORDS = {
    "company": "company",
    "firma": "company",
    "bedrijf": "company",
    "selskap": "company",
    "organisation": "company",
    "organization": "company",
    "organisatie": "company",
    "person": "person",
    "persoon": "person",
    "contact person": "person",
    "kontaktperson": "person",
    "contactpersoon": "person",
}


def header_key(text: str) -> str:
    """Compare key of a header: letters and digits only, case-folded ("E-mail address"
    and "email_address" are one key)."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return re.sub(r"[\W_]+", "", text)


@cache
def _known() -> dict[str, str]:
    keys: dict[str, str] = {}
    for field_name, words in SYNONYMS.items():
        for word in words:
            keys.setdefault(header_key(word), field_name)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for field_name, label in FIELD_LABELS.items():
                keys.setdefault(header_key(str(label)), field_name)
    for field_name in FIELDS:  # the field names themselves win over everything
        keys[header_key(field_name)] = field_name
    return keys


def field_for(header: str) -> str | None:
    """The field a column named `header` fills, or None."""
    return _known().get(header_key(header))


def field_named(text: str) -> str | None:
    """A field given by its name, its label in a UI language or a synonym (for the
    command's --map column=field)."""
    return field_for(text)


def suggest_mapping(header: list[str]) -> list[str | None]:
    """The field of each column (None: not imported). A field takes the first column
    that names it; a later column naming it again is left out."""
    taken: set[str] = set()
    mapping: list[str | None] = []
    for name in header:
        found = field_for(name)
        if found in taken:
            found = None
        if found:
            taken.add(found)
        mapping.append(found)
    return mapping


def contact_type(value: str) -> str | None:
    """ "company" or "person" for the type words of every UI language, else None."""
    return TYPE_WORDS.get(" ".join((value or "").casefold().split()))


def label(field_name: str) -> str:
    """The column's label in the active language (for messages and summaries)."""
    found = FIELD_LABELS.get(field_name)
    return str(found) if found is not None else field_name
