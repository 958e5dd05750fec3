"""Background jobs of contacts (run by `manage.py db_worker`)."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from contacts import selectors, services
from contacts.models import Contact
from jobs.exceptions import JobError
from jobs.runner import JobContext, job

#: Companies per committed batch. Above the duplicate search's bulk limit (200), so a
#: large change gets fresh search strings per batch, as the same change made inline.
BULK_UPDATE_BATCH = 1000


def _summary(result: dict) -> str:
    return ngettext(
        "%(count)s company changed.", "%(count)s companies changed.", result["updated"]
    ) % {"count": result["updated"]}


@job(
    label=_("Change many companies"),
    # Bulk changes run one after the other, in the order they were started.
    conflict_key="contacts.company_bulk_update",
    on_conflict="wait",
    retry=True,  # setting the same values again is harmless
    summary=_summary,
)
def company_bulk_update(ctx: JobContext, *, ids: list[int], values: dict) -> dict:
    """`contacts.services.company_bulk_update` for a large selection (company ids), in
    committed batches: persons follow, upper apps sync, as with the inline call.
    Values the bulk path refuses fail the job in its first batch, changing nothing.

    Start it with `company_bulk_update.start(user=..., ids=[...], values={...})`.
    """
    updated = 0
    ids = sorted(set(ids))
    for batch in ctx.batches(ids, size=BULK_UPDATE_BATCH, step=gettext_noop("Changing companies")):
        with transaction.atomic():
            updated += services.company_bulk_update(
                companies=Contact.objects.filter(pk__in=batch), values=values
            )
            ctx.check_cancelled()
    return {"updated": updated}


def _assign_summary(result: dict) -> str:
    return _("%(field)s assigned to %(companies)s and %(persons)s; %(followers)s followed.") % {
        "field": capfirst(Contact._meta.get_field(result["field"]).verbose_name),
        "companies": ngettext("%(n)s company", "%(n)s companies", result["companies"])
        % {"n": result["companies"]},
        "persons": ngettext("%(n)s person", "%(n)s persons", result["persons"])
        % {"n": result["persons"]},
        "followers": ngettext("%(n)s person", "%(n)s persons", result["followers"])
        % {"n": result["followers"]},
    }


def _assign_value(field: str, value):
    """The value to assign from its JSON form (a code for salesperson, territory and
    language; an ISO code or "" for the country)."""
    model_field = Contact._meta.get_field(field)
    if not model_field.is_relation or value in (None, ""):
        return None if model_field.is_relation else value
    found = model_field.related_model.objects.filter(pk=value).first()
    if found is None:
        raise JobError(
            _("%(field)s %(value)s does not exist any more; nothing was changed.")
            % {"field": capfirst(model_field.verbose_name), "value": value}
        )
    return found


@job(
    label=_("Assign a value to many contacts"),
    conflict_key="contacts.company_bulk_update",  # in turn with the other bulk changes
    on_conflict="wait",
    retry=True,  # assigning the same value again is harmless
    summary=_assign_summary,
)
def contacts_bulk_assign(
    ctx: JobContext,
    *,
    field: str,
    value=None,
    filters: dict | None = None,
    nos: list[str] | None = None,
) -> dict:
    """The contact list's bulk assign (`contacts.services.contacts_bulk_assign`) for a
    large selection: the contacts matching the list's `filters` when the job runs, or
    the contacts numbered `nos`; in committed batches (persons follow their company,
    the duplicate index and the relations stay in step, as inline)."""
    if field not in services.BULK_ASSIGN_FIELDS:
        message = _("%(field)s cannot be assigned to many contacts at once.")
        raise JobError(message % {"field": field})
    target = _assign_value(field, value)
    if filters is not None:
        contacts = selectors.contact_filter(params=filters)
    else:
        contacts = Contact.objects.filter(no__in=nos or [])
    # Companies first, so a selected person whose company is selected too is not set
    # before its company passes the value on.
    ids = list(contacts.order_by("type", "pk").values_list("pk", flat=True))
    totals = {"companies": 0, "persons": 0, "followers": 0}
    for batch in ctx.batches(ids, size=BULK_UPDATE_BATCH, step=gettext_noop("Changing contacts")):
        with transaction.atomic():
            result = services.contacts_bulk_assign(
                contacts=Contact.objects.filter(pk__in=batch), field=field, value=target
            )
            ctx.check_cancelled()
        for key in totals:
            totals[key] += getattr(result, key)
    return {"field": field, **totals}
