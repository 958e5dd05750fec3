"""Duplicate contact management (reference document, section 4).

Search strings are kept per company (4.2) and maintained on save by
`duplicates/receivers.py` → `duplicates.services.contact_check_duplicates`.
Pairs are stored once, with the lower contact id first.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact


class SearchField(models.TextChoices):
    """Contact text fields a search-string line may use."""

    NAME = "name", _("Name")
    NAME_2 = "name_2", _("Name 2")
    SEARCH_NAME = "search_name", _("Search name")
    ADDRESS = "address", _("Address")
    ADDRESS_2 = "address_2", _("Address 2")
    CITY = "city", _("City")
    POST_CODE = "post_code", _("Post code")
    COUNTY = "county", _("County")
    PHONE_NO = "phone_no", _("Phone no.")
    MOBILE_PHONE_NO = "mobile_phone_no", _("Mobile phone no.")
    FAX_NO = "fax_no", _("Fax no.")
    EMAIL = "email", _("E-mail")
    HOME_PAGE = "home_page", _("Home page")
    VAT_REGISTRATION_NO = "vat_registration_no", _("VAT registration no.")


class Part(models.TextChoices):
    FIRST = "first", _("First")
    LAST = "last", _("Last")


class DuplicateSearchStringSetup(models.Model):
    """One line of the duplicate search-string setup (4.1)."""

    field = models.CharField(_("field"), max_length=30, choices=SearchField.choices)
    part = models.CharField(_("part of field"), max_length=5, choices=Part.choices)
    length = models.PositiveSmallIntegerField(
        _("length"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text=_("Number of characters taken from the field, 2 to 10."),
    )

    class Meta:
        verbose_name = _("duplicate search string setup")
        verbose_name_plural = _("duplicate search string setup")
        ordering = ("field", "part")
        constraints = [
            models.UniqueConstraint(fields=("field", "part"), name="dupl_setup_field_part_unique"),
            models.CheckConstraint(
                condition=models.Q(length__gte=2) & models.Q(length__lte=10),
                name="dupl_setup_length_range",
                violation_error_message=_("The length must be between 2 and 10."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()} ({self.get_part_display()}, {self.length})"

    @property
    def line(self) -> tuple[str, str, int]:
        return (self.field, self.part, self.length)


class ContactSearchString(models.Model):
    """A company's search string for one setup line (4.2)."""

    # No index of its own: the unique (contact, field, part) index leads with it and
    # serves every lookup by contact (a second one only cost the bulk writes, 15.5).
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        related_name="duplicate_search_strings",
        verbose_name=_("contact"),
        db_index=False,
    )
    field = models.CharField(_("field"), max_length=30, choices=SearchField.choices)
    part = models.CharField(_("part of field"), max_length=5, choices=Part.choices)
    string = models.CharField(_("search string"), max_length=10)

    class Meta:
        verbose_name = _("contact search string")
        verbose_name_plural = _("contact search strings")
        # No default ordering: the hot lookups must not join and sort contacts.
        constraints = [
            models.UniqueConstraint(
                fields=("contact", "field", "part"), name="dupl_string_contact_line_unique"
            ),
        ]
        indexes = [models.Index(fields=("field", "part", "string"), name="dupl_string_lookup")]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.field}/{self.part}: {self.string}"


class ContactMatchKey(models.Model):
    """A blocking key of a company for our matching (normalised VAT, phone, name in town...)."""

    # No index of its own: the unique (contact, key) index leads with it (see above).
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        related_name="duplicate_match_keys",
        verbose_name=_("contact"),
        db_index=False,
    )
    key = models.CharField(_("key"), max_length=120)

    class Meta:
        verbose_name = _("contact match key")
        verbose_name_plural = _("contact match keys")
        constraints = [
            models.UniqueConstraint(fields=("contact", "key"), name="dupl_key_contact_key_unique"),
        ]
        # The key and its holder: the lookups by key (a save's candidates and the
        # keys' counts) read the index only, never the table.
        indexes = [models.Index(fields=("key", "contact"), name="dupl_key_holder")]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.key}"


class ContactMatchProfile(models.Model):
    """A company's normalised values for our matching, made once (`matching.Profile`).

    A cache beside the search strings and keys, kept by the same paths: the full
    search uses it only while the company's values still have `fingerprint`, and
    makes the profile again otherwise.
    """

    contact = models.OneToOneField(
        Contact,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="duplicate_match_profile",
        verbose_name=_("contact"),
    )
    fingerprint = models.BigIntegerField(_("fingerprint"))
    data = models.TextField(_("profile"))

    class Meta:
        verbose_name = _("contact match profile")
        verbose_name_plural = _("contact match profiles")

    def __str__(self) -> str:
        return str(self.contact_id)


class ContactDuplicateQuerySet(models.QuerySet):
    def open(self):
        """Pairs not marked as separate contacts."""
        return self.filter(separate_contacts=False)

    def involving(self, contact):
        return self.filter(models.Q(contact=contact) | models.Q(duplicate=contact))


class ContactDuplicate(models.Model):
    """A possible duplicate pair (4.7), stored once: contact_id < duplicate_id."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", verbose_name=_("contact")
    )
    duplicate = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", verbose_name=_("duplicate contact")
    )
    no_of_matching_strings = models.PositiveSmallIntegerField(
        _("no. of matching strings"), default=0
    )
    score = models.PositiveSmallIntegerField(
        _("score"), default=0, help_text=_("Similarity of the two contacts, 0 to 100.")
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    kind = models.CharField(
        _("type"), max_length=10, choices=Contact.Type.choices, default=Contact.Type.COMPANY
    )
    separate_contacts = models.BooleanField(
        _("separate contacts"),
        default=False,
        help_text=_(
            "Not duplicates: the pair is kept through rebuilds and not shown as a warning."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ContactDuplicateQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact duplicate")
        verbose_name_plural = _("contact duplicates")
        ordering = ("-score", "contact_id", "duplicate_id")
        constraints = [
            models.UniqueConstraint(fields=("contact", "duplicate"), name="dupl_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(contact__lt=models.F("duplicate")),
                name="dupl_pair_ordered",
                violation_error_message=_("A pair is stored with the lower contact first."),
            ),
        ]
        indexes = [
            models.Index(fields=("duplicate", "contact"), name="dupl_pair_reverse"),
            # The list pages by score with the id as tiebreak (keyset, either way round):
            # the page is read off the index, then its contacts are fetched
            # (duplicates.selectors.duplicate_list, with_contacts).
            models.Index(fields=("kind", "-score", "-id"), name="dupl_pair_score_id"),
            models.Index(
                fields=("kind", "separate_contacts", "-score", "-id"),
                name="dupl_pair_open_score_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} ~ {self.duplicate_id} ({self.score})"

    def other(self, contact) -> Contact:
        """The contact of the pair that is not `contact`."""
        return self.duplicate if contact.pk == self.contact_id else self.contact


class ContactMerge(models.Model):
    """What a merge did: the kept contact, the merged one's values and the rows moved."""

    kept_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        related_name="duplicate_merges",
        verbose_name=_("kept contact"),
    )
    kept_contact_no = models.CharField(_("kept contact no."), max_length=20)
    merged_contact_no = models.CharField(_("merged contact no."), max_length=20)
    merged_values = models.JSONField(_("merged contact's values"), default=dict)
    kept_values = models.JSONField(
        _("kept contact's values before the merge"), default=dict, blank=True
    )
    field_choices = models.JSONField(_("fields taken from the merged contact"), default=dict)
    moved_rows = models.JSONField(_("moved rows"), default=dict)
    dropped_rows = models.JSONField(_("dropped rows"), default=list, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )

    class Meta:
        verbose_name = _("contact merge")
        verbose_name_plural = _("contact merges")
        ordering = ("-merged_at",)

    def __str__(self) -> str:
        return f"{self.merged_contact_no} → {self.kept_contact_no}"

    def get_absolute_url(self) -> str:
        return reverse("duplicates:merge_record", kwargs={"pk": self.pk})


class MatchModel(models.Model):
    """A learned duplicate model (weights of our method), stored with its date.

    The newest row is the one in use; older rows are kept as the record of how the
    weights changed. `parameters` is `duplicates.linkage.Model.to_json()`.
    """

    created_at = models.DateTimeField(_("estimated at"), auto_now_add=True)
    companies = models.PositiveIntegerField(_("companies"), default=0)
    candidate_pairs = models.PositiveIntegerField(_("candidate pairs"), default=0)
    labelled_pairs = models.PositiveIntegerField(_("decisions used"), default=0)
    estimated = models.BooleanField(
        _("learned from the data"),
        default=False,
        help_text=_("Off: the defaults for small installations are in use."),
    )
    parameters = models.JSONField(_("parameters"), default=dict)

    class Meta:
        verbose_name = _("duplicate model")
        verbose_name_plural = _("duplicate models")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({self.companies})"


class PairDecision(models.Model):
    """A user's decision on a pair: one company (a merge, a "same" answer) or two.

    Kept by contact no. and with the pair's comparison levels at the time, so the
    decision still teaches the model after the merged contact is gone.
    """

    class Source(models.TextChoices):
        MERGE = "merge", _("Merge")
        SEPARATE = "separate", _("Separate contacts")
        REVIEW = "review", _("Review answer")

    contact_no = models.CharField(_("contact no."), max_length=20)
    duplicate_no = models.CharField(_("duplicate contact no."), max_length=20)
    same = models.BooleanField(_("same company"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    levels = models.JSONField(_("comparison levels"), default=list)
    shares = models.JSONField(_("value frequencies"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")
        ordering = ("-decided_at", "-id")
        indexes = [models.Index(fields=("contact_no", "duplicate_no"), name="dupl_decision_pair")]

    def __str__(self) -> str:
        verdict = _("same") if self.same else _("different")
        return f"{self.contact_no} ~ {self.duplicate_no}: {verdict}"


class ReviewQuestion(models.Model):
    """A candidate pair the model is least sure of, for the user to answer (active learning)."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", verbose_name=_("contact")
    )
    duplicate = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", verbose_name=_("duplicate contact")
    )
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("review question")
        verbose_name_plural = _("review questions")
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=("contact", "duplicate"), name="dupl_question_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} ? {self.duplicate_id} ({self.score})"
