"""Every write path logs: rows changed are compared with rows logged.

The demo data is loaded, then a walk through the services and bulk paths of every app
(form-level services, the admin's line save, the import, the set-based propagation,
bulk updates, syncs both ways, re-homing, merges, deletes). Before and after, every
row of every tracked model is read; each row created, deleted or changed must have its
change log rows, with the value it has now. A write path that forgets the log (a raw
UPDATE, a bulk_create outside HistoryQuerySet) fails here.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from history import values
from history.models import Action, Change
from history.registry import tracked_models

pytestmark = pytest.mark.django_db

# Drawing a number moves the line's counter with raw SQL on purpose (README, "Change
# history"): the numbered record's creation is logged instead. A hand edit is logged.
NOT_LOGGED_COUNTERS = {"last_no_used", "last_date_used", "open"}


def _state() -> dict:
    state = {}
    for registration in tracked_models():
        model = registration.model
        attnames = [f.attname for f in registration.fields]
        ct = ContentType.objects.get_for_model(model).pk
        for row in model._base_manager.values("pk", *attnames):
            state[(ct, str(row["pk"]))] = {
                f: values.encode(registration.model._meta.get_field(_name(model, f)), row[f])
                for f in attnames
            }
    return state


def _name(model, attname: str) -> str:
    return next(f.name for f in model._meta.concrete_fields if f.attname == attname)


def _missing(before: dict, after: dict, since: int) -> list[str]:
    logged: dict = {}
    for change in Change.objects.filter(id__gt=since).order_by("id").per_object():
        entry = logged.setdefault((change.content_type_id, change.object_id), {"fields": {}})
        if change.action == Action.UPDATE:
            entry["fields"][change.field] = change.new
        else:
            entry[change.action] = True
    problems = []
    for key in before.keys() | after.keys():
        model = ContentType.objects.get_for_id(key[0]).model_class()
        label = f"{model._meta.label} {key[1]}"
        entry = logged.get(key, {"fields": {}})
        if key not in before:
            if not entry.get(Action.CREATE):
                problems.append(f"{label}: created, not logged")
            continue
        if key not in after:
            if not entry.get(Action.DELETE):
                problems.append(f"{label}: deleted, not logged")
            continue
        if entry.get(Action.DELETE) and entry.get(Action.CREATE):
            continue  # deleted and restored with its key
        for attname, new in after[key].items():
            if model._meta.label == "numbering.NoSeriesLine" and attname in NOT_LOGGED_COUNTERS:
                continue
            old = before[key][attname]
            field = model._meta.get_field(_name(model, attname))
            if values.same(field, old, new):
                continue
            if field.name not in entry["fields"]:
                problems.append(f"{label}: {field.name} {old!r} → {new!r} not logged")
            elif not values.same(field, entry["fields"][field.name], new):
                problems.append(
                    f"{label}: {field.name} is {new!r}, log says {entry['fields'][field.name]!r}"
                )
    return sorted(problems)


class _Checked:
    """Runs each step of the walk between two snapshots and collects what it missed."""

    def __init__(self):
        self.problems: list[str] = []

    def __call__(self, name: str, step):
        before = _state()
        since = Change.objects.order_by("-id").values_list("id", flat=True).first() or 0
        result = step()
        self.problems += [f"{name}: {p}" for p in _missing(before, _state(), since)]
        return result


def _walk(step: _Checked) -> None:
    """One call of every write path of the apps (the demo data is there), each checked."""
    from contacts.importing import import_contacts
    from contacts.models import Contact
    from contacts.services import (
        company_bulk_update,
        contact_change_type,
        contact_create,
        contact_delete,
        contact_update,
        person_change_company,
        person_follow_company,
    )
    from duplicates.services import contacts_merge
    from interactions.services import phone_call_log
    from marketing_setup.models import BusinessRelation, MarketingSetup
    from marketing_setup.services import marketing_setup_update
    from numbering.models import NoSeriesLine
    from numbering.services import line_save
    from opportunities.models import Opportunity
    from opportunities.services import opportunity_close, opportunity_create, opportunity_update
    from relations.models import ContactBusinessRelation, Customer
    from relations.services import (
        contact_business_relation_add,
        contact_business_relation_delete,
        contact_create_customer,
        customer_create,
        entity_update,
    )

    def get(no):
        return Contact.objects.get(no=no)

    companies = list(Contact.objects.filter(type="company").order_by("no"))
    firm = step("create", lambda: contact_create(data={"type": "company", "name": "Walk AS"}))
    kari = step(
        "create person",
        lambda: contact_create(data={"type": "person", "name": "Kari Walk", "company": firm}),
    )
    step(
        "edit company, propagate",
        lambda: contact_update(contact=get(firm.no), data={"city": "Bergen", "phone_no": "55"}),
    )
    step("edit person", lambda: contact_update(contact=get(kari.no), data={"city": "Moss"}))
    step("follow", lambda: person_follow_company(person=get(kari.no), fields=["city"]))
    step("move", lambda: person_change_company(person=get(kari.no), company=companies[0]))
    loner = contact_create(data={"type": "company", "name": "Alone AS"})
    step("type change", lambda: contact_change_type(contact=get(loner.no), new_type="person"))
    step(
        "bulk update",
        lambda: company_bulk_update(
            companies=Contact.objects.filter(pk__in=[c.pk for c in companies[:3]]),
            values={"city": "Trondheim", "salesperson": None},
        ),
    )
    step(
        "import",
        lambda: import_contacts(
            [
                {"type": "company", "no": "WALK1", "name": "Import AS", "city": "Hamar"},
                {"type": "person", "no": "WALK2", "name": "Ida Import", "company_no": "WALK1"},
            ]
        ),
    )
    customer = step("customer", lambda: customer_create(data={"name": "Kunde AS", "city": "Molde"}))
    step("customer edit, sync", lambda: entity_update(entity=customer, data={"city": "Ålesund"}))
    step("create as customer", lambda: contact_create_customer(contact=get("WALK1")))
    step(
        "contact edit, sync", lambda: contact_update(contact=get("WALK1"), data={"city": "Gjøvik"})
    )
    assert Customer.objects.filter(city="Gjøvik").exists()
    code = BusinessRelation.objects.create(code="WALKBR", description="Walk")
    relation = step(
        "relation add",
        lambda: contact_business_relation_add(contact=get(firm.no), business_relation=code),
    )
    step(
        "relation delete",
        lambda: contact_business_relation_delete(
            relation=ContactBusinessRelation.objects.get(pk=relation.pk)
        ),
    )
    step("interaction", lambda: phone_call_log(contact=get("WALK2"), description="Call"))
    opportunity = step(
        "opportunity",
        lambda: opportunity_create(data={"description": "Walk deal", "contact": get("WALK2")}),
    )
    step(
        "opportunity edit",
        lambda: opportunity_update(opportunity=opportunity, data={"description": "Bigger"}),
    )
    step(
        "opportunity close",
        lambda: opportunity_close(opportunity=Opportunity.objects.get(pk=opportunity.pk), won=True),
    )
    step("re-home", lambda: person_change_company(person=get("WALK2"), company=get(firm.no)))
    step(
        "setup",
        lambda: marketing_setup_update(setup=MarketingSetup.get(), data={"search_hit_pct": 60}),
    )
    line = NoSeriesLine.objects.order_by("pk").first()
    line.warning_no = ""
    step("number series line", lambda: line_save(line))
    merge = contact_create(data={"type": "company", "name": "Import A/S", "city": "Hamar"})
    contact_create(data={"type": "person", "name": "Moved Person", "company": merge})
    step(
        "merge",
        lambda: contacts_merge(
            keep=get("WALK1"), merge=get(merge.no), field_choices={"city": "merge"}
        ),
    )
    step("delete person", lambda: contact_delete(contact=get(kari.no)))
    step("delete company", lambda: contact_delete(contact=get(firm.no)))
    step("update()", lambda: Contact.objects.filter(no="WALK1").update(name_2="plain update()"))


def test_every_write_path_is_logged():
    step = _Checked()
    step("load_demo", lambda: call_command("load_demo", stdout=StringIO()))
    _walk(step)
    assert step.problems == []


def test_every_tracked_model_logs_its_bulk_paths():
    """history.E001 as a test: default and base managers are HistoryQuerySets."""
    from history.apps import check_tracked_managers

    assert check_tracked_managers() == []
    labels = {r.model._meta.label for r in tracked_models()}
    for expected in (
        "contacts.Contact",
        "relations.Customer",
        "relations.Vendor",
        "relations.BankAccount",
        "relations.ContactBusinessRelation",
        "opportunities.Opportunity",
        "interactions.InteractionLogEntry",
        "marketing_setup.MarketingSetup",
        "numbering.NoSeriesLine",
    ):
        assert expected in labels
    assert apps.get_model("history", "Change")
