"""Business relations: creating customers/vendors/bank accounts with their contacts,
"create as..." from a contact, and the two-way field sync (reference, section 7).

The switch is Marketing Setup's business-relation code per entity type: with the code
set, a new entity gets a linked company contact and "create as..." works; without it,
a new entity stays alone and "create as..." is refused with a clear error.

Sync (7.4): saving a contact copies `SYNCED_FIELDS` to its linked entities; saving a
linked entity copies them back to the contact (whose normal save then lets its persons
inherit, see contacts/receivers.py) and on to the contact's other linked entities. Each
direction writes the other side without re-running that side's own sync (a context
flag), and only changed fields are written, so there is no loop.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.models import Contact
from contacts.selectors import key_set
from contacts.services import (
    contact_create,
    contact_prepare,
    contact_refuse_if_privacy_blocked,
)
from history import context as history
from history.writers import erase_values, record_erased
from marketing_setup.models import BusinessRelation, MarketingSetup
from numbering.models import NoSeries
from numbering.records import record_lock
from numbering.services import series_next_number, series_peek
from relations.models import (
    ENTITY_MODELS,
    BankAccount,
    BusinessRelationSummary,
    ContactBusinessRelation,
    Customer,
    LinkToTable,
    SyncedEntity,
    Vendor,
)
from relations.selectors import contact_for_entity

# Marketing Setup field holding the business-relation code for each link type.
SETUP_CODE_FIELDS: dict[str, str] = {
    LinkToTable.CUSTOMER: "bus_rel_code_for_customers",
    LinkToTable.VENDOR: "bus_rel_code_for_vendors",
    LinkToTable.BANK_ACCOUNT: "bus_rel_code_for_bank_accounts",
}

MISSING_CODE_MESSAGES = {
    LinkToTable.CUSTOMER: gettext_lazy(
        "Bus. Rel. Code for Customers must have a value in Marketing Setup."
    ),
    LinkToTable.VENDOR: gettext_lazy(
        "Bus. Rel. Code for Vendors must have a value in Marketing Setup."
    ),
    LinkToTable.BANK_ACCOUNT: gettext_lazy(
        "Bus. Rel. Code for Bank Accounts must have a value in Marketing Setup."
    ),
}

CREATED_MESSAGES = {
    LinkToTable.CUSTOMER: gettext_lazy("The customer %(no)s has been created."),
    LinkToTable.VENDOR: gettext_lazy("The vendor %(no)s has been created."),
    LinkToTable.BANK_ACCOUNT: gettext_lazy("The bank account %(no)s has been created."),
}

_syncing: contextvars.ContextVar[bool] = contextvars.ContextVar("relations_syncing", default=False)


@contextlib.contextmanager
def _sync_in_progress() -> Iterator[None]:
    token = _syncing.set(True)
    try:
        yield
    finally:
        _syncing.reset(token)


def sync_in_progress() -> bool:
    """True while a sync writes the other side (receivers then stay quiet)."""
    return _syncing.get()


# --- setup and numbers -------------------------------------------------------------


def setup_code_for(link_to: str, *, required: bool) -> BusinessRelation | None:
    """The setup's business-relation code for this link type (error when required and blank)."""
    setup = MarketingSetup.get()
    code = getattr(setup, SETUP_CODE_FIELDS[link_to])
    if code is None and required:
        raise ValidationError(str(MISSING_CODE_MESSAGES[link_to]), code="missing_setup_code")
    return code


def _next_number(series_code: str) -> str:
    """Draw the next number of a series; the caller holds the transaction."""
    if not NoSeries.objects.filter(code=series_code).exists():
        raise ValidationError(
            _("Number series %(code)s does not exist. Create it or type a number.")
            % {"code": series_code},
            code="missing_series",
        )
    return series_next_number(series_code)  # NumberSeriesError is a ValidationError


# --- field copying -----------------------------------------------------------------


def _value(obj, attname: str):
    value = getattr(obj, attname)
    if attname == "country":  # django-countries gives a Country object
        return str(value.code if value else "")
    return value


def copy_synced_fields(source, target, fields: tuple[str, ...]) -> list[str]:
    """Copy the named fields from source to target in memory; return the changed names."""
    changed = []
    for name in fields:
        attname = target._meta.get_field(name).attname
        value = _value(source, attname)
        if _value(target, attname) != value:
            setattr(target, attname, value)
            changed.append(name)
    return changed


# --- creating entities -------------------------------------------------------------


def _entity_save_new(entity: SyncedEntity) -> SyncedEntity:
    if not entity.no:
        entity.no = _next_number(entity.NUMBER_SERIES)
    if not entity.search_name:
        entity.search_name = entity.name.upper()
    entity.full_clean()
    entity.save()
    return entity


# Contact fields the setup's defaults fill on insert (2.3 step 2); BC skips them for
# contacts created from customers/vendors/bank accounts. The company salutation is not
# one of them: the type normalisation sets it anyway (2.3 step 4).
_DEFAULTED_ATTNAMES = (
    "salesperson_id",
    "territory_id",
    "country",
    "language_id",
    "correspondence_type",
)


def _contact_create_for_entity(entity: SyncedEntity, code: BusinessRelation) -> Contact:
    """The company contact of a new entity: synced fields copied, numbered from Contact
    Nos. (by the contact's own save rules), setup defaults skipped (2.3, 7.3)."""
    setup = MarketingSetup.get()
    if not setup.contact_nos_id:
        raise ValidationError(
            _("Contact Nos. must have a value in Marketing Setup."), code="missing_contact_nos"
        )
    contact = Contact(type=Contact.Type.COMPANY)
    copy_synced_fields(entity, contact, entity.synced_fields())
    kept = {attname: _value(contact, attname) for attname in _DEFAULTED_ATTNAMES}
    contact_prepare(contact, setup=setup)  # names, defaults... in memory
    for attname, value in kept.items():
        setattr(contact, attname, value)
    contact.full_clean(exclude=["no"])
    contact.save()  # the contacts pre_save draws the number (already prepared)
    ContactBusinessRelation.objects.create(
        contact=contact, business_relation=code, link_to=entity.LINK_TO, no=entity.no
    )
    return contact


def entity_create_check(*, model: type[SyncedEntity], no: str = "") -> None:
    """Raise the error `entity_create` would raise for missing numbering (for forms that
    validate before saving): the entity's series when no number is typed, and Contact
    Nos. when the setup code makes a contact."""
    if not no:
        if not NoSeries.objects.filter(code=model.NUMBER_SERIES).exists():
            raise ValidationError(
                {
                    "no": _("Number series %(code)s does not exist. Create it or type a number.")
                    % {"code": model.NUMBER_SERIES}
                }
            )
        try:
            series_peek(model.NUMBER_SERIES)
        except ValidationError as exc:
            raise ValidationError({"no": exc.messages}) from exc
    if setup_code_for(model.LINK_TO, required=False) is not None:
        setup = MarketingSetup.get()
        if not setup.contact_nos_id:
            raise ValidationError(_("Contact Nos. must have a value in Marketing Setup."))
        series_peek(setup.contact_nos_id)


@transaction.atomic
def entity_create(*, model: type[SyncedEntity], data: dict, user=None) -> SyncedEntity:
    """Create a customer/vendor/bank account; with the setup code set, also its company
    contact, linked to it. Without the code, only the entity."""
    entity = model(**data)
    primary_id = entity.primary_contact_id
    entity.primary_contact_id = None  # checked once the entity has its number
    entity = _entity_save_new(entity)
    if primary_id is not None:
        # Linked to the primary contact's company instead of a new company contact.
        entity.primary_contact_id = primary_id
        primary_contact_apply(entity, old_primary_id=None)
        entity.full_clean()
        with _sync_in_progress():
            entity.save(update_fields=["primary_contact", "contact", "updated_at"])
        return entity
    code = setup_code_for(model.LINK_TO, required=False)
    if code is not None:
        _contact_create_for_entity(entity, code)
        _primary_person_create(entity)
    return entity


def customer_create(*, data: dict, user=None) -> Customer:
    """Create a customer (and its linked contact when the customer code is set up)."""
    return entity_create(model=Customer, data=data, user=user)


def vendor_create(*, data: dict, user=None) -> Vendor:
    """Create a vendor (and its linked contact when the vendor code is set up)."""
    return entity_create(model=Vendor, data=data, user=user)


def bank_account_create(*, data: dict, user=None) -> BankAccount:
    """Create a bank account (and its linked contact when the bank code is set up)."""
    return entity_create(model=BankAccount, data=data, user=user)


@transaction.atomic
def entity_update(*, entity: SyncedEntity, data: dict, user=None) -> SyncedEntity:
    """Change an entity; its post_save syncs the linked contact (7.4). The no. stays.
    The search name follows the name unless it was hand-edited (as on contacts, 2.10).
    A new primary contact links an unlinked entity to the person's company and names
    it in Contact (`primary_contact_apply`). The row is locked first; RecordGone when
    it was deleted meanwhile."""
    record_lock(entity)
    old = (
        type(entity)
        .objects.filter(pk=entity.pk)
        .values("name", "search_name", "primary_contact_id")
        .first()
    )
    for name, value in data.items():
        if name == "no":
            continue
        setattr(entity, name, value)
    follows = old is not None and old["search_name"] in ("", old["name"].upper())
    if follows and entity.name != old["name"] and entity.search_name in ("", old["search_name"]):
        entity.search_name = entity.name.upper()
    primary_contact_apply(entity, old_primary_id=old["primary_contact_id"] if old else None)
    entity.full_clean()
    entity.save()
    _primary_person_create(entity)
    return entity


def primary_contact_apply(entity: SyncedEntity, *, old_primary_id: int | None) -> None:
    """The primary contact's rules (BC's Primary Contact No. validation), in memory but
    for the link it may create:

    - an entity linked to no contact is linked to the primary contact's company (a
      person's company; a company or a person without one: that contact), under the
      setup's business-relation code; a contact already linked to another
      customer/vendor/bank account is refused, naming it;
    - the entity's Contact name becomes the primary person's name, and is cleared when
      the primary contact is removed.
    The model's clean then checks the primary contact belongs to the linked company."""
    if entity.primary_contact_id == old_primary_id:
        return
    if entity.primary_contact_id is None:
        entity.contact = ""
        return
    primary = entity.primary_contact
    if entity.no and contact_for_entity(entity.LINK_TO, entity.no) is None:
        target = primary.company if primary.is_person and primary.company_id else primary
        try:
            code = setup_code_for(entity.LINK_TO, required=True)
            _ensure_not_linked(target, entity.LINK_TO)
            ContactBusinessRelation.objects.filter(
                contact=target, business_relation=code, link_to=""
            ).delete()
            _relation_save(
                ContactBusinessRelation(
                    contact=target, business_relation=code, link_to=entity.LINK_TO, no=entity.no
                )
            )
        except ValidationError as error:
            raise ValidationError({"primary_contact": error.messages}) from None
    if primary.is_person:
        entity.contact = primary.name[: type(entity)._meta.get_field("contact").max_length]


def _primary_person_create(entity: SyncedEntity) -> Contact | None:
    """A "Contact" name typed on a linked entity without a primary contact becomes a
    person under the entity's company contact (7.3): inserted with the normal contact
    rules (defaults, inheritance from the company) and made the primary contact."""
    if not entity.contact.strip() or entity.primary_contact_id:
        return None
    company = contact_for_entity(entity.LINK_TO, entity.no)
    if company is None or not company.is_company:
        return None
    person = contact_create(
        data={"type": Contact.Type.PERSON, "company": company, "name": entity.contact.strip()}
    )
    entity.primary_contact = person
    with _sync_in_progress():
        entity.save(update_fields=["primary_contact", "updated_at"])
    return person


def primary_contact_renamed(person: Contact) -> int:
    """The Contact name of the entities whose primary contact is `person` follows its
    name (one UPDATE per entity table); returns how many changed."""
    name = person.name[: Customer._meta.get_field("contact").max_length]
    return sum(
        model.objects.filter(primary_contact=person).exclude(contact=name).update(contact=name)
        for model in ENTITY_MODELS.values()
    )


def primary_contact_removed(contact: Contact) -> int:
    """Before `contact` is deleted: entities whose primary contact it is lose the Contact
    name (the primary contact itself is set to null by the delete)."""
    return sum(
        model.objects.filter(primary_contact=contact).exclude(contact="").update(contact="")
        for model in ENTITY_MODELS.values()
    )


def _relation_save(relation: ContactBusinessRelation) -> ContactBusinessRelation:
    """Validate and insert a relation. A concurrent insert that slipped past the checks
    hits the unique constraints: that is reported like the check would have."""
    contact_refuse_if_privacy_blocked(relation.contact, what=_("business relations"))
    relation.full_clean()
    try:
        with transaction.atomic():
            relation.save()
    except IntegrityError:
        relation.full_clean()  # now sees the other row and raises its message
        raise
    return relation


# --- "create as..." from a contact ---------------------------------------------------


def _target_contact(contact: Contact, link_to: str) -> Contact:
    """The contact that gets the entity: a person's company, or the contact itself."""
    if contact.is_person:
        if contact.company_id:
            return contact.company
        if link_to == LinkToTable.VENDOR:
            raise ValidationError(
                _("A vendor can only be created from a company or a person in a company."),
                code="person_without_company",
            )
        if link_to == LinkToTable.BANK_ACCOUNT:
            raise ValidationError(
                _("A bank account can only be created from a company or a person in a company."),
                code="person_without_company",
            )
    return contact


def _entity_model(link_to: str):
    """The model of an entity kind ("customer", "vendor", "bank_account"); anything else
    (the "(none)" choice "", a typo) is a ValidationError on link_to."""
    model = ENTITY_MODELS.get(link_to)
    if model is None:
        raise ValidationError(
            {
                "link_to": ValidationError(
                    _("“%(value)s” is not a customer, vendor or bank account.")
                    % {"value": link_to},
                    code="invalid_choice",
                )
            }
        )
    return model


def _ensure_not_linked(contact: Contact, link_to: str) -> None:
    existing = ContactBusinessRelation.objects.filter(contact=contact, link_to=link_to).first()
    if existing is not None:
        raise ValidationError(
            _("Contact %(contact)s already has a contact business relation with %(table)s %(no)s.")
            % {
                "contact": contact.no,
                "table": LinkToTable(link_to).label,
                "no": existing.no,
            },
            code="already_linked",
        )


@transaction.atomic
def contact_create_entity(*, contact: Contact, link_to: str, user=None) -> SyncedEntity:
    """ "Create as customer/vendor/bank account" (7.5): the entity is created for the
    contact's company (a person's company), linked, and filled from the contact."""
    model = _entity_model(link_to)
    code = setup_code_for(link_to, required=True)
    target = _target_contact(contact, link_to)
    _ensure_not_linked(target, link_to)
    entity = model()
    copy_synced_fields(target, entity, model.synced_fields())
    entity.name = target.company_name or target.name
    if target.is_company and contact.is_person:
        entity.contact = contact.name
        entity.primary_contact = contact
    _entity_save_new(entity)
    # A plain placeholder with the same code gives way to the link (7.2).
    ContactBusinessRelation.objects.filter(
        contact=target, business_relation=code, link_to=""
    ).delete()
    _relation_save(
        ContactBusinessRelation(
            contact=target, business_relation=code, link_to=link_to, no=entity.no
        )
    )
    return entity


def contact_create_customer(*, contact: Contact, user=None) -> Customer:
    """Create a customer from a contact (see contact_create_entity)."""
    return contact_create_entity(contact=contact, link_to=LinkToTable.CUSTOMER, user=user)


def contact_create_vendor(*, contact: Contact, user=None) -> Vendor:
    """Create a vendor from a contact (see contact_create_entity)."""
    return contact_create_entity(contact=contact, link_to=LinkToTable.VENDOR, user=user)


def contact_create_bank_account(*, contact: Contact, user=None) -> BankAccount:
    """Create a bank account from a contact (see contact_create_entity)."""
    return contact_create_entity(contact=contact, link_to=LinkToTable.BANK_ACCOUNT, user=user)


class Master:
    """Which side's values win right after "link with existing" (BC: Current Master Fields)."""

    CONTACT = "contact"
    ENTITY = "entity"


@transaction.atomic
def contact_link_entity(
    *, contact: Contact, link_to: str, no: str, master: str = Master.CONTACT, user=None
) -> SyncedEntity:
    """ "Link with existing customer/vendor/bank account" (7.5): same checks as "create
    as..."; then the master side's synced fields overwrite the other side's."""
    model = _entity_model(link_to)
    code = setup_code_for(link_to, required=True)
    target = _target_contact(contact, link_to)
    _ensure_not_linked(target, link_to)
    entity = model.objects.filter(no=no).first()
    if entity is None:
        raise ValidationError(
            _("%(table)s %(no)s does not exist.") % {"table": LinkToTable(link_to).label, "no": no},
            code="not_found",
        )
    ContactBusinessRelation.objects.filter(
        contact=target, business_relation=code, link_to=""
    ).delete()
    _relation_save(
        ContactBusinessRelation(
            contact=target, business_relation=code, link_to=link_to, no=entity.no
        )
    )
    if master == Master.ENTITY:
        entity_to_contact_sync(entity)
    else:
        contact_to_entities_sync(target)
        entity.refresh_from_db()
    return entity


def entities_without_contact(link_to: str):
    """The customers/vendors/bank accounts of this type that no contact is linked to."""
    model = ENTITY_MODELS[link_to]
    linked = ContactBusinessRelation.objects.filter(link_to=link_to).values("no")
    return model.objects.exclude(no__in=linked).order_by("no")


def _entities_without_contact_in_pages(link_to: str, size: int = 500):
    """The entities without a contact, read a page at a time by number. No cursor stays
    open while the caller writes: on SQLite an open read would pin the connection to an
    old snapshot, and its next write would fail once another connection had written."""
    last_no = None
    while True:
        pending = entities_without_contact(link_to)
        if last_no is not None:
            pending = pending.filter(no__gt=last_no)
        page = list(pending[:size])
        if not page:
            return
        last_no = page[-1].no
        yield from page


def entities_create_contacts(*, link_to: str, progress=None) -> list[Contact]:
    """Batch job "Create Contacts from Customers/Vendors/Bank Accounts" (7.3): a linked
    company contact for every entity of this type that has none. Requires the setup
    code. A "Contact" name on the entity becomes a person under the new company and its
    primary contact. `progress(iterable)` may wrap the loop (a progress bar). One
    transaction per entity, so a long run keeps what it made if stopped."""
    code = setup_code_for(link_to, required=True)
    created = []
    iterable = _entities_without_contact_in_pages(link_to)
    if progress is not None:
        iterable = progress(iterable, total=entities_without_contact(link_to).count())
    for entity in iterable:
        with transaction.atomic():
            created.append(_contact_create_for_entity(entity, code))
            _primary_person_create(entity)  # the entity's "Contact" name becomes a person
    return created


# --- plain business relations ------------------------------------------------------


@transaction.atomic
def contact_business_relation_add(
    *, contact: Contact, business_relation: BusinessRelation
) -> ContactBusinessRelation:
    """Add a plain (unlinked) business relation such as PROSPECT to a contact."""
    return _relation_save(
        ContactBusinessRelation(contact=contact, business_relation=business_relation)
    )


@transaction.atomic
def contact_business_relation_delete(*, relation: ContactBusinessRelation) -> None:
    """Remove a relation (a link too: the entity and the contact both stay)."""
    relation.delete()


# --- sync ----------------------------------------------------------------------------


def contact_to_entities_sync(contact: Contact, *, exclude: SyncedEntity | None = None) -> int:
    """Copy the contact's synced fields to every entity linked to it; return how many
    entities changed. Entities saved here don't sync back."""
    count = 0
    relations = ContactBusinessRelation.objects.filter(contact=contact).exclude(link_to="")
    with _sync_in_progress():
        for link_to, no in relations.values_list("link_to", "no"):
            model = ENTITY_MODELS[link_to]
            if exclude is not None and isinstance(exclude, model) and exclude.no == no:
                continue
            entity = model.objects.filter(no=no).first()
            if entity is None:
                continue
            changed = copy_synced_fields(contact, entity, model.synced_fields())
            if changed:
                with history.via(contact):  # logged as following the contact
                    entity.save(update_fields=[*changed, "updated_at"])
                count += 1
    return count


def contacts_to_entities_sync_bulk(contact_ids) -> int:
    """For bulk paths that send no signals (QuerySet.update() on contacts): sync the
    linked entities of those contacts that have any; return how many entities changed.
    Finding them is one query however many ids (a company's change reaching 10,000
    persons costs the same statements as one reaching 100); only contacts that are
    linked cost more."""
    contact_ids = list(contact_ids)
    if not contact_ids:
        return 0
    using = router.db_for_read(ContactBusinessRelation)
    linked_ids = (
        ContactBusinessRelation.objects.using(using)
        .filter(contact_id__in=key_set(contact_ids, using=using))
        .exclude(link_to="")
        .values("contact_id")
    )
    return sum(
        contact_to_entities_sync(contact)
        for contact in Contact.objects.using(using).filter(pk__in=linked_ids)
    )


def entity_to_contact_sync(entity: SyncedEntity) -> Contact | None:
    """Copy a linked entity's synced fields to its contact (a normal contact save, so the
    contact's persons inherit) and on to the contact's other linked entities."""
    contact = contact_for_entity(entity.LINK_TO, entity.no)
    if contact is None:
        return None
    changed = copy_synced_fields(entity, contact, entity.synced_fields())
    if changed:
        with _sync_in_progress(), history.via(entity):
            # A full save: the contact's own rules (names, push to its persons) run too.
            contact.save()
            contact_to_entities_sync(contact, exclude=entity)
    return contact


def entity_relations_delete(entity: SyncedEntity) -> int:
    """Delete the relation rows of a deleted entity (its contact stays); return the count."""
    deleted, _detail = ContactBusinessRelation.objects.filter(
        link_to=entity.LINK_TO, no=entity.no
    ).delete()
    return deleted


# --- anonymisation ------------------------------------------------------------------


def entities_erase_anonymised(*, contact_ids, fields) -> int:
    """A person was anonymised (contacts.signals.person_anonymised; `contact_ids`: it and
    the contacts merged into it, `fields`: what was erased): the copies the sync made of
    those fields on the customers, vendors and bank accounts linked to it are blanked in
    place, and the "Contact" name of those whose primary contact it is; their logged
    values of those fields are erased and each gets one "erased" row in the
    anonymisation's event. Set-based (a few statements per entity table); returns how
    many entities were changed."""
    contact_ids = list(contact_ids)
    names = set(fields)
    count = 0
    for link_to, model in ENTITY_MODELS.items():
        copied = [name for name in model.synced_fields() if name in names]
        linked = model.objects.filter(
            no__in=ContactBusinessRelation.objects.filter(
                contact_id__in=contact_ids, link_to=link_to
            ).values("no")
        )
        primary = model.objects.filter(primary_contact_id__in=contact_ids)
        touched = dict((linked | primary).values_list("pk", "no"))
        if not touched:
            continue
        erase_values(model, linked.values_list("pk", flat=True), copied)
        erase_values(model, primary.values_list("pk", flat=True), ["contact"])
        with history.disabled():  # no old → new rows: the old values must not be kept
            now = timezone.now()
            if copied:
                linked.update(**{name: "" for name in copied}, updated_at=now)
            primary.update(contact="", updated_at=now)
        record_erased(model, touched)
        count += len(touched)
    return count


# --- summary -------------------------------------------------------------------------


def contact_business_relation_summary(contact: Contact) -> str:
    """The card's "Business Relation" (7.6) for the contact and, for a person, its company:
    none; with exactly one relation, the link type when it is linked under the setup's
    code for that type (customer, vendor, bank_account), else other; several: multiple.
    A link made under another business-relation code shows as other, as in BC."""
    ids = [contact.pk]
    if contact.is_person and contact.company_id:
        ids.append(contact.company_id)
    rows = list(
        ContactBusinessRelation.objects.filter(contact_id__in=ids).values_list(
            "link_to", "business_relation_id"
        )[:2]
    )
    return business_relation_summary_of(rows)


def business_relation_summary_of(rows: Sequence[tuple[str, str | None]]) -> str:
    """contact_business_relation_summary() of the (link_to, business relation code) of
    the contact's and its company's relations, read already (the card's panel has them)."""
    if not rows:
        return BusinessRelationSummary.NONE
    if len(rows) > 1:
        return BusinessRelationSummary.MULTIPLE
    link_to, code = rows[0]
    if link_to:
        setup = MarketingSetup.get()
        if code and code == getattr(setup, SETUP_CODE_FIELDS[link_to] + "_id"):
            return BusinessRelationSummary(link_to)
    return BusinessRelationSummary.OTHER
