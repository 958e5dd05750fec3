"""The change log in the Django admin: events and changes, read-only (nobody edits the
log), and `HistoryAdminMixin` for the admins of tracked models, whose "History" button
then shows the change log instead of Django's own admin log."""

from __future__ import annotations

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from history.models import Change, Event
from history.selectors import history_url


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
        "object_repr",
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


class HistoryAdminMixin:
    """For the ModelAdmin of a tracked model: "History" opens the change log."""

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            return super().history_view(request, object_id, extra_context)
        return redirect(history_url(obj))
