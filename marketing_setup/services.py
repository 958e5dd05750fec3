"""Writes to Marketing Setup, with Business Central's rules (reference section 1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django_countries.fields import Country

from marketing_setup import rules
from marketing_setup.models import MarketingSetup, Salesperson, UserSetup
from marketing_setup.signals import setup_changed


@dataclass
class SetupChange:
    """What `marketing_setup_update` did."""

    setup: MarketingSetup
    changed_fields: set[str] = field(default_factory=set)
    # Maintain duplicate search strings went from off to on: the stored strings are stale.
    regenerate_search_strings: bool = False
    # Translated notes on values the rules adjusted (e.g. Autosearch switched off too).
    notes: list[str] = field(default_factory=list)


def _editable_fields() -> dict[str, models.Field]:
    return {
        f.name: f for f in MarketingSetup._meta.concrete_fields if f.editable and not f.primary_key
    }


def marketing_setup_snapshot(setup: MarketingSetup) -> dict[str, Any]:
    """The editable values of a setup row (foreign keys as their raw codes)."""
    values = {}
    for name, f in _editable_fields().items():
        value = getattr(setup, f.attname)
        if isinstance(value, Country):  # django-countries: compare by code
            value = value.code or ""
        values[name] = value
    return values


def _stored_snapshot(setup: MarketingSetup) -> dict[str, Any]:
    stored = MarketingSetup.objects.filter(pk=setup.pk).first()
    return marketing_setup_snapshot(stored or MarketingSetup())


@transaction.atomic
def marketing_setup_update(
    *,
    setup: MarketingSetup,
    data: dict[str, Any],
    previous: MarketingSetup | dict[str, Any] | None = None,
) -> SetupChange:
    """Apply `data` (field name -> value) to the setup row with BC's rules, validate, save,
    and send `setup_changed`. `previous` is the state before the edit (a row or a
    snapshot); by default the stored row. Raises ValidationError and saves nothing on
    bad input."""
    fields = _editable_fields()
    unknown = set(data) - set(fields)
    if unknown:
        raise ValueError(f"Not Marketing Setup fields: {', '.join(sorted(unknown))}")
    if previous is None:
        before = _stored_snapshot(setup)
    elif isinstance(previous, MarketingSetup):
        before = marketing_setup_snapshot(previous)
    else:
        before = previous

    for name, value in data.items():
        f = fields[name]
        if f.is_relation and not isinstance(value, models.Model):
            setattr(setup, f.attname, value)  # a raw code (or None)
        else:
            setattr(setup, name, value)

    flags = rules.resolve_duplicate_flags(
        previous_maintain=before[rules.MAINTAIN],
        previous_autosearch=before[rules.AUTOSEARCH],
        maintain=setup.maintain_search_strings,
        autosearch=setup.autosearch_for_duplicates,
        explicit=set(data),
    )
    setup.maintain_search_strings = flags.maintain
    setup.autosearch_for_duplicates = flags.autosearch

    setup.full_clean()
    setup.save()

    after = marketing_setup_snapshot(setup)
    changed = {name for name in fields if before.get(name) != after[name]}
    setup_changed.send(sender=MarketingSetup, setup=setup, changed_fields=changed)
    return SetupChange(
        setup=setup,
        changed_fields=changed,
        regenerate_search_strings=flags.regenerate_search_strings,
        notes=flags.notes,
    )


# --- User Setup ------------------------------------------------------------------------


@transaction.atomic
def user_setup_set(*, user, salesperson: Salesperson | None) -> UserSetup | None:
    """Link `user` to a salesperson/purchaser (None removes the link). A blocked
    salesperson is refused with a clear message."""
    if salesperson is None:
        UserSetup.objects.filter(user=user).delete()
        return None
    row = UserSetup.objects.filter(user=user).first() or UserSetup(user=user)
    row.salesperson = salesperson
    row.full_clean()
    row.save()
    return row


def user_salesperson(user) -> Salesperson | None:
    """The salesperson the user is linked to in User Setup, when it is not blocked."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
        return None
    row = UserSetup.objects.select_related("salesperson").filter(user_id=user.pk).first()
    if row is None or row.salesperson.blocked:
        return None
    return row.salesperson
