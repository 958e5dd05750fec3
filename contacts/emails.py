"""E-mail fields that hold several addresses, separated by semicolons (as Business
Central's E-Mail field does: "ola@fjord.no; post@fjord.no"). No ORM here."""

from __future__ import annotations

from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

SEPARATOR = ";"


def email_addresses(value: str | None) -> list[str]:
    """The addresses of an e-mail field, trimmed, blanks left out."""
    return [part.strip() for part in (value or "").split(SEPARATOR) if part.strip()]


def normalise_email_list(value: str | None) -> str:
    """The field as stored: its addresses joined by "; " (blank parts dropped)."""
    return "; ".join(email_addresses(value))


def validate_email_list(value: str | None) -> None:
    """Each address separated by semicolons must be a valid e-mail address."""
    bad = []
    for address in email_addresses(value):
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
    if bad:
        raise ValidationError(
            _(
                "“%(value)s” is not a valid e-mail address. Separate several addresses "
                "with semicolons."
            ),
            code="invalid",
            params={"value": bad[0]},
        )


def mailto_href(value: str | None) -> str:
    """A mailto: link to every address of the field (RFC 6068 separates them by commas)."""
    addresses = [a for a in email_addresses(value) if "@" in a]
    if not addresses:
        return ""
    return "mailto:" + ",".join(quote(a, safe="@.+-_") for a in addresses)
