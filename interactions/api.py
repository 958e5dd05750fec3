"""JSON endpoint: log a document as an interaction (section 6.5)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.utils.decorators import method_decorator
from rest_framework import serializers, status
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

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
class DocumentLogView(APIView):
    authentication_classes = (BasicAuthentication, SessionAuthentication)
    queryset = InteractionLogEntry.objects.none()  # DjangoModelPermissions: add_ for POST

    def post(self, request):
        form = DocumentLogForm(request.data)
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


def _form_errors(form) -> dict:
    errors = {}
    for field, field_errors in form.errors.items():
        errors["non_field_errors" if field == "__all__" else field] = list(field_errors)
    return errors
