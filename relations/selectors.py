"""Reads across contacts and their linked customers, vendors and bank accounts."""

from __future__ import annotations

from django.db.models import Q

from contacts.models import Contact
from relations.models import (
    ENTITY_MODELS,
    BankAccount,
    ContactBusinessRelation,
    Customer,
    LinkToTable,
    SyncedEntity,
    Vendor,
)


def contact_for_entity(link_to: str, no: str) -> Contact | None:
    """The contact linked to customer/vendor/bank account `no` (link_to: customer, vendor,
    bank_account), or None when there is no link."""
    if not link_to or not no:
        return None
    relation = (
        ContactBusinessRelation.objects.select_related("contact")
        .filter(link_to=link_to, no=no)
        .first()
    )
    return relation.contact if relation else None


def entity_for_relation(relation: ContactBusinessRelation) -> SyncedEntity | None:
    """The customer/vendor/bank account a linked relation points at (None if gone)."""
    model = ENTITY_MODELS.get(relation.link_to)
    if model is None:
        return None
    return model.objects.filter(no=relation.no).first()


def entities_for_contact(contact: Contact) -> dict[str, SyncedEntity]:
    """The entities linked to this contact, keyed by link_to (customer, vendor, bank_account)."""
    links = dict(
        ContactBusinessRelation.objects.filter(contact=contact)
        .exclude(link_to="")
        .values_list("link_to", "no")
    )
    found: dict[str, SyncedEntity] = {}
    for link_to, no in links.items():
        entity = ENTITY_MODELS[link_to].objects.filter(no=no).first()
        if entity is not None:
            found[link_to] = entity
    return found


def customer_for_contact(contact: Contact) -> Customer | None:
    """The customer linked to the contact, or to a person's company."""
    return _entity_for_contact_or_company(contact, LinkToTable.CUSTOMER)


def vendor_for_contact(contact: Contact) -> Vendor | None:
    return _entity_for_contact_or_company(contact, LinkToTable.VENDOR)


def bank_account_for_contact(contact: Contact) -> BankAccount | None:
    return _entity_for_contact_or_company(contact, LinkToTable.BANK_ACCOUNT)


def _entity_for_contact_or_company(contact: Contact, link_to: str):
    ids = [contact.pk] + ([contact.company_id] if contact.company_id else [])
    no = (
        ContactBusinessRelation.objects.filter(contact_id__in=ids, link_to=link_to)
        .values_list("no", flat=True)
        .first()
    )
    return ENTITY_MODELS[link_to].objects.filter(no=no).first() if no else None


LOOKUP_SIZE = 8


def _unlinked(link_to: str):
    linked = ContactBusinessRelation.objects.filter(link_to=link_to).values("no")
    return ENTITY_MODELS[link_to].objects.exclude(no__in=linked)


def entity_lookup(link_to: str, text: str, *, limit: int = LOOKUP_SIZE) -> list[SyncedEntity]:
    """Customers/vendors/bank accounts no contact is linked to yet whose no. or name
    starts with `text` (then names containing it), for "link with existing" as the user
    types."""
    text = text.strip()
    if not text:
        return []
    qs = _unlinked(link_to).only("no", "name", "city")
    found = list(
        qs.filter(Q(no__startswith=text.upper()) | Q(name__istartswith=text)).order_by("no")[:limit]
    )
    if len(found) < limit:
        seen = [e.pk for e in found]
        found += list(
            qs.filter(name__icontains=text)
            .exclude(pk__in=seen)
            .order_by("no")[: limit - len(found)]
        )
    return found


def entity_resolve(link_to: str, text: str) -> str:
    """The no. a "link with existing" field means: the typed no. itself, or the no. of the
    one not yet linked entity with exactly that name (several: the text, for the
    service's message)."""
    text = text.strip()
    model = ENTITY_MODELS[link_to]
    if not text or model.objects.filter(no=text).exists():
        return text.upper() if text else text
    named = list(_unlinked(link_to).filter(name__iexact=text).values_list("no", flat=True)[:2])
    return named[0] if len(named) == 1 else text
