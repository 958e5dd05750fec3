"""The Marketing Setup (read for staff, change for administrators) and the number
series (read)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_countries.serializers import CountryFieldMixin
from rest_framework import mixins
from rest_framework.response import Response

from api.base import GenericViewSet
from api.pagination import CursorPagination
from api.serializers import ModelSerializer
from marketing_setup import services as setup_services
from marketing_setup.models import MarketingSetup
from numbering.models import NoSeries, NoSeriesLine


class MarketingSetupSerializer(CountryFieldMixin, ModelSerializer):
    class Meta:
        model = MarketingSetup
        exclude = ("id",)


class MarketingSetupViewSet(GenericViewSet):
    """The Marketing Setup (one record)."""

    queryset = MarketingSetup.objects.all()
    serializer_class = MarketingSetupSerializer
    pagination_class = None

    def retrieve(self, request):
        return Response(self.get_serializer(MarketingSetup.get()).data)

    def _update(self, request, partial: bool):
        setup = MarketingSetup.get()
        body = self.get_serializer(setup, data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        setup_services.marketing_setup_update(
            setup=MarketingSetup.get(), data=dict(body.validated_data)
        )
        return Response(self.get_serializer(MarketingSetup.get()).data)

    def update(self, request):
        return self._update(request, partial=False)

    def partial_update(self, request):
        return self._update(request, partial=True)


class NoSeriesLineSerializer(ModelSerializer):
    class Meta:
        model = NoSeriesLine
        fields = (
            "line_no",
            "starting_date",
            "starting_no",
            "ending_no",
            "warning_no",
            "increment_by",
            "last_no_used",
            "last_date_used",
            "open",
        )
        read_only_fields = fields


class NoSeriesSerializer(ModelSerializer):
    lines = NoSeriesLineSerializer(many=True, read_only=True, help_text=_("The series' lines."))

    class Meta:
        model = NoSeries
        fields = ("code", "description", "default_nos", "manual_nos", "date_order", "lines")
        read_only_fields = fields


class _Pagination(CursorPagination):
    ordering = "code"


class NoSeriesViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """Number series with their lines (read only; administrators edit them in the admin)."""

    queryset = NoSeries.objects.prefetch_related("lines")
    serializer_class = NoSeriesSerializer
    lookup_field = "code"
    pagination_class = _Pagination
