"""Reads of the home page dashboard: what is waiting, today, this week; a fixed number
of queries whatever the data (tested)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Sum
from django.utils import timezone

from contacts.models import Contact
from contacts.views import RECENT_SESSION_KEY
from listing.keyset import count_capped

WEEKS = 8


def recent_contacts(session) -> list[Contact]:
    nos = session.get(RECENT_SESSION_KEY, [])
    found = {c.no: c for c in Contact.objects.filter(no__in=nos)}
    return [found[no] for no in nos if no in found]


def dashboard(user, session, *, today: datetime.date | None = None) -> dict:
    """The blocks this user may see, each only with the permission for its data."""
    today = today or timezone.localdate()
    data: dict = {"today": today}
    if user.has_perm("contacts.view_contact"):
        data["recent"] = recent_contacts(session)
    if user.has_perm("duplicates.view_contactduplicate"):
        from duplicates.models import ContactDuplicate

        data["duplicates"] = count_capped(ContactDuplicate.objects.open())
    if user.has_perm("interactions.view_interactionlogentry"):
        data.update(_interactions(today))
    if user.has_perm("opportunities.view_opportunity"):
        data["pipeline"] = _pipeline()
    if user.has_perm("numbering.view_noseries"):
        from numbering.services import series_overview

        data["series_warnings"] = [
            row for row in series_overview(on_date=today) if row.warning or row.problem
        ]
    return data


def _interactions(today: datetime.date) -> dict:
    from interactions.models import InteractionLogEntry

    monday = today - datetime.timedelta(days=today.weekday())
    first = monday - datetime.timedelta(weeks=WEEKS - 1)
    entries = InteractionLogEntry.objects.counted().filter(date__gte=first, date__lte=today)
    by_day = dict(entries.values_list("date").annotate(n=Count("id")).order_by())
    weeks = []
    for i in range(WEEKS):
        start = first + datetime.timedelta(weeks=i)
        n = sum(v for d, v in by_day.items() if start <= d < start + datetime.timedelta(days=7))
        weeks.append((start, n))
    return {
        "interactions_today": by_day.get(today, 0),
        "interactions_week": weeks[-1][1],
        "interaction_weeks": weeks,
    }


def _pipeline() -> list[dict]:
    """Open opportunities by sales cycle stage: count and estimated value."""
    from opportunities.models import Opportunity

    rows = (
        Opportunity.objects.open()
        .values(
            "current_stage__sales_cycle_id",
            "current_stage__stage",
            "current_stage__description",
        )
        .annotate(n=Count("id"), value=Sum("estimated_value"))
        .order_by("current_stage__sales_cycle_id", "current_stage__stage")
    )
    return [
        {
            "cycle": row["current_stage__sales_cycle_id"] or "",
            "stage": row["current_stage__stage"],
            "description": row["current_stage__description"] or "",
            "count": row["n"],
            "value": row["value"] or 0,
        }
        for row in rows
    ]
