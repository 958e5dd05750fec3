"""Contacts: companies and persons, addressed by number, through contacts.services and
the staff list's selector (search, filters and keyset paging)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_countries.serializer_fields import CountryField as CountryFieldSerializerField
from django_countries.serializers import CountryFieldMixin
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response

from api.base import GenericViewSet
from api.pagination import CursorPagination, KeysetPagination
from api.serializers import ModelSerializer, Serializer
from contacts import inheritance, selectors, services
from contacts.models import Contact
from marketing_setup.models import Salesperson, Territory

# How ContactSerializer.to_representation reads a field (see _lean_fields).
_TEXT, _PK, _SLUG, _BY_CODE, _DRF = "text", "pk", "slug", "by code", "drf"

CONTACT_FIELDS = (
    "no",
    "type",
    "name",
    "name_2",
    "search_name",
    "company",
    "first_name",
    "middle_name",
    "surname",
    "initials",
    "job_title",
    "address",
    "address_2",
    "post_code",
    "city",
    "county",
    "country",
    "phone_no",
    "mobile_phone_no",
    "fax_no",
    "telex_answer_back",
    "email",
    "home_page",
    "correspondence_type",
    "salesperson",
    "territory",
    "language",
    "salutation",
    "vat_registration_no",
    "privacy_blocked",
    "no_series",
    "created_at",
    "updated_at",
    "field_states",
)


class ContactSerializer(CountryFieldMixin, ModelSerializer):
    company = serializers.SlugRelatedField(
        slug_field="no",
        queryset=Contact.objects.filter(type=Contact.Type.COMPANY),
        allow_null=True,
        required=False,
        help_text=_("A person's company: the company's contact no. (null for none)."),
    )
    no_series = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=_(
            "The number series the number was drawn from. On create, with a blank no., the "
            "series to draw from: Contact Nos. (the default) or a series related to it."
        ),
    )
    field_states = serializers.SerializerMethodField(
        help_text=_(
            "For a person in a company: each inheritable field and whether it follows the "
            'company ("inherited") or differs ("overridden").'
        )
    )

    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        read_only_fields = ("created_at", "updated_at")
        extra_kwargs = {"name": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and "no" in self.fields:
            # The number is given once (or drawn); it never changes afterwards.
            self.fields["no"].read_only = True
            self.fields["no_series"].read_only = True

    def to_representation(self, instance):
        """What DRF's Serializer.to_representation gives, in fewer steps per field: a list
        page is 50 rows of 35 fields, and DRF's generic get_attribute / None check /
        to_representation per field was most of the page's serializing time. Plain text
        fields are read and str()-ed, related ids read from the row (the pk-only answer
        of PrimaryKeyRelatedField), the company's no. from the joined company; every
        other field goes through DRF's own steps. tests/api/test_contacts_lean.py
        compares the result with DRF's for many kinds of contacts."""
        plan = self.__dict__.get("_lean_plan")
        if plan is None:
            plan = self.__dict__["_lean_plan"] = self._lean_fields()
        ret = {}
        memo = self.__dict__.setdefault("_lean_memo", {})
        for name, kind, attr, field in plan:
            if kind is _TEXT:
                value = getattr(instance, attr)
                ret[name] = None if value is None else str(value)
            elif kind is _PK:
                ret[name] = getattr(instance, attr)
            elif kind is _SLUG:
                related = getattr(instance, attr)
                ret[name] = None if related is None else getattr(related, field.slug_field)
            elif kind is _BY_CODE:
                # The answer depends on the stored code only: computed once per code.
                code = instance.__dict__[attr]
                if code not in memo:
                    memo[code] = field.to_representation(getattr(instance, field.source))
                ret[name] = memo[code]
            else:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
                check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
                ret[name] = None if check is None else field.to_representation(attribute)
        return ret

    def _lean_fields(self) -> list[tuple]:
        """(name, kind, attribute, field) of each readable field: the fast kinds only for
        fields whose DRF behaviour they repeat exactly, else DRF's own steps."""
        model_fields = {f.name: f for f in Contact._meta.concrete_fields}
        plan = []
        for field in self._readable_fields:
            source = field.source_attrs
            model_field = model_fields.get(source[0]) if len(source) == 1 else None
            kind, attr = _DRF, None
            if model_field is None:
                pass
            elif (
                not model_field.is_relation
                and isinstance(model_field, models.CharField)
                and not isinstance(model_field, CountryField)
                and type(field).to_representation is serializers.CharField.to_representation
            ):
                kind, attr = _TEXT, model_field.attname
            elif (
                model_field.many_to_one
                and type(field) is serializers.PrimaryKeyRelatedField
                and field.pk_field is None
                and model_field.target_field.primary_key
            ):
                kind, attr = _PK, model_field.attname
            elif isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
                # DRF looks the current time zone up for every value; it is the same for
                # the whole answer (DRF's own `timezone` attribute, its default_timezone).
                field.timezone = field.default_timezone()
            elif (
                isinstance(model_field, CountryField)
                and not model_field.multiple
                and type(field) is CountryFieldSerializerField
            ):
                kind, attr = _BY_CODE, model_field.attname
            elif (
                model_field.many_to_one
                and type(field) is serializers.SlugRelatedField
                and "." not in field.slug_field
            ):
                kind, attr = _SLUG, model_field.name
            plan.append((field.field_name, kind, attr, field))
        return plan

    @extend_schema_field(
        serializers.DictField(
            child=serializers.ChoiceField(
                choices=(("inherited", _("inherited")), ("overridden", _("overridden")))
            )
        )
    )
    def get_field_states(self, contact: Contact) -> dict[str, str]:
        if not (contact.is_person and contact.company_id):
            return {}
        return inheritance.field_states(contact, self.context.get("setup"))


class ContactFilter(filters.FilterSet):
    """The staff list's search and filters (contacts.selectors.contact_filter)."""

    q = filters.CharFilter(
        label=_("Search"),
        help_text=_(
            "Prefix of no., search name, city, post code, phone no. or e-mail; from 3 "
            "characters also part of the name."
        ),
        method="_noop",
    )
    type = filters.ChoiceFilter(choices=Contact.Type.choices, label=_("type"), method="_noop")
    company = filters.CharFilter(
        label=_("company"), help_text=_("Company no.: the company and its persons."), method="_noop"
    )
    salesperson = filters.ModelChoiceFilter(
        queryset=Salesperson.objects.all(), label=_("salesperson"), method="_noop"
    )
    territory = filters.ModelChoiceFilter(
        queryset=Territory.objects.all(), label=_("territory"), method="_noop"
    )
    country = filters.CharFilter(
        label=_("country/region"), help_text=_("ISO country code."), method="_noop"
    )

    class Meta:
        model = Contact
        fields = ()

    def _noop(self, queryset, name, value):
        return queryset

    @property
    def params(self) -> dict:
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "")}


class FollowCompanySerializer(Serializer):
    fields_ = serializers.ListField(
        child=serializers.ChoiceField(choices=inheritance.INHERITED_FIELDS),
        allow_empty=False,
        help_text=_("The inheritable fields that should follow the company again."),
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["fields"] = fields.pop("fields_")
        return fields


class ChangeTypeSerializer(Serializer):
    type = serializers.ChoiceField(choices=Contact.Type.choices, help_text=_("The new type."))


class ChangeCompanySerializer(Serializer):
    company = serializers.SlugRelatedField(
        slug_field="no",
        queryset=Contact.objects.filter(type=Contact.Type.COMPANY),
        allow_null=True,
        help_text=_("The company's contact no.; null detaches the person."),
    )


class ContactViewSet(
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    GenericViewSet,
):
    """Companies and persons. Writes run through the same services as the pages:
    numbering, names, inheritance, defaults, propagation and duplicate search apply."""

    queryset = Contact.objects.select_related("company")
    serializer_class = ContactSerializer
    lookup_field = "no"
    filterset_class = ContactFilter
    pagination_class = KeysetPagination
    action_permissions = {
        "follow_company": ("contacts.change_contact",),
        "change_type": ("contacts.change_contact",),
        "change_company": ("contacts.change_contact",),
        "persons": ("contacts.view_contact",),
    }

    def get_serializer_context(self):
        context = super().get_serializer_context()
        from marketing_setup.models import MarketingSetup

        context["setup"] = MarketingSetup.get()
        return context

    def filter_queryset(self, queryset):
        return queryset  # the list filters through the selector; lookups by no. only

    def list(self, request):
        from rest_framework.exceptions import ValidationError

        from api.pagination import _page_size

        filterset = ContactFilter(request.query_params, queryset=Contact.objects.none())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        paginator = self.paginator
        after, before = paginator.decode(request)
        page = selectors.contact_list(
            params=filterset.params,
            after=after,
            before=before,
            page_size=_page_size(request),
            count=False,  # the API's pages carry no total
            related=("company",),  # salesperson, territory: their codes are in the row
        )
        data = self.get_serializer(page.contacts, many=True).data
        return paginator.response(
            request, data, next_key=page.next_after, previous_key=page.previous_before
        )

    def perform_create(self, serializer):
        serializer.instance = services.contact_create(
            data=dict(serializer.validated_data), user=self.request.user
        )

    def perform_update(self, serializer):
        contact = Contact.objects.select_related("company").get(pk=serializer.instance.pk)
        serializer.instance = services.contact_update(
            contact=contact, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.contact_delete(contact=instance)

    def _answer(self, contact: Contact) -> Response:
        contact = Contact.objects.select_related("company").get(pk=contact.pk)
        return Response(self.get_serializer(contact).data)

    @extend_schema(responses=ContactSerializer(many=True), parameters=[], filters=False)
    @action(detail=True, methods=["get"], pagination_class=CursorPagination)
    def persons(self, request, no):
        """A company's persons, in no. order."""
        company = self.get_object()
        persons = Contact.objects.filter(company=company).select_related("company")
        paginator = CursorPagination()
        paginator.ordering = "no"
        page = paginator.paginate_queryset(persons, request, view=self)
        data = self.get_serializer(page, many=True).data
        return paginator.get_paginated_response(data)

    @extend_schema(request=FollowCompanySerializer, responses=ContactSerializer)
    @action(detail=True, methods=["post"], url_path="follow-company")
    def follow_company(self, request, no):
        """Make overridden fields of a person follow its company again."""
        person = self.get_object()
        body = FollowCompanySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contact = services.person_follow_company(
            person=person, fields=list(body.validated_data["fields"])
        )
        return self._answer(contact)

    @extend_schema(request=ChangeTypeSerializer, responses=ContactSerializer)
    @action(detail=True, methods=["post"], url_path="change-type")
    def change_type(self, request, no):
        """Turn a company into a person or back (refused while records block it)."""
        contact = self.get_object()
        body = ChangeTypeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contact = services.contact_change_type(
            contact=contact, new_type=body.validated_data["type"]
        )
        return self._answer(contact)

    @extend_schema(request=ChangeCompanySerializer, responses=ContactSerializer)
    @action(detail=True, methods=["post"], url_path="change-company")
    def change_company(self, request, no):
        """Attach a person to another company (or none), with the inheritance rules."""
        person = self.get_object()
        body = ChangeCompanySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contact = services.person_change_company(
            person=person, company=body.validated_data["company"]
        )
        return self._answer(contact)
