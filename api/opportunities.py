"""Opportunities by number, through opportunities.services (numbering, default sales
cycle, contact company, stage rules), with close as won or lost."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import GenericViewSet
from api.pagination import CursorPagination
from api.serializers import ModelSerializer, Serializer
from contacts.models import Contact
from opportunities import services
from opportunities.models import Opportunity


class OpportunitySerializer(ModelSerializer):
    contact = serializers.SlugRelatedField(
        slug_field="no",
        queryset=Contact.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("The contact's no."),
    )
    contact_company = serializers.SlugRelatedField(
        slug_field="no",
        read_only=True,
        help_text=_("The contact's company no. (set from the contact)."),
    )

    class Meta:
        model = Opportunity
        fields = (
            "no",
            "description",
            "contact",
            "contact_company",
            "salesperson",
            "sales_cycle",
            "current_stage",
            "status",
            "priority",
            "creation_date",
            "date_closed",
            "estimated_value",
            "chances_of_success_pct",
            "estimated_closing_date",
            "no_series",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("no_series", "created_at", "updated_at", "date_closed")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and "no" in self.fields:
            self.fields["no"].read_only = True


class CloseSerializer(Serializer):
    won = serializers.BooleanField(help_text=_("true: close as won; false: close as lost."))


class OpportunityFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Opportunity.Status.choices, label=_("status"))
    contact = filters.CharFilter(field_name="contact__no", label=_("contact"))
    contact_company = filters.CharFilter(
        field_name="contact_company__no", label=_("contact company")
    )
    salesperson = filters.CharFilter(field_name="salesperson_id", label=_("salesperson"))

    class Meta:
        model = Opportunity
        fields = ()


class _Pagination(CursorPagination):
    ordering = "-no"


class OpportunityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    GenericViewSet,
):
    """Opportunities, newest number first."""

    queryset = Opportunity.objects.select_related("contact", "contact_company")
    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilter
    lookup_field = "no"
    pagination_class = _Pagination
    action_permissions = {"close": ("opportunities.change_opportunity",)}

    def perform_create(self, serializer):
        serializer.instance = services.opportunity_create(
            data=dict(serializer.validated_data), user=self.request.user
        )

    def perform_update(self, serializer):
        opportunity = Opportunity.objects.get(pk=serializer.instance.pk)
        serializer.instance = services.opportunity_update(
            opportunity=opportunity, data=dict(serializer.validated_data), user=self.request.user
        )

    @extend_schema(request=CloseSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, no):
        """Close an open opportunity as won or lost."""
        opportunity = self.get_object()
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        opportunity = services.opportunity_close(
            opportunity=opportunity, won=body.validated_data["won"], user=request.user
        )
        return Response(self.get_serializer(opportunity).data)
