from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jobs import services
from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Jobs are written by the services and the workers: read-only here, but cancellable."""

    list_display = ("id", "label", "state", "started_by", "created_at", "progress", "finished_at")
    list_filter = ("state", "origin", "kind")
    search_fields = ("kind", "started_by__username")
    list_select_related = ("started_by",)
    date_hierarchy = "created_at"
    actions = ("cancel_jobs",)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("job"))
    def label(self, obj: Job) -> str:
        return obj.label

    @admin.display(description=_("progress"))
    def progress(self, obj: Job) -> str:
        if obj.progress_total is None:
            return str(obj.progress_done or "")
        return f"{obj.progress_done} / {obj.progress_total}"

    @admin.action(description=_("Cancel the selected jobs"), permissions=["manage"])
    def cancel_jobs(self, request, queryset):
        cancelled = 0
        for job in queryset.filter(state__in=Job.ACTIVE_STATES):
            try:
                services.job_cancel(job=job, user=request.user)
            except ValidationError:
                continue
            cancelled += 1
        self.message_user(
            request,
            ngettext("%(count)s job cancelled.", "%(count)s jobs cancelled.", cancelled)
            % {"count": cancelled},
            messages.SUCCESS,
        )

    def has_manage_permission(self, request) -> bool:
        return request.user.has_perm("jobs.manage_job")
