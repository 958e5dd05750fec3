"""Possible duplicates: list, mark as separate contacts, merge with field choices
(duplicates.services; the duplicates workstream owns the list's query)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import GenericViewSet
from api.pagination import CursorPagination
from api.serializers import ModelSerializer, Serializer
from duplicates import selectors, services
from duplicates.models import ContactDuplicate


class DuplicateSerializer(ModelSerializer):
    contact = serializers.SlugRelatedField(
        slug_field="no", read_only=True, help_text=_("The first contact's no.")
    )
    duplicate = serializers.SlugRelatedField(
        slug_field="no", read_only=True, help_text=_("The other contact's no.")
    )
    reasons = serializers.SerializerMethodField(
        help_text=_("Why the two look alike, as phrases in the request's language.")
    )

    class Meta:
        model = ContactDuplicate
        fields = (
            "id",
            "contact",
            "duplicate",
            "score",
            "no_of_matching_strings",
            "reasons",
            "separate_contacts",
            "created_at",
        )
        read_only_fields = fields

    def get_reasons(self, pair) -> list[str]:
        return selectors.reason_labels(pair.reasons)


class DuplicateFilter(filters.FilterSet):
    contact = filters.CharFilter(
        method="filter_contact",
        label=_("contact"),
        help_text=_("Only the pairs of this contact no. (either side)."),
    )
    separate_contacts = filters.BooleanFilter(label=_("separate contacts"))

    class Meta:
        model = ContactDuplicate
        fields = ()

    def filter_contact(self, queryset, name, value):
        return queryset & selectors.duplicate_list(contact_no=value)


class SeparateSerializer(Serializer):
    separate = serializers.BooleanField(
        default=True, help_text=_("true: not duplicates; false: undo the mark.")
    )


class MergeSerializer(Serializer):
    keep = serializers.ChoiceField(
        choices=(("contact", _("contact")), ("duplicate", _("duplicate contact"))),
        default="contact",
        help_text=_("Which side of the pair is kept; the other is merged into it and deleted."),
    )
    fields_ = serializers.DictField(
        child=serializers.ChoiceField(
            choices=((services.KEEP, _("keep")), (services.MERGE, _("merge")))
        ),
        required=False,
        default=dict,
        help_text=_(
            'Per field, "merge" takes the merged contact\'s value; every other field keeps '
            "the kept contact's."
        ),
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["fields"] = fields.pop("fields_")
        return fields


MergeResultSerializer = inline_serializer(
    "MergeResult",
    fields={
        "kept_contact": serializers.CharField(help_text=_("The kept contact's no.")),
        "merged_contact": serializers.CharField(help_text=_("The merged (deleted) contact's no.")),
        "moved_rows": serializers.DictField(
            child=serializers.IntegerField(),
            help_text=_("Rows moved to the kept contact, per table."),
        ),
    },
)


class _Pagination(CursorPagination):
    ordering = ("-score", "id")


class DuplicateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """Possible duplicate pairs, highest score first."""

    queryset = ContactDuplicate.objects.select_related("contact", "duplicate")
    serializer_class = DuplicateSerializer
    filterset_class = DuplicateFilter
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9]+"
    pagination_class = _Pagination
    action_permissions = {
        "separate": ("duplicates.change_contactduplicate",),
        "merge": ("duplicates.add_contactmerge", "contacts.delete_contact"),
    }

    @extend_schema(request=SeparateSerializer, responses=DuplicateSerializer)
    @action(detail=True, methods=["post"])
    def separate(self, request, id):
        """Mark the pair as separate contacts (not duplicates), or undo the mark."""
        pair = self.get_object()
        body = SeparateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        pair = services.duplicate_set_separate(pair=pair, separate=body.validated_data["separate"])
        return Response(self.get_serializer(pair).data)

    @extend_schema(request=MergeSerializer, responses=MergeResultSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, id):
        """Merge the pair: everything of the merged contact moves to the kept one."""
        from rest_framework.exceptions import ValidationError

        pair = self.get_object()
        if pair.separate_contacts:
            raise ValidationError(
                {
                    "non_field_errors": [
                        _("These contacts are marked as separate and cannot be merged.")
                    ]
                }
            )
        body = MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        keep, merge = (
            (pair.duplicate, pair.contact)
            if data["keep"] == "duplicate"
            else (pair.contact, pair.duplicate)
        )
        record = services.contacts_merge(
            keep=keep, merge=merge, field_choices=dict(data["fields"]), user=request.user
        )
        return Response(
            {
                "kept_contact": record.kept_contact_no,
                "merged_contact": record.merged_contact_no,
                "moved_rows": record.moved_rows,
            }
        )
