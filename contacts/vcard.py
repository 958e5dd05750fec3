"""A contact as a vCard 4.0 (RFC 6350), written with vobject, and the card's links
(tel:, mailto:, the home page and an OpenStreetMap search for the address)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import vobject

from contacts import emails
from contacts.models import Contact

_TEL_CHARS = re.compile(r"[^\d+]")


def tel_href(number: str) -> str:
    """tel: URI of a typed number ("+47 62 45 93 46" → "tel:+4762459346")."""
    digits = _TEL_CHARS.sub("", (number or "").replace("(0)", ""))
    return f"tel:{digits}" if digits.strip("+") else ""


def mailto_href(value: str) -> str:
    """A mailto: link to every address of the e-mail field (semicolons between them)."""
    return emails.mailto_href(value)


def web_href(home_page: str) -> str:
    """The home page as a link; "www.example.no" gets https://. Only http(s) links."""
    text = (home_page or "").strip()
    if not text or " " in text:
        return ""
    if not re.match(r"^https?://", text, re.I):
        if ":" in text.split("/")[0]:  # another scheme (javascript:, ftp:): no link
            return ""
        text = f"https://{text}"
    return text


def address_lines(contact: Contact, *, home_country: str = "") -> list[str]:
    """The postal address; the country is left out when it is `home_country`."""
    lines = [contact.address, contact.address_2, f"{contact.post_code} {contact.city}".strip()]
    if contact.country and str(contact.country) != home_country:
        lines.append(contact.country.name)
    return [line for line in lines if line]


def map_href(contact: Contact) -> str:
    """An OpenStreetMap search for the contact's address ("" without one)."""
    if not (contact.address or contact.city or contact.post_code):
        return ""
    return "https://www.openstreetmap.org/search?" + urlencode(
        {"query": ", ".join(address_lines(contact))}
    )


def contact_vcard(contact: Contact) -> str:
    """The contact as vCard 4.0 text: name, organisation, title, phones, e-mail, address,
    home page, and a note with the contact no."""
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("fn").value = contact.name or contact.no
    if contact.is_person:
        card.add("n").value = vobject.vcard.Name(
            family=contact.surname,
            given=contact.first_name,
            additional=contact.middle_name,
        )
        card.add("kind").value = "individual"
        if contact.company_id:
            card.add("org").value = [contact.company.name]
        if contact.job_title:
            card.add("title").value = contact.job_title
    else:
        card.add("n").value = vobject.vcard.Name(family=contact.name)
        card.add("kind").value = "org"
        card.add("org").value = [contact.name]
    for value, kind in (
        (contact.phone_no, "work,voice"),
        (contact.mobile_phone_no, "cell"),
        (contact.fax_no, "fax"),
    ):
        if value:
            tel = card.add("tel")
            tel.value = value
            tel.type_param = kind
    for address in emails.email_addresses(contact.email):
        card.add("email").value = address
    if contact.address or contact.city or contact.post_code:
        card.add("adr").value = vobject.vcard.Address(
            street=", ".join(p for p in (contact.address, contact.address_2) if p),
            city=contact.city,
            region=contact.county,
            code=contact.post_code,
            country=contact.country.name if contact.country else "",
        )
    if web_href(contact.home_page):
        card.add("url").value = web_href(contact.home_page)
    card.add("note").value = contact.no
    return card.serialize()
