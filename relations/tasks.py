"""Background jobs of business relations (run by `manage.py db_worker`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from contacts.tasks import number_series_conflict_key
from jobs.runner import JobContext, job
from relations import services
from relations.models import LinkToTable

LABELS = {
    LinkToTable.CUSTOMER: _("Create contacts from customers"),
    LinkToTable.VENDOR: _("Create contacts from vendors"),
    LinkToTable.BANK_ACCOUNT: _("Create contacts from bank accounts"),
}


def _label(params: dict) -> str:
    return str(LABELS.get(params.get("link_to"), _("Create contacts")))


def _summary(result: dict) -> str:
    return ngettext(
        "%(count)s contact created.", "%(count)s contacts created.", result["created"]
    ) % {"count": result["created"]}


@job(
    label=_label,
    # Two runs for the same table would both create a contact for the same record: a
    # second start is refused. Any job drawing contact numbers (an import, a run for
    # another table) waits its turn.
    exclusive_key=lambda params: f"relations.create_contacts.{params.get('link_to')}",
    conflict_key=number_series_conflict_key,
    retry=True,  # one transaction per record, and only records without a contact are taken
    summary=_summary,
)
def create_contacts(ctx: JobContext, *, link_to: str) -> dict:
    """Batch job "Create Contacts from Customers/Vendors/Bank Accounts" (the command
    `create_contacts_from_entities --commit`): one committed transaction per record, so
    a cancel or a lost worker keeps what was made and a new run goes on from there."""

    def progress(iterable, total):
        return ctx.iterate(iterable, total=total, step=gettext_noop("Creating contacts"))

    created = services.entities_create_contacts(link_to=link_to, progress=progress)
    return {"link_to": link_to, "created": len(created)}
