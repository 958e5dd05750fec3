"""Marketing Setup and the reference data it points at (reference document, section 1).

Reference rows use their code as primary key, as in Business Central: forms,
imports and filters speak in codes (NOR, MIDT, JC), and a foreign key's raw value
is the code itself.
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from history.queryset import HistoryManager
from marketing_setup.versioning import snapshot_memo


class CodeModel(models.Model):
    """A code (primary key) with a description."""

    code = models.CharField(_("code"), max_length=10, primary_key=True)
    description = models.CharField(_("description"), max_length=100, blank=True)

    class Meta:
        abstract = True
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.code} – {self.description}" if self.description else self.code


class Salesperson(models.Model):
    code = models.CharField(_("code"), max_length=20, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    email = models.EmailField(_("e-mail"), max_length=80, blank=True)
    phone_no = models.CharField(_("phone no."), max_length=30, blank=True)
    job_title = models.CharField(_("job title"), max_length=30, blank=True)
    blocked = models.BooleanField(
        _("blocked"), default=False, help_text=_("Blocked salespeople cannot be used as default.")
    )

    class Meta:
        verbose_name = _("salesperson/purchaser")
        verbose_name_plural = _("salespeople/purchasers")
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class UserSetup(models.Model):
    """A user's salesperson/purchaser (Business Central's User Setup): new contacts and
    opportunities the user creates get it before the Marketing Setup's default."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="crm_user_setup",
        verbose_name=_("user"),
    )
    salesperson = models.ForeignKey(
        Salesperson,
        on_delete=models.PROTECT,
        related_name="user_setups",
        verbose_name=_("salesperson/purchaser"),
    )

    class Meta:
        verbose_name = _("user setup")
        verbose_name_plural = _("user setup")
        ordering = ("user__username",)

    def __str__(self) -> str:
        return f"{self.user} → {self.salesperson_id}"

    def clean(self) -> None:
        if self.salesperson_id and self.salesperson.blocked:
            raise ValidationError(
                {
                    "salesperson": _("Salesperson %(code)s is blocked and cannot be used.")
                    % {"code": self.salesperson_id}
                }
            )


class Territory(CodeModel):
    class Meta(CodeModel.Meta):
        verbose_name = _("territory")
        verbose_name_plural = _("territories")


class Language(CodeModel):
    """A business language (NOR, NLD, ENU, DEU) mapped to a UI/Django language."""

    django_language = models.CharField(
        _("Django language code"),
        max_length=10,
        blank=True,
        help_text=_("The interface language code this language corresponds to, e.g. nb, nl, en."),
    )

    class Meta(CodeModel.Meta):
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class BusinessRelation(CodeModel):
    class Meta(CodeModel.Meta):
        verbose_name = _("business relation")
        verbose_name_plural = _("business relations")


class SalesCycle(CodeModel):
    class ProbabilityCalculation(models.TextChoices):
        MULTIPLY = "multiply", _("Multiply")
        ADD = "add", _("Add")
        CHANCES_OF_SUCCESS = "chances", _("Chances of Success %")
        COMPLETED = "completed", _("Completed %")

    probability_calculation = models.CharField(
        _("probability calculation"),
        max_length=10,
        choices=ProbabilityCalculation.choices,
        default=ProbabilityCalculation.MULTIPLY,
    )
    blocked = models.BooleanField(_("blocked"), default=False)

    class Meta(CodeModel.Meta):
        verbose_name = _("sales cycle")
        verbose_name_plural = _("sales cycles")


class SalesCycleStage(models.Model):
    sales_cycle = models.ForeignKey(
        SalesCycle, on_delete=models.CASCADE, related_name="stages", verbose_name=_("sales cycle")
    )
    stage = models.PositiveIntegerField(_("stage"))
    description = models.CharField(_("description"), max_length=100, blank=True)
    completed_pct = models.DecimalField(
        _("completed %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    chances_of_success_pct = models.DecimalField(
        _("chances of success %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    quote_required = models.BooleanField(_("quote required"), default=False)
    allow_skip = models.BooleanField(_("allow skip"), default=False)

    class Meta:
        verbose_name = _("sales cycle stage")
        verbose_name_plural = _("sales cycle stages")
        ordering = ("sales_cycle", "stage")
        constraints = [
            models.UniqueConstraint(fields=("sales_cycle", "stage"), name="salescyclestage_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.sales_cycle_id} {self.stage}: {self.description}"


class Salutation(CodeModel):
    class Meta(CodeModel.Meta):
        verbose_name = _("salutation")
        verbose_name_plural = _("salutations")


class SalutationFormula(models.Model):
    """A greeting pattern with placeholders %1..%5, each mapped to a name part."""

    class SalutationType(models.TextChoices):
        FORMAL = "formal", _("Formal")
        INFORMAL = "informal", _("Informal")

    class NamePart(models.TextChoices):
        NONE = "", _("(none)")
        JOB_TITLE = "job_title", _("Job title")
        FIRST_NAME = "first_name", _("First name")
        MIDDLE_NAME = "middle_name", _("Middle name")
        SURNAME = "surname", _("Surname")
        INITIALS = "initials", _("Initials")
        COMPANY_NAME = "company_name", _("Company name")

    salutation = models.ForeignKey(
        Salutation, on_delete=models.CASCADE, related_name="formulas", verbose_name=_("salutation")
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("language"),
        help_text=_("Blank: any language."),
    )
    salutation_type = models.CharField(
        _("salutation type"), max_length=10, choices=SalutationType.choices
    )
    text = models.CharField(
        _("salutation"), max_length=50, help_text=_("For example: Dear Mr. %1 %2 %3,")
    )
    name_1 = models.CharField(
        _("name 1"), max_length=20, choices=NamePart.choices, blank=True, default=""
    )
    name_2 = models.CharField(
        _("name 2"), max_length=20, choices=NamePart.choices, blank=True, default=""
    )
    name_3 = models.CharField(
        _("name 3"), max_length=20, choices=NamePart.choices, blank=True, default=""
    )
    name_4 = models.CharField(
        _("name 4"), max_length=20, choices=NamePart.choices, blank=True, default=""
    )
    name_5 = models.CharField(
        _("name 5"), max_length=20, choices=NamePart.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("salutation formula")
        verbose_name_plural = _("salutation formulas")
        ordering = ("salutation", "language", "salutation_type")
        constraints = [
            models.UniqueConstraint(
                fields=("salutation", "language", "salutation_type"),
                name="salutationformula_unique",
            ),
            # One blank-language ("any language") formula per type. A partial index rather
            # than nulls_distinct=False, which SQLite cannot enforce.
            models.UniqueConstraint(
                fields=("salutation", "salutation_type"),
                condition=models.Q(language__isnull=True),
                name="salutationformula_unique_any_language",
                violation_error_message=_(
                    "This salutation already has a formula of this type for any language."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.salutation_id}/{self.language_id or '*'}/{self.salutation_type}: {self.text}"

    @property
    def name_parts(self) -> list[str]:
        return [self.name_1, self.name_2, self.name_3, self.name_4, self.name_5]


SEARCH_HIT_PCT_MESSAGE = _("Search Hit % must be between 1 and 100.")
# Constraint messages are %-formatted with the constraint name, so the "%" is escaped.
_SEARCH_HIT_PCT_CONSTRAINT_MESSAGE = lazy(
    lambda: str(SEARCH_HIT_PCT_MESSAGE).replace("%", "%%"), str
)()


def validate_search_hit_pct(value: int) -> None:
    """Search Hit % is a share of search-string lines: 1..100 (reference 1.2, Duplicates)."""
    if value is not None and not 1 <= value <= 100:
        raise ValidationError(SEARCH_HIT_PCT_MESSAGE, code="search_hit_pct")


class DuplicateMethod(models.TextChoices):
    """How possible duplicates are found on save, in autosearch and by default in searches."""

    OURS = "ours", _("Learned from your contacts (recommended)")
    REFERENCE = "reference", _("Matching search strings (Business Central)")


#: What Search Hit % means for each method (shown on the Marketing Setup page).
SEARCH_HIT_PCT_EXPLANATIONS = {
    DuplicateMethod.OURS: _(
        "Learned method: the lowest match probability, in percent, at which two contacts "
        "are listed as possible duplicates. The probability comes from weights learned "
        "from your own contacts and decisions; the higher the percentage, the stricter "
        "(100 lists only near-certain pairs, 10 also lists pairs that merely share a "
        "rare name). 60 keeps precision and recall high on our test files."
    ),
    DuplicateMethod.REFERENCE: _(
        "Search-string method: the share of the duplicate search string lines that must "
        "match exactly for two companies to be listed. With the 16 default lines, 60 "
        "means 10 matching strings. Companies with few fields filled in are rarely "
        "found at high percentages."
    ),
}


class CorrespondenceType(models.TextChoices):
    NONE = "", _("(none)")
    HARD_COPY = "hard_copy", _("Hard copy")
    EMAIL = "email", _("E-mail")
    FAX = "fax", _("Fax")


class SingletonModel(models.Model):
    """A table of exactly one row (id 1). Subclasses add a check constraint `id=1`
    in their Meta so the database refuses a second row whatever path writes it."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def get(cls) -> Self:
        """The row, created with the initial values when the table is empty. Read once
        per `versioning.setup_snapshot()` block (pages that only read)."""
        return snapshot_memo(("singleton", cls._meta.label), cls._read)

    @classmethod
    def _read(cls) -> Self:
        try:
            return cls.objects.get(pk=cls.SINGLETON_ID)
        except cls.DoesNotExist:
            try:
                with transaction.atomic():
                    return cls.objects.create(pk=cls.SINGLETON_ID)
            except IntegrityError:  # created meanwhile by another request
                return cls.objects.get(pk=cls.SINGLETON_ID)


class MarketingSetup(SingletonModel):
    """The one Marketing Setup row. Use `MarketingSetup.get()` to read it.

    The database allows only the row with id 1 (check constraint + primary key), so
    a second row cannot exist whatever path writes it.
    """

    # Inheritance: what persons copy from their company (sections 2.4 and 2.5).
    inherit_salesperson = models.BooleanField(_("inherit salesperson code"), default=True)
    inherit_territory = models.BooleanField(_("inherit territory code"), default=True)
    inherit_country = models.BooleanField(_("inherit country/region code"), default=True)
    inherit_language = models.BooleanField(_("inherit language code"), default=True)
    inherit_address = models.BooleanField(_("inherit address details"), default=True)
    inherit_communication = models.BooleanField(_("inherit communication details"), default=True)

    # Defaults for new contacts, filled only where the contact's field is blank.
    default_salesperson = models.ForeignKey(
        Salesperson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"blocked": False},
        related_name="+",
        verbose_name=_("default salesperson code"),
    )
    default_territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default territory code"),
    )
    default_country = CountryField(_("default country/region code"), blank=True)
    default_language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default language code"),
    )
    default_sales_cycle = models.ForeignKey(
        SalesCycle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default sales cycle code"),
    )

    # Interactions.
    default_correspondence_type = models.CharField(
        _("default correspondence type"),
        max_length=10,
        choices=CorrespondenceType.choices,
        blank=True,
        default="",
    )
    mergefield_language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merge field language"),
        help_text=_("Language for cover sheets and merge fields when a contact has none."),
    )

    # Synchronisation: a code set here switches on contact sync for that entity.
    bus_rel_code_for_customers = models.ForeignKey(
        BusinessRelation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bus. rel. code for customers"),
    )
    bus_rel_code_for_vendors = models.ForeignKey(
        BusinessRelation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bus. rel. code for vendors"),
    )
    bus_rel_code_for_bank_accounts = models.ForeignKey(
        BusinessRelation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bus. rel. code for bank accounts"),
    )

    # Numbering.
    contact_nos = models.ForeignKey(
        "numbering.NoSeries",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact nos."),
    )
    opportunity_nos = models.ForeignKey(
        "numbering.NoSeries",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opportunity nos."),
    )
    campaign_nos = models.ForeignKey(
        "numbering.NoSeries",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("campaign nos."),
    )
    segment_nos = models.ForeignKey(
        "numbering.NoSeries",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("segment nos."),
    )
    task_nos = models.ForeignKey(
        "numbering.NoSeries",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("task nos."),
    )

    # Duplicates (section 4).
    maintain_search_strings = models.BooleanField(
        _("maintain duplicate search strings"), default=True
    )
    autosearch_for_duplicates = models.BooleanField(_("autosearch for duplicates"), default=True)
    search_hit_pct = models.PositiveSmallIntegerField(
        _("search hit %"),
        default=60,
        validators=[validate_search_hit_pct],
        help_text=_(
            "How strict the duplicate search is, 1 to 100: the higher, the stricter. What it "
            "measures depends on the duplicate search method (see below)."
        ),
    )
    duplicate_search_method = models.CharField(
        _("duplicate search method"),
        max_length=10,
        choices=DuplicateMethod.choices,
        default=DuplicateMethod.OURS,
        help_text=_(
            "The method used when a contact is saved, in autosearch and by the duplicate "
            "search unless another is chosen there."
        ),
    )

    # Salutations for new contacts.
    default_company_salutation = models.ForeignKey(
        Salutation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("def. company salutation code"),
    )
    default_person_salutation = models.ForeignKey(
        Salutation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default person salutation code"),
    )

    objects = HistoryManager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("marketing setup")
        verbose_name_plural = _("marketing setup")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1),
                name="marketingsetup_singleton",
                violation_error_message=_("There can be only one Marketing Setup."),
            ),
            models.CheckConstraint(
                condition=models.Q(search_hit_pct__gte=1) & models.Q(search_hit_pct__lte=100),
                name="marketingsetup_search_hit_pct_range",
                violation_error_message=_SEARCH_HIT_PCT_CONSTRAINT_MESSAGE,
            ),
            models.CheckConstraint(
                condition=models.Q(autosearch_for_duplicates=False)
                | models.Q(maintain_search_strings=True),
                name="marketingsetup_autosearch_needs_maintain",
                violation_error_message=_(
                    "Autosearch for duplicates needs Maintain duplicate search strings."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Marketing Setup"))

    def clean(self) -> None:
        """Defaults must be usable: no blocked salesperson, no blocked sales cycle."""
        errors = {}
        if self.default_salesperson_id and self.default_salesperson.blocked:
            errors["default_salesperson"] = _(
                "Salesperson %(code)s is blocked and cannot be the default."
            ) % {"code": self.default_salesperson_id}
        if self.default_sales_cycle_id and self.default_sales_cycle.blocked:
            errors["default_sales_cycle"] = _(
                "Sales cycle %(code)s is blocked and cannot be the default."
            ) % {"code": self.default_sales_cycle_id}
        if errors:
            raise ValidationError(errors)
