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

from contacts import columns, import_matching, inheritance, names, searchkeys
from contacts.emails import validate_email_list
from contacts.identifiers import vat_check_message, vat_fails_check
from contacts.maintenance import analyze_after_bulk_write
from contacts.models import Contact
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
    rows: Iterator[tuple[int, dict[str, str], int]]  # (line, values by field, extra values)
    table: Table | None


def _open_rows(source, name: str, overrides) -> _Source:
    """Rows as (line, {field: value}, count of values beyond the header)."""
    if isinstance(source, str | Path) or hasattr(source, "read"):
        if hasattr(source, "read") and isinstance(source.read(0), str):
            # Text (tests, the demo): read as UTF-8 bytes.
            source = io.BytesIO(source.read().encode("utf-8"))
            name = name or "contacts.csv"
        table = open_table(source, name=name)
        mapping = mapping_for(table.header, overrides)
        width = len(mapping.header)
        pairs = [(i, f) for i, f in enumerate(mapping.fields) if f]

        def table_rows():
            for line, values in table.rows():
                mapped = {f: values[i] if i < len(values) else "" for i, f in pairs}
                extra = sum(1 for v in values[width:] if v)
                yield line, mapped, extra

        return _Source(mapping, table_rows(), table)
    return _Source(
        None,
        ((i, {k: str(v or "") for k, v in row.items()}, 0) for i, row in enumerate(source, 2)),
        None,
    )


# --- checking -----------------------------------------------------------------------


def _max_lengths() -> dict[str, int]:
    lengths = {c: Contact._meta.get_field(c).max_length for c in TEXT_COLUMNS}
    lengths["no"] = Contact._meta.get_field("no").max_length
    lengths["company_no"] = lengths["no"]
    return lengths


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
        self.lengths = _max_lengths()
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
        self.manual_error: str | None = None
        if not renumber:
            try:
                numbering_services.series_check_manual(setup.contact_nos_id or "")
            except ValidationError as error:
                self.manual_error = " ".join(error.messages)

    def error(self, row: _Row, column: str, message: str, reason: str = "") -> None:
        row.bad = True
        self.errors.append(RowError(row.line, column, message, reason or message))

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

    def check(self, row: _Row) -> None:
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
        if kind not in Contact.Type.values:
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
        if country and country not in countries:
            self.missing["country_region_code", country] += 1
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
        labels = {
            "language_code": _("language"),
            "territory_code": _("territory"),
            "salesperson_code": _("salesperson"),
        }
        for column in CODE_COLUMNS:
            if v[column]:
                v[column] = self.mapped(column, v[column])
                code = self.code(column, v[column])
                if code is None:
                    missing = v[column].upper()
                    self.missing[column, missing] += 1
                    if self.creates(column, missing) and len(missing) <= self.code_lengths[column]:
                        v[column] = missing  # created in the write step
                        continue
                    self.error(
                        row,
                        column,
                        _("Unknown %(what)s code “%(code)s”.")
                        % {"what": labels[column], "code": v[column]},
                        _("Unknown %(what)s code") % {"what": labels[column]},
                    )
                elif column == "salesperson_code" and code in self.blocked_salespeople:
                    self.error(
                        row,
                        column,
                        _("Salesperson %(code)s is blocked and cannot be used.") % {"code": code},
                        _("Blocked salesperson"),
                    )
                else:
                    v[column] = code
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


def _check_numbers(rows: list[_Row], checker: _Checker) -> dict[str, Contact]:
    """Duplicate numbers (file and database) and company references. Returns the
    database companies referred to, by number."""
    first_line: dict[str, int] = {}
    for row in rows:
        no = row.values["no"]
        if not no:
            continue
        if no in first_line:
            checker.error(
                row,
                "no",
                _("Number %(no)s is already used on line %(line)d.")
                % {"no": no, "line": first_line[no]},
                _("Number used twice in the file"),
            )
        else:
            first_line[no] = row.line
    file_companies: dict[str, _Row] = {}
    for r in rows:  # the first row with a number is the one persons refer to
        if r.values["no"] and r.values["type"] == Contact.Type.COMPANY:
            file_companies.setdefault(r.values["no"], r)
    if not checker.renumber:
        typed = list(first_line)
        taken = set()
        for chunk in _chunks(typed):
            taken.update(Contact.objects.filter(no__in=chunk).values_list("no", flat=True))
        if taken and not checker.update:
            for row in rows:
                if row.values["no"] in taken:
                    checker.error(
                        row,
                        "no",
                        _("Contact %(no)s already exists.") % {"no": row.values["no"]},
                        _("The contact already exists"),
                    )
    wanted = sorted(
        {
            r.values["company_no"]
            for r in rows
            if r.values["type"] == Contact.Type.PERSON
            and r.values["company_no"]
            and r.values["company_no"] not in file_companies
        }
    )
    db_contacts: dict[str, Contact] = {}
    for chunk in _chunks(wanted):
        db_contacts.update((c.no, c) for c in Contact.objects.filter(no__in=chunk))
    # A merged company's old number stands for the company it was merged into.
    db_contacts.update(contacts_for_old_nos(no for no in wanted if no not in db_contacts))
    for row in rows:
        ref = row.values["company_no"]
        if row.values["type"] != Contact.Type.PERSON or not ref:
            continue
        if ref in file_companies:
            if file_companies[ref].bad and file_companies[ref] is not row:
                checker.error(
                    row,
                    "company_no",
                    _("Company %(no)s (line %(line)d) has errors.")
                    % {"no": ref, "line": file_companies[ref].line},
                    _("The company's row has errors"),
                )
            continue
        found = db_contacts.get(ref)
        if found is None:
            checker.error(
                row,
                "company_no",
                _("Company %(no)s is neither in the file nor in the database.") % {"no": ref},
                _("Company neither in the file nor in the database"),
            )
        elif not found.is_company:
            checker.error(
                row,
                "company_no",
                _("Contact %(no)s is not a company.") % {"no": ref},
                _("Not a company"),
            )
    return {no: c for no, c in db_contacts.items() if c.is_company}


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


class _Number:
    """A person row's number before its contact is built (drawn with the companies')."""

    __slots__ = ("no", "no_series")

    def __init__(self, no: str):
        self.no = no
        self.no_series = ""


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
        "target_no": row.target.no if row.target is not None else "",
    }


def _assign_numbers(contacts: list[Contact], setup: MarketingSetup, typed: set[str]) -> None:
    blank = [c for c in contacts if not c.no]
    if not blank:
        return
    code = setup.contact_nos_id
    if not code:
        raise ValidationError(_("Contact Nos. must have a value in Marketing Setup."))
    pending = blank
    while pending:
        numbers = numbering_services.series_draw_many(code, len(pending))
        taken = set(typed)
        for chunk in _chunks(numbers):
            taken.update(Contact.objects.filter(no__in=chunk).values_list("no", flat=True))
        still = []
        free = iter(n for n in numbers if n not in taken)
        for contact in pending:
            number = next(free, None)
            if number is None:
                still.append(contact)
            else:
                contact.no = number
                contact.no_series = code
        pending = still


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
            # parameters whatever the batch size (as bulk_create does on PostgreSQL);
            # ids come back in row order.
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in _INSERT_FIELDS)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({arrays}) "
                f"RETURNING {quote('id')}",
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
    return [contact.pk for contact in contacts]


def _create_codes(
    missing: list[MissingCode], rows: list[_Row], checker: _Checker
) -> list[MissingCode]:
    """Create the missing salespeople, territories and languages the rows use."""
    used = {(c, r.values[c]) for r in rows for c in CODE_COLUMNS if r.values[c]}
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
    with stage "check" and "write". `label` (e.g. the file name) describes the import
    in the change log; every contact's creation is logged as one row of one event.

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
    """
    setup = MarketingSetup.get()
    result = ImportResult(dry_run=dry_run)
    if not label and isinstance(source, str | Path):
        label = Path(source).name
    try:
        opened = _open_rows(source, name or label, mapping)
    except TableError as error:
        return _file_error(result, error)
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
    rows: list[_Row] = []
    try:
        for line, raw, extra in opened.rows:
            # cell_unescape: the apostrophe an export puts before a formula-like value.
            values = {c: cell_unescape(raw.get(c) or "").strip() for c in HEADER}
            if not any(values.values()):
                continue  # a row of bare separators (spreadsheets save them), not a contact
            values["no"] = normalise_number(values["no"])
            values["company_no"] = normalise_number(values["company_no"])
            rows.append(_Row(line=line, values=values, extra=extra))
    except TableError as error:
        return _file_error(result, error)
    finally:
        if opened.table is not None:
            opened.table.close()
    result.rows = len(rows)
    total = len(rows)

    if not isinstance(create_missing_codes, bool):
        create_missing_codes = {k.upper() for k in create_missing_codes}
    checker = _Checker(setup, renumber, create_missing_codes, code_map, update=update)
    for done, row in enumerate(rows, start=1):
        checker.check(row)
        if progress and (done % 1000 == 0 or done == total):
            progress("check", done, total)
    db_companies = _check_numbers(rows, checker)
    present = None
    if opened.mapping is not None:
        present = frozenset(f for f in opened.mapping.fields if f)
    import_matching.classify(
        rows,
        checker,
        import_matching.Options(
            update=update,
            match=match,
            actions=actions,
            clear_empty=clear_empty,
            renumber=renumber,
            present=present,
        ),
    )
    result.errors = sorted(checker.errors, key=lambda e: (e.line, e.column))
    result.warnings = checker.warnings
    result.bad_rows = sum(1 for r in rows if r.bad)
    result.missing_codes = [
        MissingCode(column, code, count, column in CODE_COLUMNS)
        for (column, code), count in sorted(checker.missing.items())
    ]
    result.actions = import_matching.action_counts(rows)
    result.decisions = [import_matching.decision(r) for r in rows if r.target and not r.bad]
    if result.errors and not skip_bad_rows:
        return result

    good = [r for r in rows if not r.bad]
    # Rows that update or skip an existing contact create nothing; persons of the file
    # that name such a company go to the existing one.
    existing = [r for r in good if r.action != import_matching.CREATE]
    good = [r for r in good if r.action == import_matching.CREATE]
    companies = [r for r in good if r.values["type"] == Contact.Type.COMPANY]
    persons = [r for r in good if r.values["type"] == Contact.Type.PERSON]
    for row in companies:
        row.contact = _build(row, setup, renumber)
        contact_apply_defaults(row.contact, setup)
    file_companies = {r.values["no"]: r.contact for r in companies if r.values["no"]}
    for r in existing:
        if r.target is not None and r.target.is_company and r.values["no"]:
            file_companies.setdefault(r.values["no"], r.target)

    def build_person(row: _Row) -> Contact:
        contact = _build(row, setup, renumber)
        ref = row.values["company_no"]
        company = (file_companies.get(ref) or db_companies.get(ref)) if ref else None
        _inherit_and_default(contact, company, setup)
        return contact

    # Persons are built batch by batch as they are written (memory stays bounded by the
    # companies and one batch); the preview builds its first rows on its own.
    first = sorted(companies + persons + existing, key=lambda r: r.line)[:PREVIEW_ROWS]
    result.preview = [
        _preview(
            r,
            r.contact
            if r.contact is not None
            else import_matching.preview_contact(r)
            if r.target is not None
            else build_person(r),
        )
        for r in first
    ]
    if dry_run:
        return result

    typed = {r.values["no"] for r in good if r.values["no"]} if not renumber else set()
    total_rows = len(companies) + len(persons)
    # One change-log event for the whole import ("import batch N"), one row per contact.
    with transaction.atomic(), history.operation(Cause.IMPORT, label=label):
        if create_missing_codes:
            result.codes_created = _create_codes(result.missing_codes, good, checker)
        person_nos = [_Number("" if renumber else r.values["no"]) for r in persons]
        _assign_numbers([r.contact for r in companies] + person_nos, setup, typed)
        done = 0
        created_ids: list[int] = []
        for batch in _chunks(companies, BATCH_SIZE):
            batch_ids = _insert([r.contact for r in batch])
            record_created(Contact, batch_ids)  # raw INSERTs: log them here
            created_ids.extend(batch_ids)
            done += len(batch)
            if progress:
                progress("write", done, total_rows)
        # Existing contacts: after the new companies (a person may move to one), before
        # the new persons (they inherit the updated values).
        updates = [r for r in existing if r.action == import_matching.UPDATE]
        if updates:
            written = import_matching.write_updates(
                updates,
                setup=setup,
                company_of=lambda ref: file_companies.get(ref) or db_companies.get(ref),
            )
            result.companies_updated = written.companies
            result.persons_updated = written.persons
            result.followers_updated = written.followers
        for start in range(0, len(persons), BATCH_SIZE):
            contacts = []
            for row, number in zip(
                persons[start : start + BATCH_SIZE],
                person_nos[start : start + BATCH_SIZE],
                strict=True,
            ):
                contact = build_person(row)
                contact.no, contact.no_series = number.no, number.no_series
                contacts.append(contact)
            batch_ids = _insert(contacts)
            record_created(Contact, batch_ids)
            created_ids.extend(batch_ids)
            done += len(contacts)
            if progress:
                progress("write", done, total_rows)
        # Inside the transaction: upper apps index the new contacts (duplicate search
        # strings) in it, so a crash after the commit cannot leave them unindexed
        # (13.10), and a failing receiver rolls the import back.
        contacts_bulk_created.send(sender=Contact, contact_ids=created_ids)
        # Statistics for the planner once committed (15.5): the tables this import filled.
        analyze_after_bulk_write(len(created_ids), Contact, Change)
    result.companies_created = len(companies)
    result.persons_created = len(persons)
    result.skipped = sum(1 for r in existing if r.action == import_matching.SKIP)
    result.written = True
    return result
