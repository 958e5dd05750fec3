"""Existing contacts in an import (issue 9, item 4): which rows create, update or skip,
and the set-based writer of the updates. Called by contacts/importing.py.

Each checked row gets an action:
- a row whose number exists: with `update` it updates that contact; without it the
  row is refused as before ("Contact X already exists");
- a company row without a number (with `renumber`, every company row: its number is
  only a key in the file) may be an existing company: when `match` is not "none" the
  duplicate engine names the company it most likely is, with its score and reasons,
  and the row does what `match` says (update it, create a new one anyway, or skip).
  The engine is the duplicates app's, registered with `register_record_matcher` in its
  AppConfig.ready(): contacts never imports it (without it nothing matches);
- every other row creates a contact, as before.
`actions` ({line: "create" | "update" | "skip"}) changes single rows (the preview's
choices); a choice a row cannot take (update a row that matches nothing) is ignored.

Updates follow the rules of a save, set-based (per changed field one UPDATE per 400
contacts, whatever the file's size):
- only the file's columns are written, and an empty cell leaves the field as it is
  (`clear_empty` makes it clear the field; a name, the type and the company are never
  cleared by an empty cell);
- names are recomposed/split as on a save, the search keys follow their fields;
- the persons of an updated company follow it where they still had the company's old
  value (`inheritance.push_company_values_each`, the rules of company_bulk_update);
- a person row naming another company (company_no) moves the person with the rules of
  a company change (`contact_update`, one save per moved person);
- the change log: one event for the import (the caller's `operation(Cause.IMPORT)`),
  one Change per changed field, the persons' changes via their company;
- `contacts_bulk_updated` tells upper apps (relations: customers, vendors and bank
  accounts follow; duplicates: search strings and keys).
A row whose type differs from the contact's is refused (change the type on the card).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts import columns, inheritance, names, searchkeys
from contacts.emails import normalise_email_list
from contacts.models import Contact
from contacts.services import NAME_FIELDS, PERSON_ONLY_FIELDS, contact_update
from contacts.signals import contacts_bulk_updated
from history import context as history

CREATE = "create"
UPDATE = "update"
SKIP = "skip"
ACTIONS = (CREATE, UPDATE, SKIP)
#: `match`: do not ask the duplicate engine.
NO_MATCH = "none"
MATCH_CHOICES = (NO_MATCH, UPDATE, CREATE, SKIP)
ACTION_LABELS = {
    CREATE: gettext_lazy("Create new"),
    UPDATE: gettext_lazy("Update"),
    SKIP: gettext_lazy("Skip"),
}
MATCH_LABELS = {
    NO_MATCH: gettext_lazy("Do not look for existing companies"),
    UPDATE: gettext_lazy("Update the existing company"),
    CREATE: gettext_lazy("Create a new company anyway"),
    SKIP: gettext_lazy("Skip the row"),
}
_CHUNK = 400  # contacts per UPDATE ... CASE (two parameters each)
_MATCH_BATCH = 2000  # rows per call of the matcher

#: The import's columns and the attribute each writes.
COLUMN_ATTRS = {
    **{
        c: c
        for c in (
            "name",
            "first_name",
            "middle_name",
            "surname",
            "job_title",
            "address",
            "address_2",
            "post_code",
            "city",
            "county",
            "phone_no",
            "mobile_phone_no",
            "email",
            "fax_no",
            "vat_registration_no",
        )
    },
    "country_region_code": "country",
    "language_code": "language_id",
    "territory_code": "territory_id",
    "salesperson_code": "salesperson_id",
}
_NEVER_CLEARED = {"name"}


# --- the matcher extension point ---------------------------------------------------


#: (records: dicts of Contact field values) -> per record, the existing companies it
#: may be, best first; each with contact_id, contact_no, name, score, labels (reasons).
Matcher = Callable[[Sequence[Mapping[str, Any]]], list[list[Any]]]
_matchers: dict[str, Matcher] = {}


def register_record_matcher(key: str, matcher: Matcher) -> None:
    """Let an upper app (duplicates) name the existing companies import rows may be
    (call from AppConfig.ready())."""
    _matchers[key] = matcher


def find_matches(records: Sequence[Mapping[str, Any]]) -> list[Any | None]:
    """The best existing company for each record (None: no match or no matcher)."""
    best: list[Any | None] = [None] * len(records)
    for matcher in _matchers.values():
        for start in range(0, len(records), _MATCH_BATCH):
            found = matcher(records[start : start + _MATCH_BATCH])
            for index, matches in enumerate(found, start=start):
                if matches and (best[index] is None or matches[0].score > best[index].score):
                    best[index] = matches[0]
    return best


# --- classifying -------------------------------------------------------------------


@dataclass
class Options:
    update: bool = False
    match: str = NO_MATCH
    actions: Mapping[int, str] | None = None
    clear_empty: bool = False
    renumber: bool = False
    #: The import's columns the file has (None: all of them, for row dicts).
    present: frozenset[str] | None = None


def _chunks(items: list, size: int = 900) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _contacts_by(field: str, values: list) -> dict[Any, Contact]:
    found: dict[Any, Contact] = {}
    for part in _chunks(sorted(set(values))):
        found.update(
            (getattr(c, field), c)
            for c in Contact.objects.filter(**{f"{field}__in": part}).select_related("company")
        )
    return found


def _type_label(kind: str) -> str:
    return str(Contact.Type(kind).label).lower() if kind in Contact.Type.values else kind


def classify(rows: list, checker, options: Options) -> None:
    """Give every row its action (`row.action`), its existing contact (`row.target`) and
    the engine's match (`row.match`); refuse what cannot be updated (checker errors).

    Runs after the rows were checked for a create: a row that turns out to update an
    existing contact no longer needs what only a new contact needs (a name, a type, a
    number the series allows typing)."""
    if options.update and not options.renumber:
        targets = _contacts_by("no", [r.values["no"] for r in rows if r.values["no"]])
        for row in rows:
            target = targets.get(row.values["no"])
            if target is not None:
                row.target = target
                row.action = UPDATE
                _relax(row, checker, target)
    if options.match != NO_MATCH:
        _match(rows, options)
    chosen = options.actions or {}
    updated_by: dict[int, int] = {}
    for row in rows:
        if not row.action:
            row.action = CREATE
        wanted = chosen.get(row.line)
        if wanted in choices(row):
            row.action = wanted
        if row.bad or row.action != UPDATE or row.target is None:
            continue
        if row.target.type != row.values["type"]:
            checker.error(
                row,
                "type",
                _(
                    "Contact %(no)s is a %(type)s, not a %(row_type)s: change its type on "
                    "the contact's card first."
                )
                % {
                    "no": row.target.no,
                    "type": _type_label(row.target.type),
                    "row_type": _type_label(row.values["type"]),
                },
                _("The row's type differs from the contact's"),
            )
        elif row.target.pk in updated_by:
            checker.error(
                row,
                "no",
                _("Contact %(no)s is already updated by line %(line)d.")
                % {"no": row.target.no, "line": updated_by[row.target.pk]},
                _("The contact is updated by another line"),
            )
        else:
            updated_by[row.target.pk] = row.line
            row.changes = new_values(row, row.target, options)
    _refuse_persons_of_skipped(rows, checker)


def _refuse_persons_of_skipped(rows: list, checker) -> None:
    """A person row whose company's row is skipped (and is no existing company) has no
    company to go to: refused, naming the line."""
    skipped = {
        r.values["no"]: r.line
        for r in rows
        if r.action == SKIP
        and r.target is None
        and r.values["no"]
        and r.values["type"] == Contact.Type.COMPANY
    }
    if not skipped:
        return
    for row in rows:
        ref = row.values["company_no"]
        if row.values["type"] == Contact.Type.PERSON and ref in skipped and not row.bad:
            checker.error(
                row,
                "company_no",
                _("Company %(no)s (line %(line)d) is skipped.") % {"no": ref, "line": skipped[ref]},
                _("The company's row is skipped"),
            )


def choices(row) -> tuple[str, ...]:
    """The actions a row may take: update/skip for an existing number, all three for an
    engine match, create/skip otherwise."""
    if row.target is None:
        return (CREATE, SKIP)
    if row.match is None:
        return (UPDATE, SKIP)
    return (UPDATE, CREATE, SKIP)


def _relax(row, checker, target: Contact) -> None:
    """Drop the errors only a new contact has (an update keeps the stored values)."""
    v = row.values
    create_only = {
        ("name", _("A company needs a name.")),
        ("name", _("A person needs a name or a surname.")),
    }
    if not v["type"]:
        v["type"] = target.type  # the type column may be left empty on an update
        create_only.add(("type", _("Type must be company or person")))
    if checker.manual_error:
        create_only.add(("no", checker.manual_error))
    if not any(e.line == row.line for e in checker.errors):
        return
    kept = [
        e
        for e in checker.errors
        if e.line != row.line or (e.column, e.reason or e.message) not in create_only
    ]
    checker.errors[:] = kept
    row.bad = any(e.line == row.line for e in kept)
    if (
        v["type"] == Contact.Type.COMPANY
        and v["company_no"]
        and v["company_no"] != v["no"]
        and not row.bad
    ):
        checker.error(row, "company_no", _("A company cannot belong to another company."))


def _record(values: Mapping[str, str]) -> dict[str, Any]:
    record = {attr: values[column] for column, attr in COLUMN_ATTRS.items() if attr[-3:] != "_id"}
    record["vat_registration_no"] = record["vat_registration_no"].upper()
    return record


def _match(rows: list, options: Options) -> None:
    wanted = [
        r
        for r in rows
        if not r.bad
        and not r.action
        and r.values["type"] == Contact.Type.COMPANY
        and (options.renumber or not r.values["no"])
    ]
    if not wanted:
        return
    found = find_matches([_record(r.values) for r in wanted])
    targets = _contacts_by("pk", [m.contact_id for m in found if m is not None])
    for row, match in zip(wanted, found, strict=True):
        target = targets.get(match.contact_id) if match is not None else None
        if target is None or not target.is_company:
            continue
        row.match = match
        row.target = target
        row.action = options.match


# --- the values of an update ---------------------------------------------------------


def _stored(contact: Contact, attr: str) -> Any:
    value = contact.__dict__.get(attr, getattr(contact, attr, None))
    if attr == "country":
        return str(value or "")
    if attr.endswith("_id"):
        return value
    return value or ""


def new_values(row, target: Contact, options: Options) -> dict[str, Any]:
    """{attname: new value} of the fields the row changes on `target` (empty cells keep
    the stored value unless `clear_empty`; names synchronised as on a save)."""
    v = row.values
    new: dict[str, Any] = {}
    for column, attr in COLUMN_ATTRS.items():
        if options.present is not None and column not in options.present:
            continue
        if target.is_company and column in PERSON_ONLY_FIELDS:
            continue
        value = v[column]
        if not value:
            if not options.clear_empty or column in _NEVER_CLEARED:
                continue
            value = None if attr.endswith("_id") else ""
        elif column == "vat_registration_no":
            value = value.upper()
        elif column == "email":
            value = normalise_email_list(value)
        new[attr] = value
    if any(f in new for f in NAME_FIELDS):
        now = {f: _stored(target, f) for f in NAME_FIELDS}
        synced = names.sync_names(
            {f: new.get(f, now[f]) for f in NAME_FIELDS}, is_person=target.is_person, old=now
        )
        new.update(synced)
    return {attr: value for attr, value in new.items() if _stored(target, attr) != value}


def describe_changes(changes: Mapping[str, Any], target: Contact) -> list[dict[str, str]]:
    """The changes for the preview: field label, old and new value."""
    labels = {attr: column for column, attr in COLUMN_ATTRS.items()}
    shown = []
    for attr, value in changes.items():
        if attr == "search_name":
            continue
        column = labels.get(attr, attr)
        shown.append(
            {
                "field": columns.label(column),
                "old": str(_stored(target, attr) or ""),
                "new": str(value or ""),
            }
        )
    return shown


def decision(row) -> dict[str, Any]:
    """A row's action for the preview and the command: what, on which contact, why."""
    target = row.target
    match = row.match
    return {
        "line": row.line,
        "action": row.action,
        "action_label": str(ACTION_LABELS.get(row.action, row.action)),
        "choices": [(a, str(ACTION_LABELS[a])) for a in choices(row)],
        "target_no": target.no if target is not None else "",
        "target_name": target.name if target is not None else "",
        "by_number": target is not None and match is None,
        "score": match.score if match is not None else None,
        "reasons": list(match.labels) if match is not None else [],
        "changes": describe_changes(getattr(row, "changes", {}) or {}, target)
        if target is not None and row.action == UPDATE
        else [],
    }


def preview_contact(row) -> Contact:
    """The existing contact as the row leaves it (a copy, for the preview)."""
    fields = Contact._meta.concrete_fields
    contact = Contact(**{f.attname: getattr(row.target, f.attname) for f in fields})
    if row.action == UPDATE:
        for attr, value in (getattr(row, "changes", None) or {}).items():
            setattr(contact, attr, value)
    return contact


def action_counts(rows: Iterable) -> dict[str, int]:
    counts = Counter(r.action for r in rows if not r.bad)
    return {action: counts.get(action, 0) for action in ACTIONS}


# --- writing -----------------------------------------------------------------------


@dataclass
class UpdateResult:
    companies: int = 0
    persons: int = 0
    #: Person rows that followed their updated company (a person counts once per field).
    followers: int = 0
    moved: int = 0


def _with_keys(values: dict[str, Any]) -> dict[str, Any]:
    sources = {s: values[s] for s in searchkeys.SOURCE_FIELDS if s in values}
    return {**values, **searchkeys.key_updates(sources)}


def _update_each(changes: Mapping[int, Mapping[str, Any]]) -> None:
    """Each contact its own values: per field, one UPDATE ... CASE per 400 contacts, over
    the contacts whose value changes only (the change log logs each as old → new)."""
    by_field: dict[str, dict[int, Any]] = {}
    for pk, values in changes.items():
        for attr, value in values.items():
            by_field.setdefault(attr, {})[pk] = value
    fields = {f.attname: f for f in Contact._meta.concrete_fields}
    now = timezone.now()
    for attr, values in by_field.items():
        field = fields[attr]
        output = field.target_field if field.is_relation else field
        items = list(values.items())
        for part in _chunks(items, _CHUNK):
            Contact.objects.filter(pk__in=[pk for pk, _v in part]).update(
                **{
                    attr: Case(
                        *(When(pk=pk, then=Value(value)) for pk, value in part),
                        output_field=output,
                    )
                },
                updated_at=now,
            )


def write_updates(
    rows: list, *, setup, company_of: Callable[[str], Contact | None]
) -> UpdateResult:
    """Write the UPDATE rows (`row.changes`, from `classify`) with the rules of a save
    (module doc). Call it inside the import's transaction and operation; the targets
    get the new values in memory too (persons created afterwards inherit them)."""
    result = UpdateResult()
    changes: dict[int, dict[str, Any]] = {}
    moves = []
    for row in rows:
        target = row.target
        values = dict(getattr(row, "changes", {}) or {})
        ref = row.values["company_no"] if target.is_person else ""
        company = company_of(ref) if ref else None
        if company is not None and company.pk != target.company_id:
            moves.append((target, values, company))
            continue
        if not values:
            continue
        changes[target.pk] = _with_keys(values)
        if target.is_company:
            result.companies += 1
        else:
            result.persons += 1
    company_pks = {row.target.pk for row in rows if row.target.is_company}
    companies = {pk: v for pk, v in changes.items() if pk in company_pks}
    followers: list[int] = []
    if companies:
        with history.via(field="company"):  # each person logged as following its company
            result.followers = inheritance.push_company_values_each(
                companies, setup=setup, affected=followers
            )
    _update_each(changes)
    for row in rows:
        for attr, value in (changes.get(row.target.pk) or {}).items():
            setattr(row.target, attr, value)
    ids = [*changes, *dict.fromkeys(followers)]
    if ids:
        contacts_bulk_updated.send(sender=Contact, contact_ids=ids)
    for target, values, company in moves:
        # The rules of a company change (2.4), one save each: moves are rare.
        data = {**values, "company": company}
        contact_update(contact=target, data=data)
        result.persons += 1
        result.moved += 1
    return result
