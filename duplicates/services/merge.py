"""Merging a duplicate into the kept contact (4.9), nothing lost, one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contacts.models import Contact, ContactPlace
from contacts.searchkeys import KEY_FIELDS, apply_search_keys
from duplicates.models import (
    ContactDuplicate,
    ContactMatchKey,
    ContactMatchProfile,
    ContactMerge,
    ContactSearchString,
)
from duplicates.services import learning
from duplicates.services.index import contact_unindex
from duplicates.services.search import contact_index
from history import context as history
from history import selectors as history_selectors
from history.models import Action, Cause, Change
from history.registry import tracked
from history.revert import revert, revert_check
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

# Rows that describe a contact rather than belong to it: rebuilt, not moved (this app's,
# and the contact's place row, which the contact's own writes keep: contacts/places.py).
_REBUILT = (
    ContactSearchString,
    ContactMatchKey,
    ContactMatchProfile,
    ContactDuplicate,
    ContactPlace,
)


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
    # One change log event for the whole merge, naming the merge record (made last):
    # the undo reverts exactly what this event holds (merge_undo).
    with history.operation(Cause.MERGE) as op:
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
            learning.decision_record(
                contact=keep, other=merge, same=True, source="merge", user=user
            )
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
        op.set_object(record)
    if MarketingSetup.get().maintain_search_strings:
        contact_index(contact=keep)
    return record


# --- Undo -------------------------------------------------------------------------


def merge_event(record: ContactMerge):
    """The change log event of a merge (None for merges made before it was logged)."""
    return history_selectors.event_for_cause(record, Cause.MERGE)


def merge_undo_check(*, record: ContactMerge) -> list[str]:
    """Why this merge cannot be undone now (translated sentences; empty: it can)."""
    if record.undone_at is not None:
        return [_("This merge has been undone already.")]
    event = merge_event(record)
    if event is None:
        return [_("This merge was made before changes were logged; it cannot be undone.")]
    changes = list(Change.objects.filter(event=event).per_object())
    return revert_check(changes, strict=_moved_keys(record, changes))


def _merged_pk(record: ContactMerge) -> str:
    return str(record.merged_values.get("id", ""))


def _moved_keys(record: ContactMerge, changes: list[Change]) -> set:
    """The rows the merge moved (a foreign key to Contact that pointed at the merged
    contact): any later change to one of them stands in the way of the undo."""
    merged_pk = _merged_pk(record)
    keys = set()
    for change in changes:
        if change.action != Action.UPDATE or change.old != merged_pk:
            continue
        model = ContentType.objects.get_for_id(change.content_type_id).model_class()
        registration = tracked(model) if model else None
        f = registration.field(change.field) if registration else None
        if f is not None and f.is_relation and f.related_model is Contact:
            keys.add((change.content_type_id, change.object_id))
    return keys


@transaction.atomic
def merge_undo(*, record: ContactMerge, user=None) -> Contact:
    """Undo a merge from its record: the merged contact comes back with its number and
    values, every row the merge moved (persons, interactions, business relations,
    opportunities...) points at it again, the kept contact's fields taken from it get
    their old values back, and both are indexed again (search strings).

    Refused with a ValidationError naming every conflict (a moved row changed since, a
    field of the kept contact the merge set changed since, the number in use again...)
    and nothing changes. Logged as one event ("undo of a merge"), the merge's event
    marked undone.
    """
    record = ContactMerge.objects.select_for_update().get(pk=record.pk)
    if record.undone_at is not None:
        raise ValidationError(_("This merge has been undone already."), code="undone")
    event = merge_event(record)
    if event is None:
        raise ValidationError(
            _("This merge was made before changes were logged; it cannot be undone."),
            code="not_logged",
        )
    changes = list(Change.objects.filter(event=event).per_object())
    try:
        result = revert(
            changes,
            cause=Cause.MERGE_UNDO,
            obj=record,
            strict=_moved_keys(record, changes),
            reverted_events=[event],
        )
    except ValidationError as error:
        raise ValidationError(
            ngettext(
                "The merge cannot be undone: %(conflicts)s",
                "The merge cannot be undone (%(count)s conflicts): %(conflicts)s",
                len(error.messages),
            )
            % {"count": len(error.messages), "conflicts": " ".join(error.messages)},
            code="conflicts",
        ) from None
    # Set-based reverts skip the save path: make the search keys of the contacts whose
    # values went back again (they are derived, not logged).
    touched = set(result.updated.get(Contact, ())) | set(result.restored.get(Contact, ()))
    fix = []
    for contact in Contact.objects.filter(pk__in=touched):
        apply_search_keys(contact)
        fix.append(contact)
    Contact.objects.bulk_update(fix, KEY_FIELDS, batch_size=500)
    record.undone_at = timezone.now()
    record.undone_by = user if getattr(user, "is_authenticated", False) else None
    record.save(update_fields=["undone_at", "undone_by"])
    restored = Contact.objects.get(pk=_merged_pk(record))
    if record.kept_contact_id:
        # The merge taught the model "one company"; taken back, it teaches nothing, and
        # the pair may be suggested again.
        learning.decision_forget(
            contact=Contact.objects.get(pk=record.kept_contact_id), other=restored, source="merge"
        )
    # Earlier merges into the merged contact (not logged: records of their own) point
    # at it again.
    ContactMerge.objects.filter(
        kept_contact_id=record.kept_contact_id, kept_contact_no=restored.no
    ).exclude(pk=record.pk).update(kept_contact=restored)
    if MarketingSetup.get().maintain_search_strings:
        contact_index(contact=restored)
        if record.kept_contact_id:
            contact_index(contact=Contact.objects.get(pk=record.kept_contact_id))
    return restored


# --- Old numbers ------------------------------------------------------------------


def merged_contacts_resolve(nos: list[str]) -> dict[str, Contact]:
    """{merged contact's number: the contact it was merged into (following later merges
    of that one too)} for merges not undone (registered with contacts' resolvers)."""
    found: dict[str, Contact] = {}
    pending = {no: no for no in nos}  # number asked for -> number to look up now
    for _depth in range(10):
        if not pending:
            break
        records = {}
        for merged_no, kept_id, kept_no in (
            ContactMerge.objects.filter(merged_contact_no__in=set(pending.values()), undone_at=None)
            .order_by("merged_at", "id")
            .values_list("merged_contact_no", "kept_contact_id", "kept_contact_no")
        ):
            records[merged_no] = (kept_id, kept_no)  # the newest merge of a number wins
        kept = Contact.objects.in_bulk([k for k, _no in records.values() if k])
        next_pending = {}
        for asked, current in pending.items():
            if current not in records:
                continue
            kept_id, kept_no = records[current]
            if kept_id in kept:
                found[asked] = kept[kept_id]
            elif kept_no:
                next_pending[asked] = kept_no  # the kept contact was merged on in turn
        pending = next_pending
    return found


# --- Anonymisation --------------------------------------------------------------------


def merged_into(person: Contact) -> dict[int, str]:
    """{pk: no} of the contacts merged into `person` (and into those, following the
    chain), merges not undone: their stored values were the person's (registered with
    contacts.privacy, which erases their logged values when the person is anonymised)."""
    found: dict[int, str] = {}
    pending = {person.no}
    for _depth in range(10):
        records = ContactMerge.objects.filter(kept_contact_no__in=pending, undone_at=None)
        pending = set()
        for merged_no, merged_values in records.values_list("merged_contact_no", "merged_values"):
            pk = (merged_values or {}).get("id")
            if str(pk).isdecimal() and int(pk) not in found and int(pk) != person.pk:
                found[int(pk)] = merged_no
                pending.add(merged_no)
        if not pending:
            break
    return found


def merge_records_erase(*, contact_ids, contact_nos, fields) -> int:
    """Blank `fields` in the merge records of these contacts (an anonymised person and
    the contacts merged into it): the kept contact's values before the merge, the merged
    contact's values kept for the undo and the values taken from it. One read and one
    bulk update; returns the records changed."""
    ids, nos = {str(pk) for pk in contact_ids}, set(contact_nos)
    names = set(fields) | {Contact._meta.get_field(name).attname for name in fields}

    def blank(values: dict) -> dict:
        return {k: ("" if k in names and v not in (None, "") else v) for k, v in values.items()}

    changed = []
    records = ContactMerge.objects.filter(
        models.Q(kept_contact_no__in=nos) | models.Q(merged_contact_no__in=nos)
    )
    for record in records:
        before = (record.kept_values, record.merged_values, record.field_choices)
        merged_self = str((record.merged_values or {}).get("id", "")) in ids
        if record.kept_contact_no in nos:
            record.kept_values = blank(record.kept_values or {})
        if merged_self or (record.kept_contact_no in nos and record.undone_at is None):
            record.merged_values = blank(record.merged_values or {})
            record.field_choices = blank(record.field_choices or {})
        if (record.kept_values, record.merged_values, record.field_choices) != before:
            changed.append(record)
    ContactMerge.objects.bulk_update(
        changed, ["kept_values", "merged_values", "field_choices"], batch_size=500
    )
    return len(changed)
