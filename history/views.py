"""Change log pages: an object's full history (filter by field, paging) and one event
with everything it changed. Staff and administrators see them (history.view_change)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from history import revert, selectors
from history.models import Action, Change, Event
from history.registry import for_label, tracked, tracked_models

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
    deletion = restore_conflicts = None
    if obj is None and request.user.has_perm("history.revert_event"):
        deletion = selectors.last_deletion(registration.model, object_id)
        if deletion is not None:
            restore_conflicts = revert.restore_check(deletion)
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
            "deletion": deletion,
            "restore_conflicts": restore_conflicts,
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


@require_GET
@permission_required("history.revert_event", raise_exception=True)
def deleted_view(request):
    """Deleted records, newest first, each with its history and restore (administrators)."""
    label = request.GET.get("model", "")
    registration = for_label(label) if label else None
    rows, next_before = selectors.deleted_records(
        model=registration.model if registration else None,
        before=_int(request.GET.get("before")),
    )
    models = sorted(
        {
            (r.model._meta.label_lower, str(r.model._meta.verbose_name_plural))
            for r in _registrations()
        },
        key=lambda pair: pair[1].lower(),
    )
    return render(
        request,
        "history/deleted_list.html",
        {"rows": rows, "next_before": next_before, "models": models, "selected": label},
    )


def _registrations():
    return tracked_models()


@require_POST
@permission_required("history.revert_event", raise_exception=True)
def restore_view(request, pk: int):
    """Restore the record a deletion (a Change row) removed."""
    deletion = get_object_or_404(Change.objects.select_related("event"), pk=pk)
    model = ContentType.objects.get_for_id(deletion.content_type_id).model_class()
    back = selectors.history_url(model, deletion.object_id) if model else "/"
    if deletion.action != Action.DELETE or model is None:
        raise Http404
    try:
        revert.restore_deleted(deletion)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    registration = tracked(model)
    obj = model._base_manager.filter(pk=deletion.object_id).first()
    messages.success(
        request,
        _("%(record)s was restored.")
        % {"record": f"{model._meta.verbose_name} {deletion.object_repr}".strip().capitalize()},
    )
    url = registration.url_for(deletion.object_id, registration.repr_of(obj)) if obj else None
    return redirect(url or back)
