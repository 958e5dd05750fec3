"""The contact import page: upload, column mapping and preview (a dry run), confirm.

Step 1 uploads a CSV or XLSX file; it is kept in a private directory of its own
(`tempfile.mkdtemp`, mode 0700) under IMPORT_UPLOAD_ROOT until it is confirmed or a day
old. Step 2 is the preview: how the columns map to fields (changeable), the errors
grouped by column and reason with the first rows, the rows as they will be saved; the
user may import all rows, or only the good ones, without uploading again, and download
every error as a CSV file. Step 3 imports through `contacts.importing.import_contacts`,
the same service the `import_contacts` command uses.
"""

from __future__ import annotations

import contextlib
import csv
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contacts import columns, import_matching, tasks, uploads
from contacts.forms import ImportUploadForm
from contacts.importing import column_label, error_summary, existing_codes
from contacts.models import ImportUpload
from jobs.views import announce_started
from listing import exporting
from tabular.reading import TableError, open_table

IMPORT_SESSION_KEY = "contacts_import"
#: Errors listed on the page; the error file has them all.
ERRORS_SHOWN = 100
_DIR_PREFIX = "import-"
CREATE = "__create__"  # the choice "create this code" for a missing code
_DIR_NAME = re.compile(r"^import-[A-Za-z0-9_]+$")
#: The preview sample of a large file, beside where its upload was.
SAMPLE_NAME = "sample.csv"


def upload_root() -> Path:
    """Where the per-upload directories are made (created 0700 when missing)."""
    root = Path(settings.IMPORT_UPLOAD_ROOT or Path(tempfile.gettempdir()) / "crm-imports")
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def _store_upload(upload) -> Path:
    """Copy the upload into a new private directory; returns the file's path."""
    directory = Path(tempfile.mkdtemp(prefix=_DIR_PREFIX, dir=upload_root()))
    suffix = Path(upload.name or "").suffix.lower()
    path = directory / f"upload{suffix if suffix in ('.csv', '.txt', '.tsv', '.xlsx') else ''}"
    with path.open("xb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    path.chmod(0o600)
    return path


def _pending_path(pending: dict) -> Path | None:
    if pending.get("upload"):
        return _sample_path(pending)
    name = pending.get("dir") or ""
    if not _DIR_NAME.match(name):
        return None
    directory = upload_root() / name
    files = sorted(directory.glob("upload*")) if directory.is_dir() else []
    return files[0] if files else None


def _discard(pending: dict | None, *, keep_upload: bool = False) -> None:
    """Remove the pending upload's files (and its database copy unless a job took it)."""
    if pending and _DIR_NAME.match(pending.get("dir") or ""):
        shutil.rmtree(upload_root() / pending["dir"], ignore_errors=True)
    if pending and pending.get("upload") and not keep_upload:
        uploads.import_upload_delete(upload_id=pending["upload"])


# --- large files: stored in the database, previewed from a sample, imported by a job --


def background_rows() -> int:
    """Files with more rows than this are imported by a background job (and their
    preview checks the first this many rows)."""
    return max(1, int(settings.IMPORT_BACKGROUND_ROWS))


def _more_rows_than(path: Path, name: str, limit: int) -> bool:
    """Whether the file has more than `limit` rows (reads no further than that)."""
    try:
        with open_table(path, name=name) as table:
            for count, _row in enumerate(table.rows(), start=1):
                if count > limit:
                    return True
    except TableError:
        return False  # the preview's dry run reports it
    return False


def _write_sample(source: Path, name: str, target: Path, limit: int) -> None:
    """The header and the first `limit` rows of the file as a CSV file (what the
    preview of a large file checks)."""
    with (
        open_table(source, name=name) as table,
        target.open("x", newline="", encoding="utf-8") as out,
    ):
        writer = csv.writer(out)
        writer.writerow(table.header)
        for count, (_line, values) in enumerate(table.rows(), start=1):
            if count > limit:
                break
            writer.writerow(values)
    target.chmod(0o600)


def _sample_path(pending: dict) -> Path | None:
    """The preview sample of a large pending upload: in its private directory on this
    machine, or made again from the database copy (another web machine kept the first)."""
    name = pending.get("dir") or ""
    if _DIR_NAME.match(name):
        sample = upload_root() / name / SAMPLE_NAME
        if sample.is_file():
            return sample
    stored = ImportUpload.objects.filter(pk=pending["upload"]).first()
    if stored is None:
        return None
    directory = Path(tempfile.mkdtemp(prefix=_DIR_PREFIX, dir=upload_root()))
    pending["dir"] = directory.name
    sample = directory / SAMPLE_NAME
    try:
        with uploads.import_upload_file(stored) as copy:
            _write_sample(copy, stored.name, sample, background_rows())
    except TableError:
        return None
    return sample


def _remove_abandoned_imports(max_age_seconds: int = 24 * 3600) -> None:
    """Uploads whose preview was never confirmed are kept a day at most."""
    uploads.import_uploads_purge(max_age_seconds=max_age_seconds)
    cutoff = time.time() - max_age_seconds
    for directory in upload_root().glob(f"{_DIR_PREFIX}*"):
        with contextlib.suppress(OSError):  # another request removed it first
            if directory.stat().st_mtime < cutoff:
                shutil.rmtree(directory)


def _run(path: Path, pending: dict, *, dry_run: bool, skip_bad_rows: bool | None = None):
    from contacts.importing import import_contacts

    if skip_bad_rows is None:
        skip_bad_rows = pending.get("skip_bad_rows", False)
    choices = pending.get("codes") or {}
    return import_contacts(
        path,
        # A large file's sample is a CSV file whatever the upload was.
        name=path.name if pending.get("upload") else (pending.get("name") or path.name),
        label=pending.get("name") or "",
        skip_bad_rows=skip_bad_rows,
        dry_run=dry_run,
        mapping=pending.get("mapping"),
        create_missing_codes={k for k, v in choices.items() if v == CREATE},
        code_map={k: v for k, v in choices.items() if v and v != CREATE},
        **_existing_options(pending),
    )


def _existing_options(pending: dict) -> dict:
    """The choices about existing contacts (contacts/import_matching.py) kept with the
    pending upload: update by number, what engine matches do, each row's action."""
    match = pending.get("match") or import_matching.NO_MATCH
    return {
        "update": bool(pending.get("update")),
        "match": match if match in import_matching.MATCH_CHOICES else import_matching.NO_MATCH,
        "clear_empty": bool(pending.get("clear_empty")),
        # Session data is JSON: the lines come back as strings.
        "actions": {int(k): v for k, v in (pending.get("actions") or {}).items()},
    }


def _posted_existing(request, pending: dict) -> None:
    """Read the preview's choices about existing contacts into `pending`."""
    pending["update"] = request.POST.get("update") == "1"
    match = request.POST.get("match", "")
    if match in import_matching.MATCH_CHOICES:
        pending["match"] = match
    pending["clear_empty"] = request.POST.get("clear_empty") == "1"
    actions = dict(pending.get("actions") or {})
    for key, value in request.POST.items():
        line = key.removeprefix("action_")
        if (
            key.startswith("action_")
            and line.isdigit()
            and len(line) < 10
            and value in import_matching.ACTIONS
            and len(actions) < 10_000
        ):
            actions[line] = value
    pending["actions"] = actions


def _mapping_rows(result) -> list[dict]:
    if result.mapping is None:
        return []
    return [
        {"index": index, "header": header, "field": field or ""}
        for index, (header, field) in enumerate(result.mapping.pairs())
    ]


def _missing_rows(result, pending: dict) -> list[dict]:
    """The missing codes of the file, each once, with its rows and the user's choice;
    codes already chosen (mapped or to create) stay listed so the choice can change."""
    choices = pending.get("codes") or {}
    rows = []
    options: dict[str, list] = {}
    listed = {m.key.upper() for m in result.missing_codes}
    items = list(result.missing_codes) + [
        _Chosen(key) for key in choices if key.upper() not in listed and ":" in key
    ]
    for item in items:
        if item.column not in options:
            options[item.column] = existing_codes(item.column)
        rows.append(
            {
                "key": item.key,
                "label": column_label(item.column),
                "code": item.code,
                "rows": item.rows,
                "can_create": item.can_create,
                "choice": choices.get(item.key, ""),
                "options": options[item.column],
            }
        )
    return rows


class _Chosen:
    """A code the user already chose for (so it is no longer missing)."""

    def __init__(self, key: str):
        self.key = key
        self.column, _sep, self.code = key.partition(":")
        self.rows = None
        self.can_create = self.column != "country_region_code"


def _field_choices() -> list[tuple[str, str]]:
    return [("", _("(not imported)")), *((f, columns.label(f)) for f in columns.FIELDS)]


def _preview(request, form, result, pending: dict):
    errors = result.errors
    skip = pending.get("skip_bad_rows", False)
    good = result.rows - result.bad_rows
    return render(
        request,
        "contacts/contact_import.html",
        {
            "form": form,
            "result": result,
            "errors": [
                {"line": e.line, "field": column_label(e.column), "message": e.message}
                for e in errors[:ERRORS_SHOWN]
            ],
            "error_count": len(errors),
            "errors_more": max(0, len(errors) - ERRORS_SHOWN),
            "summary": error_summary(errors),
            "token": pending["token"],
            "can_import": not result.file_error and good > 0 and (not errors or skip),
            "can_import_good": not result.file_error and good > 0 and bool(errors) and not skip,
            "to_import": good,
            "file_name": pending.get("name"),
            "mapping_rows": _mapping_rows(result),
            "missing": _missing_rows(result, pending),
            "create_choice": CREATE,
            "field_choices": _field_choices(),
            "ignored": result.mapping.ignored if result.mapping else [],
            "skip_bad_rows": skip,
            "columns": columns.FIELDS,
            # A large file: the preview checked its first rows, a job imports it.
            "background": bool(pending.get("upload")),
            "sample_rows": background_rows(),
            "existing": _existing_options(pending),
            "match_choices": [(k, str(v)) for k, v in import_matching.MATCH_LABELS.items()],
            "decisions": result.decisions[:ERRORS_SHOWN],
            "decisions_more": max(0, len(result.decisions) - ERRORS_SHOWN),
        },
    )


def _pending(request) -> tuple[dict | None, Path | None]:
    pending = request.session.get(IMPORT_SESSION_KEY)
    token = request.POST.get("token") or request.GET.get("token") or ""
    if not pending or not secrets.compare_digest(pending.get("token", ""), token):
        return None, None
    return pending, _pending_path(pending)


def _expired(request):
    # Another token (an old tab, a forged form) leaves the pending upload alone.
    messages.error(request, _("The uploaded file has expired. Upload it again."))
    return redirect("contacts:import")


@require_http_methods(["GET", "POST"])
@permission_required("contacts.add_contact", raise_exception=True)
def contact_import_view(request):
    """Step 1: upload; step 2: mapping and preview (a dry run); step 3: import."""
    step = request.POST.get("step") or request.GET.get("step")
    if step == "confirm" and request.method == "POST":
        return _import_confirm(request)
    if step == "remap" and request.method == "POST":
        return _import_remap(request)
    if step == "errors":
        return _import_error_file(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        _remove_abandoned_imports()
        _discard(request.session.get(IMPORT_SESSION_KEY))
        path = _store_upload(upload)
        pending = {
            "token": secrets.token_urlsafe(24),
            "dir": path.parent.name,
            "name": Path(upload.name or "").name[:200],
            "skip_bad_rows": form.cleaned_data["skip_bad_rows"],
            "mapping": None,
            "update": form.cleaned_data["update"],
            "match": form.cleaned_data["match"] or import_matching.NO_MATCH,
            "clear_empty": form.cleaned_data["clear_empty"],
            "actions": {},
        }
        if _more_rows_than(path, pending["name"], background_rows()):
            # A large file: kept in the database for the job (a worker on any machine
            # reads it); the preview checks a sample of its first rows, so the request
            # stays short whatever the file's size.
            stored = uploads.import_upload_store_file(
                path=path, name=pending["name"], owner=request.user
            )
            pending["upload"] = stored.pk
            _write_sample(path, pending["name"], path.parent / SAMPLE_NAME, background_rows())
            path.unlink()
            path = path.parent / SAMPLE_NAME
        result = _run(path, pending, dry_run=True)
        if result.file_error:
            _discard(pending)
            request.session.pop(IMPORT_SESSION_KEY, None)
            form.add_error("file", result.file_error)
            return render(request, "contacts/contact_import.html", {"form": form})
        pending["mapping"] = result.mapping.fields if result.mapping else None
        request.session[IMPORT_SESSION_KEY] = pending
        return _preview(request, form, result, pending)
    return render(
        request, "contacts/contact_import.html", {"form": form, "columns": columns.FIELDS}
    )


def _import_remap(request):
    pending, path = _pending(request)
    if pending is None or path is None:
        return _expired(request)
    count = len(pending.get("mapping") or [])
    valid = set(columns.FIELDS)
    chosen = []
    for index in range(count):
        value = request.POST.get(f"col_{index}", "")
        chosen.append(value if value in valid else None)
    pending["mapping"] = chosen
    codes = {}
    for key, value in request.POST.items():
        if key.startswith("code:") and value and len(key) < 200 and len(value) <= 20:
            codes[key.removeprefix("code:")] = value
    pending["codes"] = codes
    _posted_existing(request, pending)
    request.session[IMPORT_SESSION_KEY] = pending
    result = _run(path, pending, dry_run=True)
    return _preview(request, ImportUploadForm(), result, pending)


def _import_error_file(request):
    """Every error of the pending upload as CSV: line, column, error."""
    pending, path = _pending(request)
    if pending is None or path is None:
        return _expired(request)
    result = _run(path, pending, dry_run=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stem = Path(pending.get("name") or "import").stem[:60] or "import"
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem)
    response["Content-Disposition"] = f'attachment; filename="{safe}-errors.csv"'
    # Through the spreadsheet-safe writer (with the BOM Excel needs): a message may start
    # with the file's own value ("=HYPERLINK(...) must not contain letters.").
    rows = ([e.line, column_label(e.column), e.message] for e in result.errors)
    for line in exporting.csv_lines([_("Line"), _("Column"), _("Error")], rows):
        response.write(line)
    return response


def _import_confirm(request):
    pending, path = _pending(request)
    if pending is None or path is None:
        return _expired(request)
    skip = pending.get("skip_bad_rows", False) or request.POST.get("skip_bad_rows") == "1"
    if pending.get("upload"):
        return _import_in_background(request, pending, skip)
    try:
        result = _run(path, pending, dry_run=False, skip_bad_rows=skip)
    except ValidationError as error:
        # E.g. the number series ran out after the preview: the import rolled back.
        _discard(pending)
        request.session.pop(IMPORT_SESSION_KEY, None)
        for message in error.messages:
            messages.error(request, message)
        messages.error(request, _("Nothing was imported."))
        return redirect("contacts:import")
    if result.errors and not result.written:
        # Nothing was written (the data changed since the preview): show it again.
        return _preview(request, ImportUploadForm(), result, pending)
    _discard(pending)
    request.session.pop(IMPORT_SESSION_KEY, None)
    messages.success(request, import_summary(result))
    if result.companies_updated or result.persons_updated or result.skipped:
        messages.success(request, result.updates_summary())
    if result.codes_created:
        messages.info(
            request,
            _("Codes created: %(codes)s")
            % {
                "codes": ", ".join(
                    f"{column_label(c.column)} {c.code}" for c in result.codes_created
                )
            },
        )
    if result.companies_created:
        with contextlib.suppress(NoReverseMatch):  # the duplicates app is above contacts
            messages.info(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _(
                        "The new companies are in the duplicate search (with Autosearch on, "
                        "small imports are searched at once)."
                    ),
                    reverse("duplicates:list"),
                    _("See the duplicates, or start a full search"),
                ),
            )
    for warning in result.warnings[:10]:
        messages.warning(
            request,
            _("Line %(line)d: %(message)s") % {"line": warning.line, "message": warning.message},
        )
    return redirect(reverse("contacts:list"))


def _import_in_background(request, pending: dict, skip: bool):
    """Queue the import of a large pending upload and go to its job's page."""
    choices = pending.get("codes") or {}
    job = tasks.import_contacts_file.start(
        user=request.user,
        upload=pending["upload"],
        name=pending.get("name") or "",
        skip_bad_rows=skip,
        mapping=pending.get("mapping"),
        create_missing_codes=sorted(k for k, v in choices.items() if v == CREATE),
        code_map={k: v for k, v in choices.items() if v and v != CREATE},
        **{
            **_existing_options(pending),
            # Job parameters are JSON: the lines as texts (the job reads them back).
            "actions": dict(pending.get("actions") or {}),
        },
    )
    _discard(pending, keep_upload=True)  # the job removes the upload when it ends
    request.session.pop(IMPORT_SESSION_KEY, None)
    announce_started(request, job)
    return redirect(job)


def import_summary(result) -> str:
    return _(
        "Import finished: %(companies)s companies and %(persons)s persons created, "
        "%(skipped)s bad rows skipped."
    ) % {
        "companies": result.companies_created,
        "persons": result.persons_created,
        "skipped": result.bad_rows,
    }
