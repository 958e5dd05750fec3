"""Customers, vendors, bank accounts and contact business relations (reference, section 7).

A contact is linked to a customer/vendor/bank account by a `ContactBusinessRelation`
row (link_to + no). With the matching business-relation code set in Marketing Setup,
a new customer/vendor/bank account gets its own company contact, and the synced
fields (`SYNCED_FIELDS`) follow each other both ways on save: see `relations/services.py`
and `relations/receivers.py`.

Numbers: a blank number is drawn from the number series named by `NUMBER_SERIES`
(CUST, VEND, BANK; `relations/demo.py` creates them). A typed number is kept as is.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from contacts.emails import validate_email_list
from contacts.models import Contact, validate_no_letters
from history.queryset import HistoryManager
from marketing_setup.models import BusinessRelation, Language, Salesperson, Territory
from numbering.fields import NumberField
from numbering.records import SaveNeverReinserts


class LinkToTable(models.TextChoices):
    NONE = "", _("(none)")
    CUSTOMER = "customer", _("Customer")
    VENDOR = "vendor", _("Vendor")
    BANK_ACCOUNT = "bank_account", _("Bank account")


class BusinessRelationSummary(models.TextChoices):
    """The "Business Relation" summary shown on the contact card (7.6)."""

    NONE = "none", _("None")
    CUSTOMER = "customer", _("Customer")
    VENDOR = "vendor", _("Vendor")
    BANK_ACCOUNT = "bank_account", _("Bank account")
    OTHER = "other", _("Other")
    MULTIPLE = "multiple", _("Multiple")


# Fields with the same meaning on a contact and on a customer/vendor/bank account,
# copied both ways (sections 2.6 and 7.4). Salesperson only syncs for customers:
# the vendor's purchaser and the bank's "our contact" are preserved, as in BC.
SYNCED_FIELDS: tuple[str, ...] = (
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
)


class SyncedEntity(SaveNeverReinserts, models.Model):
    """The fields customers, vendors and bank accounts share with contacts."""

    LINK_TO: str = ""
    NUMBER_SERIES: str = ""
    EXTRA_SYNCED_FIELDS: tuple[str, ...] = ()

    no = NumberField(
        _("no."),
        unique=True,
        blank=True,
        help_text=_("Leave blank to take the next number from the number series."),
    )
    name = models.CharField(_("name"), max_length=100)
    search_name = models.CharField(_("search name"), max_length=100, blank=True)
    name_2 = models.CharField(_("name 2"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=100, blank=True)
    address_2 = models.CharField(_("address 2"), max_length=50, blank=True)
    post_code = models.CharField(_("post code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    county = models.CharField(_("county"), max_length=30, blank=True)
    country = CountryField(_("country/region"), blank=True)
    phone_no = models.CharField(
        _("phone no."), max_length=30, blank=True, validators=[validate_no_letters]
    )
    mobile_phone_no = models.CharField(
        _("mobile phone no."), max_length=30, blank=True, validators=[validate_no_letters]
    )
    fax_no = models.CharField(
        _("fax no."), max_length=30, blank=True, validators=[validate_no_letters]
    )
    telex_answer_back = models.CharField(_("telex answer back"), max_length=20, blank=True)
    email = models.CharField(
        _("e-mail"),
        max_length=80,
        blank=True,
        validators=[validate_email_list],
        help_text=_("Several addresses: separate them with semicolons."),
    )
    home_page = models.CharField(_("home page"), max_length=255, blank=True)
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territory"),
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("language"),
    )
    vat_registration_no = models.CharField(_("VAT registration no."), max_length=20, blank=True)
    currency_code = models.CharField(
        _("currency code"), max_length=10, blank=True, help_text=_("Blank: local currency.")
    )
    contact = models.CharField(
        _("contact"), max_length=100, blank=True, help_text=_("Name of the primary contact person.")
    )
    primary_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("primary contact"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    objects = HistoryManager()

    class Meta:
        abstract = True
        ordering = ("no",)
        base_manager_name = "objects"
        # The lists' sorts (relations.views.SORTS), keyset paging.
        indexes = [
            models.Index(fields=("name", "no"), name="%(class)s_name_no"),
            models.Index(fields=("city", "no"), name="%(class)s_city_no"),
        ]

    def __str__(self) -> str:
        return f"{self.no} {self.name}".strip()

    @classmethod
    def synced_fields(cls) -> tuple[str, ...]:
        return SYNCED_FIELDS + cls.EXTRA_SYNCED_FIELDS

    def clean(self) -> None:
        """A linked entity's primary contact is its contact or one of that company's persons."""
        if not self.primary_contact_id or not self.no:
            return
        relation = (
            ContactBusinessRelation.objects.filter(link_to=self.LINK_TO, no=self.no)
            .select_related("contact")
            .first()
        )
        if relation is None:
            return
        linked = relation.contact
        primary = self.primary_contact
        if primary.pk != linked.pk and primary.company_id != linked.pk:
            raise ValidationError(
                {
                    "primary_contact": _("Contact %(no)s is not %(company)s or one of its persons.")
                    % {"no": primary.no, "company": f"{linked.no} {linked.name}"}
                }
            )


class Customer(SyncedEntity):
    LINK_TO = LinkToTable.CUSTOMER
    NUMBER_SERIES = "CUST"
    EXTRA_SYNCED_FIELDS = ("salesperson",)

    salesperson = models.ForeignKey(
        Salesperson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("salesperson"),
    )

    class Meta(SyncedEntity.Meta):
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def get_absolute_url(self) -> str:
        return reverse("relations:customer_detail", kwargs={"no": self.no})


class Vendor(SyncedEntity):
    LINK_TO = LinkToTable.VENDOR
    NUMBER_SERIES = "VEND"

    purchaser = models.ForeignKey(
        Salesperson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("purchaser"),
    )

    class Meta(SyncedEntity.Meta):
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")

    def get_absolute_url(self) -> str:
        return reverse("relations:vendor_detail", kwargs={"no": self.no})


class BankAccount(SyncedEntity):
    LINK_TO = LinkToTable.BANK_ACCOUNT
    NUMBER_SERIES = "BANK"

    bank_account_no = models.CharField(_("bank account no."), max_length=30, blank=True)
    iban = models.CharField(_("IBAN"), max_length=50, blank=True)
    swift_code = models.CharField(_("SWIFT code"), max_length=20, blank=True)
    our_contact = models.ForeignKey(
        Salesperson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("our contact"),
    )

    class Meta(SyncedEntity.Meta):
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")

    def get_absolute_url(self) -> str:
        return reverse("relations:bank_account_detail", kwargs={"no": self.no})


ENTITY_MODELS: dict[str, type[SyncedEntity]] = {
    LinkToTable.CUSTOMER: Customer,
    LinkToTable.VENDOR: Vendor,
    LinkToTable.BANK_ACCOUNT: BankAccount,
}


class ContactBusinessRelation(models.Model):
    """A contact's business relation; with link_to/no set, its link to an entity (7.2).

    A contact with business relations cannot change type (2.7; the flag is read by
    contacts.services). Deleting the contact deletes its relations; the entity stays.
    """

    BLOCKS_CONTACT_TYPE_CHANGE = True

    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        related_name="business_relations",
        verbose_name=_("contact"),
    )
    business_relation = models.ForeignKey(
        BusinessRelation,
        on_delete=models.PROTECT,
        related_name="contact_relations",
        verbose_name=_("business relation"),
    )
    link_to = models.CharField(
        _("link to table"), max_length=20, choices=LinkToTable.choices, blank=True, default=""
    )
    no = NumberField(
        _("no."),
        blank=True,
        help_text=_("The linked customer, vendor or bank account number."),
    )

    objects = HistoryManager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("contact business relation")
        verbose_name_plural = _("contact business relations")
        ordering = ("contact", "business_relation")
        constraints = [
            models.UniqueConstraint(
                fields=("contact", "business_relation"),
                name="contactbusrel_unique_code",
                violation_error_message=_("The contact already has this business relation."),
            ),
            models.UniqueConstraint(
                fields=("contact", "link_to"),
                condition=~models.Q(link_to=""),
                name="contactbusrel_one_link_per_type",
                violation_error_message=_(
                    "The contact already has a business relation linked to this table."
                ),
            ),
            models.UniqueConstraint(
                fields=("link_to", "no"),
                condition=~models.Q(link_to=""),
                name="contactbusrel_one_contact_per_entity",
                violation_error_message=_("This record is already linked to another contact."),
            ),
            models.CheckConstraint(
                condition=(models.Q(link_to="") & models.Q(no=""))
                | (~models.Q(link_to="") & ~models.Q(no="")),
                name="contactbusrel_link_needs_no",
                violation_error_message=_("Link to Table and No. must be filled in together."),
            ),
        ]
        indexes = [models.Index(fields=("link_to", "no"), name="contactbusrel_link")]

    def __str__(self) -> str:
        if self.link_to:
            return f"{self.contact_id} {self.business_relation_id} → {self.link_to} {self.no}"
        return f"{self.contact_id} {self.business_relation_id}"

    def describe(self) -> str:
        """In plain words: "customer C00013", or the business relation's code."""
        if self.link_to:
            return f"{LinkToTable(self.link_to).label.lower()} {self.no}"
        return str(_("business relation %(code)s") % {"code": self.business_relation_id})

    @classmethod
    def merge_moving_labels(cls, rows) -> list[str]:
        """What a merge moves (duplicates.services.related_rows): one label per row."""
        return [row.describe() for row in rows.order_by("link_to", "business_relation_id")]

    def merge_conflict_message(self, kept_rows, *, keep, merge) -> tuple[str, str]:
        """Why this row of the merged contact cannot move to the kept one, in plain words,
        and where to resolve it (the merged contact's card, where the link is removed)."""
        clash = next(
            (
                r
                for r in kept_rows
                if (self.link_to and r.link_to == self.link_to)
                or r.business_relation_id == self.business_relation_id
            ),
            None,
        )
        url = reverse("contacts:detail", kwargs={"no": merge.no}) + "#panel-relations"
        if self.link_to and clash is not None:
            message = _(
                "Both contacts are linked to a %(table)s (%(kept_no)s on %(kept)s, %(no)s on "
                "%(merged)s). Remove the link to %(no)s on %(merged)s, or keep the other "
                "contact."
            ) % {
                "table": LinkToTable(self.link_to).label.lower(),
                "kept_no": clash.no,
                "kept": keep.no,
                "no": self.no,
                "merged": merge.no,
            }
        else:
            message = _(
                "Both contacts have the business relation %(code)s, differently set up. "
                "Remove it on %(merged)s."
            ) % {"code": self.business_relation_id, "merged": merge.no}
        return str(message), url

    def clean(self) -> None:
        """The rules of 7.2, with BC's messages naming the records involved."""
        from marketing_setup.models import MarketingSetup

        if not self.business_relation_id or not self.contact_id:
            return
        if not self.link_to:
            setup = MarketingSetup.get()
            for link_to, code in (
                (LinkToTable.CUSTOMER, setup.bus_rel_code_for_customers_id),
                (LinkToTable.VENDOR, setup.bus_rel_code_for_vendors_id),
                (LinkToTable.BANK_ACCOUNT, setup.bus_rel_code_for_bank_accounts_id),
            ):
                if code and code == self.business_relation_id:
                    raise ValidationError(
                        {
                            "business_relation": _(
                                "Business Relation Code %(code)s is used when a contact is "
                                "linked with a %(table)s."
                            )
                            % {"code": code, "table": LinkToTable(link_to).label.lower()}
                        }
                    )
            return
        model = ENTITY_MODELS.get(self.link_to)
        if model is not None and self.no and not model.objects.filter(no=self.no).exists():
            raise ValidationError(
                {
                    "no": _("%(table)s %(no)s does not exist.")
                    % {"table": LinkToTable(self.link_to).label, "no": self.no}
                }
            )
        others = ContactBusinessRelation.objects.exclude(pk=self.pk)
        mine = others.filter(contact_id=self.contact_id, link_to=self.link_to).first()
        if mine is not None:
            raise ValidationError(
                {
                    "link_to": _(
                        "Contact %(contact)s already has a contact business relation with "
                        "%(table)s %(no)s."
                    )
                    % {
                        "contact": self.contact.no,
                        "table": LinkToTable(self.link_to).label,
                        "no": mine.no,
                    }
                }
            )
        theirs = others.filter(link_to=self.link_to, no=self.no).select_related("contact").first()
        if theirs is not None:
            raise ValidationError(
                {
                    "no": _(
                        "%(table)s %(no)s already has a contact business relation with "
                        "contact %(contact)s."
                    )
                    % {
                        "table": LinkToTable(self.link_to).label,
                        "no": self.no,
                        "contact": theirs.contact.no,
                    }
                }
            )

    @property
    def entity_model(self) -> type[SyncedEntity] | None:
        return ENTITY_MODELS.get(self.link_to)
