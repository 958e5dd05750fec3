"""Reads for the duplicate pages and the contact card panel."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.models import Contact
from duplicates import matching
from duplicates.models import ContactDuplicate
from listing.keyset import SortOption
from marketing_setup.models import MarketingSetup

#: What each comparison level means, for the reasons shown with a pair.
REASON_LABELS = {
    "name.exact": gettext_lazy("same name"),
    "name.close": gettext_lazy("name nearly the same"),
    "name.similar": gettext_lazy("similar name"),
    "name.partial": gettext_lazy("name partly the same"),
    "name.different": gettext_lazy("different name"),
    "place.same_address": gettext_lazy("same address"),
    "place.similar_address": gettext_lazy("similar address"),
    "place.same_post_code": gettext_lazy("same post code"),
    "place.same_city": gettext_lazy("same city"),
    "place.other_place": gettext_lazy("another place"),
    "phone.same": gettext_lazy("same phone no."),
    "phone.different": gettext_lazy("different phone no."),
    "vat.same": gettext_lazy("same VAT registration no."),
    "vat.slip": gettext_lazy("VAT registration no. one digit off (check digit fails)"),
    "vat.different": gettext_lazy("different VAT registration no."),
    "vat.other_valid": gettext_lazy("two valid, different VAT registration nos."),
    "email.same_address": gettext_lazy("same e-mail"),
    "email.same_domain": gettext_lazy("same e-mail domain"),
    "email.other_domain": gettext_lazy("other e-mail domain"),
    "entity.same": gettext_lazy("same kind of company"),
    "entity.other_legal_form": gettext_lazy("different legal form"),
    "entity.holding_one_side": gettext_lazy("holding, group or property company on one side only"),
    "person_name.exact": gettext_lazy("same name"),
    "person_name.close": gettext_lazy("name nearly the same"),
    "person_name.different": gettext_lazy("different name"),
    "person_email.same": gettext_lazy("same e-mail"),
    "person_mobile.same": gettext_lazy("same mobile phone no."),
    "person_phone.same": gettext_lazy("same phone no."),
    "person_company.same": gettext_lazy("same company"),
    "person_company.other": gettext_lazy("another company"),
    # Reasons stored by earlier versions.
    "same_vat": gettext_lazy("same VAT registration no."),
    "different_vat": gettext_lazy("different VAT registration no."),
    "other_entity": gettext_lazy("holding or group on one side only"),
    "other_legal_form": gettext_lazy("different legal form"),
    "same_phone": gettext_lazy("same phone no."),
    "same_email": gettext_lazy("same e-mail"),
    "same_domain": gettext_lazy("same e-mail domain"),
    "same_address": gettext_lazy("same address"),
    "similar_address": gettext_lazy("similar address"),
    "same_post_code": gettext_lazy("same post code"),
    "same_city": gettext_lazy("same city"),
}


@dataclass(frozen=True)
class Reason:
    """One comparison of a pair: what it found and how much it weighed (bits, ±)."""

    label: str
    weight: float | None

    @property
    def sign(self) -> str:
        if self.weight is None:
            return ""
        return "for" if self.weight > 0 else "against" if self.weight < 0 else ""

    def __str__(self) -> str:
        if self.weight is None:
            return self.label
        return f"{self.label} ({self.weight:+.1f})"


def reasons_of(reasons: list[str]) -> list[Reason]:
    """The stored reason codes as translated phrases with their contribution."""
    out = []
    for text in reasons or []:
        comparison, level, weight = matching.parse_reason(text)
        if weight is None and comparison == "name":  # "name:93" of earlier versions
            out.append(Reason(_("name %(similarity)s %% similar") % {"similarity": level}, None))
            continue
        code = f"{comparison}.{level}" if weight is not None else comparison
        out.append(Reason(str(REASON_LABELS.get(code, code)), weight))
    return out


def reason_labels(reasons: list[str]) -> list[str]:
    """The stored reason codes as translated phrases ("same VAT registration no. (+13.5)")."""
    return [str(reason) for reason in reasons_of(reasons)]


@dataclass(frozen=True)
class PairView:
    pair: ContactDuplicate
    other: Contact
    reasons: list[str]


#: The list's sort: the score (best first), the id as tiebreak (dupl_pair_score_id).
PAIR_SORTS = (SortOption("score", "score"),)
PAIR_DEFAULT_SORT = "-score"


def duplicate_list(
    *, show_separate: bool = True, contact_no: str = "", kind: str = Contact.Type.COMPANY
) -> QuerySet[ContactDuplicate]:
    """Pairs for the list page, best first, optionally only those of one contact (either
    side). No join: the page (listing.keyset, PAIR_SORTS) is read off an index (kind,
    [separate,] -score, -id); the contacts of a page are fetched afterwards
    (`with_contacts`)."""
    pairs = ContactDuplicate.objects.filter(kind=kind)
    if contact_no:
        ids = list(Contact.objects.filter(no=contact_no).values_list("id", flat=True)[:1])
        pairs = pairs.filter(Q(contact_id__in=ids) | Q(duplicate_id__in=ids))
    if not show_separate:
        pairs = pairs.filter(separate_contacts=False)
    return pairs.order_by("-score", "-id")


def with_contacts(pairs) -> list[ContactDuplicate]:
    """The pairs of one page with both contacts attached, in one query for all of them."""
    pairs = list(pairs)
    ids = {p.contact_id for p in pairs} | {p.duplicate_id for p in pairs}
    contacts = Contact.objects.only("id", "no", "name", "type", "company_id").in_bulk(ids)
    for pair in pairs:
        pair.contact = contacts[pair.contact_id]
        pair.duplicate = contacts[pair.duplicate_id]
    return pairs


#: What the card's duplicates panel shows of the other contact (each of the two joined
#: contact rows read whole was half of the panel's time).
PANEL_CONTACT_FIELDS = ("no", "name", "address", "post_code", "city")


def contact_open_duplicates(contact: Contact) -> list[PairView]:
    """The open (not separate) pairs of a contact, best first, with the other contact
    (its fields of PANEL_CONTACT_FIELDS)."""
    pairs = (
        ContactDuplicate.objects.involving(contact)
        .open()
        .select_related("contact", "duplicate")
        .only(
            "contact_id",
            "duplicate_id",
            "score",
            "no_of_matching_strings",
            "reasons",
            *(
                f"{side}__{name}"
                for side in ("contact", "duplicate")
                for name in PANEL_CONTACT_FIELDS
            ),
        )
        .order_by("-score", "-no_of_matching_strings")
    )
    return [PairView(p, p.other(contact), reason_labels(p.reasons)) for p in pairs]


def card_panel_context(request, contact: Contact) -> dict:
    """Context of the contact card's duplicates panel (autosearch warning)."""
    if not MarketingSetup.get().autosearch_for_duplicates:
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


#: The comparisons as the setup page names them.
COMPARISON_LABELS = {
    "name": gettext_lazy("Name"),
    "place": gettext_lazy("Address, post code and city"),
    "phone": gettext_lazy("Phone and mobile phone no."),
    "vat": gettext_lazy("VAT registration no."),
    "email": gettext_lazy("E-mail"),
    "entity": gettext_lazy("Legal form and holding"),
}


@dataclass(frozen=True)
class WeightRow:
    comparison: str
    levels: list[Reason]


def setup_model_context(request) -> dict:
    """The duplicates panel of the Marketing Setup page: the learned model in use."""
    from duplicates import linkage
    from duplicates.models import MatchModel, PairDecision

    row = MatchModel.objects.order_by("-created_at", "-id").first()
    model = linkage.Model.from_json(row.parameters) if row and row.parameters else None
    model = model or linkage.default_model()
    weights = [
        WeightRow(
            str(COMPARISON_LABELS[c]),
            [
                Reason(str(REASON_LABELS.get(f"{c}.{level}", level)), weight)
                for level, weight in zip(linkage.LEVELS[c], model.weights[c], strict=True)
            ],
        )
        for c in linkage.COMPARISONS
    ]
    decisions = PairDecision.objects.count()
    companies = Contact.objects.filter(type=Contact.Type.COMPANY).count()
    return {
        "row": row,
        "weights": weights,
        "decisions": decisions,
        "companies_now": companies,
        "min_companies": linkage.MIN_COMPANIES_TO_ESTIMATE,
        "can_estimate": request.user.has_perm("marketing_setup.change_marketingsetup"),
        "estimate_job": _estimate_job(),
    }


def _estimate_job():
    """The re-estimation job queued or running now, if any."""
    from duplicates.tasks import estimate_model
    from jobs.models import Job

    return Job.objects.active().filter(kind=estimate_model.module_path).first()


def merge_record_rows(record) -> tuple[list[tuple[str, str, str]], list[tuple[str, int]]]:
    """What a merge record shows: (field label, kept contact's value before, value taken
    from the merged contact) per field taken, and (kind of row, how many) per relation
    moved."""
    from django.apps import apps
    from django.utils.text import capfirst

    taken = []
    for name, value in (record.field_choices or {}).items():
        try:
            f = Contact._meta.get_field(name)
        except Exception:
            continue
        before = (record.kept_values or {}).get(f.attname)
        taken.append(
            (
                str(capfirst(f.verbose_name)),
                "" if before is None else str(before),
                "" if value is None else str(value),
            )
        )
    moved = []
    for label, count in (record.moved_rows or {}).items():
        model_label = label.rsplit(".", 1)[0]
        try:
            model = apps.get_model(model_label)
        except (LookupError, ValueError):
            moved.append((label, count))
            continue
        if model is Contact:
            name = _("persons")
        else:
            name = model._meta.verbose_name_plural if count != 1 else model._meta.verbose_name
        moved.append((str(capfirst(name)), count))
    return taken, moved
