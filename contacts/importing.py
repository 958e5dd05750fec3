"""Importing contacts from CSV or XLSX (the header of sample-contacts.csv, or any header
the column mapping reads; contacts/exporting.py writes it).

`import_contacts` checks every row first (unknown codes, missing company, bad e-mail,
over-long values, missing names, duplicate or disallowed numbers) and, when any row is
bad, writes nothing unless asked to skip bad rows. It then writes fast: companies first,
then persons, in batches of multi-row inserts, with numbers drawn as one block under one
lock (numbering.services.series_draw_many), and names, inheritance and defaults applied
with the same functions as a single save (contacts/services.py, contacts/inheritance.py).
Bulk inserts send no signals, so the rules are applied here explicitly and
`contacts.signals.contacts_bulk_created` is sent inside the import's transaction (the
duplicate search strings of the new companies are written in it).

Rows may come in any order (a person before its company is fine); a person's
company_no may name a company in the file or one already in the database.
"""

from __future__ import annotations

import io
import secrets
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from contacts import columns, import_matching, inheritance, names, places, searchkeys
from contacts.emails import validate_email_list
from contacts.identifiers import vat_check_message, vat_fails_check
from contacts.maintenance import analyze_after_bulk_write, unnest_insert_sql
from contacts.models import Contact, ContactPlace
from contacts.selectors import contacts_for_old_nos
from contacts.services import contact_apply_defaults, contact_clear_person_fields
from contacts.signals import contacts_bulk_created
from history import context as history
from history.models import Cause, Change
from history.writers import record_created
from listing.exporting import cell_unescape
from marketing_setup.models import Language, MarketingSetup, Salesperson, Territory
from numbering import services as numbering_services
from numbering.codes import normalise_number, number_error
from tabular.reading import Table, TableError, open_table

HEADER = [
    "type",
    "no",
    "name",
    "company_no",
    "first_name",
    "middle_name",
    "surname",
    "job_title",
    "address",
    "address_2",
    "post_code",
    "city",
    "county",
    "country_region_code",
    "phone_no",
    "mobile_phone_no",
    "email",
    "fax_no",
    "language_code",
    "territory_code",
    "salesperson_code",
    "vat_registration_no",
]
# Plain text columns written to the model field of the same name.
TEXT_COLUMNS = [
    "name",
    "first_name",
    "middle_name",
    "surname",
    "job_title",
    "address",
    "address_2",
    "post_code",
    "city",
    "county",
    "phone_no",
    "mobile_phone_no",
    "email",
    "fax_no",
    "vat_registration_no",
]
PHONE_COLUMNS = ("phone_no", "mobile_phone_no", "fax_no")
CODE_COLUMNS = {
    "language_code": (Language, "language_id"),
    "territory_code": (Territory, "territory_id"),
    "salesperson_code": (Salesperson, "salesperson_id"),
}
PREVIEW_ROWS = 20
BATCH_SIZE = 900  # rows per INSERT batch (and per IN (...) list when reading the ids back)
_CHUNK = 900  # keeps IN (...) lists under SQLite's variable limit

ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


class RowError(NamedTuple):
    line: int
    column: str
    message: str
    #: The message without the row's values, for grouping ("Unknown territory code").
    reason: str = ""


class MissingCode(NamedTuple):
    column: str  # salesperson_code, territory_code, language_code, country_region_code
    code: str
    rows: int
    can_create: bool

    @property
    def key(self) -> str:
        return f"{self.column}:{self.code}"


@dataclass
class ImportResult:
    rows: int = 0
    companies_created: int = 0
    persons_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    #: Things to check that do not stop the import (a VAT number failing its check digit).
    warnings: list[RowError] = field(default_factory=list)
    bad_rows: int = 0
    written: bool = False
    dry_run: bool = False
    preview: list[dict[str, Any]] = field(default_factory=list)
    #: The file's columns and the field each fills (None for row dicts).
    mapping: ColumnMapping | None = None
    #: Set when the file cannot be read at all (translated, with its line).
    file_error: str = ""
    missing_codes: list[MissingCode] = field(default_factory=list)
    codes_created: list[MissingCode] = field(default_factory=list)
    #: Rows per action ("create", "update", "skip"), good rows only.
    actions: dict[str, int] = field(default_factory=dict)
    #: The rows that meet an existing contact (contacts/import_matching.decision).
    decisions: list[dict[str, Any]] = field(default_factory=list)
    companies_updated: int = 0
    persons_updated: int = 0
    #: Person rows that followed their updated company.
    followers_updated: int = 0
    skipped: int = 0

    def updates_summary(self) -> str:
        """What the update of existing contacts did, in one sentence (page and command)."""
        return _(
            "Updated %(companies)d companies and %(persons)d persons "
            "(%(followers)d person fields followed their company); "
            "%(skipped)d rows skipped."
        ) % {
            "companies": self.companies_updated,
            "persons": self.persons_updated,
            "followers": self.followers_updated,
            "skipped": self.skipped,
        }

    @property
    def created(self) -> int:
        return self.companies_created + self.persons_created

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    contact: Contact | None = None
    bad: bool = False
    extra: int = 0  # values beyond the header's columns
    # Set by contacts/import_matching.classify: create/update/skip, the existing
    # contact, the duplicate engine's match, the fields an update changes.
    action: str = ""
    target: Contact | None = None
    match: Any = None
    changes: dict[str, Any] | None = None


# --- reading ------------------------------------------------------------------------


@dataclass
class ColumnMapping:
    """Which field each of the file's columns fills (None: ignored)."""

    header: list[str]
    fields: list[str | None]

    @property
    def ignored(self) -> list[str]:
        return [h for h, f in zip(self.header, self.fields, strict=True) if not f and h]

    def pairs(self) -> list[tuple[str, str | None]]:
        return list(zip(self.header, self.fields, strict=True))


def mapping_for(
    header: list[str], overrides: dict[str, str] | list[str | None] | None = None
) -> ColumnMapping:
    """The suggested mapping of a header, with `overrides` applied: {column name: field,
    or "" to leave the column out} (a field chosen for a column is taken from any other
    column that had it), or the field of every column by position (the page's choice)."""
    if isinstance(overrides, list):
        fields = [f if f in columns.FIELD_LABELS else None for f in overrides]
        fields = (fields + [None] * len(header))[: len(header)]
        seen: set[str] = set()
        for index, chosen in enumerate(fields):
            if chosen in seen:
                fields[index] = None
            elif chosen:
                seen.add(chosen)
        return ColumnMapping(header=list(header), fields=fields)
    fields = columns.suggest_mapping(header)
    if overrides:
        wanted = {columns.header_key(k): v for k, v in overrides.items()}
        for index, name in enumerate(header):
            key = columns.header_key(name)
            if key not in wanted:
                continue
            chosen = wanted[key] or None
            if chosen:
                fields = [None if f == chosen else f for f in fields]
            fields[index] = chosen
    return ColumnMapping(header=list(header), fields=fields)


class _Source(NamedTuple):
    mapping: ColumnMapping | None
    #: Rows from the start, each call: (line, values by field, count of extra values).
    rows: Callable[[], Iterator[tuple[int, dict[str, str], int]]]
    table: Table | None


def _open_rows(source, name: str, overrides) -> _Source:
    """A file (path or binary file object) or a list of row dicts, readable again."""
    if isinstance(source, str | Path) or hasattr(source, "read"):
        table = open_table(source, name=name)
        mapping = mapping_for(table.header, overrides)
        width = len(mapping.header)
        pairs = [(i, f) for i, f in enumerate(mapping.fields) if f]

        def table_rows():
            for line, values in table.rows():
                mapped = {f: values[i] if i < len(values) else "" for i, f in pairs}
                extra = sum(1 for v in values[width:] if v)
                yield line, mapped, extra

        return _Source(mapping, table_rows, table)

    def dict_rows():
        for i, row in enumerate(source, 2):
            yield i, {k: str(v or "") for k, v in row.items()}, 0

    return _Source(None, dict_rows, None)


# --- checking -----------------------------------------------------------------------


def _max_lengths() -> dict[str, int]:
    lengths = {c: Contact._meta.get_field(c).max_length for c in TEXT_COLUMNS}
    lengths["no"] = Contact._meta.get_field("no").max_length
    lengths["company_no"] = lengths["no"]
    return lengths


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


_TYPES = frozenset(Contact.Type.values)


def _code_label(column: str) -> str:
    return {
        "language_code": _("language"),
        "territory_code": _("territory"),
        "salesperson_code": _("salesperson"),
    }[column]


class _Checker:
    def __init__(
        self,
        setup: MarketingSetup,
        renumber: bool,
        create_codes: bool | set[str] = False,
        code_map: dict[str, str] | None = None,
        update: bool = False,
    ):
        self.setup = setup
        self.renumber = renumber
        #: Existing numbers update their contact (contacts/import_matching.py).
        self.update = update
        self.create_codes = create_codes
        #: {"column:VALUE": code} chosen by the user for missing codes.
        self.code_map = {k.upper(): v for k, v in (code_map or {}).items() if v}
        #: (column, code) -> rows, for codes that do not exist (listed once in the preview).
        self.missing: Counter = Counter()
        #: (column, code) -> the lines that use it (which codes good rows need).
        self.missing_lines: dict[tuple[str, str], array] = {}
        self.lengths = _max_lengths()
        self._countries: dict[str, bool] = {}
        self.codes = {
            column: set(model.objects.values_list("pk", flat=True))
            for column, (model, _attr) in CODE_COLUMNS.items()
        }
        self.code_lengths = {
            column: model._meta.pk.max_length for column, (model, _attr) in CODE_COLUMNS.items()
        }
        self.blocked_salespeople = set(
            Salesperson.objects.filter(blocked=True).values_list("pk", flat=True)
        )
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        #: The lines of the rows found bad (all the check pass keeps of a row's errors).
        self.bad_lines: set[int] = set()
        #: Quiet: a later pass over the same rows only normalises their values again
        #: (the check pass recorded the errors, warnings and missing codes).
        self.quiet = False
        self.manual_error: str | None = None
        if not renumber:
            try:
                numbering_services.series_check_manual(setup.contact_nos_id or "")
            except ValidationError as error:
                self.manual_error = " ".join(error.messages)

    def error(self, row: _Row, column: str, message: str, reason: str = "") -> None:
        row.bad = True
        self.error_at(row.line, column, message, reason)

    def error_at(self, line: int, column: str, message: str, reason: str = "") -> None:
        if self.quiet:
            return
        self.bad_lines.add(line)
        self.errors.append(RowError(line, column, message, reason or message))

    def count_missing(self, column: str, code: str, line: int) -> None:
        if self.quiet:
            return
        self.missing[column, code] += 1
        self.missing_lines.setdefault((column, code), array("q")).append(line)

    def creates(self, column: str, code: str) -> bool:
        if isinstance(self.create_codes, bool):
            return self.create_codes
        return f"{column}:{code}".upper() in self.create_codes

    def mapped(self, column: str, value: str) -> str:
        return self.code_map.get(f"{column}:{value}".upper(), value) if value else value

    def code(self, column: str, value: str) -> str | None:
        known = self.codes[column]
        if value in known:
            return value
        if value.upper() in known:
            return value.upper()
        return None

    def normalise(self, row: _Row) -> None:
        """The values as `check` leaves them (type, country, codes), without checking:
        for the passes after the check pass, which know the errors (15.4: the write
        pass does not validate every row a second time)."""
        v = row.values
        v["type"] = columns.contact_type(v["type"]) or v["type"].lower()
        v["country_region_code"] = self.mapped(
            "country_region_code", v["country_region_code"]
        ).upper()
        for column in CODE_COLUMNS:
            if v[column]:
                v[column], _outcome = self.resolve_code(column, v[column])

    def resolve_code(self, column: str, value: str) -> tuple[str, str]:
        """A code cell after its mapping, and what it is: "known" (the code as stored),
        "created" (missing, and created in the write step), "missing", or "blocked" (a
        blocked salesperson). A missing or blocked value stays as the file (mapped) has it."""
        value = self.mapped(column, value)
        code = self.code(column, value)
        if code is None:
            missing = value.upper()
            if self.creates(column, missing) and len(missing) <= self.code_lengths[column]:
                return missing, "created"
            return value, "missing"
        if column == "salesperson_code" and code in self.blocked_salespeople:
            return value, "blocked"
        return code, "known"

    def country_known(self, code: str) -> bool:
        """`code in countries`, remembered per code (a file has few of them, and
        django-countries' look-up is slow for a million rows)."""
        known = self._countries.get(code)
        if known is None:
            known = self._countries[code] = code in countries
        return known

    def check(self, row: _Row) -> None:
        if self.quiet:
            self.normalise(row)
            return
        v = row.values
        if row.extra:
            # Most often an unquoted comma (or semicolon) inside a value.
            self.error(
                row,
                "—",  # no one column: the whole line
                _(
                    "This line has more values than the header has columns (%(count)d too "
                    "many); put values that contain the separator in double quotes."
                )
                % {"count": row.extra},
                _("More values than the header has columns"),
            )
        kind = columns.contact_type(v["type"]) or v["type"].lower()
        if kind not in _TYPES:
            self.error(
                row,
                "type",
                _("Type must be company or person, not “%(value)s”.") % {"value": v["type"]},
                _("Type must be company or person"),
            )
        v["type"] = kind
        for column, limit in self.lengths.items():
            if len(v[column]) > limit:
                self.error(
                    row,
                    column,
                    _("%(column)s is longer than %(max)d characters (%(length)d).")
                    % {"column": columns.label(column), "max": limit, "length": len(v[column])},
                    _("Longer than %(max)d characters") % {"max": limit},
                )
        if v["email"]:
            try:
                validate_email_list(v["email"])  # several, separated by semicolons
            except ValidationError:
                self.error(
                    row,
                    "email",
                    _("“%(value)s” is not a valid e-mail address.") % {"value": v["email"]},
                    _("Not a valid e-mail address"),
                )
        for column in PHONE_COLUMNS:
            if any(ch.isalpha() for ch in v[column]):
                self.error(
                    row,
                    column,
                    _("%(value)s must not contain letters.") % {"value": v[column]},
                    _("A phone number must not contain letters"),
                )
        country = self.mapped("country_region_code", v["country_region_code"]).upper()
        if country and not self.country_known(country):
            self.count_missing("country_region_code", country, row.line)
            self.error(
                row,
                "country_region_code",
                _("Unknown country/region code “%(code)s”.") % {"code": v["country_region_code"]},
                _("Unknown country/region code"),
            )
        v["country_region_code"] = country
        if v["vat_registration_no"] and vat_fails_check(v["vat_registration_no"], country):
            self.warnings.append(
                RowError(
                    row.line, "vat_registration_no", vat_check_message(v["vat_registration_no"])
                )
            )
        for column in CODE_COLUMNS:
            if v[column]:
                v[column], outcome = self.resolve_code(column, v[column])
                if outcome in ("created", "missing"):
                    self.count_missing(column, v[column].upper(), row.line)
                if outcome == "missing":
                    self.error(
                        row,
                        column,
                        _("Unknown %(what)s code “%(code)s”.")
                        % {"what": _code_label(column), "code": v[column]},
                        _("Unknown %(what)s code") % {"what": _code_label(column)},
                    )
                elif outcome == "blocked":
                    code = self.code(column, v[column])
                    self.error(
                        row,
                        column,
                        _("Salesperson %(code)s is blocked and cannot be used.") % {"code": code},
                        _("Blocked salesperson"),
                    )
        if kind == Contact.Type.PERSON:
            if not (v["name"] or v["surname"] or v["first_name"]):
                self.error(row, "name", _("A person needs a name or a surname."))
        elif kind == Contact.Type.COMPANY:
            if not v["name"]:
                self.error(row, "name", _("A company needs a name."))
            if v["company_no"] and v["company_no"] != v["no"]:
                self.error(row, "company_no", _("A company cannot belong to another company."))
        for column in ("no", "company_no"):
            # The number rule (numbering/codes.py); too long is reported above.
            if v[column] and len(v[column]) <= self.lengths[column]:
                message = number_error(v[column])
                if message:
                    self.error(row, column, message, _("Not a valid number"))
        if v["no"] and self.manual_error:
            self.error(row, "no", self.manual_error)
        if (self.renumber or not v["no"]) and not self.setup.contact_nos_id:
            self.error(row, "no", _("Contact Nos. must have a value in Marketing Setup."))


class _Facts:
    """What the check pass keeps of the file: a few compact facts per row (numbers,
    company references, lines), never the rows themselves (15.4)."""

    def __init__(self, checker: _Checker, options: import_matching.Options):
        self.checker = checker
        self.options = options
        #: The rows that may meet an existing contact (a number that exists with
        #: `update`, a company the duplicate engine may match, a row the user chose an
        #: action for): kept whole for contacts/import_matching.classify; every other
        #: row creates a contact.
        self.candidates: dict[int, _Row] = {}
        self.rows = 0
        #: Number -> the first line that has it (duplicates within the file).
        self.first_line: dict[str, int] = {}
        #: Company number -> the line of the first company row with it (the row the
        #: file's persons refer to).
        self.file_companies: dict[str, int] = {}
        #: A person's company_no -> the lines of the persons naming it (resolved after
        #: the whole file is read: a person may come before its company).
        self.refs: dict[str, array] = {}
        #: Company number -> pk of the database companies the file's persons name.
        self.db_companies: dict[str, int] = {}
        self._unchecked: list[_Row] = []  # rows whose number is not yet looked up
        self._existing: set[str] = set()
        #: import_matching.decision of each row that meets an existing contact.
        self.decisions: list[dict[str, Any]] = []

    def note(self, row: _Row) -> None:
        """After `checker.check(row)`: keep the row's facts; duplicate numbers are
        reported at once, numbers already in the database per chunk."""
        v = row.values
        no = v["no"]
        if no:
            first = self.first_line.get(no)
            if first is not None:
                self.checker.error(
                    row,
                    "no",
                    _("Number %(no)s is already used on line %(line)d.")
                    % {"no": no, "line": first},
                    _("Number used twice in the file"),
                )
            else:
                self.first_line[no] = row.line
            if v["type"] == Contact.Type.COMPANY:
                self.file_companies.setdefault(no, row.line)
            if not self.checker.renumber:
                self._unchecked.append(row)
                if len(self._unchecked) >= _CHUNK:
                    self._check_existing()
        options = self.options
        if row.line in (options.actions or {}) or (
            options.match != import_matching.NO_MATCH
            and v["type"] == Contact.Type.COMPANY
            and (options.renumber or not no)
        ):
            self.candidates[row.line] = row
        ref = v["company_no"]
        if ref and v["type"] == Contact.Type.PERSON:
            self.refs.setdefault(ref, array("q")).append(row.line)

    def _check_existing(self) -> None:
        pending, self._unchecked = self._unchecked, []
        wanted = {row.values["no"] for row in pending} - self._existing
        if wanted:
            self._existing.update(
                Contact.objects.filter(no__in=wanted).values_list("no", flat=True)
            )
        for row in pending:
            no = row.values["no"]
            if no not in self._existing:
                continue
            if self.checker.update:
                self.candidates[row.line] = row  # updates that contact (classify)
            else:
                self.checker.error_at(
                    row.line,
                    "no",
                    _("Contact %(no)s already exists.") % {"no": no},
                    _("The contact already exists"),
                )

    def finish(self) -> None:
        """After the last row: the remaining database look-ups and the company
        references (in the file, in the database, or an old number of a merged one)."""
        self._check_existing()
        checker = self.checker
        wanted = sorted(ref for ref in self.refs if ref not in self.file_companies)
        found: dict[str, tuple[int, bool]] = {}
        for chunk in _chunks(wanted):
            found.update(
                (no, (pk, kind == Contact.Type.COMPANY))
                for no, pk, kind in Contact.objects.filter(no__in=chunk).values_list(
                    "no", "pk", "type"
                )
            )
        # A merged company's old number stands for the company it was merged into.
        old = contacts_for_old_nos(no for no in wanted if no not in found)
        found.update((no, (c.pk, c.is_company)) for no, c in old.items())
        for ref, lines in self.refs.items():
            if ref in self.file_companies:
                continue  # after classify (an update row needs no name): _bad_companies
            pk_company = found.get(ref)
            for line in lines:
                if pk_company is None:
                    checker.error_at(
                        line,
                        "company_no",
                        _("Company %(no)s is neither in the file nor in the database.")
                        % {"no": ref},
                        _("Company neither in the file nor in the database"),
                    )
                elif not pk_company[1]:
                    checker.error_at(
                        line,
                        "company_no",
                        _("Contact %(no)s is not a company.") % {"no": ref},
                        _("Not a company"),
                    )
        self.db_companies = {no: pk for no, (pk, is_company) in found.items() if is_company}

    def classify(self) -> list[_Row]:
        """Create, update or skip (contacts/import_matching.classify) for the candidate
        rows; every other row creates. Returns the good rows that do not create."""
        checker = self.checker
        rows = sorted(self.candidates.values(), key=lambda r: r.line)
        for row in rows:
            row.bad = row.line in checker.bad_lines
        if rows:
            import_matching.classify(rows, checker, self.options)
        for row in rows:  # classify may drop errors only a new contact has
            if row.bad:
                checker.bad_lines.add(row.line)
            else:
                checker.bad_lines.discard(row.line)
        self._bad_companies()
        # A person whose company's row is skipped (and is no existing company) has no
        # company to go to (classify refuses the candidate rows themselves).
        skipped = {
            r.values["no"]: r.line
            for r in rows
            if r.action == import_matching.SKIP
            and r.target is None
            and r.values["no"]
            and r.values["type"] == Contact.Type.COMPANY
            and self.file_companies.get(r.values["no"]) == r.line
        }
        for ref, company_line in skipped.items():
            for line in self.refs.get(ref, ()):
                if line not in checker.bad_lines:
                    checker.error_at(
                        line,
                        "company_no",
                        _("Company %(no)s (line %(line)d) is skipped.")
                        % {"no": ref, "line": company_line},
                        _("The company's row is skipped"),
                    )
        for row in rows:
            row.bad = row.line in checker.bad_lines
        # For the preview: every row that meets an existing contact, a match that
        # creates a new company anyway included (its action may still change).
        self.decisions = [
            import_matching.decision(r) for r in rows if r.target is not None and not r.bad
        ]
        self.candidates = {r.line: r for r in rows if r.action != import_matching.CREATE}
        # Not needed any more: the write pass keeps only what it needs.
        self.first_line = {}
        self.refs = {}
        self._existing = set()
        return [r for r in rows if not r.bad and r.action != import_matching.CREATE]

    def _bad_companies(self) -> None:
        """Persons whose company's row in the file has errors are refused with it."""
        checker = self.checker
        for ref, lines in self.refs.items():
            company_line = self.file_companies.get(ref)
            if company_line is None or company_line not in checker.bad_lines:
                continue
            for line in lines:
                checker.error_at(
                    line,
                    "company_no",
                    _("Company %(no)s (line %(line)d) has errors.")
                    % {"no": ref, "line": company_line},
                    _("The company's row has errors"),
                )

    def is_file_company(self, row: _Row) -> bool:
        """The row is the company the file's persons with its number refer to."""
        no = row.values["no"]
        return bool(no) and self.file_companies.get(no) == row.line


# --- building -----------------------------------------------------------------------


def _build(row: _Row, setup: MarketingSetup, renumber: bool) -> Contact:
    v = row.values
    contact = Contact(type=v["type"], no="" if renumber else v["no"])
    for column in TEXT_COLUMNS:
        setattr(contact, column, v[column])
    contact.country = v["country_region_code"]
    for column, (_model, attr) in CODE_COLUMNS.items():
        setattr(contact, attr, v[column] or None)
    contact.vat_registration_no = contact.vat_registration_no.upper()
    contact_clear_person_fields(contact)
    name_values = names.sync_names(
        {
            f: getattr(contact, f)
            for f in ("name", "first_name", "middle_name", "surname", "search_name")
        },
        is_person=contact.is_person,
        old=None,
    )
    for key, value in name_values.items():
        setattr(contact, key, value)
    return contact


def _inherit_and_default(person: Contact, company: Contact | None, setup: MarketingSetup) -> None:
    if company is not None:
        person.company = company
        keep = [
            f
            for f in inheritance.UNCONDITIONAL_FIELDS
            if inheritance.raw_value(person, f) not in (None, "")
        ]
        inheritance.fill_from_company(person, company, None, setup, keep=keep)
    contact_apply_defaults(person, setup)


def _preview(row: _Row, c: Contact) -> dict[str, Any]:
    return {
        "line": row.line,
        "type": c.type,
        "no": c.no,
        "name": c.name,
        "company_no": row.values["company_no"] if c.is_person else "",
        "city": c.city,
        "country": str(c.country or ""),
        "language": c.language_id or "",
        "territory": c.territory_id or "",
        "salesperson": c.salesperson_id or "",
        "email": c.email,
        "action": row.action or import_matching.CREATE,
        "action_label": str(import_matching.ACTION_LABELS[row.action or import_matching.CREATE]),
        "target_no": row.target.no if row.target is not None else "",
    }


def _provisional_prefix() -> str:
    """A prefix no real number can have ("~" breaks the number rule), unique to one
    import: its rows wait under these numbers until the final step. Upper case:
    look-ups of number fields are upper-cased."""
    return f"~{secrets.token_hex(4).upper()}-"


def _draw_numbers(code: str, count: int) -> list[str]:
    """`count` free numbers of series `code`, drawn under its lock (which is held until
    the transaction ends). A drawn number that a contact already has (typed in the
    file, or by hand) is skipped: it is used, so the series stays gap-free."""
    numbers: list[str] = []
    while len(numbers) < count:
        drawn = numbering_services.series_draw_many(code, count - len(numbers))
        taken = _numbers_taken(drawn)
        numbers.extend(n for n in drawn if n not in taken)
    return numbers


def _numbers_taken(numbers: list[str]) -> set[str]:
    """Which of `numbers` contacts have: one statement on PostgreSQL (an array
    parameter; this runs under the series lock), in chunks elsewhere."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('no')} FROM {quote(Contact._meta.db_table)} "
                f"WHERE {quote('no')} = ANY(%s::text[])",
                [numbers],
            )
            return {no for (no,) in cursor.fetchall()}
    taken: set[str] = set()
    for chunk in _chunks(numbers):
        taken.update(Contact.objects.filter(no__in=chunk).values_list("no", flat=True))
    return taken


def _check_deferred_constraints() -> None:
    """Run the checks of the deferred constraints now (PostgreSQL: `SET CONSTRAINTS ALL
    IMMEDIATE` checks the rows written so far at once, and later ones per statement)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


_RENUMBER_CHUNK = 50_000


def _renumber(ids: array, numbers: list[str]) -> None:
    """Give the contacts `ids` (waiting under provisional numbers) their drawn
    `numbers`, set-based."""
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    table = quote(Contact._meta.db_table)
    no, pk = quote("no"), quote("id")
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _RENUMBER_CHUNK):
            chunk_ids = ids[start : start + _RENUMBER_CHUNK].tolist()
            chunk_nos = numbers[start : start + _RENUMBER_CHUNK]
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} SET {no} = v.no FROM UNNEST(%s::bigint[], %s::text[]) "
                    f"AS v(id, no) WHERE {table}.{pk} = v.id",
                    [chunk_ids, chunk_nos],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET {no} = %s WHERE {pk} = %s",
                    list(zip(chunk_nos, chunk_ids, strict=True)),
                )
            places.places_renumber(chunk_ids, chunk_nos, using=connection.alias)


_INSERT_FIELDS = [f for f in Contact._meta.concrete_fields if not f.primary_key]


def _insert(contacts: list[Contact]) -> list[int]:
    """Insert checked, prepared contacts with one executemany; sets and returns their pks.

    bulk_create spends most of its time preparing every value of every row in Python;
    these values are already plain strings, codes and ids, so they go straight to the
    driver. The two timestamps get the same adapted "now" value.
    """
    connection = transaction.get_connection()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    for contact in contacts:
        if contact.company is not None:
            contact.company_id = contact.company.pk
        # Last, after names, inheritance and defaults: the keys follow the stored values.
        searchkeys.apply_search_keys(contact)
    rows = []
    for contact in contacts:
        values = contact.__dict__
        rows.append(
            [
                now if f.attname in ("created_at", "updated_at") else values.get(f.attname)
                for f in _INSERT_FIELDS
            ]
        )
    quote = connection.ops.quote_name
    table = quote(Contact._meta.db_table)
    columns = ", ".join(quote(f.column) for f in _INSERT_FIELDS)
    placeholders = ", ".join(["%s"] * len(_INSERT_FIELDS))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One INSERT ... SELECT FROM UNNEST(column arrays) RETURNING id: a few
            # parameters whatever the batch size; ids come back in row order.
            sql = unnest_insert_sql(connection, Contact, _INSERT_FIELDS)
            cursor.execute(
                f"{sql} RETURNING {quote('id')}",
                [list(column) for column in zip(*rows, strict=True)],
            )
            for contact, (pk,) in zip(contacts, cursor.fetchall(), strict=True):
                contact.pk = pk
        else:
            # SQLite: executemany runs the prepared statement in C, row by row.
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
            ids = dict(
                Contact.objects.filter(no__in=[c.no for c in contacts]).values_list("no", "pk")
            )
            for contact in contacts:
                contact.pk = ids[contact.no]
    for contact in contacts:
        contact._state.adding = False
        contact._state.db = connection.alias
    places.places_insert(contacts, using=connection.alias)
    return [contact.pk for contact in contacts]


def _create_codes(
    missing: list[MissingCode], used: set[tuple[str, str]], checker: _Checker
) -> list[MissingCode]:
    """Create the missing salespeople, territories and languages that good rows use."""
    created = []
    for item in missing:
        wanted = item.can_create and checker.creates(item.column, item.code)
        if not wanted or (item.column, item.code) not in used:
            continue
        model, _attr = CODE_COLUMNS[item.column]
        name_field = "name" if model is Salesperson else "description"
        model.objects.create(**{"code": item.code, name_field: item.code})
        created.append(item)
    return created


class _Writer:
    """The write pass: checked rows in, contacts out in batches of multi-row INSERTs.

    Each batch inserts its companies, then its persons (a person may name a company
    of the same batch). A person whose company comes later in the file waits: its
    line is kept and the row is read again after the last batch. Contacts with a
    number in the file get it at once; the others (and all with `renumber`) wait
    under a provisional number until `finish`, which draws the block from the series
    (taking its lock) and renumbers them set-based: the lock is held for that final
    step only (13.4), not for the whole write.
    """

    def __init__(
        self,
        *,
        setup: MarketingSetup,
        facts: _Facts,
        renumber: bool,
        progress: ProgressFn | None,
        total: int,
    ):
        self.setup = setup
        self.facts = facts
        self.renumber = renumber
        self.progress = progress
        self.total = total
        self.done = 0
        self.companies_created = 0
        self.persons_created = 0
        #: File number -> pk of the companies written (what the file's persons name).
        self.company_pks: dict[str, int] = {}
        self.created_ids = array("q")
        #: Contacts waiting for a number: companies, then persons (so companies get
        #: the lower numbers, as before).
        self.waiting_companies = array("q")
        self.waiting_persons = array("q")
        #: The file lines of the waiting persons: numbers follow the file's order,
        #: whatever the batches (persons read again after their company come later).
        self.waiting_person_lines = array("q")
        self.deferred: set[int] = set()
        # Company rows that update (or name) an existing company: the file's persons
        # that name them go to it.
        for row in facts.candidates.values():
            if (
                row.target is not None
                and row.target.is_company
                and not row.bad
                and facts.is_file_company(row)
            ):
                self.company_pks[row.values["no"]] = row.target.pk
        self._prefix = _provisional_prefix()
        self._provisional = 0

    def _number(self, contact: Contact) -> bool:
        """A typed number is kept; otherwise a provisional one. True when waiting."""
        if contact.no and not self.renumber:
            return False
        self._provisional += 1
        contact.no = f"{self._prefix}{self._provisional:X}"
        contact.no_series = self.setup.contact_nos_id or ""
        return True

    def _write(self, rows: list[_Row], contacts: list[Contact], *, persons: bool) -> None:
        if not contacts:
            return
        waits = [self._number(c) for c in contacts]
        ids = _insert(contacts)
        self.created_ids.extend(ids)
        # Contacts with their final number are logged now; the waiting ones once
        # they have theirs (the change log shows the number).
        record_created(Contact, [pk for pk, w in zip(ids, waits, strict=True) if not w])
        for row, pk, waits_for_number in zip(rows, ids, waits, strict=True):
            if not waits_for_number:
                continue
            if persons:
                self.waiting_persons.append(pk)
                self.waiting_person_lines.append(row.line)
            else:
                self.waiting_companies.append(pk)

    def write_batch(self, rows: list[_Row], *, can_defer: bool = True) -> None:
        if not rows:
            return
        setup = self.setup
        companies = []
        for row in rows:
            if row.values["type"] == Contact.Type.COMPANY:
                contact = _build(row, setup, self.renumber)
                contact_apply_defaults(contact, setup)
                companies.append((row, contact))
        self._write([r for r, _c in companies], [c for _r, c in companies], persons=False)
        loaded: dict[int, Contact] = {}
        for row, contact in companies:
            if self.facts.is_file_company(row):
                self.company_pks[row.values["no"]] = contact.pk
                loaded[contact.pk] = contact
        persons: list[tuple[_Row, int | None]] = []
        for row in rows:
            if row.values["type"] != Contact.Type.PERSON:
                continue
            ref = row.values["company_no"]
            company_pk = None
            if ref:
                if ref in self.facts.file_companies:
                    company_pk = self.company_pks.get(ref)
                    if company_pk is None and can_defer:
                        self.deferred.add(row.line)  # its company comes later
                        continue
                else:
                    company_pk = self.facts.db_companies.get(ref)
            persons.append((row, company_pk))
        wanted = {pk for _r, pk in persons if pk is not None and pk not in loaded}
        if wanted:
            loaded.update(Contact.objects.in_bulk(wanted))
        built = []
        for row, company_pk in persons:
            contact = _build(row, setup, self.renumber)
            _inherit_and_default(contact, loaded.get(company_pk), setup)
            built.append(contact)
        self._write([r for r, _pk in persons], built, persons=True)
        self.companies_created += len(companies)
        self.persons_created += len(built)
        self.done += len(companies) + len(built)
        if self.progress:
            self.progress("write", self.done, self.total)

    def finish(self) -> None:
        """The final step: the block of numbers for the waiting contacts (the series
        lock is taken here and held until the import commits), set-based."""
        waiting = self.waiting_companies
        lines = self.waiting_person_lines
        if any(lines[i] > lines[i + 1] for i in range(len(lines) - 1)):
            order = sorted(range(len(lines)), key=lines.__getitem__)
            waiting.extend(self.waiting_persons[i] for i in order)
            del order
        else:
            waiting.extend(self.waiting_persons)
        self.waiting_persons = self.waiting_person_lines = array("q")
        if not waiting:
            return
        code = self.setup.contact_nos_id
        if not code:
            raise ValidationError(_("Contact Nos. must have a value in Marketing Setup."))
        numbers = _draw_numbers(code, len(waiting))
        _renumber(waiting, numbers)
        del numbers
        record_created(Contact, waiting)


def _preview_rows(
    rows: Callable[[], Iterator[_Row]], checker: _Checker, facts: _Facts, setup, renumber
) -> list[dict[str, Any]]:
    """The first good rows as they would be saved (names, inheritance, defaults). Reads
    the file from its start, only as far as needed: up to the first PREVIEW_ROWS good
    rows and the companies their persons name."""
    first: list[_Row] = []
    needed: dict[int, _Row | None] = {}  # line of a file company -> its row once read
    for row in rows():
        if row.line in checker.bad_lines:
            continue
        if len(first) < PREVIEW_ROWS:
            checker.check(row)
            first.append(row)
            ref = row.values["company_no"]
            if row.values["type"] == Contact.Type.PERSON and ref in facts.file_companies:
                line = facts.file_companies[ref]
                earlier = next((r for r in first if r.line == line), None)
                needed[line] = needed.get(line) or earlier
        elif row.line in needed and needed[row.line] is None:
            checker.check(row)
            needed[row.line] = row
        if row.line in needed and needed[row.line] is None:
            needed[row.line] = row
        if len(first) >= PREVIEW_ROWS and all(needed.values()):
            break
    companies: dict[str, Contact] = {}
    for row in [*first, *(r for r in needed.values() if r is not None)]:
        if row.values["type"] == Contact.Type.COMPANY and facts.is_file_company(row):
            existing = facts.candidates.get(row.line)
            if existing is not None:  # updates or skips an existing contact
                if existing.target is not None and existing.target.is_company:
                    companies[row.values["no"]] = existing.target
                continue
            contact = _build(row, setup, renumber)
            contact_apply_defaults(contact, setup)
            companies[row.values["no"]] = contact
    db = Contact.objects.in_bulk(
        {
            facts.db_companies[r.values["company_no"]]
            for r in first
            if r.values["company_no"] in facts.db_companies
            and r.values["company_no"] not in facts.file_companies
        }
    )
    preview = []
    for row in first:
        existing = facts.candidates.get(row.line)
        if existing is not None:
            if existing.target is not None:
                preview.append(_preview(existing, import_matching.preview_contact(existing)))
                continue
            row = existing  # a skipped row: shown as it is
        if row.values["type"] == Contact.Type.COMPANY:
            contact = companies.get(row.values["no"]) or _build(row, setup, renumber)
            if row.values["no"] not in companies:
                contact_apply_defaults(contact, setup)
        else:
            contact = _build(row, setup, renumber)
            ref = row.values["company_no"]
            company = None
            if ref in facts.file_companies:
                company = companies.get(ref)
            elif ref in facts.db_companies:
                company = db.get(facts.db_companies[ref])
            _inherit_and_default(contact, company, setup)
        preview.append(_preview(row, contact))
    return preview


def error_summary(errors) -> list[dict]:
    """Errors grouped by column and reason, most frequent first: the column's label in
    the user's language, the reason, how many rows, the first lines."""
    counts: Counter = Counter()
    lines: dict[tuple[str, str], list[int]] = {}
    for error in errors:
        key = (error.column, error.reason or error.message)
        counts[key] += 1
        lines.setdefault(key, [])
        if len(lines[key]) < 5:
            lines[key].append(error.line)
    return [
        {
            "column": column_label(column),
            "reason": reason,
            "count": count,
            "lines": lines[(column, reason)],
        }
        for (column, reason), count in counts.most_common()
    ]


def column_label(column: str) -> str:
    if not column or column == "—":
        return _("(whole line)")
    return columns.label(column)


def existing_codes(column: str) -> list[tuple[str, str]]:
    """(code, label) of the codes a missing value of `column` may be mapped to."""
    if column == "country_region_code":
        return [(code, f"{code} – {name}") for code, name in countries]
    model, _attr = CODE_COLUMNS[column]
    return [(str(obj.pk), str(obj)) for obj in model.objects.all()]


def _file_error(result: ImportResult, error: TableError) -> ImportResult:
    """A file that cannot be read: one error, nothing checked or written."""
    result.errors = [RowError(error.line or 0, "", error.message)]
    result.file_error = str(error)
    return result


def _write_updates(
    rows: list[_Row], result: ImportResult, *, setup, facts: _Facts, writer: _Writer
) -> None:
    """The rows that update an existing contact (contacts/import_matching.write_updates),
    with the company each person row names: an existing one, or one the file created."""
    if not rows:
        return
    pks: dict[str, int] = {}
    for row in rows:
        ref = row.values["company_no"]
        if not ref or not row.target.is_person:
            continue
        pk = writer.company_pks.get(ref)
        if pk is None and ref not in facts.file_companies:
            pk = facts.db_companies.get(ref)
        if pk is not None:
            pks[ref] = pk
    loaded = Contact.objects.in_bulk(set(pks.values()))
    targets = {r.target.pk: r.target for r in facts.candidates.values() if r.target is not None}
    written = import_matching.write_updates(
        rows,
        setup=setup,
        # The row's target (updated in memory) where the company is one of the file's.
        company_of=lambda ref: targets.get(pks.get(ref)) or loaded.get(pks.get(ref)),
    )
    result.companies_updated += written.companies
    result.persons_updated += written.persons
    result.followers_updated += written.followers


# --- the service --------------------------------------------------------------------


def import_contacts(
    source: Iterable[dict[str, str]] | IO | str | Path,
    *,
    skip_bad_rows: bool = False,
    dry_run: bool = False,
    renumber: bool = False,
    progress: ProgressFn | None = None,
    label: str = "",
    name: str = "",
    mapping: dict[str, str] | list[str | None] | None = None,
    create_missing_codes: bool | Iterable[str] = False,
    code_map: dict[str, str] | None = None,
    update: bool = False,
    match: str = import_matching.NO_MATCH,
    actions: dict[int, str] | None = None,
    clear_empty: bool = False,
) -> ImportResult:
    """Import contacts from a CSV file (path or file object) or from row dicts.

    Checks every row first; with any bad row nothing is written unless `skip_bad_rows`.
    `dry_run` checks and prepares (inheritance, defaults) but writes nothing; the result's
    `preview` shows the first rows as they would be saved. `renumber` treats the file's
    numbers as row keys only: every contact gets a number from the contact series and
    persons follow their company's new number. `progress(stage, done, total)` is called
    with stage "check" (total: an estimate from the file's size) and "write". `label`
    (e.g. the file name) describes the import in the change log; every contact's
    creation is logged as one row of one event.

    Files are read by `tabular.reading` (CSV or XLSX by the extension of `name`, or of
    the path); the header is matched to the fields by `contacts.columns` and
    `mapping` ({column name: field or ""}) changes that. Columns no field takes are
    listed in `result.mapping.ignored` and left out. A file that cannot be read gives
    one error (`result.file_error`) and nothing is written.

    Salesperson, territory, language and country/region values that do not exist are
    listed once in `result.missing_codes` with their row counts (and are errors of
    those rows). `code_map` ({"salesperson_code:XY": "JC"}) maps such a value to an
    existing code; `create_missing_codes` creates the missing salespeople, territories
    and languages (code as name) in the import's transaction instead: nothing is
    created otherwise. Country/region codes are ISO codes: they can only be mapped.

    Existing contacts (contacts/import_matching.py): with `update`, a row whose number
    exists updates that contact; `match` ("none", "update", "create", "skip") asks the
    duplicate engine which existing company a company row without a number is, and
    what to do then; `actions` ({line: action}) changes single rows; `clear_empty`
    lets an empty cell clear the field of an updated contact (it is kept otherwise).
    `result.actions` counts the rows per action, `result.decisions` lists the rows
    that meet an existing contact.

    Memory stays bounded (15.4): the file is streamed twice (a check pass that keeps a
    few facts per row, then the write pass in batches), never held. Numbers drawn from
    the contact series are drawn in one short final step (13.4, see `_Writer`).
    """
    setup = MarketingSetup.get()
    result = ImportResult(dry_run=dry_run)
    if not label and isinstance(source, str | Path):
        label = Path(source).name
    if hasattr(source, "read") and isinstance(source.read(0), str):
        # Text (tests, the demo): read as UTF-8 bytes.
        source = io.BytesIO(source.read().encode("utf-8"))
        name = name or "contacts.csv"
    elif not (isinstance(source, str | Path) or hasattr(source, "read")):
        source = list(source)  # row dicts (the demo, tests): read more than once
    try:
        opened = _open_rows(source, name or label, mapping)
    except TableError as error:
        return _file_error(result, error)
    try:
        return _import(
            opened,
            result,
            setup=setup,
            skip_bad_rows=skip_bad_rows,
            dry_run=dry_run,
            renumber=renumber,
            progress=progress,
            label=label,
            create_missing_codes=create_missing_codes,
            code_map=code_map,
            options=import_matching.Options(
                update=update,
                match=match,
                actions=actions,
                clear_empty=clear_empty,
                renumber=renumber,
                present=(
                    frozenset(f for f in opened.mapping.fields if f)
                    if opened.mapping is not None
                    else None
                ),
            ),
        )
    finally:
        if opened.table is not None:
            opened.table.close()


def _import(
    opened: _Source,
    result: ImportResult,
    *,
    setup: MarketingSetup,
    skip_bad_rows: bool,
    dry_run: bool,
    renumber: bool,
    progress: ProgressFn | None,
    label: str,
    create_missing_codes: bool | Iterable[str],
    code_map: dict[str, str] | None,
    options: import_matching.Options,
) -> ImportResult:
    result.mapping = opened.mapping
    if opened.mapping is not None and "type" not in opened.mapping.fields:
        result.errors.append(
            RowError(
                1,
                "type",
                _(
                    "No column gives the contact type (company or person). Name a column "
                    "“type”, or choose it in the column mapping."
                ),
            )
        )
        result.file_error = result.errors[0].message
        return result

    def rows() -> Iterator[_Row]:
        """The file's rows, read from its start (each pass calls it again)."""
        for line, raw, extra in opened.rows():
            values = {}
            for column in HEADER:
                value = raw.get(column) or ""
                if value[:1] == "'":
                    # The apostrophe an export puts before a formula-like value.
                    value = cell_unescape(value)
                values[column] = value.strip()
            if not any(values.values()):
                continue  # a row of bare separators (spreadsheets save them), not a contact
            values["no"] = normalise_number(values["no"])
            values["company_no"] = normalise_number(values["company_no"])
            yield _Row(line=line, values=values, extra=extra)

    if not isinstance(create_missing_codes, bool):
        create_missing_codes = {k.upper() for k in create_missing_codes}
    checker = _Checker(setup, renumber, create_missing_codes, code_map, update=options.update)
    facts = _Facts(checker, options)
    # 1. The check pass: every row checked, only its facts kept.
    estimate = opened.table.rows_estimate if opened.table is not None else 0
    try:
        for row in rows():
            checker.check(row)
            facts.note(row)
            facts.rows += 1
            if progress and facts.rows % 1000 == 0:
                progress("check", facts.rows, max(estimate, facts.rows))
    except TableError as error:
        return _file_error(result, error)
    facts.finish()
    # The per-row classification: which rows create, update or skip.
    existing = facts.classify()
    if progress:
        progress("check", facts.rows, facts.rows)
    result.rows = facts.rows
    result.errors = sorted(checker.errors, key=lambda e: (e.line, e.column))
    result.warnings = checker.warnings
    result.bad_rows = len(checker.bad_lines)
    result.missing_codes = [
        MissingCode(column, code, count, column in CODE_COLUMNS)
        for (column, code), count in sorted(checker.missing.items())
    ]
    counts = import_matching.action_counts(existing)
    counts[import_matching.CREATE] = result.rows - result.bad_rows - len(existing)
    result.actions = counts
    result.decisions = facts.decisions
    if result.errors and not skip_bad_rows:
        return result

    # Later passes read the same rows again: their values are normalised the same way
    # (quietly: the errors are known).
    checker.quiet = True
    result.preview = _preview_rows(rows, checker, facts, setup, renumber)
    if dry_run:
        return result

    def good_rows(lines: set[int] | None = None) -> Iterator[_Row]:
        """The rows that create a contact."""
        for row in rows():
            if (
                row.line in checker.bad_lines
                or row.line in facts.candidates
                or (lines is not None and row.line not in lines)
            ):
                continue
            checker.check(row)
            yield row

    writer = _Writer(
        setup=setup,
        facts=facts,
        renumber=renumber,
        progress=progress,
        total=counts[import_matching.CREATE],
    )
    updates = [r for r in existing if r.action == import_matching.UPDATE]
    # A person update that moves the person to a company the file creates waits for it.
    late = [
        r
        for r in updates
        if r.target.is_person
        and r.values["company_no"] in facts.file_companies
        and r.values["company_no"] not in writer.company_pks
    ]
    late_lines = {r.line for r in late}
    early = [r for r in updates if r.line not in late_lines]
    # 2. The write pass, in one transaction (all or nothing). One change-log event for
    # the whole import ("import batch N"), one row per contact.
    with transaction.atomic(), history.operation(Cause.IMPORT, label=label):
        if create_missing_codes:
            used = {
                key
                for key, lines in checker.missing_lines.items()
                if any(line not in checker.bad_lines for line in lines)
            }
            result.codes_created = _create_codes(result.missing_codes, used, checker)
        # Existing contacts first: the new persons inherit their updated values.
        _write_updates(early, result, setup=setup, facts=facts, writer=writer)
        batch: list[_Row] = []
        for row in good_rows():
            batch.append(row)
            if len(batch) >= BATCH_SIZE:
                writer.write_batch(batch)
                batch = []
        writer.write_batch(batch)
        if writer.deferred:  # persons read before their company: read them again
            deferred, writer.deferred = writer.deferred, set()
            batch = []
            for row in good_rows(deferred):
                batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    writer.write_batch(batch, can_defer=False)
                    batch = []
            writer.write_batch(batch, can_defer=False)
        _write_updates(late, result, setup=setup, facts=facts, writer=writer)
        created_ids = writer.created_ids.tolist()
        # Inside the transaction: upper apps index the new contacts (duplicate search
        # strings) in it, so a crash after the commit cannot leave them unindexed
        # (13.10), and a failing receiver rolls the import back.
        contacts_bulk_created.send(sender=Contact, contact_ids=created_ids)
        del created_ids
        # 3. The final step: numbers from the series (its lock is held from here to the
        # commit, a short time). PostgreSQL checks the new rows' deferred foreign keys
        # (company, salesperson, territory, language, salutation) now, not at the commit
        # under the lock (13.4).
        _check_deferred_constraints()
        writer.finish()
        # Statistics for the planner once committed (15.5): the tables this import filled.
        analyze_after_bulk_write(len(writer.created_ids), Contact, ContactPlace, Change)
    result.companies_created = writer.companies_created
    result.persons_created = writer.persons_created
    result.skipped = sum(1 for r in existing if r.action == import_matching.SKIP)
    result.written = True
    return result
