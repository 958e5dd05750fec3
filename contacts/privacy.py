"""Privacy (11.5): anonymising a person and exporting everything held about a contact.

`person_anonymise` erases a person's personal fields in place (contacts.models.
PERSONAL_FIELDS) and the copies other rows keep of its name (`<fk>_name`, as interaction
entries have), keeps every row that points at it (interactions, opportunities, business
relations) and counts them, and writes one change log entry, after erasing the person's
logged old/new values of those fields (`Change.erased`, `history.writers.erase_values`),
those of the contacts merged into it, and (through `contacts.signals.person_anonymised`)
the copies upper apps keep: merge records, the duplicate index, webhook deliveries, the
fields the relations sync copied to the person's customers, vendors and bank accounts.
Nothing of the old data stays (tests/history/test_anonymise_everywhere.py searches every
text column of every table).

`contact_data_export` gathers the contact's fields, its persons, the rows of tracked
models that point at it and its change log, as JSON-ready data (the card offers it as
a JSON download and as a readable page).
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from contacts import searchkeys
from contacts.models import PERSONAL_FIELDS, Contact
from contacts.signals import contacts_bulk_updated, person_anonymised
from history import context as history
from history.models import Cause
from history.registry import tracked
from history.selectors import object_history
from history.writers import erase_values, record_erased

#: Functions `(person) -> {pk: no}` naming the contacts that were merged into a person
#: (their stored values were the person's); the duplicates app registers one.
_former_contacts: list = []


def register_former_contacts(resolver) -> None:
    """Register `resolver(person) -> {pk: no}` of the contacts merged into `person`."""
    if resolver not in _former_contacts:
        _former_contacts.append(resolver)


def _pointing_relations() -> list:
    """Foreign keys of other rows pointing at Contact (not a person's company)."""
    return [
        f
        for f in Contact._meta.get_fields(include_hidden=True)
        if f.auto_created
        and not f.concrete
        and (f.one_to_many or f.one_to_one)
        and f.related_model is not Contact
    ]


@dataclass
class AnonymiseResult:
    person: Contact
    kept: list[tuple[str, int]] = field(default_factory=list)  # (kind of rows, count)


@transaction.atomic
def person_anonymise(*, person: Contact) -> AnonymiseResult:
    """Erase a person's personal data in place (see the module docstring); one history
    entry, no old values left in the history. Companies are refused."""
    person = Contact.objects.select_for_update().get(pk=person.pk)
    if not person.is_person:
        raise ValidationError(
            _("Only persons can be anonymised; %(no)s is a company.") % {"no": person.no},
            code="not_person",
        )
    blank = {name: "" for name in PERSONAL_FIELDS}
    for name in blank:
        setattr(person, name, "")
    searchkeys.apply_search_keys(person)
    keys = {key: getattr(person, key) for key in searchkeys.KEY_FIELDS}
    kept: list[tuple[str, int]] = []
    with history.operation(Cause.ANONYMISE, obj=person, label=_("Personal data erased")):
        with history.disabled():  # no old → new rows: the old values must not be kept
            Contact.objects.filter(pk=person.pk).update(**blank, **keys)
            for relation in _pointing_relations():
                model = relation.related_model
                rows = model._base_manager.filter(**{relation.field.name: person})
                name_field = f"{relation.field.name}_name"
                if name_field in {f.name for f in model._meta.concrete_fields}:
                    registration = tracked(model)
                    if registration is not None:
                        erase_values(model, rows.values_list("pk", flat=True), [name_field])
                    rows.update(**{name_field: ""})
                if tracked(model) is None:
                    continue
                count = rows.count()
                if count:
                    plural = model._meta.verbose_name_plural
                    kept.append((str(capfirst(plural)), count))
        # The logged values of those fields are erased too: the person's, and those of
        # the contacts merged into it (a merged contact's deletion keeps its values).
        selves = {person.pk: person.no}
        for resolver in _former_contacts:
            selves.update(resolver(person))
        # The search keys are made from those fields: they hold the same data.
        erased = (*PERSONAL_FIELDS, *searchkeys.KEY_FIELDS)
        erase_values(Contact, selves, erased)
        record_erased(Contact, {person.pk: person.no})
        person_anonymised.send(
            sender=Contact,
            person=person,
            contact_ids=list(selves),
            contact_nos=list(selves.values()),
            fields=erased,
        )
    contacts_bulk_updated.send(sender=Contact, contact_ids=[person.pk])
    return AnonymiseResult(person=person, kept=kept)


# --- export of everything about one contact ----------------------------------------


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _row(obj: models.Model) -> dict[str, Any]:
    data = {}
    for f in obj._meta.concrete_fields:
        data[str(f.verbose_name)] = _value(getattr(obj, f.attname))
    return data


def contact_data_export(contact: Contact) -> dict[str, Any]:
    """Everything held about `contact`: its fields, its persons, every tracked row
    pointing at it (interactions, opportunities, business relations, customers...), and
    its change log, newest first."""
    data: dict[str, Any] = {"contact": _row(contact)}
    if contact.is_company:
        data["persons"] = [_row(p) for p in contact.persons.order_by("no")]
    related: dict[str, list] = {}
    for relation in _pointing_relations():
        model = relation.related_model
        if tracked(model) is None:
            continue
        rows = model._base_manager.filter(**{relation.field.name: contact}).order_by("pk")
        if rows.exists():
            label = str(capfirst(model._meta.verbose_name_plural))
            related.setdefault(label, []).extend(_row(r) for r in rows)
    data["related"] = related
    page = object_history(contact, limit=10_000)
    data["history"] = [
        {
            "when": info.when,
            "who": info.who,
            "why": info.cause,
            "changes": [
                {"field": row.field_label, "action": row.action, "old": row.old, "new": row.new}
                for row in rows
            ],
        }
        for info, rows in page.rows
    ]
    return data
