"""Site-wide pages: the home page dashboard and the global search."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from crm_site import charts
from crm_site.dashboard import dashboard
from crm_site.templatetags.crm_format import money

SEARCH_LIMIT = 10


@require_GET
def home(request):
    """Start page: what waits for the user, today and this week, with two small charts."""
    data = dashboard(request.user, request.session)
    if "pipeline" in data:
        items = [
            (
                f"{row['stage'] or '–'} {row['description']}".strip(),
                float(row["value"]),
                money(row["value"]),
            )
            for row in data["pipeline"]
        ]
        data["pipeline_bars"], data["pipeline_height"] = charts.horizontal_bars(items)
        data["pipeline_total"] = money(sum(row["value"] for row in data["pipeline"]))
        data["pipeline_count"] = sum(row["count"] for row in data["pipeline"])
    if "interaction_weeks" in data:
        data["week_bars"] = charts.column_bars(
            [
                (formats.date_format(start, "SHORT_DATE_FORMAT")[:5], n, str(n))
                for start, n in data["interaction_weeks"]
            ]
        )
    return render(request, "home.html", data)


@require_GET
def search(request):
    """One box for contacts (no., name, phone, e-mail…), customers and opportunities."""
    text = (request.GET.get("q") or "").strip()[:100]
    results: dict = {"q": text}
    user = request.user
    if text and user.has_perm("contacts.view_contact"):
        from contacts.selectors import contact_list

        page = contact_list(params={"q": text}, page_size=SEARCH_LIMIT, count=False)
        results["contacts"] = page.contacts
        results["contacts_more"] = page.has_next
    if text and user.has_perm("relations.view_customer"):
        from relations.models import Customer

        results["customers"] = list(
            Customer.objects.filter(
                Q(no__istartswith=text)
                | Q(search_name__startswith=text.upper())
                | Q(name__icontains=text)
            ).order_by("no")[:SEARCH_LIMIT]
        )
    if text and user.has_perm("opportunities.view_opportunity"):
        from opportunities.models import Opportunity

        results["opportunities"] = list(
            Opportunity.objects.select_related("contact")
            .filter(Q(no__istartswith=text) | Q(description__icontains=text))
            .order_by("-no")[:SEARCH_LIMIT]
        )
    results["nothing"] = text and not any(
        results.get(k) for k in ("contacts", "customers", "opportunities")
    )
    results["title"] = _("Search")
    return render(request, "search.html", results)
