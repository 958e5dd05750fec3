"""Greetings for contacts from salutation formulas (reference document, section 3.2).

A formula (salutation code, language, formal/informal) has a pattern with %1..%5, each
placeholder mapped to a name part. For a blank name part, "%n " is removed from the
pattern first (the reference rule); where the blank placeholder is not followed by a
space, " %n" is removed instead, so "Dear Mr. %1 %3," with a blank surname gives
"Dear Mr. John," rather than the reference's "Dear Mr. John ,".

Language: the given one, else the contact's; when no formula exists for it, the
formula with a blank language (any language) is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from marketing_setup.models import Language, SalutationFormula

MAX_LENGTH = 260
_PLACEHOLDER = re.compile(r"%([1-5])")


class SalutationError(ValidationError):
    """No greeting can be produced; the message is translated and user-facing."""

    def __str__(self) -> str:
        return " ".join(self.messages)


def name_part(contact: Contact, part: str) -> str:
    """The contact's value for a formula name part (job title, first name, ...)."""
    if not part:
        return ""
    if part == SalutationFormula.NamePart.COMPANY_NAME:
        return contact.company_name or ""
    return (getattr(contact, part, "") or "").strip()


def apply_formula(text: str, parts: list[str]) -> str:
    """Fill a pattern's %1..%5 with `parts` (blank parts and their spaces removed)."""
    pattern = text
    for n, value in enumerate(parts, start=1):
        if value:
            continue
        token = f"%{n}"
        if f"{token} " in pattern:
            pattern = pattern.replace(f"{token} ", "", 1)
        elif f" {token}" in pattern:
            pattern = pattern.replace(f" {token}", "", 1)
    greeting = _PLACEHOLDER.sub(lambda m: parts[int(m.group(1)) - 1], pattern)
    return greeting[:MAX_LENGTH]


def _language_code(language) -> str | None:
    if language is None or language == "":
        return None
    return language.pk if isinstance(language, Language) else str(language)


def contact_greeting(*, contact: Contact, salutation_type: str = "formal", language=None) -> str:
    """The greeting for `contact` ("Dear Mr. John Smith,"), formal or informal.

    `language` (a Language or its code) defaults to the contact's language; the
    blank-language formula is the fallback. Raises SalutationError when no formula fits.
    """
    language_code = _language_code(language) or contact.language_id
    type_label = SalutationFormula.SalutationType(salutation_type).label
    if not contact.salutation_id:
        raise SalutationError(
            _("Contact %(contact)s has no salutation code, so no %(type)s greeting can be made.")
            % {"contact": contact.no or contact.name, "type": str(type_label).lower()},
            code="no_salutation",
        )
    formulas = {
        f.language_id: f
        for f in SalutationFormula.objects.filter(
            salutation_id=contact.salutation_id, salutation_type=salutation_type
        )
    }
    formula = formulas.get(language_code) if language_code else None
    formula = formula or formulas.get(None)
    if formula is None:
        raise SalutationError(
            _(
                "You have to set up the salutation formula of the type %(type)s in "
                "%(language)s language for the %(contact)s contact."
            )
            % {
                "type": type_label,
                "language": language_code or _("(blank)"),
                "contact": contact.no or contact.name,
            },
            code="no_formula",
        )
    if not formula.text.strip():
        raise SalutationError(
            _("The salutation formula %(formula)s has no salutation text.")
            % {"formula": f"{formula.salutation_id} {formula.language_id or ''}".strip()},
            code="empty_formula",
        )
    return apply_formula(formula.text, [name_part(contact, p) for p in formula.name_parts])


@dataclass
class Greeting:
    language: str | None
    salutation_type: str
    text: str


def contact_greetings(*, contact: Contact) -> list[Greeting]:
    """Every (language, type) greeting set up for the contact's salutation code (the
    reference's Contact Salutations page)."""
    if not contact.salutation_id:
        return []
    formulas = SalutationFormula.objects.filter(salutation_id=contact.salutation_id).order_by(
        "language", "salutation_type"
    )
    return [
        Greeting(
            language=f.language_id,
            salutation_type=f.salutation_type,
            text=apply_formula(f.text, [name_part(contact, p) for p in f.name_parts]),
        )
        for f in formulas
    ]
