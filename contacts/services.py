"""Writing contacts: create, update, move, change type, delete (reference document, section 2).

Insert rules (2.3) in the order the reference applies them:
1. Names: a person's first/middle/surname compose the Name, or a typed Name is split;
   the search name follows the Name (2.10).
2. Inheritance: a person created under a company copies its fields (2.4), so the
   company's values win over the setup's defaults. A value typed on the new person is
   kept (better than the reference, which overwrites salesperson, territory,
   country/region and language; it also makes an export re-import faithfully).
3. Defaults: salesperson, territory, country/region, language, correspondence type and
   the salutation for the contact's type, each only where still blank.
4. Number: drawn from the Marketing Setup's Contact Nos. when blank, in the transaction
   that inserts the row; a typed number only where the series allows manual numbers.

The same functions run for every save path: the services call them explicitly, the
pre_save receiver (contacts/receivers.py) calls `contact_before_save` for plain ORM
saves, and bulk paths (contacts/importing.py) call them per row before bulk_create.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts import inheritance, names, places, searchkeys
from contacts.emails import normalise_email_list
from contacts.models import Contact
from contacts.signals import contacts_bulk_updated, person_company_changed
from history import context as history
from history.models import Cause
from marketing_setup.models import MarketingSetup
from marketing_setup.services import user_salesperson
from numbering.codes import normalise_number, validate_number
from numbering.records import RecordGone, record_lock
from numbering.services import (
    NumberSeriesError,
    series_check_manual,
    series_check_related,
    series_draw,
)

# Flags upper apps set on their models (contacts never imports them).
BLOCKS_TYPE_CHANGE_FLAG = "BLOCKS_CONTACT_TYPE_CHANGE"
BLOCKS_DELETE_FLAG = "BLOCKS_CONTACT_DELETE"
# Rows of models with this flag move to the person's company when the person is deleted.
MOVES_TO_COMPANY_FLAG = "CONTACT_DELETE_MOVES_TO_COMPANY"

NAME_FIELDS = ("name", "first_name", "middle_name", "surname", "search_name")
_PREPARE_FIELDS = {
    *NAME_FIELDS,
    "type",
    "company",
    "company_id",
    "correspondence_type",
    "vat_registration_no",
    *inheritance.INHERITED_FIELDS,
    *(inheritance.attname(f) for f in inheritance.INHERITED_FIELDS),
}
_OLD_ROW_FIELDS = (
    "no",
    "type",
    "company_id",
    "correspondence_type",
    *NAME_FIELDS,
    *(inheritance.attname(f) for f in inheritance.INHERITED_FIELDS),
)


# --- the rules, applied in memory --------------------------------------------------


def contact_apply_defaults(contact: Contact, setup: MarketingSetup, *, user=None) -> None:
    """Fill the setup's defaults into the fields that are still blank (2.3 step 2). The
    salesperson is the creating user's from User Setup, else the setup's default
    (blocked salespeople are never filled in)."""
    if not contact.salesperson_id:
        own = user_salesperson(user)
        if own is not None:
            contact.salesperson_id = own.pk
        elif setup.default_salesperson_id and not setup.default_salesperson.blocked:
            contact.salesperson_id = setup.default_salesperson_id
    if not contact.territory_id and setup.default_territory_id:
        contact.territory_id = setup.default_territory_id
    if not contact.country and setup.default_country:
        contact.country = setup.default_country
    if not contact.language_id and setup.default_language_id:
        contact.language_id = setup.default_language_id
    if not contact.correspondence_type and setup.default_correspondence_type:
        contact.correspondence_type = setup.default_correspondence_type
    if not contact.salutation_id:
        default = (
            setup.default_company_salutation_id
            if contact.is_company
            else setup.default_person_salutation_id
        )
        if default:
            contact.salutation_id = default


PERSON_ONLY_FIELDS = ("first_name", "middle_name", "surname", "job_title")


def contact_clear_person_fields(contact: Contact) -> None:
    """A company has no first/middle/surname or job title (2.2, the type normalisation
    of 2.7 that the reference runs on every insert)."""
    if contact.is_company:
        for field in PERSON_ONLY_FIELDS:
            setattr(contact, field, "")


def _sync_names(contact: Contact, old: dict[str, Any] | None) -> None:
    values = {f: getattr(contact, f) or "" for f in NAME_FIELDS}
    old_names = {f: old[f] or "" for f in NAME_FIELDS} if old else None
    for field, value in names.sync_names(
        values, is_person=contact.is_person, old=old_names
    ).items():
        setattr(contact, field, value)


def _old_row(contact: Contact) -> dict[str, Any] | None:
    if contact._state.adding or not contact.pk:
        return None
    return Contact.objects.filter(pk=contact.pk).values(*_OLD_ROW_FIELDS).first()


def contact_prepare(contact: Contact, *, setup: MarketingSetup | None = None, user=None) -> None:
    """Apply names, inheritance and defaults to a contact about to be saved (in memory).

    New contact: names, inheritance from its company (typed values kept), defaults.
    Existing person whose company changed: inheritance from the new company with the
    2.4 rules (stale address, communication fields equal to the previous company's);
    fields changed in this same save are kept. Existing company: remembers its stored
    inheritable values so the save can push changes to its persons (post_save).
    """
    setup = setup or MarketingSetup.get()
    old = _old_row(contact)
    if old is None and not contact._state.adding:
        # Merged or deleted since it was loaded: an edit never brings it back (13.1).
        raise RecordGone(contact)
    places.remember(contact, old)
    contact_clear_person_fields(contact)
    _sync_names(contact, old)
    if old is None:
        # No. is a code (upper-case, 2.1): "ab1" typed is stored as AB1, as every
        # lookup by number (the card's company field, the list filter) upper-cases.
        contact.no = normalise_number(contact.no)
    contact.vat_registration_no = (contact.vat_registration_no or "").strip().upper()
    contact.email = normalise_email_list(contact.email)
    contact._contacts_push_old_values = None
    contact._contacts_company_move = None
    if old is None:
        if contact.is_person and contact.company_id:
            keep = [
                f
                for f in inheritance.UNCONDITIONAL_FIELDS
                if inheritance.raw_value(contact, f) not in (None, "")
            ]
            inheritance.fill_from_company(contact, contact.company, None, setup, keep=keep)
        contact_apply_defaults(contact, setup, user=user)
    else:
        if contact.is_person and contact.company_id != old["company_id"]:
            contact._contacts_company_move = (old["company_id"], contact.company_id)
        if contact.is_person and contact.company_id and contact.company_id != old["company_id"]:
            keep = [
                f
                for f in (*inheritance.INHERITED_FIELDS, "correspondence_type")
                if inheritance.raw_value(contact, f) != _old_value(old, f)
            ]
            previous = (
                Contact.objects.filter(pk=old["company_id"]).first() if old["company_id"] else None
            )
            inheritance.fill_from_company(contact, contact.company, previous, setup, keep=keep)
        if contact.is_company and old["type"] == Contact.Type.COMPANY:
            contact._contacts_push_old_values = {
                f: _old_value(old, f) for f in inheritance.INHERITED_FIELDS
            }
    searchkeys.apply_search_keys(contact)
    contact._contacts_setup = setup
    contact._contacts_prepared = True


def _old_value(old: dict[str, Any], field: str) -> Any:
    value = old[inheritance.attname(field)]
    return "" if value is None and field not in ("salesperson", "territory", "language") else value


def contact_check_manual_no(contact: Contact, setup: MarketingSetup) -> None:
    """A typed number is allowed only when Contact Nos. is blank or allows manual nos."""
    try:
        series_check_manual(setup.contact_nos_id or "")
    except NumberSeriesError as error:
        raise ValidationError({"no": error.messages}) from None


def contact_manual_no_allowed(setup: MarketingSetup | None = None) -> bool:
    """Whether a new contact's number may be typed (5.6): Contact Nos. is blank or
    allows manual numbers. The pages leave the No. field out otherwise."""
    setup = setup or MarketingSetup.get()
    try:
        series_check_manual(setup.contact_nos_id or "")
    except (NumberSeriesError, ValidationError):
        return False
    return True


def contact_check_new_no(contact: Contact, setup: MarketingSetup) -> None:
    """Before inserting: a typed number must be allowed, a blank one needs Contact Nos.
    (or a series related to it that the user chose, 5.5)."""
    if contact.no:
        contact_check_manual_no(contact, setup)
    elif not setup.contact_nos_id:
        raise ValidationError(
            {"no": _("Contact Nos. must have a value in Marketing Setup.")}, code="no_series"
        )
    elif contact.no_series:
        contact_series_for_new(contact, setup)


def contact_series_for_new(contact: Contact, setup: MarketingSetup) -> str:
    """The series a new contact with a blank number draws from: the one the user chose
    in `contact.no_series` when it is Contact Nos. or related to it (5.5), else Contact
    Nos. A chosen series that is not related is refused (key "no_series")."""
    if not contact.no_series:
        return setup.contact_nos_id or ""
    try:
        return series_check_related(setup.contact_nos_id or "", contact.no_series)
    except NumberSeriesError as error:
        raise ValidationError({"no_series": error.messages}) from None


def contact_assign_number(contact: Contact, setup: MarketingSetup) -> None:
    """Give a new contact its number (5.6); must run in the inserting transaction.

    A blank number is drawn from Contact Nos., skipping numbers already typed by hand
    on other contacts; a typed one is checked against the series' Manual Nos.
    """
    if contact.no:
        # Plain ORM saves skip full_clean: the number rule still holds (numbering/codes.py).
        try:
            validate_number(contact.no)
        except ValidationError as error:
            raise ValidationError({"no": error.messages}, code="invalid_number") from None
        contact_check_manual_no(contact, setup)
        contact.no_series = ""
        return
    if not setup.contact_nos_id:
        raise ValidationError(
            {"no": _("Contact Nos. must have a value in Marketing Setup.")}, code="no_series"
        )
    code = contact_series_for_new(contact, setup)
    try:
        number = series_draw(code).number
        while Contact.objects.filter(no=number).exists():
            number = series_draw(code).number
    except NumberSeriesError as error:
        raise ValidationError({"no": error.messages}) from None
    contact.no = number
    contact.no_series = code


# --- the save hooks (called by contacts/receivers.py) --------------------------------


def contact_before_save(contact: Contact, *, update_fields=None) -> None:
    """pre_save: the insert/modify rules for any save path not already prepared."""
    if update_fields is not None and not _PREPARE_FIELDS.intersection(update_fields):
        contact._contacts_push_old_values = None
        contact._contacts_setup = None  # this save read none (see contact_save_setup)
        return
    if not getattr(contact, "_contacts_prepared", False):
        contact_prepare(contact)
    if contact._state.adding:
        contact_assign_number(contact, contact._contacts_setup)


def contact_save_setup(contact: Contact) -> MarketingSetup | None:
    """The Marketing Setup the rules of the contact's save read (None when the save
    prepared nothing): for post_save receivers of upper apps, which then need not read
    it again (one statement fewer per save)."""
    return getattr(contact, "_contacts_setup", None)


def contact_after_save(contact: Contact) -> None:
    """post_save: push a company's changed inheritable fields to its persons; tell
    upper apps when a person moved to another company (they re-home its history, 2.4)."""
    old_values = getattr(contact, "_contacts_push_old_values", None)
    move = getattr(contact, "_contacts_company_move", None)
    setup = getattr(contact, "_contacts_setup", None)
    contact._contacts_prepared = False
    contact._contacts_push_old_values = None
    contact._contacts_company_move = None
    if old_values:
        # The persons follow through one UPDATE per field (no save signals): upper apps
        # learn which ones changed, as from the bulk path (2.5: "saved through the same
        # modify logic").
        affected: list[int] = []
        with history.via(contact):  # logged as following this company
            inheritance.push_company_fields(contact, old_values, setup=setup, affected=affected)
        if affected:
            # persons_only: upper apps that keep data for companies only skip the ids.
            contacts_bulk_updated.send(sender=Contact, contact_ids=affected, persons_only=True)
    if move:
        person_company_changed.send(
            sender=Contact, person=contact, old_company_id=move[0], new_company_id=move[1]
        )


# --- services -----------------------------------------------------------------------


@transaction.atomic
def contact_save(*, contact: Contact, setup: MarketingSetup | None = None, user=None) -> Contact:
    """Validate and save a new or changed contact with all the rules (see module doc).

    A stored contact's row is locked first, so a concurrent merge or delete waits for
    this save or wins before it; RecordGone when it is gone (never a re-insert).
    """
    setup = setup or MarketingSetup.get()
    if not contact._state.adding:
        record_lock(contact)
    _refuse_newly_blocked_salesperson(contact)
    contact_prepare(contact, setup=setup, user=user)
    if contact._state.adding:
        contact_check_new_no(contact, setup)
    try:
        contact.full_clean()
    except ValidationError:
        contact._contacts_prepared = False
        raise
    contact.save()
    return contact


def _refuse_newly_blocked_salesperson(contact: Contact) -> None:
    """A blocked salesperson cannot be given to a contact (the forms do not offer one;
    this holds for the API, the admin and scripts too). A contact keeps the blocked
    salesperson it already has, and a person may still inherit its company's."""
    if not contact.salesperson_id or not contact.salesperson.blocked:
        return
    if not contact._state.adding:
        stored = Contact.objects.filter(pk=contact.pk).values_list("salesperson_id", flat=True)
        if stored.first() == contact.salesperson_id:
            return
    message = _("Salesperson %(code)s is blocked and cannot be used.") % {
        "code": contact.salesperson_id
    }
    raise ValidationError({"salesperson": ValidationError(message, code="blocked")})


def _assign(contact: Contact, data: dict[str, Any]) -> None:
    for key, value in data.items():
        field = key.removesuffix("_id")
        try:
            Contact._meta.get_field(field)
        except Exception:
            raise ValidationError(
                _("Unknown contact field: %(field)s."), params={"field": key}
            ) from None
        setattr(contact, key, "" if value is None and key in _TEXT_FIELDS else value)


_TEXT_FIELDS = {
    f.name
    for f in Contact._meta.get_fields()
    if getattr(f, "get_internal_type", None) and f.get_internal_type() == "CharField"
}


def contact_create(*, data: dict[str, Any], user=None) -> Contact:
    """Create a contact from field values: numbering, names, inheritance, defaults.

    `user` (the creating user): their salesperson from User Setup comes before the
    setup's default salesperson (2.3 step 2).
    """
    contact = Contact()
    _assign(contact, data)
    return contact_save(contact=contact, user=user)


def contact_refuse_if_privacy_blocked(contact: Contact | None, *, what: str) -> None:
    """Refuse a new `what` (interaction, opportunity, business relation) for a privacy
    blocked contact, saying why (Business Central's Privacy Blocked)."""
    if contact is not None and contact.privacy_blocked:
        raise ValidationError(
            _(
                "Contact %(no)s is privacy blocked: no new %(what)s can be made for it. "
                "Clear Privacy Blocked on the contact first."
            )
            % {"no": contact.no, "what": what},
            code="privacy_blocked",
        )


@transaction.atomic
def contact_update(*, contact: Contact, data: dict[str, Any]) -> Contact:
    """Change a contact's fields. A type change follows 2.7 (contact_change_type), a
    company change 2.4, and a company's changes reach its persons (2.5). The row is
    locked and re-read first: values not in `data` are the stored ones, not those of a
    stale copy (RecordGone when it was merged or deleted meanwhile)."""
    record_lock(contact, refresh=True)
    data = dict(data)
    new_type = data.pop("type", None)
    if new_type and new_type != contact.type:
        contact = contact_change_type(contact=contact, new_type=new_type)
    _assign(contact, data)
    return contact_save(contact=contact)


@transaction.atomic
def person_change_company(*, person: Contact, company: Contact | None) -> Contact:
    """Attach a person to another company (or none), with the 2.4 inheritance rules."""
    if not person.is_person:
        raise ValidationError(
            {"company": _("Only a person can be attached to a company.")}, code="not_person"
        )
    if company is not None and not company.is_company:
        raise ValidationError(
            {"company": _("%(contact)s is not a company.") % {"contact": company}},
            code="not_company",
        )
    person.company = company
    return contact_save(contact=person)


def _linked(contact_ids: list[int], flag: str) -> list[str]:
    """verbose_name_plural of each flagged related model with rows for these contacts."""
    found = []
    for rel in Contact._meta.related_objects:
        model = rel.related_model
        if not getattr(model, flag, False):
            continue
        if model._default_manager.filter(**{f"{rel.field.name}__in": contact_ids}).exists():
            found.append(str(model._meta.verbose_name_plural))
    return found


def contact_check_type_change(*, contact: Contact, new_type: str) -> None:
    """Raise a ValidationError (key "type") when the contact may not change to new_type."""
    if new_type not in Contact.Type.values:
        raise ValidationError({"type": _("Unknown contact type.")}, code="invalid")
    if new_type == contact.type:
        return
    linked = _linked([contact.pk], BLOCKS_TYPE_CHANGE_FLAG) if contact.pk else []
    if linked:
        raise ValidationError(
            {
                "type": _(
                    "Type cannot be changed because one or more %(records)s are linked "
                    "to the contact."
                )
                % {"records": ", ".join(linked)}
            },
            code="linked",
        )
    if new_type == Contact.Type.PERSON:
        if contact.pk and Contact.objects.filter(company_id=contact.pk).exists():
            raise ValidationError(
                {
                    "type": _(
                        "Type cannot be changed because there are one or more related "
                        "people linked to the contact."
                    )
                },
                code="has_persons",
            )
        if contact.vat_registration_no:
            raise ValidationError(
                {
                    "type": _(
                        "Type cannot be changed to Person while the VAT registration no. "
                        "is filled in."
                    )
                },
                code="vat",
            )


@transaction.atomic
def contact_change_type(*, contact: Contact, new_type: str) -> Contact:
    """Turn a company into a person or back (reference 2.7)."""
    contact_check_type_change(contact=contact, new_type=new_type)
    if new_type == contact.type:
        return contact
    setup = MarketingSetup.get()
    if new_type == Contact.Type.PERSON:
        contact.type = Contact.Type.PERSON
        parts = names.split_name(contact.name)
        contact.first_name, contact.middle_name, contact.surname = parts
        contact.salutation_id = setup.default_person_salutation_id
    else:
        contact.type = Contact.Type.COMPANY
        contact.company = None
        contact.first_name = contact.middle_name = contact.surname = contact.job_title = ""
        contact.salutation_id = setup.default_company_salutation_id
    return contact_save(contact=contact, setup=setup)


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    """Delete a contact (2.8): a company takes its persons with it; refused while
    records of a model flagged BLOCKS_CONTACT_DELETE point at it (or its persons)."""
    ids = [contact.pk]
    if contact.is_company:
        ids += list(Contact.objects.filter(company_id=contact.pk).values_list("pk", flat=True))
    linked = _linked(ids, BLOCKS_DELETE_FLAG)
    if linked:
        raise ValidationError(
            _("You cannot delete contact %(no)s because one or more %(records)s are linked to it.")
            % {"no": contact.no, "records": ", ".join(linked)},
            code="linked",
        )
    with history.operation(Cause.DELETE):
        _contact_delete(contact)


def _contact_delete(contact: Contact) -> None:
    if contact.is_person and contact.company_id:
        for rel in Contact._meta.related_objects:
            model = rel.related_model
            if getattr(model, MOVES_TO_COMPANY_FLAG, False) and not rel.many_to_many:
                model._default_manager.filter(**{rel.field.name: contact}).update(
                    **{rel.field.name: contact.company_id}
                )
    if contact.is_company:
        Contact.objects.filter(company_id=contact.pk).delete()
    contact.delete()


@transaction.atomic
def person_follow_company(*, person: Contact, fields: list[str]) -> Contact:
    """Make overridden fields of a person follow its company again (copy the company's
    values now; later company changes then reach the person). An address field brings
    the whole address block, since the address is inherited as a block."""
    unknown = [f for f in fields if f not in inheritance.INHERITED_FIELDS]
    if unknown:
        raise ValidationError(
            _("These fields are not inherited from the company: %(fields)s."),
            params={"fields": ", ".join(unknown)},
            code="not_inherited",
        )
    if not person.is_person or not person.company_id:
        raise ValidationError(
            _("Only a person attached to a company can follow the company."), code="no_company"
        )
    wanted = list(fields)
    if set(wanted) & set(inheritance.ADDRESS_FIELDS):
        wanted = [f for f in wanted if f not in inheritance.ADDRESS_FIELDS]
        wanted += list(inheritance.ADDRESS_FIELDS)
    company = person.company
    for field in wanted:
        setattr(person, inheritance.attname(field), inheritance.raw_value(company, field))
    with history.operation(Cause.FOLLOW_COMPANY, obj=company), history.via(company):
        return contact_save(contact=person)


# One UPDATE cannot apply the number, type or company rules (nor a person's name
# parts): such changes go through contact_update one contact at a time. A company's
# name may change in bulk; its search name follows where it still followed the name.
_NOT_BULK_FIELDS = {"no", "type", "company", "no_series", *PERSON_ONLY_FIELDS}


def _check_bulk_values(values: dict[str, Any]) -> None:
    """Refuse fields the bulk path cannot keep consistent; validate the values."""
    errors: dict[str, list] = {}
    for key, value in values.items():
        name = key.removesuffix("_id")
        try:
            field = Contact._meta.get_field(name)
        except Exception:
            errors.setdefault(key, []).append(
                ValidationError(_("Unknown contact field: %(field)s."), params={"field": key})
            )
            continue
        if name in _NOT_BULK_FIELDS or not field.editable:
            errors.setdefault(key, []).append(
                ValidationError(
                    _("%(field)s cannot be changed for many companies at once."),
                    params={"field": field.verbose_name},
                )
            )
        elif not field.is_relation:
            try:
                field.clean("" if value is None else value, None)
            except ValidationError as error:
                errors.setdefault(key, []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def company_bulk_update(
    *, companies, values: dict[str, Any], report: dict[str, int] | None = None
) -> int:
    """Set `values` on many companies with one UPDATE and pass the change on to their
    persons set-based (the bulk path fires no signals, so this calls the inheritance
    explicitly), then send `contacts_bulk_updated` (in this transaction) so upper apps
    can sync their copies. Returns the number of companies updated; `report`, when given,
    gets "person_rows": the person rows that followed (a person counts once per field)."""
    _check_bulk_values(values)
    companies = companies.filter(type=Contact.Type.COMPANY)
    pks = companies.values("pk")  # a subquery: no parameter limit on large updates
    # The ids for the signal are read first: the update may change what the caller's
    # queryset selects.
    contact_ids = [
        *companies.values_list("pk", flat=True),
        *Contact.objects.filter(company__in=pks).values_list("pk", flat=True),
    ]
    with history.via(field="company"):  # each person logged as following its company
        followed = inheritance.push_bulk_company_values(companies, values)
    if report is not None:
        report["person_rows"] = followed
    if "name" in values and "search_name" not in values:
        companies.filter(Q(search_name=Upper("name")) | Q(search_name="")).update(
            search_name=names.search_name_for(values["name"])
        )
    count = Contact.objects.filter(pk__in=pks).update(
        **values, **searchkeys.key_updates(values), updated_at=timezone.now()
    )
    if contact_ids:
        contacts_bulk_updated.send(sender=Contact, contact_ids=contact_ids)
    return count


# --- bulk actions of the contact list -----------------------------------------------

#: The fields the list's bulk actions may assign (each follows company → persons).
BULK_ASSIGN_FIELDS = ("salesperson", "territory", "language", "country")


@dataclass
class BulkAssignResult:
    companies: int = 0
    persons: int = 0  # selected persons changed directly
    followers: int = 0  # persons that followed their selected company


@transaction.atomic
def contacts_bulk_assign(*, contacts, field: str, value: Any) -> BulkAssignResult:
    """Assign a salesperson, territory, language or country/region to the selected
    contacts: the companies through company_bulk_update (their persons follow where
    they still follow the company; duplicates and relations stay in step), the selected
    persons with one UPDATE each set (and contacts_bulk_updated for upper apps)."""
    if field not in BULK_ASSIGN_FIELDS:
        raise ValidationError(
            _("%(field)s cannot be assigned to many contacts at once."), params={"field": field}
        )
    if field == "salesperson" and value is not None and getattr(value, "blocked", False):
        raise ValidationError(
            _("Salesperson %(code)s is blocked and cannot be used.") % {"code": value.pk}
        )
    values = {field: value if value is not None else ("" if field == "country" else None)}
    label = _("Assign %(field)s") % {"field": Contact._meta.get_field(field).verbose_name}
    with history.operation(Cause.BULK_ACTION, label=str(label)):
        return _bulk_assign(contacts, field, value, values)


def _bulk_assign(contacts, field: str, value: Any, values: dict[str, Any]) -> BulkAssignResult:
    result = BulkAssignResult()
    companies = Contact.objects.filter(
        pk__in=contacts.filter(type=Contact.Type.COMPANY).values("pk")
    )
    report: dict[str, int] = {}
    result.companies = company_bulk_update(companies=companies, values=values, report=report)
    result.followers = report.get("person_rows", 0)
    person_ids = list(contacts.filter(type=Contact.Type.PERSON).values_list("pk", flat=True))
    if person_ids:
        raw = {inheritance.attname(field): getattr(value, "pk", value)}
        if field == "country":
            raw = {"country": value or ""}
        result.persons = Contact.objects.filter(pk__in=person_ids).update(
            **raw, updated_at=timezone.now()
        )
        contacts_bulk_updated.send(sender=Contact, contact_ids=person_ids, persons_only=True)
    return result


@dataclass
class BulkDeleteResult:
    deleted: list[str] = dc_field(default_factory=list)  # numbers, persons of companies included
    refused: list[tuple[str, str]] = dc_field(default_factory=list)  # (no., why)


def contacts_bulk_delete(*, contacts) -> BulkDeleteResult:
    """Delete the selected contacts with the delete rules of one contact (contact_delete),
    each in its own savepoint: a contact the rules protect is reported, the others go."""
    result = BulkDeleteResult()
    with history.operation(Cause.BULK_ACTION, label=str(_("Delete selected"))):
        _bulk_delete(contacts, result)
    return result


def _bulk_delete(contacts, result: BulkDeleteResult) -> None:
    # Persons first: a company deleted first takes its persons with it.
    ordered = list(contacts.order_by("-type", "no"))  # "person" > "company"
    gone: set[int] = set()
    for contact in ordered:
        if contact.pk in gone:
            continue
        persons = (
            list(Contact.objects.filter(company_id=contact.pk).values_list("pk", "no"))
            if contact.is_company
            else []
        )
        try:
            with transaction.atomic():
                contact_delete(contact=contact)
        except ValidationError as error:
            result.refused.append((contact.no, " ".join(error.messages)))
            continue
        gone.add(contact.pk)
        result.deleted.append(contact.no)
        for pk, no in persons:
            if pk not in gone:
                gone.add(pk)
                result.deleted.append(no)
