"""Customers, vendors and bank accounts (by number), and contacts' business relations,
through relations.services (numbering, the linked company contact, two-way sync)."""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import GenericViewSet
from api.pagination import CursorPagination
from api.serializers import ModelSerializer, Serializer
from contacts.models import Contact
from marketing_setup.models import BusinessRelation
from relations import services
from relations.models import (
    BankAccount,
    ContactBusinessRelation,
    Customer,
    LinkToTable,
    Vendor,
)
from relations.services import Master

ENTITY_BASE_FIELDS = (
    "no",
    "name",
    "search_name",
    "name_2",
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
    "territory",
    "language",
    "vat_registration_no",
    "currency_code",
    "contact",
    "primary_contact",
    "created_at",
    "updated_at",
)


class _EntitySerializer(CountryFieldMixin, ModelSerializer):
    primary_contact = serializers.SlugRelatedField(
        slug_field="no",
        queryset=Contact.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("The primary contact's no.: the linked company or one of its persons."),
    )

    class Meta:
        read_only_fields = ("created_at", "updated_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and "no" in self.fields:
            self.fields["no"].read_only = True


class CustomerSerializer(_EntitySerializer):
    class Meta(_EntitySerializer.Meta):
        model = Customer
        fields = (*ENTITY_BASE_FIELDS, "salesperson")


class VendorSerializer(_EntitySerializer):
    class Meta(_EntitySerializer.Meta):
        model = Vendor
        fields = (*ENTITY_BASE_FIELDS, "purchaser")


class BankAccountSerializer(_EntitySerializer):
    class Meta(_EntitySerializer.Meta):
        model = BankAccount
        fields = (*ENTITY_BASE_FIELDS, "bank_account_no", "iban", "swift_code", "our_contact")


class _NoPagination(CursorPagination):
    ordering = "no"


class _EntityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    GenericViewSet,
):
    lookup_field = "no"
    pagination_class = _NoPagination

    def perform_create(self, serializer):
        serializer.instance = services.entity_create(
            model=self.queryset.model, data=dict(serializer.validated_data), user=self.request.user
        )

    def perform_update(self, serializer):
        entity = self.queryset.model.objects.get(pk=serializer.instance.pk)
        serializer.instance = services.entity_update(
            entity=entity, data=dict(serializer.validated_data), user=self.request.user
        )

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()  # as the page: the linked contact stays, the link goes


class CustomerViewSet(_EntityViewSet):
    """Customers. Creating one also creates its linked company contact when the
    Marketing Setup names a business relation code for customers."""

    queryset = Customer.objects.all()
    serializer_class = CustomerSerializer


class VendorViewSet(_EntityViewSet):
    """Vendors (with a linked company contact when the setup names a code for vendors)."""

    queryset = Vendor.objects.all()
    serializer_class = VendorSerializer


class BankAccountViewSet(_EntityViewSet):
    """Bank accounts (with a linked company contact when the setup names a code)."""

    queryset = BankAccount.objects.all()
    serializer_class = BankAccountSerializer


# --- a contact's business relations --------------------------------------------------


class ContactBusinessRelationSerializer(ModelSerializer):
    business_relation = serializers.SlugRelatedField(
        slug_field="code",
        queryset=BusinessRelation.objects.all(),
        help_text=_("Business relation code (e.g. CUST, PROSPECT)."),
    )

    class Meta:
        model = ContactBusinessRelation
        fields = ("business_relation", "link_to", "no")
        read_only_fields = ("link_to", "no")


#: The entity kinds ("(none)" is a plain business relation's, not a kind to create or link).
ENTITY_KINDS = [(value, label) for value, label in LinkToTable.choices if value]


class CreateEntitySerializer(Serializer):
    link_to = serializers.ChoiceField(
        choices=ENTITY_KINDS, help_text=_("What to create from the contact.")
    )


class LinkEntitySerializer(Serializer):
    link_to = serializers.ChoiceField(choices=ENTITY_KINDS, help_text=_("What to link."))
    no = serializers.CharField(max_length=20, help_text=_("The existing entity's no."))
    master = serializers.ChoiceField(
        choices=(
            (Master.CONTACT, _("Contact")),
            (Master.ENTITY, _("Customer/vendor/bank account")),
        ),
        default=Master.CONTACT,
        help_text=_("Whose values win right after linking."),
    )


ENTITY_SERIALIZERS = {
    LinkToTable.CUSTOMER: CustomerSerializer,
    LinkToTable.VENDOR: VendorSerializer,
    LinkToTable.BANK_ACCOUNT: BankAccountSerializer,
}


class ContactRelationsViewSet(GenericViewSet):
    """A contact's business relations, and "create as" / "link with existing"
    customer, vendor or bank account (routed under /contacts/<no>/)."""

    queryset = ContactBusinessRelation.objects.select_related("business_relation")
    serializer_class = ContactBusinessRelationSerializer
    pagination_class = None
    action_permissions = {
        "list": ("relations.view_contactbusinessrelation",),
        "create": ("relations.add_contactbusinessrelation",),
        "destroy": ("relations.delete_contactbusinessrelation",),
        "create_entity": ("relations.add_contactbusinessrelation",),
        "link_entity": ("relations.add_contactbusinessrelation",),
    }

    def _contact(self) -> Contact:
        return get_object_or_404(Contact.objects.select_related("company"), no=self.kwargs["no"])

    def list(self, request, no):
        """The contact's business relations."""
        relations = self.get_queryset().filter(contact=self._contact())
        return Response(self.get_serializer(relations, many=True).data)

    def create(self, request, no):
        """Add a plain business relation (such as PROSPECT)."""
        contact = self._contact()
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        relation = services.contact_business_relation_add(
            contact=contact, business_relation=body.validated_data["business_relation"]
        )
        return Response(self.get_serializer(relation).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, no, code):
        """Remove a business relation (a link too: the entity and the contact stay)."""
        relation = get_object_or_404(
            self.get_queryset(), contact=self._contact(), business_relation_id=code
        )
        services.contact_business_relation_delete(relation=relation)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _entity_answer(self, entity, link_to: str, code: int) -> Response:
        return Response(ENTITY_SERIALIZERS[link_to](entity).data, status=code)

    @extend_schema(request=CreateEntitySerializer, responses={201: CustomerSerializer})
    @action(detail=False, methods=["post"], url_path="create-entity")
    def create_entity(self, request, no):
        """Create a customer, vendor or bank account from the contact (a person's
        company gets it), linked and filled from the contact."""
        body = CreateEntitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        link_to = body.validated_data["link_to"]
        entity = services.contact_create_entity(
            contact=self._contact(), link_to=link_to, user=request.user
        )
        return self._entity_answer(entity, link_to, status.HTTP_201_CREATED)

    @extend_schema(request=LinkEntitySerializer, responses={200: CustomerSerializer})
    @action(detail=False, methods=["post"], url_path="link-entity")
    def link_entity(self, request, no):
        """Link the contact with an existing customer, vendor or bank account."""
        body = LinkEntitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        entity = services.contact_link_entity(
            contact=self._contact(),
            link_to=data["link_to"],
            no=data["no"],
            master=data["master"],
            user=request.user,
        )
        return self._entity_answer(entity, data["link_to"], status.HTTP_200_OK)
