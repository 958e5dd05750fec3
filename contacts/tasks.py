"""Background jobs of contacts (run by `manage.py db_worker`)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from contacts import services
from contacts.models import Contact
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
