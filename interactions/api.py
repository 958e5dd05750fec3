"""JSON endpoint: log a document as an interaction (section 6.5)."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import APIView

from history.drf import HistoryAPIViewMixin
from interactions import services
from interactions.forms import DocumentLogForm
from interactions.models import InteractionLogEntry


class InteractionLogEntrySerializer(serializers.ModelSerializer):
    entry_no = serializers.IntegerField(source="pk")
    template = serializers.CharField(source="interaction_template_id")
    group = serializers.CharField(source="interaction_group_id")
    contact_company_no = serializers.SerializerMethodField()

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
            "template",
            "group",
            "cost",
            "duration_min",
            "information_flow",
            "initiated_by",
            "correspondence_type",
            "document_type",
            "document_no",
        )

    def get_contact_company_no(self, entry) -> str:
        return entry.contact_company.no if entry.contact_company_id else ""


# The login middleware would redirect API clients to the login page; DRF answers
# 401/403 itself instead. Basic first, so anonymous callers get a 401 challenge.
@method_decorator(login_not_required, name="dispatch")
class DocumentLogView(HistoryAPIViewMixin, APIView):
    authentication_classes = (BasicAuthentication, SessionAuthentication)
    queryset = InteractionLogEntry.objects.none()  # DjangoModelPermissions: add_ for POST

    def post(self, request):
        try:
            body = request.data
        except ParseError:
            return _bad_request({"non_field_errors": [_("The request body is not valid JSON.")]})
        if not isinstance(body, Mapping):
            return _bad_request({"non_field_errors": [_("Send the document as a JSON object.")]})
        values, type_errors = _form_values(body)
        if type_errors:
            return _bad_request(type_errors)
        form = DocumentLogForm(values)
        if not form.is_valid():
            return Response(_form_errors(form), status=status.HTTP_400_BAD_REQUEST)
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
        except ValidationError as error:
            field = "contact_no" if error.code == "unknown_contact" else "non_field_errors"
            return Response({field: error.messages}, status=status.HTTP_400_BAD_REQUEST)
        if result.entry is None:
            return Response({"logged": False, "reason": result.reason}, status=status.HTTP_200_OK)
        return Response(
            {"logged": True, "entry": InteractionLogEntrySerializer(result.entry).data},
            status=status.HTTP_201_CREATED,
        )


# Fields whose value may also come as a JSON number (document and party numbers).
_NUMBER_FIELDS = frozenset(("document_no", "contact_no", "customer_no", "vendor_no"))


def _form_values(body: Mapping) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The form's input from a JSON object or form data: text values as they are, null as
    blank, whole numbers as text for the number fields; any other type is an error (no
    lists, objects or booleans turned into text by str())."""
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name in DocumentLogForm.base_fields:
        value = body.get(name)  # a QueryDict gives the last value of a repeated key
        if value is None:
            values[name] = ""
        elif isinstance(value, str):
            values[name] = value
        elif name in _NUMBER_FIELDS and isinstance(value, int) and not isinstance(value, bool):
            values[name] = str(value)
        else:
            errors[name] = [_("Enter a text value.")]
    return values, errors


def _bad_request(errors: dict) -> Response:
    return Response(errors, status=status.HTTP_400_BAD_REQUEST)


def _form_errors(form) -> dict:
    errors = {}
    for field, field_errors in form.errors.items():
        errors["non_field_errors" if field == "__all__" else field] = list(field_errors)
    return errors
