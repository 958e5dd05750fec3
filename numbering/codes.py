"""Which characters a number may hold: one rule for every number in the product.

A *number* is the business key of a record, a code as in Business Central: the contact,
customer, vendor, bank account and opportunity no., a number series code and the
numbers on its lines (starting, ending, warning, last no. used). The rule:

- 1 to 20 characters;
- upper-case letters ``A``-``Z`` and digits ``0``-``9``;
- the separators ``-`` ``_`` ``.`` ``/`` between them: never first, never last, never
  two in a row.

So ``CT000123``, ``K-10001``, ``2024/1``, ``INV.2026.07`` and ``A_1`` are numbers. Typed
input is normalised first (`normalise_number`: surrounding white space dropped, ``a-z``
upper-cased), so ``" ab1"`` becomes ``AB1``. Refused: white space, tabs and line breaks
inside, control and invisible characters (NUL, RTL marks), ``? # % & +`` and the other
punctuation, non-ASCII letters (``Ø``, a Cyrillic ``А``), ``.``/``..`` segments,
``2024//1``, ``/A``, ``A-``.

Why: a number is part of the address of its record (``/contacts/2024/1/``), of links
in other apps' panels and of CSV files, so it must survive a URL both ways without
escaping. Letters, digits and ``- _ .`` are unreserved in URLs; ``/`` separates path
segments, which every route accepts through the ``number`` converter below; separators
at either end or doubled would make empty or dot segments that browsers and proxies
rewrite. Non-ASCII letters are left out because upper-casing them is not stable
(``ß`` -> ``SS``) and look-alikes (Cyrillic ``А`` vs Latin ``A``) would make two
numbers that read the same. Business Central allows any character in a Code field;
this is a deliberate restriction (README, "Reference deviations").

Where it is enforced: `numbering.fields.NumberField` (the model field of every number:
``full_clean`` normalises and validates, so services, forms, the admin and the API
refuse a bad number with a translated message), the contact import, the number series
lines (`numbering.formatting.validate_line_numbers`) and the series drawing (a line
stored before the rule cannot hand out a bad number). Routes take numbers through
`NumberConverter` (registered as ``<number:...>`` in `numbering.apps`). Numbers stored
before the rule are reported by the migrations and by ``manage.py check_numbers``,
never rewritten silently. No ORM here (pure rule), except `find_invalid_numbers`,
which reads the models it is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

NUMBER_MAX_LENGTH = 20
SEPARATORS = "-_./"
#: The rule as a regular expression (also the URL converter's pattern).
NUMBER_REGEX = r"[A-Z0-9]+(?:[-_./][A-Z0-9]+)*"
_NUMBER = re.compile(NUMBER_REGEX)
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def normalise_number(value: str) -> str:
    """Typed input as a number: surrounding white space dropped, a-z upper-cased.

    Only ASCII letters change (``ß`` stays ``ß`` and is then refused by the rule);
    nothing else is removed or replaced.
    """
    return (value or "").strip().translate(_ASCII_UPPER)


def is_valid_number(value: str) -> bool:
    """True when `value` (already normalised) follows the rule."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= NUMBER_MAX_LENGTH
        and _NUMBER.fullmatch(value) is not None
    )


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(value: str) -> str:
    """The value with invisible and control characters escaped (\\n, \\uXXXX), for messages."""
    return "".join(
        ch
        if ch == " " or (ch.isprintable() and not ch.isspace())
        else _ESCAPES.get(ch, f"\\u{ord(ch):04x}")
        for ch in value
    )


def number_error(value: str) -> str | None:
    """The translated reason why `value` is not a number, or None when it is."""
    if is_valid_number(value):
        return None
    if len(value) > NUMBER_MAX_LENGTH:
        return _("The number %(number)s cannot be longer than %(max)s characters.") % {
            "number": visible(value),
            "max": NUMBER_MAX_LENGTH,
        }
    return _(
        "“%(number)s” is not a valid number. A number holds the letters A–Z and the "
        "digits 0–9, with - _ . or / only between them."
    ) % {"number": visible(value)}


def validate_number(value: str) -> None:
    """Django validator: raise a ValidationError (code ``invalid_number``) for a bad number."""
    message = number_error(value)
    if message is not None:
        raise ValidationError(message, code="invalid_number")


def validate_number_characters(value: str) -> None:
    """The rule without its length (for fields whose max_length reports that itself)."""
    if value and _NUMBER.fullmatch(value) is None:
        validate_number(value)


class NumberConverter:
    """URL converter for numbers: matches exactly the valid numbers, slashes included.

    Registered as ``number`` (numbering.apps): ``path("<number:no>/", ...)``. Action
    names in the routes are lower-case, so ``<number:no>/edit/`` is never read as the
    number ``.../EDIT``.
    """

    regex = NUMBER_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


#: A number no record has (too long for the rule's length): reversed once, then replaced.
_URL_MARKER = "ZZ0MARKER0FOR0NUMBER0URLS0ZZ"


def number_url(viewname: str, kwarg: str = "no") -> Callable[[object], str]:
    """``reverse(viewname, kwargs={kwarg: number})`` for many numbers (a list's rows),
    reversed once (listing.reversing.reverse_each). A number passes a URL unescaped (the
    rule above), so the URL is the one reverse() gives; a value that breaks the rule (a
    number stored before it) goes through reverse() itself, with its error."""
    from listing.reversing import reverse_each

    fullmatch = _NUMBER.fullmatch
    return reverse_each(
        viewname,
        kwarg,
        _URL_MARKER,
        lambda number: isinstance(number, str) and bool(fullmatch(number)),
    )


def number_fields(model) -> list[str]:
    """The names of the number fields (NumberField) of a model (a real or historical one)."""
    from numbering.fields import NumberField

    return [f.name for f in model._meta.concrete_fields if isinstance(f, NumberField)]


def find_invalid_numbers(apps, *, app_label: str | None = None, using: str = "default"):
    """Stored numbers that break the rule: a list of (model label, field, value).

    `apps` is the app registry (django.apps.apps) or a migration's historical one; with
    `app_label` only that app's models are read. Nothing is changed.
    """
    found: list[tuple[str, str, str]] = []
    configs = [apps.get_app_config(app_label)] if app_label else apps.get_app_configs()
    for config in configs:
        for model in config.get_models():
            for name in number_fields(model):
                values = (
                    model._base_manager.using(using)
                    .exclude(**{name: ""})
                    .values_list(name, flat=True)
                    .iterator(chunk_size=5000)
                )
                found.extend(
                    (model._meta.label_lower, name, value)
                    for value in values
                    if not is_valid_number(value)
                )
    return found


def report_invalid_numbers(apps, schema_editor, *, app_label: str) -> None:
    """Migration step: print the stored numbers of `app_label` that break the rule.

    Reports only (a migration must never rewrite business keys behind the users'
    back): fix them in the admin, then ``manage.py check_numbers`` confirms.
    """
    found = find_invalid_numbers(apps, app_label=app_label, using=schema_editor.connection.alias)
    if not found:
        return
    lines = [
        f"\n  {len(found)} stored number(s) in {app_label} break the number rule "
        "(numbering/codes.py); they are kept as they are. Fix them, then run "
        "`manage.py check_numbers`:"
    ]
    lines += [f"    {label}.{field}: {visible(value)!s}" for label, field, value in found[:100]]
    if len(found) > 100:
        lines.append(f"    ... and {len(found) - 100} more")
    print("\n".join(lines))
