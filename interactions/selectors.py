"""Reads of interaction log entries for pages and the contact card."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from interactions.models import InteractionLogEntry
from listing.keyset import SortOption

PANEL_SIZE = 10

#: Sortable columns of the list; each has an index leading with it and the id.
ENTRY_SORTS = (
    SortOption("no", "id"),
    SortOption("date", "date"),  # interaction_date_id
    SortOption("contact", "contact_no"),  # interaction_contact_no_id
)
ENTRY_DEFAULT_SORT = "-no"


def entry_list(
    *,
    contact_no: str = "",
    template: str = "",
    group: str = "",
    document_type: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[InteractionLogEntry]:
    """Entries for the list page, with what the rows show joined in (the page orders
    them: `listing.keyset`)."""
    qs = InteractionLogEntry.objects.select_related("contact", "interaction_template", "user")
    if contact_no:
        # A company's number also finds its persons' entries (section 2.11).
        qs = qs.filter(Q(contact_no=contact_no) | Q(contact_company__no=contact_no))
    if template:
        qs = qs.filter(interaction_template_id=template)
    if group:
        qs = qs.filter(interaction_group_id=group)
    if document_type:
        qs = qs.filter(document_type=document_type)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs.order_by("-id")


def entry_totals(entries: QuerySet[InteractionLogEntry]) -> dict:
    """Count, cost and duration of the entries that count (not canceled or postponed)."""
    totals = entries.counted().aggregate(
        count=Count("id"), cost=Sum("cost"), duration=Sum("duration_min")
    )
    return {
        "count": totals["count"],
        "cost": totals["cost"] or Decimal("0"),
        "duration": totals["duration"] or Decimal("0"),
    }


def _totals(entries: list[InteractionLogEntry]) -> dict:
    """entry_totals() of entries already read: the same sums, in Python."""
    counted = [e for e in entries if not e.canceled and not e.postponed]
    return {
        "count": len(counted),
        "cost": sum((e.cost or Decimal("0") for e in counted), Decimal("0")),
        "duration": sum((e.duration_min or Decimal("0") for e in counted), Decimal("0")),
    }


#: The entry fields the card's interactions panel shows (templates/interactions/
#: _contact_panel.html) and _totals() sums.
PANEL_FIELDS = (
    "date",
    "contact_no",
    "contact_name",
    "description",
    "attempt_failed",
    "interaction_template",
    "cost",
    "duration_min",
    "canceled",
    "postponed",
)


def contact_panel_context(request, contact) -> dict:
    """Context of the contact card's interactions panel: latest entries and totals."""
    entries = InteractionLogEntry.objects.for_contact(contact)
    # One more than shown: when that one is not there, the rows are all of them and
    # the totals are summed from them instead of by a query of their own.
    # What the panel shows and sums, nothing joined: the entry keeps the contact's no.
    # and name of its own (the joined template and contact rows were half its time).
    rows = list(entries.only(*PANEL_FIELDS).order_by("-id")[: PANEL_SIZE + 1])
    return {
        "interaction_entries": rows[:PANEL_SIZE],
        "interaction_totals": entry_totals(entries) if len(rows) > PANEL_SIZE else _totals(rows),
        "can_log_interactions": request.user.has_perm("interactions.add_interactionlogentry"),
    }
