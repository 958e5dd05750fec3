"""Background jobs: state, progress, result and errors; cancel; queue a contact import.
Staff see the jobs they started, administrators (`jobs.manage_job`) everyone's, as on
the Jobs page (jobs.models.JobQuerySet.visible_to, jobs.services.job_cancel).

`POST /api/v1/jobs/imports/` takes a file (multipart) and the import page's options and
queues `contacts.tasks.import_contacts_file` (through `contacts.tasks.import_start`,
which checks the file first and stores it in the database for the worker); 202 with
the job, whose progress the job detail shows. Multipart is accepted on that action
only: a browser session still needs the CSRF token (DRF's SessionAuthentication), so a
cross-site form cannot post one."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import GenericViewSet
from api.pagination import CursorPagination
from api.parsers import MultiPartParser, has_nul, nul_message
from api.serializers import ModelSerializer, Serializer
from contacts import columns, import_matching
from contacts import tasks as contact_tasks
from jobs import services
from jobs.models import Job
from tabular.reading import FORMATS, TableError


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


@extend_schema_field({"type": "string", "format": "json"})
class JSONTextField(serializers.JSONField):
    """A form field holding JSON text (multipart bodies have no JSON of their own); a
    NUL in it once decoded (`\\u0000`) is refused as in a JSON body (api.parsers)."""

    def __init__(self, **kwargs):
        super().__init__(binary=True, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if has_nul(value):
            raise serializers.ValidationError(nul_message(), code="null_characters")
        return value


def _text_map(value, *, what: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise serializers.ValidationError(
            _("Give %(what)s as a JSON object of texts.") % {"what": what}, code="invalid"
        )
    return value


class ImportJobRequestSerializer(Serializer):
    file = serializers.FileField(
        help_text=_(
            "The CSV (comma, semicolon or tab; UTF-8, UTF-16 or Windows-1252) or XLSX file "
            "with a header row; the format follows the file name's extension."
        )
    )
    mapping = JSONTextField(
        required=False,
        help_text=_(
            'Which field each column fills, as JSON: {"Column in the file": "field"} (a '
            'field name such as post_code, or its label); "" leaves the column out. '
            "Columns not named are matched by their names, as on the import page."
        ),
    )
    skip_bad_rows = serializers.BooleanField(
        default=False,
        help_text=_("Import the good rows and leave out the rows with errors (else nothing)."),
    )
    dry_run = serializers.BooleanField(
        default=False, help_text=_("Check the file only; write nothing.")
    )
    renumber = serializers.BooleanField(
        default=False,
        help_text=_(
            "Give every contact a number from the contact series; the file's numbers only "
            "link persons to companies."
        ),
    )
    create_missing_codes = serializers.BooleanField(
        default=False,
        help_text=_(
            "Create the salespeople, territories and languages the file names that do not "
            "exist yet (code as name); without it their rows are errors."
        ),
    )
    code_map = JSONTextField(
        required=False,
        help_text=_(
            'Use existing codes for missing ones, as JSON: {"salesperson_code:XY": "JC"} '
            "(column:code in the file → existing code)."
        ),
    )
    update = serializers.BooleanField(
        default=False, help_text=_("A row whose number exists updates that contact.")
    )
    match = serializers.ChoiceField(
        choices=[(value, str(label)) for value, label in import_matching.MATCH_LABELS.items()],
        default=import_matching.NO_MATCH,
        help_text=_(
            "What to do with a company row without a number that the duplicate search "
            "matches to an existing company."
        ),
    )
    clear_empty = serializers.BooleanField(
        default=False,
        help_text=_("An empty cell clears the field of an updated contact (not the name)."),
    )

    def validate_file(self, upload):
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise serializers.ValidationError(
                _("The file is larger than %(size)s.") % {"size": filesizeformat(limit)},
                code="too_large",
            )
        suffix = Path(upload.name or "").suffix.lower()
        if suffix and suffix not in FORMATS:
            raise serializers.ValidationError(
                _("Files of type “%(suffix)s” cannot be read. Use a .csv or .xlsx file.")
                % {"suffix": suffix},
                code="format",
            )
        try:
            contact_tasks.import_file_check(upload, name=upload.name or "")
        except TableError as error:
            raise serializers.ValidationError(str(error), code="unreadable_file") from None
        return upload

    def validate_mapping(self, value):
        mapping = {}
        for column, target in _text_map(value, what="mapping").items():
            field = columns.field_named(target) if target.strip() else ""
            if field is None:
                raise serializers.ValidationError(
                    _("Unknown field “%(field)s”. Fields: %(fields)s")
                    % {"field": target, "fields": ", ".join(columns.FIELDS)},
                    code="unknown_field",
                )
            mapping[column] = field
        return mapping

    def validate_code_map(self, value):
        return _text_map(value, what="code_map")


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
    # Importing needs what the import page needs.
    action_permissions = {
        "cancel": ("jobs.view_job",),
        "imports": ("jobs.view_job", "contacts.add_contact"),
    }

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

    @extend_schema(
        request={"multipart/form-data": ImportJobRequestSerializer},
        responses={202: JobSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        parser_classes=[MultiPartParser],
        serializer_class=ImportJobRequestSerializer,
    )
    def imports(self, request):
        """Queue an import of contacts from a file (multipart/form-data) as a background
        job, with the import page's options; 202 with the job. Follow it at
        /api/v1/jobs/{id}/ (progress, then the result: contacts created, errors grouped
        by column and reason). A file that is not a table the import reads is a 400 with
        the reader's message, and nothing is queued; errors in rows fail the job (all or
        nothing) unless skip_bad_rows."""
        body = ImportJobRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        options = dict(body.validated_data)
        upload = options.pop("file")
        job = contact_tasks.import_start(
            source=upload,
            name=upload.name or "",
            user=request.user,
            origin=Job.Origin.API,
            mapping=options.pop("mapping", None) or None,
            code_map=options.pop("code_map", None) or None,
            **options,
        )
        data = JobSerializer(job, context=self.get_serializer_context()).data
        location = request.build_absolute_uri(reverse("api:job-detail", kwargs={"id": job.pk}))
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})
