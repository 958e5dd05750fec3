"""Company → person field inheritance (reference document, sections 2.4 and 2.5).

The Marketing Setup's six inherit flags each switch on a group of fields
(`INHERITED_FIELD_GROUPS`).

- Attaching a person to a company (`fill_from_company`, in memory, never saves):
  salesperson, territory, country/region and language are copied from the company; the
  address block (address, address 2, post code, city, county) only when the person's
  address is "stale" (blank, or equal to the previous company's block); each
  communication field (and the correspondence type) only when blank or equal to the
  previous company's value. Fields named in `keep` (values the user typed in this very
  save) are never overwritten.
- Changing a company (`push_company_fields`, set-based): a person follows a changed
  field only while its value still equals the company's OLD value; otherwise it was
  changed by hand and is left alone. "Changed by hand" is not stored, it is inferred.
  The address moves as a block, and only for persons whose block (address, address 2,
  post code, city) equalled the company's old block; the county with it, unless the
  person's county was changed by hand (the reference copies it regardless; issue 3 asks
  that a field changed by hand is left alone). The company name is not stored on
  persons (`Contact.company_name`), so it always follows.

The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Case, CharField, F, Q, Value, When
from django.utils import timezone

from contacts.searchkeys import key_updates
from marketing_setup.models import MarketingSetup

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from contacts.models import Contact

INHERITED_FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "inherit_salesperson": ("salesperson",),
    "inherit_territory": ("territory",),
    "inherit_country": ("country",),
    "inherit_language": ("language",),
    "inherit_address": ("address", "address_2", "post_code", "city", "county"),
    "inherit_communication": (
        "phone_no",
        "mobile_phone_no",
        "fax_no",
        "telex_answer_back",
        "email",
        "home_page",
    ),
}
INHERITED_FIELDS: tuple[str, ...] = tuple(f for fs in INHERITED_FIELD_GROUPS.values() for f in fs)
# Copied whenever a person is attached (each behind its own flag).
UNCONDITIONAL_FIELDS = ("salesperson", "territory", "country", "language")
ADDRESS_FIELDS = INHERITED_FIELD_GROUPS["inherit_address"]
# The block compared to decide whether a person's address is the company's (county and
# country are not compared, as in the reference).
ADDRESS_BLOCK = ("address", "address_2", "post_code", "city")
COMMUNICATION_FIELDS = INHERITED_FIELD_GROUPS["inherit_communication"]
_FOREIGN_KEYS = {"salesperson", "territory", "language"}

INHERITED = "inherited"
OVERRIDDEN = "overridden"


def attname(field: str) -> str:
    """The attribute holding the raw value (`salesperson_id` for the salesperson)."""
    return f"{field}_id" if field in _FOREIGN_KEYS else field


def raw_value(contact: Contact, field: str) -> Any:
    """The stored value of `field` (the FK id for a foreign key, the code for the country)."""
    name = attname(field)
    # Read the instance dict first: the country descriptor builds a Country object.
    value = contact.__dict__[name] if name in contact.__dict__ else getattr(contact, name)
    if field == "country":
        return str(value or "")
    return "" if value is None and field not in _FOREIGN_KEYS else value


def inheritable_values(contact: Contact) -> dict[str, Any]:
    """The raw values of every inheritable field (FK ids for the foreign keys)."""
    return {f: raw_value(contact, f) for f in INHERITED_FIELDS}


def enabled_fields(setup: MarketingSetup | None = None) -> list[str]:
    """The inheritable fields whose inherit flag is on."""
    setup = setup or MarketingSetup.get()
    return [
        f for flag, fields in INHERITED_FIELD_GROUPS.items() if getattr(setup, flag) for f in fields
    ]


def _blank(value: Any) -> bool:
    return value is None or value == ""


def fill_from_company(
    person: Contact,
    company: Contact | None,
    previous_company: Contact | None = None,
    setup: MarketingSetup | None = None,
    *,
    keep: Iterable[str] = (),
) -> list[str]:
    """Copy the company's inheritable fields onto `person` in memory (no save), 2.4 rules.

    `previous_company` is the company the person belonged to before (None for a new or
    independent person); `keep` names fields not to touch. Returns the fields copied.
    """
    if company is None:
        return []
    setup = setup or MarketingSetup.get()
    keep = set(keep)
    copied: list[str] = []

    def copy(field: str) -> None:
        value = raw_value(company, field)
        if raw_value(person, field) != value:
            setattr(person, attname(field), value)
            copied.append(field)

    for flag, field in (
        ("inherit_salesperson", "salesperson"),
        ("inherit_territory", "territory"),
        ("inherit_country", "country"),
        ("inherit_language", "language"),
    ):
        if getattr(setup, flag) and field not in keep:
            copy(field)

    if setup.inherit_address and not keep.intersection(ADDRESS_FIELDS):
        block = [raw_value(person, f) for f in ADDRESS_BLOCK]
        stale = all(_blank(v) for v in block) or (
            previous_company is not None
            and block == [raw_value(previous_company, f) for f in ADDRESS_BLOCK]
        )
        if stale:
            for field in ADDRESS_FIELDS:
                copy(field)

    if setup.inherit_communication:
        for field in (*COMMUNICATION_FIELDS, "correspondence_type"):
            if field in keep:
                continue
            current = raw_value(person, field)
            if _blank(current) or (
                previous_company is not None and current == raw_value(previous_company, field)
            ):
                copy(field)
    return copied


def _value_q(field: str, value: Any) -> Q:
    if _blank(value):
        if field in _FOREIGN_KEYS:
            return Q(**{f"{attname(field)}__isnull": True})
        return Q(**{field: ""}) | Q(**{f"{field}__isnull": True})
    return Q(**{attname(field): value})


def push_company_fields(
    company: Contact,
    old_values: dict[str, Any],
    *,
    setup: MarketingSetup | None = None,
    affected: list[int] | None = None,
) -> int:
    """Pass a company's changed inheritable fields on to its persons (2.5); set-based.

    `old_values` holds the company's values before the change (`inheritable_values`).
    A person follows a field only while its value equals the old company value; the
    address only as a block. At most one UPDATE per field (address: one), however many
    persons there are. Returns the number of person rows updated (a person may count
    more than once). When `affected` is a list, the ids of the persons about to change
    are added to it first (one more SELECT).
    """
    from contacts.models import Contact

    if not company.pk or not company.is_company:
        return 0
    setup = setup or MarketingSetup.get()
    fields = set(enabled_fields(setup))
    changed = {
        f: raw_value(company, f)
        for f in fields
        if f in old_values and old_values[f] != raw_value(company, f)
    }
    if not changed:
        return 0
    persons = Contact.objects.filter(company_id=company.pk, type=Contact.Type.PERSON)
    now = timezone.now()
    following = {
        field: _value_q(field, old_values[field])
        for field in (*UNCONDITIONAL_FIELDS, *COMMUNICATION_FIELDS)
        if field in changed
    }
    address_changes = {f: changed[f] for f in ADDRESS_FIELDS if f in changed}
    same_block = Q()
    for field in ADDRESS_BLOCK:
        same_block &= _value_q(field, old_values.get(field, ""))
    # The county moves with the block, but not over a county changed by hand.
    county_q = same_block & _value_q("county", old_values.get("county", ""))
    block_changes = {f: v for f, v in address_changes.items() if f != "county"}
    if affected is not None:
        any_q = Q(pk__in=[])
        for q in following.values():
            any_q |= q
        if block_changes:
            any_q |= same_block
        if "county" in address_changes:
            any_q |= county_q
        affected.extend(persons.filter(any_q).values_list("pk", flat=True))
    # Each filter keeps the persons that hold the company's old value, so the change log
    # writes one shared row per field for all of them (HistoryQuerySet.update_known).
    updated = 0
    for field, q in following.items():
        values = {attname(field): changed[field]}
        # The search keys follow the value (phone no. → phone key, e-mail → domain).
        updated += persons.filter(q).update_known(
            {attname(field): old_values[field]}, **values, **key_updates(values), updated_at=now
        )
    if "county" in address_changes:  # first: the block filter reads the old block
        updated += persons.filter(county_q).update_known(
            {"county": old_values.get("county", "")},
            county=address_changes["county"],
            updated_at=now,
        )
    if block_changes:
        updated += persons.filter(same_block).update_known(
            {f: old_values.get(f, "") for f in block_changes}, **block_changes, updated_at=now
        )
    return updated


def _same_as_company_q(field: str) -> Q:
    """Person value equals its company's current value (NULLs and blanks count as equal)."""
    name = attname(field)
    company_name = f"company__{name}"
    if field in _FOREIGN_KEYS:
        return Q(**{name: F(company_name)}) | Q(
            **{f"{name}__isnull": True, f"{company_name}__isnull": True}
        )
    return Q(**{name: F(company_name)})


def push_bulk_company_values(
    companies: QuerySet, values: dict[str, Any], *, setup: MarketingSetup | None = None
) -> int:
    """Before `companies.update(**values)`: move the persons that still follow them.

    The set-based counterpart of `push_company_fields` for bulk updates of many
    companies at once: persons whose value equals their company's CURRENT (about to be
    old) value get the new one; the address as a block. Call it in the same transaction,
    immediately before updating the companies. Returns the number of rows updated.
    """
    from contacts.models import Contact

    setup = setup or MarketingSetup.get()
    fields = set(enabled_fields(setup))
    new = {f: v for f, v in values.items() if f in fields}
    if not new:
        return 0
    persons = Contact.objects.filter(company__in=companies.values("pk"), type=Contact.Type.PERSON)
    now = timezone.now()
    updated = 0
    for field in (*UNCONDITIONAL_FIELDS, *COMMUNICATION_FIELDS):
        if field in new:
            value = new[field]
            if hasattr(value, "pk"):
                value = value.pk
            values = {attname(field): value}
            updated += persons.filter(_same_as_company_q(field)).update(
                **values, **key_updates(values), updated_at=now
            )
    address_changes = {f: new[f] for f in ADDRESS_FIELDS if f in new}
    if address_changes:
        same_block = Q()
        for field in ADDRESS_BLOCK:
            same_block &= _same_as_company_q(field)
        if "county" in address_changes:  # not over a county changed by hand
            updated += persons.filter(same_block & _same_as_company_q("county")).update(
                county=address_changes.pop("county"), updated_at=now
            )
        if address_changes:
            updated += persons.filter(same_block).update(**address_changes, updated_at=now)
    return updated


def push_company_values_each(
    changes: Mapping[int, Mapping[str, Any]],
    *,
    setup: MarketingSetup | None = None,
    affected: list[int] | None = None,
    chunk: int = 400,
) -> int:
    """Before updating many companies, each with values of its own (an import's rows):
    move the persons that still follow them.

    `changes` maps a company's pk to its new raw values by attname (`salesperson_id`,
    `city`, ...). The rules of `push_bulk_company_values`: a person follows a field
    while its value equals its company's current (about to be old) value; the address
    as a block (the persons are chosen by their whole block before any of it changes),
    the county with it but not over a county changed by hand. Set-based: one UPDATE per
    field and `chunk` companies (a CASE on the company). Call it in the same
    transaction, immediately before updating the companies. Returns the number of
    person rows updated; `affected`, when a list, gets the ids of those persons.
    """
    from contacts.models import Contact

    setup = setup or MarketingSetup.get()
    fields = set(enabled_fields(setup))
    persons = Contact.objects.filter(type=Contact.Type.PERSON)
    now = timezone.now()
    updated = 0

    def new_values(field: str) -> dict[int, Any]:
        if field not in fields:
            return {}
        name = attname(field)
        return {pk: values[name] for pk, values in changes.items() if name in values}

    def by_company(values: Mapping[int, Any], output) -> Case:
        return Case(
            *(When(company_id=pk, then=Value(value)) for pk, value in values.items()),
            output_field=output,
        )

    def pieces(items: list) -> Iterable[list]:
        for start in range(0, len(items), chunk):
            yield items[start : start + chunk]

    for field in (*UNCONDITIONAL_FIELDS, *COMMUNICATION_FIELDS):
        model_field = Contact._meta.get_field(field)
        output = model_field.target_field if model_field.is_relation else model_field
        for part in pieces(list(new_values(field).items())):
            values = dict(part)
            rows = persons.filter(company_id__in=list(values)).filter(_same_as_company_q(field))
            if affected is not None:
                affected.extend(rows.values_list("pk", flat=True))
            # The search keys follow the value (phone no. → phone key, e-mail → domain).
            keys: dict[str, dict[int, str]] = {}
            for pk, value in values.items():
                for key, key_value in key_updates({field: value}).items():
                    keys.setdefault(key, {})[pk] = key_value
            updated += rows.update(
                **{attname(field): by_company(values, output)},
                **{key: by_company(v, CharField()) for key, v in keys.items()},
                updated_at=now,
            )
    address = {field: new_values(field) for field in ADDRESS_FIELDS}
    moving = sorted(set().union(*(values.keys() for values in address.values())))
    same_block = Q()
    for field in ADDRESS_BLOCK:
        same_block &= _same_as_company_q(field)
    for part in pieces(moving):
        in_part = set(part)
        # Chosen before any block field changes: the block filter reads the old block.
        block = list(
            persons.filter(company_id__in=part).filter(same_block).values_list("pk", "company_id")
        )
        counties = set()
        if any(pk in in_part for pk in address["county"]):
            counties = set(
                persons.filter(company_id__in=part)
                .filter(same_block & _same_as_company_q("county"))
                .values_list("pk", flat=True)
            )
        for field in ADDRESS_FIELDS:
            values = {pk: v for pk, v in address[field].items() if pk in in_part}
            ids = [
                pk
                for pk, company_id in block
                if company_id in values and (field != "county" or pk in counties)
            ]
            if affected is not None:
                affected.extend(ids)
            for ids_part in pieces(ids):
                updated += persons.filter(pk__in=ids_part).update(
                    **{field: by_company(values, CharField())}, updated_at=now
                )
    return updated


def field_states(person: Contact, setup: MarketingSetup | None = None) -> dict[str, str]:
    """Per inheritable field of an attached person: "inherited" when it equals the
    company's value, "overridden" when it differs. Empty for companies and independent
    persons; only fields whose inherit flag is on."""
    if not person.is_person or not person.company_id:
        return {}
    company = person.company
    states = {
        f: INHERITED if raw_value(person, f) == raw_value(company, f) else OVERRIDDEN
        for f in enabled_fields(setup)
    }
    # The address follows only as a block (2.5): one differing block field means no
    # address field follows a company change any more. (The county follows with the
    # block while it equals the company's.)
    if any(states.get(f) == OVERRIDDEN for f in ADDRESS_BLOCK):
        states.update({f: OVERRIDDEN for f in ADDRESS_FIELDS if f in states})
    return states
