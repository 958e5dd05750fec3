"""Import contacts from a CSV or XLSX file:
`manage.py import_contacts FILE.csv|FILE.xlsx [--skip-bad-rows] [--map column=field]`."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from contacts import columns, import_matching
from contacts.importing import error_summary, import_contacts
from jobs.commands import add_background_option, announce_queued
from jobs.models import Job
from tabular.reading import TableError

MAX_ERRORS_SHOWN = 200


class _Bars:
    """One tqdm bar per stage (check, write), on stderr."""

    def __init__(self, disable: bool):
        self.disable = disable
        self.bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        bar = self.bars.get(stage)
        if bar is None:
            labels = {"check": _("Checking"), "write": _("Writing")}
            bar = tqdm(
                total=total,
                desc=labels.get(stage, stage),
                unit=" rows",
                file=sys.stderr,
                disable=self.disable,
            )
            self.bars[stage] = bar
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


#: The command's options that import_contacts (inline or as a job) takes as they are.
IMPORT_OPTIONS = (
    "create_missing_codes",
    "skip_bad_rows",
    "dry_run",
    "renumber",
    "update",
    "match",
    "clear_empty",
)


def _import_options(options) -> dict:
    return {name: options[name] for name in IMPORT_OPTIONS}


class Command(BaseCommand):
    help = (
        "Import contacts from a CSV (comma or semicolon, UTF-8 or Windows-1252) or XLSX file "
        "with a header row; the format follows the extension. Columns are matched by name "
        "(en/nb/nl labels and synonyms; --map changes it). Every row is checked first; if "
        "any row is bad nothing is written, unless --skip-bad-rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .csv or .xlsx file.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="Import the file's COLUMN into FIELD (a field name such as post_code, or "
            "its label); COLUMN= leaves the column out. May be given several times.",
        )
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="Import the good rows and report the bad ones.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file only; write nothing."
        )
        parser.add_argument(
            "--renumber",
            action="store_true",
            help="Give every contact a number from the contact series; the file's numbers "
            "only link persons to companies.",
        )
        parser.add_argument(
            "--create-missing-codes",
            action="store_true",
            help="Create the salespeople, territories and languages the file names that do "
            "not exist yet (code as name); without it they are listed and their rows refused.",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="A row whose number exists updates that contact (without it such a row "
            "is refused). Empty cells leave the field as it is.",
        )
        parser.add_argument(
            "--match",
            choices=import_matching.MATCH_CHOICES,
            default=import_matching.NO_MATCH,
            help="Company rows without a number (every company row with --renumber) that "
            "the duplicate search finds among the existing companies: update that company, "
            "create a new one anyway, or skip the row (default none: do not look).",
        )
        parser.add_argument(
            "--clear-empty",
            action="store_true",
            help="An empty cell clears the field of an updated contact (not the name).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        add_background_option(parser)

    def _background(self, path: Path, mapping: dict[str, str], options) -> None:
        """Queue the import as a job (the file is stored in the database, so a worker on
        any machine can read it) and say where to follow it."""
        from contacts.tasks import import_start

        try:
            job = import_start(
                source=path,
                name=path.name,
                origin=Job.Origin.COMMAND,
                mapping=mapping or None,
                **_import_options(options),
            )
        except TableError as error:
            raise CommandError(_("Nothing was imported: %(error)s") % {"error": error}) from error
        announce_queued(self, job)

    def _mapping(self, pairs: list[str]) -> dict[str, str]:
        mapping = {}
        for pair in pairs:
            column, sep, target = pair.partition("=")
            if not sep or not column.strip():
                raise CommandError(
                    _("--map takes COLUMN=FIELD, not “%(value)s”.") % {"value": pair}
                )
            field_name = ""
            if target.strip():
                field_name = columns.field_named(target)
                if field_name is None:
                    raise CommandError(
                        _("Unknown field “%(field)s” in --map. Fields: %(fields)s")
                        % {"field": target, "fields": ", ".join(columns.FIELDS)}
                    )
            mapping[column.strip()] = field_name
        return mapping

    def _missing_codes(self, result, create: bool) -> None:
        if not result.missing_codes:
            return
        created = {item.key for item in result.codes_created}
        self.stderr.write(_("Codes the file names that do not exist:"))
        for item in result.missing_codes:
            if item.key in created:
                what = _("created")
            elif item.can_create and not create:
                what = _("use --create-missing-codes to create it")
            elif not item.can_create:
                what = _("not an ISO country/region code")
            else:
                what = _("not created")
            self.stderr.write(
                "  "
                + ngettext(
                    "%(column)s %(code)s: %(rows)s row (%(what)s)",
                    "%(column)s %(code)s: %(rows)s rows (%(what)s)",
                    item.rows,
                )
                % {
                    "column": columns.label(item.column),
                    "code": item.code,
                    "rows": item.rows,
                    "what": what,
                }
            )

    def _summary(self, result) -> None:
        """The errors grouped by column and reason, with counts (as on the page)."""
        if not result.errors:
            return
        self.stderr.write(_("Errors by column and reason:"))
        for group in error_summary(result.errors):
            self.stderr.write(
                "  "
                + _("%(column)s – %(reason)s: %(count)s (lines %(lines)s)")
                % {
                    "column": group["column"],
                    "reason": group["reason"],
                    "count": group["count"],
                    "lines": ", ".join(map(str, group["lines"])),
                }
            )

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": file})
        mapping = self._mapping(options["map"])
        if options["background"]:
            return self._background(path, mapping, options)
        bars = _Bars(disable=options["no_progress"] or not sys.stderr.isatty())
        try:
            result = import_contacts(
                path,
                mapping=mapping,
                **_import_options(options),
                progress=bars,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        finally:
            bars.close()
        if result.file_error:
            raise CommandError(_("Nothing was imported: %(error)s") % {"error": result.file_error})
        if result.mapping is not None and result.mapping.ignored:
            self.stderr.write(
                _("Columns not imported (no field of that name): %(columns)s")
                % {"columns": ", ".join(result.mapping.ignored)}
            )
        self._missing_codes(result, options["create_missing_codes"])
        self._summary(result)
        for error in result.errors[:MAX_ERRORS_SHOWN]:
            self.stderr.write(
                _("Line %(line)d, %(column)s: %(message)s")
                % {"line": error.line, "column": error.column, "message": error.message}
            )
        if len(result.errors) > MAX_ERRORS_SHOWN:
            self.stderr.write(
                _("… and %(count)d more errors.") % {"count": len(result.errors) - MAX_ERRORS_SHOWN}
            )
        for warning in result.warnings[:MAX_ERRORS_SHOWN]:
            self.stderr.write(
                _("Line %(line)d, %(column)s: %(message)s")
                % {"line": warning.line, "column": warning.column, "message": warning.message}
            )
        if result.errors and not result.written and not options["dry_run"]:
            raise CommandError(
                _(
                    "%(bad)d of %(rows)d rows have errors; nothing was imported. Fix them "
                    "or use --skip-bad-rows."
                )
                % {"bad": result.bad_rows, "rows": result.rows}
            )
        self._decisions(result)
        if options["dry_run"]:
            self.stdout.write(
                _("Checked %(rows)d rows: %(bad)d bad. Nothing was written (dry run).")
                % {"rows": result.rows, "bad": result.bad_rows}
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Imported %(companies)d companies and %(persons)d persons "
                    "(%(bad)d bad rows skipped)."
                )
                % {
                    "companies": result.companies_created,
                    "persons": result.persons_created,
                    "bad": result.bad_rows,
                }
            )
        )
        if options["update"] or options["match"] != import_matching.NO_MATCH:
            self.stdout.write(result.updates_summary())

    def _decisions(self, result) -> None:
        """Rows per action, and each row the duplicate search matched, with its reasons."""
        if not result.decisions and not result.actions.get(import_matching.SKIP):
            return
        self.stdout.write(
            _("Rows: %(create)d to create, %(update)d to update, %(skip)d to skip.")
            % {
                "create": result.actions.get(import_matching.CREATE, 0),
                "update": result.actions.get(import_matching.UPDATE, 0),
                "skip": result.actions.get(import_matching.SKIP, 0),
            }
        )
        for item in result.decisions[:MAX_ERRORS_SHOWN]:
            if item["score"] is None:
                continue
            self.stdout.write(
                "  "
                + _("Line %(line)d: %(action)s – matches %(no)s %(name)s (%(score)d%%: %(why)s)")
                % {
                    "line": item["line"],
                    "action": item["action_label"],
                    "no": item["target_no"],
                    "name": item["target_name"],
                    "score": item["score"],
                    "why": ", ".join(item["reasons"]),
                }
            )
