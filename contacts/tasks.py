"""Background jobs of contacts (run by `manage.py db_worker`)."""

from __future__ import annotations

import contextlib
import logging
import threading

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from contacts import selectors, services
from contacts.models import Contact
from jobs.exceptions import JobError
from jobs.runner import JobContext, job

logger = logging.getLogger("contacts")

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


# --- importing a file in the background ---------------------------------------------

#: The progress steps of an import job (untranslated ids, shown translated).
IMPORT_STEPS = {
    "read": gettext_noop("Reading the file"),
    "check": gettext_noop("Checking rows"),
    "write": gettext_noop("Writing contacts"),
}
#: Error groups (column and reason) an import job lists on its page.
IMPORT_ERROR_GROUPS = 20


def number_series_conflict_key(params: dict | None = None) -> str:
    """The conflict key of every job that draws contact numbers (imports, creating
    contacts from customers/vendors/bank accounts): one such job runs at a time."""
    from marketing_setup.models import MarketingSetup

    return f"numbering.series.{MarketingSetup.get().contact_nos_id or ''}"


def _import_label(params: dict) -> str:
    name = params.get("name") or ""
    if params.get("dry_run"):
        return _("Check the contact file %(name)s") % {"name": name}
    return _("Import contacts from %(name)s") % {"name": name}


def _import_summary(result: dict) -> str:
    if result.get("dry_run"):
        return ngettext(
            "%(rows)s row checked: %(bad)s with errors. Nothing was written (dry run).",
            "%(rows)s rows checked: %(bad)s with errors. Nothing was written (dry run).",
            result["rows"],
        ) % {"rows": result["rows"], "bad": result["bad_rows"]}
    text = _(
        "%(companies)s companies and %(persons)s persons created, %(skipped)s bad rows skipped."
    ) % {
        "companies": result["companies_created"],
        "persons": result["persons_created"],
        "skipped": result["bad_rows"],
    }
    if result.get("companies_updated") or result.get("persons_updated"):
        text += " " + _("%(companies)s companies and %(persons)s persons updated.") % {
            "companies": result["companies_updated"],
            "persons": result["persons_updated"],
        }
    if result.get("codes_created"):
        text += " " + _("Codes created: %(codes)s") % {"codes": ", ".join(result["codes_created"])}
    return text


def _import_links(result: dict):
    if result.get("event"):
        url = reverse("history:event", kwargs={"pk": result["event"]})
        yield _("See the imported contacts"), url
    for follow in result.get("followups") or []:
        yield follow["label"], reverse("jobs:detail", kwargs={"pk": follow["job"]})
    if result.get("companies_created") and not result.get("dry_run"):
        with contextlib.suppress(NoReverseMatch):  # the duplicates app is above contacts
            yield _("See the possible duplicates"), reverse("duplicates:list")


def _import_cleanup(job) -> None:
    from contacts.uploads import import_upload_delete

    import_upload_delete(upload_id=(job.params or {}).get("upload"))


class _Captured:
    """What the import wrote, heard from the signals it sends (contacts/signals.py), in
    this thread only: the new contacts' ids and the change-log event they belong to."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()
        self.created: list[int] = []
        self.updated: list[int] = []
        self.event: int | None = None

    def on_created(self, sender, contact_ids, **kwargs) -> None:
        from history import context as history_context

        if threading.get_ident() == self.thread:
            self.created.extend(contact_ids)
            if self.event is None:
                self.event = history_context.current_event().pk

    def on_updated(self, sender, contact_ids, persons_only=False, **kwargs) -> None:
        if threading.get_ident() == self.thread and not persons_only:
            self.updated.extend(contact_ids)


@contextlib.contextmanager
def _listening():
    from contacts.signals import contacts_bulk_created, contacts_bulk_updated

    captured = _Captured()
    contacts_bulk_created.connect(captured.on_created, weak=False)
    contacts_bulk_updated.connect(captured.on_updated, weak=False)
    try:
        yield captured
    finally:
        contacts_bulk_created.disconnect(captured.on_created)
        contacts_bulk_updated.disconnect(captured.on_updated)


def _refused(result) -> JobError:
    """The job's error when rows were bad and not to be skipped: how many, grouped."""
    from contacts.importing import error_summary

    messages = [
        _(
            "%(bad)d of %(rows)d rows have errors; nothing was imported. Fix them, or import "
            "again and skip the bad rows."
        )
        % {"bad": result.bad_rows, "rows": result.rows}
    ]
    messages += _groups(error_summary(result.errors))
    return JobError(messages)


def _groups(summary: list[dict]) -> list[str]:
    lines = [
        _("%(column)s – %(reason)s: %(count)s (lines %(lines)s)")
        % {
            "column": group["column"],
            "reason": group["reason"],
            "count": group["count"],
            "lines": ", ".join(map(str, group["lines"])),
        }
        for group in summary[:IMPORT_ERROR_GROUPS]
    ]
    if len(summary) > IMPORT_ERROR_GROUPS:
        lines.append(
            _("… and %(count)d more kinds of errors.")
            % {"count": len(summary) - IMPORT_ERROR_GROUPS}
        )
    return lines


@job(
    label=_import_label,
    # Imports draw from the contact number series: one job doing so runs at a time,
    # the others wait their turn (as creating contacts from customers does).
    conflict_key=number_series_conflict_key,
    on_conflict="wait",
    retry=False,  # all or nothing: a lost worker leaves no contacts; the job fails
    cleanup=_import_cleanup,
    summary=_import_summary,
    links=_import_links,
)
def import_contacts_file(
    ctx: JobContext,
    *,
    upload: int,
    name: str = "",
    mapping: dict | list | None = None,
    skip_bad_rows: bool = False,
    dry_run: bool = False,
    renumber: bool = False,
    create_missing_codes: bool | list[str] = False,
    code_map: dict | None = None,
    update: bool = False,
    match: str | None = None,
    actions: dict | None = None,
    clear_empty: bool = False,
) -> dict:
    """`contacts.importing.import_contacts` over an upload stored in the database
    (`contacts.uploads`), with the import page's and the command's options. The
    import is all or nothing (its own transaction): a cancel, a failure or a lost
    worker leaves no contact. Rows with errors fail the job with the errors grouped
    by column and reason, unless `skip_bad_rows`. Once the contacts are committed,
    `contacts.signals.contacts_imported` lets upper apps follow up (the duplicate
    search of the new companies, as a job of its own). The upload is removed when the
    job ends.

    Start it with `import_contacts_file.start(user=..., upload=upload.pk, name=...)`.
    """
    from contacts.importing import error_summary, import_contacts
    from contacts.models import ImportUpload
    from contacts.signals import contacts_imported
    from contacts.uploads import import_upload_delete, import_upload_file

    stored = ImportUpload.objects.filter(pk=upload).first()
    if stored is None:
        raise JobError(
            _("The uploaded file is no longer there (uploads are kept for a day). Upload it again.")
        )
    ctx.progress(0, step=IMPORT_STEPS["read"])

    def progress(stage: str, done: int, total: int) -> None:
        ctx.progress(done, total=total, step=IMPORT_STEPS.get(stage, IMPORT_STEPS["check"]))

    try:
        with import_upload_file(stored) as path, _listening() as captured:
            result = import_contacts(
                path,
                name=name or stored.name,
                label=name or stored.name,
                skip_bad_rows=skip_bad_rows,
                dry_run=dry_run,
                renumber=renumber,
                mapping=mapping,
                create_missing_codes=create_missing_codes
                if isinstance(create_missing_codes, bool)
                else set(create_missing_codes),
                code_map=code_map or None,
                update=update,
                clear_empty=clear_empty,
                # JSON keys are texts: the rows' lines as numbers again.
                actions={int(line): action for line, action in (actions or {}).items()} or None,
                progress=progress,
                **({"match": match} if match else {}),
            )
        if result.file_error:
            raise JobError(result.file_error)
        if result.errors and not result.written and not dry_run:
            raise _refused(result)
    finally:
        import_upload_delete(upload_id=upload)
    summary = error_summary(result.errors)
    for line in _groups(summary) if result.written else []:
        ctx.error(line)  # the bad rows it skipped
    for warning in result.warnings[:IMPORT_ERROR_GROUPS]:
        message = _("Line %(line)d: %(message)s")
        ctx.error(message % {"line": warning.line, "message": warning.message})
    outcome = {
        "dry_run": dry_run,
        "rows": result.rows,
        "bad_rows": result.bad_rows,
        "companies_created": result.companies_created,
        "persons_created": result.persons_created,
        "companies_updated": result.companies_updated,
        "persons_updated": result.persons_updated,
        "skipped": result.skipped,
        "codes_created": [f"{c.column}:{c.code}" for c in result.codes_created],
        "error_groups": summary[:IMPORT_ERROR_GROUPS],
        "warnings": len(result.warnings),
        "event": captured.event,
        "followups": [],
    }
    if result.written:
        companies = _companies_among(sorted(set(captured.created + captured.updated)))
        answers = contacts_imported.send_robust(
            sender=Contact, company_ids=companies, user=ctx.user, job=ctx.job
        )
        for receiver, started in answers:
            if isinstance(started, Exception):
                # The contacts are in; only the follow-up failed to start: say so.
                logger.warning("Import job %s: %r failed", ctx.job_id, receiver, exc_info=started)
                ctx.error(
                    _("The work after the import could not be started: %(error)s")
                    % {"error": started}
                )
            elif started is not None:
                outcome["followups"].append({"job": started.pk, "label": str(started.label)})
    return outcome


def _companies_among(ids: list[int]) -> list[int]:
    """The companies among `ids`, looked up in chunks (SQLite's variable limit)."""
    companies: list[int] = []
    for start in range(0, len(ids), 900):
        companies += Contact.objects.filter(
            pk__in=ids[start : start + 900], type=Contact.Type.COMPANY
        ).values_list("pk", flat=True)
    return companies


def import_file_check(source, *, name: str = "") -> None:
    """Raise `tabular.reading.TableError` (translated, with its line) when the file is
    not a table the import can read (empty, binary, a header only, …): checked before
    a job is queued, so a bad file is refused at once and nothing is stored."""
    from tabular.reading import open_table

    open_table(source, name=name).close()
    if hasattr(source, "seek"):
        source.seek(0)


def import_start(*, source, name: str = "", user=None, origin: str | None = None, **options):
    """Queue the import of a file as a background job; returns the Job.

    `source` is a path on this machine or an uploaded file (any binary file object that
    can seek). The file is checked first (`import_file_check`: TableError, nothing
    stored), then its bytes are stored in the database (`contacts.uploads`, so a worker
    on any machine reads them) and the job queued, in one transaction. `options` are
    `import_contacts_file`'s: mapping, skip_bad_rows, dry_run, renumber,
    create_missing_codes, code_map, update, match, actions, clear_empty."""
    from pathlib import Path

    from contacts.uploads import import_upload_store, import_upload_store_file

    name = Path(name or getattr(source, "name", "") or str(source)).name[:200]
    import_file_check(source, name=name)
    with transaction.atomic():
        if isinstance(source, str | Path):
            stored = import_upload_store_file(path=Path(source), name=name, owner=user)
        elif hasattr(source, "chunks"):
            stored = import_upload_store(chunks=source.chunks(), name=name, owner=user)
        else:
            stored = import_upload_store(
                chunks=iter(lambda: source.read(1 << 20), b""), name=name, owner=user
            )
        return import_contacts_file.start(
            user=user, origin=origin, upload=stored.pk, name=name, **options
        )
