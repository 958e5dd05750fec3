"""Contacts: companies and persons in one model (reference document, section 2).

A company has `company = None`; a person points at its company, or has none
(independent person). Saving a company pushes its inheritable fields to its
persons: see `contacts/inheritance.py` and `contacts/signals.py`.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from marketing_setup.models import CorrespondenceType, Language, Salesperson, Salutation, Territory


class Contact(models.Model):
    class Type(models.TextChoices):
        COMPANY = "company", _("Company")
        PERSON = "person", _("Person")

    no = models.CharField(
        _("no."),
        max_length=20,
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

    phone_no = models.CharField(_("phone no."), max_length=30, blank=True)
    mobile_phone_no = models.CharField(_("mobile phone no."), max_length=30, blank=True)
    fax_no = models.CharField(_("fax no."), max_length=30, blank=True)
    telex_answer_back = models.CharField(_("telex answer back"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), max_length=80, blank=True)
    home_page = models.CharField(_("home page"), max_length=255, blank=True)
    correspondence_type = models.CharField(
        _("correspondence type"),
        max_length=10,
        choices=CorrespondenceType.choices,
        blank=True,
        default="",
    )

    salesperson = models.ForeignKey(
        Salesperson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("salesperson"),
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("territory")
    )
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("language")
    )
    salutation = models.ForeignKey(
        Salutation, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("salutation")
    )
    vat_registration_no = models.CharField(_("VAT registration no."), max_length=20, blank=True)

    no_series = models.CharField(_("no. series"), max_length=20, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ("no",)
        indexes = [
            models.Index(fields=("type", "no"), name="contact_type_no"),
            models.Index(fields=("search_name",), name="contact_search_name"),
            models.Index(Upper("name"), name="contact_upper_name"),
            models.Index(fields=("city",), name="contact_city"),
            models.Index(fields=("post_code",), name="contact_post_code"),
            models.Index(fields=("phone_no",), name="contact_phone_no"),
            models.Index(fields=("email",), name="contact_email"),
            models.Index(fields=("vat_registration_no",), name="contact_vat_no"),
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
