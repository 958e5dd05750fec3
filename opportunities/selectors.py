"""Reads of opportunities for the list page and its export."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from opportunities.models import Opportunity


def opportunity_filter(*, params: Mapping[str, Any]) -> QuerySet[Opportunity]:
    """Opportunities matching the list's filters (unordered): status, salesperson (object
    or code) and contact (a contact no.; a company's no. also finds its persons')."""
    qs = Opportunity.objects.select_related(
        "contact", "salesperson", "sales_cycle", "current_stage"
    )
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    salesperson = params.get("salesperson")
    if salesperson:
        qs = qs.filter(salesperson_id=getattr(salesperson, "pk", salesperson))
    no = str(params.get("contact") or "").strip().upper()
    if no:
        qs = qs.filter(Q(contact__no=no) | Q(contact_company__no=no))
    return qs
