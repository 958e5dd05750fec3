"""Reads for the duplicate pages and the contact card panel."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.models import Contact
from duplicates import matching
from duplicates.models import ContactDuplicate
from marketing_setup.models import MarketingSetup

REASON_LABELS = {
    matching.R_SAME_VAT: gettext_lazy("same VAT registration no."),
    matching.R_DIFFERENT_VAT: gettext_lazy("different VAT registration no."),
    matching.R_OTHER_ENTITY: gettext_lazy("holding or group on one side only"),
    matching.R_OTHER_LEGAL_FORM: gettext_lazy("different legal form"),
    matching.R_SAME_PHONE: gettext_lazy("same phone no."),
    matching.R_SAME_EMAIL: gettext_lazy("same e-mail"),
    matching.R_SAME_DOMAIN: gettext_lazy("same e-mail domain"),
    matching.R_SAME_ADDRESS: gettext_lazy("same address"),
    matching.R_SIMILAR_ADDRESS: gettext_lazy("similar address"),
    matching.R_SAME_POST_CODE: gettext_lazy("same post code"),
    matching.R_SAME_CITY: gettext_lazy("same city"),
}


def reason_labels(reasons: list[str]) -> list[str]:
    """The stored reason codes as translated phrases ("name:93" → "name 93 % similar")."""
    labels = []
    for reason in reasons or []:
        code, _sep, value = str(reason).partition(":")
        if code == matching.R_NAME:
            labels.append(_("name %(similarity)s %% similar") % {"similarity": value})
        else:
            labels.append(str(REASON_LABELS.get(code, code)))
    return labels


@dataclass(frozen=True)
class PairView:
    pair: ContactDuplicate
    other: Contact
    reasons: list[str]


def duplicate_list(
    *, show_separate: bool = True, contact_no: str = ""
) -> QuerySet[ContactDuplicate]:
    """Pairs for the list page, optionally only those of one contact (either side)."""
    pairs = ContactDuplicate.objects.select_related("contact", "duplicate")
    if contact_no:
        pairs = pairs.filter(Q(contact__no=contact_no) | Q(duplicate__no=contact_no))
    return pairs if show_separate else pairs.open()


def contact_open_duplicates(contact: Contact) -> list[PairView]:
    """The open (not separate) pairs of a contact, best first, with the other contact."""
    pairs = (
        ContactDuplicate.objects.involving(contact)
        .open()
        .select_related("contact", "duplicate")
        .order_by("-score", "-no_of_matching_strings")
    )
    return [PairView(p, p.other(contact), reason_labels(p.reasons)) for p in pairs]


def card_panel_context(request, contact: Contact) -> dict:
    """Context of the contact card's duplicates panel (autosearch warning)."""
    if not contact.is_company or not MarketingSetup.get().autosearch_for_duplicates:
        return {"duplicate_pairs": []}
    return {"duplicate_pairs": contact_open_duplicates(contact)}


@dataclass(frozen=True)
class FieldRow:
    name: str
    label: str
    keep_value: object
    merge_value: object

    @property
    def differs(self) -> bool:
        return (self.keep_value or "") != (self.merge_value or "")


def _display(contact: Contact, field) -> object:
    if field.choices:
        return getattr(contact, f"get_{field.name}_display")()
    value = getattr(contact, field.name)
    return "" if value is None else value


def compare_rows(keep: Contact, merge: Contact, fields) -> list[FieldRow]:
    """Side-by-side values of two contacts for the given fields."""
    return [
        FieldRow(f.name, str(f.verbose_name), _display(keep, f), _display(merge, f)) for f in fields
    ]
