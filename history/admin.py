"""The change log in the Django admin: events and changes, read-only (nobody edits the
log), and `HistoryAdminMixin` for the admins of tracked models, whose "History" button
then shows the change log instead of Django's own admin log."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from history.models import Change, ChangeObject, Event
from history.registry import tracked
from history.selectors import object_history


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(_ReadOnly):
    list_display = ("id", "at", "actor", "source", "cause", "cause_repr", "label", "changes_link")
    list_filter = ("source", "cause")
    search_fields = ("actor", "label", "cause_repr")
    date_hierarchy = "at"
    list_select_related = ("user",)
    readonly_fields = ("changes_link",)

    @admin.display(description=_("changes"))
    def changes_link(self, obj):
        url = reverse("admin:history_change_changelist") + f"?event__id__exact={obj.pk}"
        page = reverse("history:event", kwargs={"pk": obj.pk})
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>', url, _("list"), page, _("page")
        )


@admin.register(Change)
class ChangeAdmin(_ReadOnly):
    list_display = (
        "id",
        "event",
        "content_type",
        "object_label",
        "action",
        "field",
        "old",
        "new",
        "via_repr",
    )
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "object_id", "field")
    list_select_related = ("event", "content_type")
    show_full_result_count = False  # COUNT(*) over millions of rows on every page

    @admin.display(description=_("object"))
    def object_label(self, obj):
        if not obj.is_shared:
            return obj.object_repr or obj.object_id
        url = (
            reverse("admin:history_changeobject_changelist")
            + f"?change__id__exact={obj.object_set_id}"
        )
        return format_html('<a href="{}">{}</a>', url, _("the objects it changed"))


@admin.register(ChangeObject)
class ChangeObjectAdmin(_ReadOnly):
    """The objects of shared change rows (a company's change passed on to its persons)."""

    list_display = ("change", "object_id", "erased")
    search_fields = ("=object_id",)
    list_select_related = ("change",)
    show_full_result_count = False


class HistoryAdminMixin:
    """For the ModelAdmin of a tracked model: its "History" page shows the object's
    change log (newest first, filter by field, causes linked) inside the admin, instead
    of Django's own admin log (which misses every change not made in the admin)."""

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or tracked(obj) is None:
            return super().history_view(request, object_id, extra_context)
        if not self.has_view_or_change_permission(request, obj) or not request.user.has_perm(
            "history.view_change"
        ):
            raise PermissionDenied
        opts = self.model._meta
        page = object_history(
            obj,
            field=request.GET.get("field", ""),
            limit=50,
            before=_int(request.GET.get("before")),
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change history: %s") % obj,
            "subtitle": None,
            "page": page,
            "object": obj,
            "opts": opts,
            "module_name": str(capfirst(opts.verbose_name_plural)),
            "has_view_permission": True,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "history/admin_object_history.html", context)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
