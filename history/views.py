"""Change log pages: an object's full history (filter by field, paging) and one event
with everything it changed. Staff and administrators see them (history.view_change)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from history import selectors
from history.models import Event
from history.registry import for_label

EVENT_PAGE = 200


def _int(value, default=None):
    """An int from a query value, or `default` (also for one too large for a column)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if abs(number) < 2**62 else default


@require_GET
@permission_required("history.view_change", raise_exception=True)
def object_history_view(request, model: str, object_id: str):
    registration = for_label(model)
    if registration is None:
        raise Http404
    page = selectors.object_history(
        model=registration.model,
        object_id=object_id,
        field=request.GET.get("field", ""),
        limit=50,
        before=_int(request.GET.get("before")),
    )
    obj = registration.model._base_manager.filter(pk=object_id).first() if object_id else None
    return render(
        request,
        "history/object_history.html",
        {
            "page": page,
            "model_name": registration.model._meta.verbose_name,
            "object": obj,
            "object_id": object_id,
            "object_url": registration.url_for(object_id, registration.repr_of(obj))
            if obj is not None
            else None,
        },
    )


@require_GET
@permission_required("history.view_change", raise_exception=True)
def event_view(request, pk: int):
    event = get_object_or_404(Event.objects.select_related("user", "reverted_by"), pk=pk)
    offset = max(_int(request.GET.get("offset"), 0), 0)
    rows = selectors.event_changes(event, limit=EVENT_PAGE + 1, offset=offset)
    return render(
        request,
        "history/event_detail.html",
        {
            "info": selectors.event_info(event),
            "rows": rows[:EVENT_PAGE],
            "offset": offset,
            "next_offset": offset + EVENT_PAGE if len(rows) > EVENT_PAGE else None,
            "previous_offset": max(offset - EVENT_PAGE, 0) if offset else None,
            "reverted_info": selectors.event_info(event.reverted_by) if event.reverted_by else None,
        },
    )
