"""Merging a duplicate into the kept contact (4.9), nothing lost, one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contacts.models import Contact
from duplicates.models import (
    ContactDuplicate,
    ContactMatchKey,
    ContactMerge,
    ContactSearchString,
)
from duplicates.services import learning
from duplicates.services.index import contact_unindex
from duplicates.services.search import contact_index
from marketing_setup.models import MarketingSetup

# --- Merge ------------------------------------------------------------------------

#: Fields a merge may take from the merged contact.
MERGE_FIELDS = (
    "name",
    "name_2",
    "search_name",
    "address",
    "address_2",
    "post_code",
    "city",
    "county",
    "country",
    "phone_no",
    "mobile_phone_no",
    "fax_no",
    "email",
    "home_page",
    "vat_registration_no",
    "correspondence_type",
    "salesperson",
    "territory",
    "language",
    "salutation",
    "job_title",
    "first_name",
    "middle_name",
    "surname",
    "initials",
)
KEEP = "keep"
MERGE = "merge"

# Rows of this app that describe a contact rather than belong to it: rebuilt, not moved.
_REBUILT = (ContactSearchString, ContactMatchKey, ContactDuplicate)


def _relations() -> list:
    """Every foreign key (or one-to-one) pointing at Contact, hidden ones ("+") too."""
    return [
        f
        for f in Contact._meta.get_fields(include_hidden=True)
        if f.auto_created
        and not f.concrete
        and (f.one_to_many or f.one_to_one)
        and f.related_model not in _REBUILT
    ]


def merge_fields() -> list[models.Field]:
    names = {f.name for f in Contact._meta.concrete_fields}
    return [Contact._meta.get_field(name) for name in MERGE_FIELDS if name in names]


def contact_values(contact: Contact) -> dict[str, object]:
    """The contact's concrete field values as JSON-ready data (for the merge record)."""
    values = {}
    for f in Contact._meta.concrete_fields:
        value = getattr(contact, f.attname)
        values[f.attname] = value if isinstance(value, (int, bool, type(None))) else str(value)
    return values


def related_rows(contact: Contact) -> list[str]:
    """What a merge moves from the contact, in human terms ("2 persons", "5 interaction
    log entries", "customer C00013"). A model may describe its own rows with a
    `merge_moving_labels(queryset)` classmethod (business relations name the linked
    customer, vendor or bank account)."""
    labels = []
    for relation in _relations():
        model = relation.related_model
        rows = model._base_manager.filter(**{relation.field.name: contact})
        n = rows.count()
        if not n:
            continue
        describe = getattr(model, "merge_moving_labels", None)
        if describe is not None:
            labels.extend(str(label) for label in describe(rows))
        elif model is Contact:
            labels.append(ngettext("%(count)s person", "%(count)s persons", n) % {"count": n})
        else:
            name = model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural
            labels.append(
                ngettext("%(count)s %(name)s", "%(count)s %(name)s", n) % {"count": n, "name": name}
            )
    return labels


def _describe(row: models.Model) -> dict:
    data = {"model": row._meta.label, "pk": str(row.pk)}
    for f in row._meta.concrete_fields:
        value = getattr(row, f.attname)
        data[f.attname] = value if isinstance(value, (int, bool, type(None))) else str(value)
    return data


def _content(row: models.Model, relation) -> dict:
    """A row's values apart from its key, the contact it points at and timestamps."""
    return {
        f.attname: getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if not f.primary_key
        and f.attname != relation.field.attname
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    }


def _follow_number(relation, *, keep: Contact, merge: Contact) -> None:
    """Moved rows that keep a copy of their contact's number ("contact" → "contact_no",
    as interaction entries do) get the kept contact's number and name, as the
    reference's rename does. Merge records are history and keep theirs."""
    model = relation.related_model
    if model is ContactMerge:
        return
    names = {f.name for f in model._meta.concrete_fields}
    no_field, name_field = f"{relation.field.name}_no", f"{relation.field.name}_name"
    if no_field not in names:
        return
    values = {no_field: keep.no}
    if name_field in names:
        values[name_field] = keep.name
    model._base_manager.filter(**{relation.field.name: keep, no_field: merge.no}).update(**values)


@dataclass(frozen=True)
class MergeConflict:
    """A row of the merged contact that clashes with a different row of the kept one.

    `message` says it in plain words (the row's model may say it better through a
    `merge_conflict_message(kept_rows, keep=, merge=)` method, as business relations do);
    `resolve_url` (optional) is where the user can resolve it."""

    message: str
    resolve_url: str = ""

    def __str__(self) -> str:
        return self.message


def _conflict(row: models.Model, kept_rows: list[models.Model], *, keep, merge) -> MergeConflict:
    describe = getattr(row, "merge_conflict_message", None)
    if describe is not None:
        message, url = describe(kept_rows, keep=keep, merge=merge)
        return MergeConflict(str(message), url or "")
    return MergeConflict(
        _("%(kind)s %(row)s of %(merged)s clashes with one of %(kept)s.")
        % {
            "kind": capfirst(row._meta.verbose_name),
            "row": row,
            "merged": merge.no,
            "kept": keep.no,
        }
    )


def _move(
    relation, *, keep: Contact, merge: Contact
) -> tuple[int, list[dict], list[MergeConflict]]:
    """Point every row of one relation from `merge` to `keep`.

    Returns (moved, dropped, conflicts). A row that clashes with a unique row of the
    kept contact is dropped only when the kept contact has a row with the same values
    (nothing is lost); otherwise it is a conflict the user must resolve first.
    """
    model = relation.related_model
    attname = relation.field.attname
    rows = model._base_manager.filter(**{relation.field.name: merge})
    try:
        with transaction.atomic():
            moved = rows.update(**{attname: keep.pk})
    except IntegrityError:
        pass
    else:
        _follow_number(relation, keep=keep, merge=merge)
        return moved, [], []
    kept_objects = list(model._base_manager.filter(**{relation.field.name: keep}))
    kept_rows = [_content(row, relation) for row in kept_objects]
    moved, dropped, conflicts = 0, [], []
    for row in list(rows):
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=row.pk).update(**{attname: keep.pk})
            moved += 1
        except IntegrityError:
            if _content(row, relation) in kept_rows:
                dropped.append(_describe(row))
                row.delete()
            else:
                conflicts.append(_conflict(row, kept_objects, keep=keep, merge=merge))
    _follow_number(relation, keep=keep, merge=merge)
    return moved, dropped, conflicts


def _carry_separate_marks(*, keep: Contact, others: set[int]) -> None:
    """Mark the kept contact as separate from each contact the merged one was."""
    for other in others:
        low, high = sorted((keep.pk, other))
        ContactDuplicate.objects.update_or_create(
            contact_id=low, duplicate_id=high, defaults={"separate_contacts": True}
        )


def _move_all(*, keep: Contact, merge: Contact):
    """Move every row that refers to `merge` over to `keep` (the merge's core step).
    Returns (moved counts by relation, dropped rows, conflicts)."""
    moved: dict[str, int] = {}
    dropped: list[dict] = []
    conflicts: list[MergeConflict] = []
    for relation in _relations():
        count, lost, clashes = _move(relation, keep=keep, merge=merge)
        if count:
            label = f"{relation.related_model._meta.label}.{relation.field.name}"
            moved[label] = moved.get(label, 0) + count
        dropped.extend(lost)
        conflicts.extend(clashes)
    return moved, dropped, conflicts


class _DryRun(Exception):
    pass


def merge_conflicts(*, keep: Contact, merge: Contact) -> list[MergeConflict]:
    """The conflicts that would stop merging `merge` into `keep`, found by the merge's
    own step (`_move_all`) run in a savepoint that is rolled back: what the compare and
    merge pages show before the user presses Merge is exactly what the merge refuses."""
    found: list[MergeConflict] = []
    try:
        with transaction.atomic():
            _moved, _dropped, found = _move_all(keep=keep, merge=merge)
            raise _DryRun
    except _DryRun:
        pass
    return found


def conflicts_error(conflicts: list[MergeConflict]) -> ValidationError:
    return ValidationError(
        ngettext(
            "Resolve this conflict before the merge: %(rows)s",
            "Resolve these %(count)s conflicts before the merge: %(rows)s",
            len(conflicts),
        )
        % {"count": len(conflicts), "rows": " ".join(str(c) for c in conflicts)}
    )


@transaction.atomic
def contacts_merge(
    *,
    keep: Contact,
    merge: Contact,
    field_choices: Mapping[str, str] | None = None,
    user=None,
) -> ContactMerge:
    """Merge `merge` into `keep` in one transaction and record what was merged.

    `field_choices` maps a field name to "keep" or "merge" (take the merged
    contact's value). Every row referring to the merged contact (persons,
    interactions, business relations, opportunities...) moves to the kept one;
    a row that would clash with an identical unique row of the kept contact is
    dropped and recorded; a clash with a different row raises ValidationError
    ("resolve the conflicts first", as the reference does) and changes nothing.
    The merged contact is deleted; the kept one is re-indexed.
    """
    field_choices = dict(field_choices or {})
    if keep.pk == merge.pk:
        raise ValidationError(_("A contact cannot be merged with itself."))
    if keep.type != merge.type:
        raise ValidationError(_("Only contacts of the same type can be merged."))
    allowed = {f.name for f in merge_fields()}
    for name, choice in field_choices.items():
        if name not in allowed:
            raise ValidationError(_("%(field)s cannot be merged.") % {"field": name})
        if choice not in (KEEP, MERGE):
            raise ValidationError(_("Choose keep or merge for %(field)s.") % {"field": name})
    # Lock both rows so a concurrent edit cannot slip in between.
    locked = {
        c.pk: c for c in Contact.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk])
    }
    if len(locked) != 2:
        raise ValidationError(_("One of the contacts no longer exists."))
    keep, merge = locked[keep.pk], locked[merge.pk]

    snapshot = contact_values(merge)
    kept_before = contact_values(keep)
    taken = {}
    for name, choice in field_choices.items():
        if choice == MERGE:
            f = Contact._meta.get_field(name)
            setattr(keep, f.attname, getattr(merge, f.attname))
            taken[name] = snapshot.get(f.attname)

    strings = ContactSearchString.objects.filter(contact=merge).count()
    moved, dropped, conflicts = _move_all(keep=keep, merge=merge)
    if strings:
        moved[f"{ContactSearchString._meta.label}.contact"] = strings
    if conflicts:
        # Raised inside the transaction: every row moved so far goes back.
        raise conflicts_error(conflicts)

    merged_no = merge.no
    # A merge is the user's word that the two were one: the model learns from it.
    if keep.is_company:
        learning.decision_record(contact=keep, other=merge, same=True, source="merge", user=user)
    # "Not a duplicate of X" said of the merged contact holds for the kept one too.
    separate_from = {
        pair.duplicate_id if pair.contact_id == merge.pk else pair.contact_id
        for pair in ContactDuplicate.objects.involving(merge).filter(separate_contacts=True)
    } - {keep.pk}
    contact_unindex(contact=merge)
    merge.delete()
    keep.full_clean(exclude=["no"])
    keep.save()
    _carry_separate_marks(keep=keep, others=separate_from)
    record = ContactMerge.objects.create(
        kept_contact=keep,
        kept_contact_no=keep.no,
        merged_contact_no=merged_no,
        merged_values=snapshot,
        kept_values=kept_before,
        field_choices=taken,
        moved_rows=moved,
        dropped_rows=dropped,
        user=user if getattr(user, "is_authenticated", False) else None,
    )
    if MarketingSetup.get().maintain_search_strings:
        contact_index(contact=keep)
    return record
