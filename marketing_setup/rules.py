"""The coupling between the two duplicate flags of Marketing Setup (reference 1.2, Duplicates).

Business Central validates one field at a time:
- Maintain Dupl. Search Strings: Autosearch is set equal to it, so turning Maintain off
  turns Autosearch off (and turning it on turns Autosearch on);
- Autosearch for Duplicates: switching it on validates Maintain to true.

A form sends both values at once, so here the rule looks at what changed against the
previous values. A value the caller gave explicitly and that does not break the
invariant "Autosearch needs Maintain" is kept (a user who ticks Maintain and leaves
Autosearch unticked gets exactly that). Pure function: no ORM.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

MAINTAIN = "maintain_search_strings"
AUTOSEARCH = "autosearch_for_duplicates"


@dataclass(frozen=True)
class DuplicateFlags:
    """The two flags after the rules, why they were adjusted, and whether to regenerate."""

    maintain: bool
    autosearch: bool
    notes: list[str] = field(default_factory=list)
    regenerate_search_strings: bool = False


def resolve_duplicate_flags(
    *,
    previous_maintain: bool,
    previous_autosearch: bool,
    maintain: bool,
    autosearch: bool,
    explicit: frozenset[str] | set[str] = frozenset({MAINTAIN, AUTOSEARCH}),
) -> DuplicateFlags:
    """Apply BC's Maintain/Autosearch coupling to requested values; `explicit` names the
    flags the caller set itself (the others are carried over and may follow the rule)."""
    notes: list[str] = []
    maintain_changed = maintain != previous_maintain
    autosearch_changed = autosearch != previous_autosearch

    if maintain_changed and not maintain:
        # Turning Maintain off always turns Autosearch off, even if it was left ticked.
        if autosearch:
            notes.append(
                str(
                    _(
                        "Autosearch for duplicates was switched off as well, because it "
                        "needs Maintain duplicate search strings."
                    )
                )
            )
        autosearch = False
    elif autosearch_changed and autosearch:
        if not maintain:
            notes.append(
                str(
                    _(
                        "Maintain duplicate search strings was switched on as well, because "
                        "Autosearch for duplicates needs it."
                    )
                )
            )
        maintain = True
    elif maintain_changed and maintain and AUTOSEARCH not in explicit:
        # BC: Autosearch is set equal to Maintain when Maintain is validated.
        autosearch = True
    if autosearch and not maintain:
        # Neither flag changed but the pair is inconsistent (an unsaved row): keep the rule.
        autosearch = False

    return DuplicateFlags(
        maintain=maintain,
        autosearch=autosearch,
        notes=notes,
        regenerate_search_strings=maintain and not previous_maintain,
    )
