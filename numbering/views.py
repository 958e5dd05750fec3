from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from numbering.services import series_overview


@require_GET
@permission_required("numbering.view_noseries", raise_exception=True)
def noseries_list(request):
    """Every number series with its current line and the number it would issue next."""
    today = timezone.localdate()
    return render(
        request,
        "numbering/noseries_list.html",
        {"rows": series_overview(on_date=today), "today": today},
    )
