"""Contacts: companies and persons in one model (reference document, section 2).

A company has `company = None`; a person points at its company, or has none
(independent person). Saving a company pushes its inheritable fields to its
persons: see `contacts/inheritance.py` and `contacts/receivers.py`.

Every save path gets the insert rules (number, names, inheritance, defaults): the
services in `contacts/services.py` apply them explicitly, and a pre_save receiver
applies them to plain ORM saves (`Contact.objects.create(...)`). Bulk paths
(`bulk_create`, `update`) fire no signals and call the same functions themselves
(`contacts/importing.py`, `contacts.services.company_bulk_update`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from contacts import places, searchkeys
from contacts.emails import validate_email_list
from contacts.indexes import PrefixIndex
from history.queryset import HistoryQuerySet
from marketing_setup.models import CorrespondenceType, Language, Salesperson, Salutation, Territory
from numbering.fields import NumberField
from numbering.records import SaveNeverReinserts


def validate_no_letters(value: str) -> None:
    """Phone and fax numbers must not contain letters (reference 2.1)."""
    if any(ch.isalpha() for ch in value):
        raise ValidationError(
            _("%(value)s must not contain letters."), code="letters", params={"value": value}
        )


# A person's personal data: what an anonymisation erases (its logged values too).
PERSONAL_FIELDS = (
    "name",
    "name_2",
    "search_name",
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
    "phone_no",
    "mobile_phone_no",
    "fax_no",
    "telex_answer_back",
    "email",
    "home_page",
    "vat_registration_no",
)


class ContactQuerySet(HistoryQuerySet):
    """Contacts' queries; a HistoryQuerySet, so update() and bulk_create() are logged.
    Both also keep the contacts' place rows (ContactPlace, contacts/places.py)."""

    def update(self, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            after = places.before_update(self, kwargs)
            count = super().update(**kwargs)
            after()
            return count

    update.alters_data = True

    def update_known(self, old: dict, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            after = places.before_update(self, kwargs)
            count = super().update_known(old, **kwargs)
            after()
            return count

    update_known.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            missing = [obj.no for obj in created if obj.pk is None]
            if missing:  # ignore_conflicts: no keys came back
                pks = dict(self.model._base_manager.filter(no__in=missing).values_list("no", "pk"))
                for obj in created:
                    obj.pk = obj.pk or pks.get(obj.no)
            places.places_insert([obj for obj in created if obj.pk], using=self.db)
            return created

    bulk_create.alters_data = True


class Contact(SaveNeverReinserts, models.Model):
    class Type(models.TextChoices):
        COMPANY = "company", _("Company")
        PERSON = "person", _("Person")

    no = NumberField(
        _("no."),
        unique=True,
        blank=True,
        help_text=_("Leave blank to take the next number from the contact number series."),
    )
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.COMPANY)
    name = models.CharField(_("name"), max_length=100, blank=True)
    name_2 = models.CharField(_("name 2"), max_length=50, blank=True)
    search_name = models.CharField(_("search name"), max_length=100, blank=True)
    company = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="persons",
        limit_choices_to={"type": "company"},
        verbose_name=_("company"),
        db_index=False,  # contact_company_no leads with it
    )
    first_name = models.CharField(_("first name"), max_length=30, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=30, blank=True)
    surname = models.CharField(_("surname"), max_length=30, blank=True)
    initials = models.CharField(_("initials"), max_length=30, blank=True)
    job_title = models.CharField(_("job title"), max_length=30, blank=True)

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
    correspondence_type = models.CharField(
        _("correspondence type"),
        max_length=10,
        choices=CorrespondenceType.choices,
        blank=True,
        default="",
    )

    # db_index=False: the Meta indexes cover these keys (see there).
    salesperson = models.ForeignKey(
        Salesperson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("salesperson"),
        db_index=False,
    )
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("territory"),
        db_index=False,
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("language"),
        db_index=False,
    )
    salutation = models.ForeignKey(
        Salutation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("salutation"),
        db_index=False,
    )
    vat_registration_no = models.CharField(_("VAT registration no."), max_length=20, blank=True)
    privacy_blocked = models.BooleanField(
        _("privacy blocked"),
        default=False,
        help_text=_(
            "No new interactions, opportunities or business relations, and left out of "
            "exports (the data subject asked for it)."
        ),
    )

    no_series = models.CharField(_("no. series"), max_length=20, blank=True, editable=False)
    # Search keys (contacts/searchkeys.py), kept by every write path beside the values
    # they are made from, so the list finds what people type from an index.
    name_key = models.CharField(_("name key"), max_length=100, blank=True, editable=False)
    phone_key = models.CharField(_("phone key"), max_length=30, blank=True, editable=False)
    mobile_key = models.CharField(_("mobile phone key"), max_length=30, blank=True, editable=False)
    email_domain = models.CharField(_("e-mail domain"), max_length=80, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ("no",)
        # The delete collector and related managers use the base manager: it must log.
        base_manager_name = "objects"
        # Each index serves a query of ours (EXPLAIN in benchmarks/contacts.py, which lists
        # them): every index costs each write that is not a HOT update, e.g. a company
        # change reaching its persons. On PostgreSQL the table keeps half of each page
        # free (fillfactor 50, migration 0013), so a change of columns no index holds is
        # HOT; any index naming a column makes its change non-HOT, partial ones too (the
        # predicate's and the expression's columns count). Foreign keys are indexed by
        # the (fk, no) indexes that lead with them, or by a plain one (no LIKE-only twin).
        # The city and post code are sorted and searched in ContactPlace (contacts/
        # places.py), so a company's move reaches its persons as HOT updates.
        indexes = [
            models.Index(fields=("type", "no"), name="contact_type_no"),
            # Blocked contacts only (few): the list says how many of its contacts an
            # export leaves out. A row that is not blocked is never in it, so it costs
            # writes nothing (a propagation to 10,000 persons does not touch it).
            models.Index(
                fields=("id",),
                condition=models.Q(privacy_blocked=True),
                name="contact_privacy_blocked",
            ),
            # Staff list (contacts/selectors.py): case-insensitive prefix search and
            # filter + keyset pagination by no. without sorting the filtered set.
            PrefixIndex(fields=("search_name",), name="contact_search_name"),
            PrefixIndex(Upper("email"), name="contact_upper_email", pattern_ops="text_pattern_ops"),
            models.Index(fields=("territory", "no"), name="contact_territory_no"),
            models.Index(fields=("salesperson", "no"), name="contact_salesperson_no"),
            models.Index(fields=("country", "no"), name="contact_country_no"),
            models.Index(fields=("company", "no"), name="contact_company_no"),
            # Search keys (contacts/selectors.py): the name sorts the list and pages it by
            # (name_key, no); each key answers a prefix search as a range on its index.
            models.Index(fields=("name_key", "no"), name="contact_name_key_no"),
            models.Index(fields=("phone_key",), name="contact_phone_key"),
            models.Index(fields=("mobile_key",), name="contact_mobile_key"),
            models.Index(fields=("email_domain",), name="contact_email_domain"),
            # Deleting a language or salutation looks for the contacts that use it (PROTECT).
            models.Index(fields=("language",), name="contact_language"),
            models.Index(fields=("salutation",), name="contact_salutation"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type="person") | models.Q(company__isnull=True),
                name="contact_company_has_no_company",
                violation_error_message=_("A company cannot belong to another company."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.no} {self.name}".strip()

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and searchkeys.SOURCE_FIELDS.intersection(update_fields):
            # The search keys were made from the values being saved (pre_save): save them too.
            kwargs["update_fields"] = {*update_fields, *searchkeys.KEY_FIELDS}
        # Only opens a transaction: a new contact's number is drawn by the pre_save
        # receiver (contacts.receivers) and must be drawn in the transaction that inserts
        # the row (numbering.services.series_draw refuses to run outside one). Inside
        # a request (ATOMIC_REQUESTS) or a service this is just a savepoint.
        if not self._state.adding:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            return super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        parts = (self.first_name, self.middle_name, self.surname)
        if not (self.name or "").strip() and not any((p or "").strip() for p in parts):
            errors["name"] = _("Enter a name.")
        if self.company_id and self.is_company:
            errors["company"] = _("A company cannot belong to another company.")
        if self.company_id and self.pk and self.company_id == self.pk:
            errors["company"] = _("A contact cannot be its own company.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_company(self) -> bool:
        return self.type == self.Type.COMPANY

    @property
    def is_person(self) -> bool:
        return self.type == self.Type.PERSON

    @property
    def company_name(self) -> str:
        """The company's name for a person, the own name for a company."""
        if self.is_company:
            return self.name
        return self.company.name if self.company_id else ""


class ContactPlace(models.Model):
    """A contact's city (as its key) and post code as the contact list sorts and searches
    them, with its no. for paging; kept by every write path (contacts/places.py)."""

    contact = models.OneToOneField(
        Contact,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="place",
        verbose_name=_("contact"),
    )
    no = models.CharField(_("no."), max_length=20)
    city_key = models.CharField(_("city key"), max_length=places.CITY_KEY_LENGTH, blank=True)
    post_code = models.CharField(_("post code"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("contact place")
        verbose_name_plural = _("contact places")
        indexes = [
            # The list sorted by city, paged by (city key, no.); the city search is a
            # range on it (keys are folded ASCII).
            models.Index(fields=("city_key", "no"), name="contact_place_city_no"),
            # The list's post code prefix search.
            PrefixIndex(fields=("post_code",), name="contact_place_post_code"),
        ]

    def __str__(self) -> str:
        return f"{self.no} {self.city_key} {self.post_code}".strip()


class ImportUpload(models.Model):
    """An uploaded contact file kept in the database until its import job ran, so the
    worker that runs the job may be on any machine (the web machine's temporary folder
    is not shared). The bytes are in `ImportUploadChunk` rows; `contacts.uploads` stores,
    reads and removes them (when the job ends, or after a day)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("import upload")
        verbose_name_plural = _("import uploads")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name or str(self.pk)


class ImportUploadChunk(models.Model):
    """One piece (at most `contacts.uploads.CHUNK_BYTES`) of an upload's bytes."""

    upload = models.ForeignKey(
        ImportUpload, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("upload")
    )
    index = models.PositiveIntegerField(_("index"))
    data = models.BinaryField(_("data"))

    class Meta:
        verbose_name = _("import upload chunk")
        verbose_name_plural = _("import upload chunks")
        constraints = [
            models.UniqueConstraint(fields=["upload", "index"], name="contacts_upload_chunk_index")
        ]

    def __str__(self) -> str:
        return f"{self.upload_id}/{self.index}"
