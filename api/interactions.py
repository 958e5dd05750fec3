"""Interactions: the log (read), templates and groups (read), and logging a document
(moved here from interactions/api.py; its old URL keeps working with its old answers)."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from api.base import ApiView, GenericViewSet
from api.pagination import CursorPagination
from api.serializers import ModelSerializer, Serializer
from interactions import services
from interactions.forms import DocumentLogForm
from interactions.models import (
    DocumentType,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)


class InteractionLogEntrySerializer(ModelSerializer):
    entry_no = serializers.IntegerField(source="pk", help_text=gettext_lazy("Entry no."))
    template = serializers.CharField(
        source="interaction_template_id", help_text=gettext_lazy("Interaction template code.")
    )
    group = serializers.CharField(
        source="interaction_group_id", help_text=gettext_lazy("Interaction group code.")
    )
    contact_company_no = serializers.SerializerMethodField(
        help_text=gettext_lazy("The contact's company no. (blank for none).")
    )

    class Meta:
        model = InteractionLogEntry
        fields = (
            "entry_no",
            "contact_no",
            "contact_name",
            "contact_company_no",
            "date",
            "time",
            "description",
            "subject",
            "template",
            "group",
            "cost",
            "duration_min",
            "information_flow",
            "initiated_by",
            "correspondence_type",
            "evaluation",
            "attempt_failed",
            "canceled",
            "postponed",
            "delivery_status",
            "document_type",
            "document_no",
            "opportunity_no",
            "created_at",
        )
        read_only_fields = fields

    def get_contact_company_no(self, entry) -> str:
        return entry.contact_company.no if entry.contact_company_id else ""


class InteractionFilter(filters.FilterSet):
    contact = filters.CharFilter(
        method="filter_contact",
        label=gettext_lazy("contact"),
        help_text=gettext_lazy("Contact no.: for a company also its persons' entries."),
    )
    template = filters.CharFilter(
        field_name="interaction_template_id", label=gettext_lazy("template")
    )
    document_type = filters.ChoiceFilter(
        choices=DocumentType.choices, label=gettext_lazy("document type")
    )
    document_no = filters.CharFilter(label=gettext_lazy("document no."))
    date_from = filters.DateFilter(
        field_name="date", lookup_expr="gte", label=gettext_lazy("from date")
    )
    date_to = filters.DateFilter(
        field_name="date", lookup_expr="lte", label=gettext_lazy("to date")
    )

    class Meta:
        model = InteractionLogEntry
        fields = ()

    def filter_contact(self, queryset, name, value):
        from contacts.models import Contact

        contact = Contact.objects.filter(no=value).first()
        if contact is None:
            return queryset.none()
        return queryset.for_contact(contact)


class InteractionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """The interaction log entries, newest first."""

    queryset = InteractionLogEntry.objects.select_related("contact_company")
    serializer_class = InteractionLogEntrySerializer
    filterset_class = InteractionFilter
    lookup_field = "pk"
    lookup_value_regex = "[0-9]+"
    lookup_url_kwarg = "entry_no"

    class pagination_class(CursorPagination):
        ordering = "-pk"


class InteractionGroupSerializer(ModelSerializer):
    class Meta:
        model = InteractionGroup
        fields = ("code", "description")


class InteractionTemplateSerializer(ModelSerializer):
    class Meta:
        model = InteractionTemplate
        fields = (
            "code",
            "group",
            "description",
            "unit_cost",
            "unit_duration_min",
            "information_flow",
            "initiated_by",
            "correspondence_type",
            "ignore_contact_corres_type",
        )


class _CodePagination(CursorPagination):
    ordering = "pk"


class InteractionGroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """Interaction groups (read only)."""

    queryset = InteractionGroup.objects.all()
    serializer_class = InteractionGroupSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    pagination_class = _CodePagination


class InteractionTemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """Interaction templates (read only)."""

    queryset = InteractionTemplate.objects.all()
    serializer_class = InteractionTemplateSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    pagination_class = _CodePagination


# --- logging a document -------------------------------------------------------------


class DocumentLogSerializer(Serializer):
    """The document to log (validated by interactions.forms.DocumentLogForm, the same
    rules as the log_document command)."""

    document_type = serializers.ChoiceField(
        choices=DocumentType.choices, help_text=gettext_lazy("The kind of document.")
    )
    document_no = serializers.CharField(max_length=20, help_text=gettext_lazy("Document no."))
    date = serializers.DateField(
        required=False, allow_null=True, help_text=gettext_lazy("ISO date; blank: today.")
    )
    contact_no = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=gettext_lazy("Contact no. (exactly one of contact, customer or vendor)."),
    )
    customer_no = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=gettext_lazy("Customer no.: logged for its linked company contact."),
    )
    vendor_no = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=gettext_lazy("Vendor no.: logged for its linked company contact."),
    )
    description = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=gettext_lazy("Blank: the template's description."),
    )


DocumentLogResultSerializer = inline_serializer(
    "DocumentLogResult",
    fields={
        "logged": serializers.BooleanField(help_text=gettext_lazy("Whether an entry was logged.")),
        "reason": serializers.CharField(
            required=False, help_text=gettext_lazy("Why nothing was logged.")
        ),
        "entry": InteractionLogEntrySerializer(
            required=False, help_text=gettext_lazy("The logged entry.")
        ),
    },
)

# Fields whose value may also come as a JSON number (document and party numbers).
_NUMBER_FIELDS = frozenset(("document_no", "contact_no", "customer_no", "vendor_no"))
_NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def _error(field: str, message: str, code: str = "invalid") -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [exceptions.ErrorDetail(message, code=code)]})


def _form_values(body: Mapping) -> dict[str, str]:
    """The form's input from the JSON object: text as it is, null as blank, whole
    numbers as text for the number fields; any other type is an error (no lists,
    objects or booleans turned into text by str())."""
    values: dict[str, str] = {}
    errors: dict[str, list] = {}
    for name in DocumentLogForm.base_fields:
        value = body.get(name)
        if value is None:
            values[name] = ""
        elif isinstance(value, str):
            values[name] = value
        elif name in _NUMBER_FIELDS and isinstance(value, int) and not isinstance(value, bool):
            values[name] = str(value)
        else:
            errors[name] = [exceptions.ErrorDetail(_("Enter a text value."), code="invalid")]
    if errors:
        raise exceptions.ValidationError(errors)
    return values


class DocumentLogView(ApiView):
    """Log a document (sales invoice, purchase order …) as an interaction through the
    Interaction Template Setup."""

    queryset = InteractionLogEntry.objects.none()  # permissions: add_interactionlogentry

    @extend_schema(
        request=DocumentLogSerializer,
        responses={
            201: DocumentLogResultSerializer,
            200: OpenApiResponse(
                DocumentLogResultSerializer,
                description=gettext_lazy("No template is set up for this document type."),
            ),
        },
    )
    def post(self, request):
        try:
            body = request.data
        except exceptions.ParseError as error:
            raise self.parse_error(error) from None
        if not isinstance(body, Mapping):
            raise _error(_NON_FIELD, _("Send the document as a JSON object."))
        unknown = [key for key in body if key not in DocumentLogForm.base_fields]
        if unknown:
            raise exceptions.ValidationError(
                {
                    key: [exceptions.ErrorDetail(_("Unknown field."), code="unknown_field")]
                    for key in unknown
                }
            )
        form = DocumentLogForm(_form_values(body))
        if not form.is_valid():
            raise exceptions.ValidationError(
                {
                    (_NON_FIELD if field == "__all__" else field): [
                        exceptions.ErrorDetail(e["message"], code=e["code"] or "invalid")
                        for e in errors
                    ]
                    for field, errors in form.errors.get_json_data().items()
                }
            )
        data = form.cleaned_data
        try:
            result = services.document_log_result(
                document_type=data["document_type"],
                document_no=data["document_no"],
                date=data["date"],
                contact_no=data["contact_no"] or None,
                customer_no=data["customer_no"] or None,
                vendor_no=data["vendor_no"] or None,
                description=data["description"],
                user=request.user,
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):  # e.g. no description (template has none)
                raise exceptions.ValidationError(
                    {
                        field: [
                            exceptions.ErrorDetail(m, code=e.code or "invalid")
                            for e in errors
                            for m in e.messages
                        ]
                        for field, errors in error.error_dict.items()
                    }
                ) from None
            field = "contact_no" if error.code == "unknown_contact" else _NON_FIELD
            raise exceptions.ValidationError(
                {
                    field: [
                        exceptions.ErrorDetail(m, code=error.code or "invalid")
                        for m in error.messages
                    ]
                }
            ) from None
        if result.entry is None:
            return Response({"logged": False, "reason": result.reason}, status=status.HTTP_200_OK)
        return Response(
            {"logged": True, "entry": InteractionLogEntrySerializer(result.entry).data},
            status=status.HTTP_201_CREATED,
        )

    def parse_error(self, error: exceptions.ParseError) -> Exception:
        return error


@extend_schema(exclude=True)
class LegacyDocumentLogView(DocumentLogView):
    """The endpoint's first URL, /interactions/api/documents/: same rules, and the
    answers it always gave (errors as `{field: [messages]}`, DRF's plain shape)."""

    def get_exception_handler(self):
        return drf_exception_handler

    def parse_error(self, error: exceptions.ParseError) -> Exception:
        return _error(_NON_FIELD, str(error.detail))
