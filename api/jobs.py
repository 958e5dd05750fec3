"""Background jobs (read): state, progress, result and errors; cancel. Staff see the
jobs they started, administrators (`jobs.manage_job`) everyone's, as on the Jobs page
(jobs.models.JobQuerySet.visible_to, jobs.services.job_cancel).

Not here yet: an endpoint that queues an import. The contact import does not run as a
job kind yet (contacts/importing.py belongs to the import workstream); once it does,
`POST /api/v1/jobs/imports/` should start that kind with `origin=Job.Origin.API`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import GenericViewSet
from api.pagination import CursorPagination
from api.serializers import ModelSerializer
from jobs import services
from jobs.models import Job


class JobSerializer(ModelSerializer):
    label = serializers.CharField(
        read_only=True, help_text=_("What the job does, in the request's language.")
    )
    started_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        help_text=_("The user who started the job (null: a command or the system)."),
    )
    percent = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Progress in percent (null while the total is not known)."),
    )
    step = serializers.CharField(
        source="step_label", read_only=True, help_text=_("What the job is doing now.")
    )
    summary = serializers.CharField(
        read_only=True, help_text=_("The result in words, in the request's language.")
    )
    result = serializers.JSONField(
        read_only=True, allow_null=True, help_text=_("The result as data (null until it ends).")
    )
    errors = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Why the job failed, and problems it worked around."),
    )
    notes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("What happened to the job (e.g. queued again after its worker vanished)."),
    )
    cancelling = serializers.BooleanField(
        read_only=True, help_text=_("A cancel was requested; the job stops after its step.")
    )

    class Meta:
        model = Job
        fields = (
            "id",
            "kind",
            "label",
            "state",
            "origin",
            "started_by",
            "created_at",
            "started_at",
            "finished_at",
            "heartbeat_at",
            "progress_done",
            "progress_total",
            "percent",
            "step",
            "summary",
            "result",
            "errors",
            "notes",
            "cancel_requested_at",
            "cancelling",
            "attempts",
        )
        read_only_fields = fields


class JobFilter(filters.FilterSet):
    state = filters.ChoiceFilter(
        choices=Job.State.choices, label=_("state"), help_text=_("Only jobs in this state.")
    )

    class Meta:
        model = Job
        fields = ()


class _Pagination(CursorPagination):
    ordering = "-id"


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """Background jobs, newest first: your own, or everyone's for administrators."""

    queryset = Job.objects.select_related("started_by")
    serializer_class = JobSerializer
    filterset_class = JobFilter
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9]+"
    pagination_class = _Pagination
    # The service checks that the user started the job or is an administrator.
    action_permissions = {"cancel": ("jobs.view_job",)}

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def list(self, request, *args, **kwargs):
        services.jobs_recover_stale()  # a job whose worker vanished is not shown running
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        services.jobs_recover_stale()
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, id):
        """Cancel a queued job, or ask a running one to stop after its current step
        (that step's work is rolled back). 400 when the job has already ended."""
        # The body is not used, but it is parsed as on every other action: a form body
        # or a hostile one is refused before anything changes.
        request.data  # noqa: B018
        job = services.job_cancel(job=self.get_object(), user=request.user)
        return Response(self.get_serializer(job).data)
