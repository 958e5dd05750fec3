"""Spreadsheet-safe exports (CSV and XLSX) of any list: one writer for every export path.

Every export in the product (pages, bulk "export selection", commands) writes its cells
through this module, so a stored value can never run as a formula when the file is opened
in Excel, LibreOffice or Google Sheets (OWASP's CSV-injection advice):

- **CSV**: a text value that starts with ``=``, ``+``, ``-``, ``@``, tab or CR (after any
  leading spaces, line feeds or apostrophes) gets one apostrophe in front (``'=1+1``,
  ``'+47 22 33 44 55``); spreadsheets show it as text. `cell_unescape` takes exactly that
  apostrophe off again, so an import reads an exported file back to the same data (a
  value that really starts with ``'=`` is written as ``''=`` and comes back whole).
  Separators, quotes and line breaks inside values are quoted by the csv module, so a
  value cannot start a new cell either.
- **XLSX**: text is written as text cells (never formulas, ``openpyxl`` would otherwise
  turn a string starting with ``=`` into one), and the risky ones get Excel's "quote
  prefix" style, so the cell shows exactly ``+47 22 33 44 55`` and stays text when
  edited. Numbers, dates and booleans are real number/date/boolean cells. (Only a value
  that itself starts with ``'=`` and the like gets a second apostrophe, because the
  import takes one off in XLSX files too: a CSV of ours saved again by Excel.)

Dialects: ``csv`` (comma, UTF-8 with BOM, so Excel reads the letters right), ``csv-excel``
(semicolon and decimal comma, for Excel set to Norwegian or Dutch, UTF-8 with BOM) and
``xlsx`` (openpyxl in write-only mode: rows are streamed to a temporary file, memory stays
flat whatever the size). No models here: the apps give the header and the rows.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: First characters a spreadsheet may read as the start of a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A value is risky when its first character, after leading spaces, line feeds and our
# own apostrophes, is a trigger (" =1+1" is evaluated by some spreadsheets too).
_RISKY = re.compile(r"^[' \n]*[=+\-@\t\r]")
# Characters XML 1.0 (and so XLSX) cannot hold; openpyxl refuses them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XLSX_MAX_CELL = 32_767  # characters Excel keeps in one cell
BOM = "\ufeff"

ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


def cell_is_risky(value: str) -> bool:
    """Would a spreadsheet read this text as (the start of) a formula?"""
    return bool(_RISKY.match(value))


def cell_escape(value: str) -> str:
    """The text as a CSV cell that no spreadsheet runs as a formula (see the module)."""
    return "'" + value if _RISKY.match(value) else value


def cell_unescape(value: str) -> str:
    """Undo `cell_escape`: the value an exported CSV cell stood for. Text written by
    others is left as it is unless it has exactly the form `cell_escape` makes."""
    if value.startswith("'") and _RISKY.match(value[1:]):
        return value[1:]
    return value


@dataclass(frozen=True)
class Dialect:
    """One file format an export can be written in."""

    key: str
    label: Any  # lazy translated text for the menus
    short: Any  # the same, for a button
    extension: str
    delimiter: str = ","
    decimal_comma: bool = False

    @property
    def is_xlsx(self) -> bool:
        return self.extension == "xlsx"

    @property
    def content_type(self) -> str:
        if self.is_xlsx:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return "text/csv; charset=utf-8"


CSV = Dialect("csv", gettext_lazy("CSV (commas)"), "CSV", "csv")
CSV_EXCEL = Dialect(
    "csv-excel",
    gettext_lazy("CSV for Excel in Norwegian or Dutch (semicolons, decimal commas)"),
    gettext_lazy("CSV (;)"),
    "csv",
    delimiter=";",
    decimal_comma=True,
)
XLSX = Dialect("xlsx", gettext_lazy("Excel workbook (XLSX)"), "XLSX", "xlsx")
DIALECTS: dict[str, Dialect] = {d.key: d for d in (CSV, CSV_EXCEL, XLSX)}


class ExportError(ValueError):
    """A translated message about an export that cannot be made (bad format, file type)."""


def dialect_for(key: str | None, *, default: Dialect = CSV) -> Dialect:
    """The dialect a page's `?format=` names (blank: `default`)."""
    if not key:
        return default
    try:
        return DIALECTS[key]
    except KeyError:
        raise ExportError(
            _("Unknown export format “%(format)s”: choose %(choices)s.")
            % {"format": key, "choices": ", ".join(DIALECTS)}
        ) from None


def dialect_for_path(path: str | Path, *, delimiter: str = ",") -> Dialect:
    """The dialect a command's file name asks for: `.csv` (with `delimiter`) or `.xlsx`."""
    suffix = Path(str(path)).suffix.lower()
    if suffix == ".xlsx":
        return XLSX
    if suffix == ".csv":
        return CSV_EXCEL if delimiter == ";" else CSV
    raise ExportError(
        _("Cannot tell the format from the file name “%(file)s”: end it in .csv or .xlsx.")
        % {"file": Path(str(path)).name}
    )


def export_filename(stem: str, dialect: Dialect, *, date: datetime.date | None = None) -> str:
    """`<stem>-YYYY-MM-DD.<ext>`, the export's date in the name (local date)."""
    date = date or timezone.localdate()
    return f"{stem}-{date.isoformat()}.{dialect.extension}"


# --- cells --------------------------------------------------------------------------


def _local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, microsecond=0)


def csv_cell(value: Any, dialect: Dialect = CSV) -> str:
    """One value as CSV text: text escaped, numbers as numbers (decimal comma in the
    Norwegian/Dutch dialect), dates in ISO form (every Excel reads them), booleans as the
    translated yes/no, nothing as an empty cell."""
    if type(value) is str:  # the common case first
        return "'" + value if _RISKY.match(value) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float | Decimal):
        text = str(value)
        return text.replace(".", ",") if dialect.decimal_comma else text
    if isinstance(value, datetime.datetime):
        return _local(value).isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return cell_escape(str(value))


def csv_lines(
    header: Sequence[str], rows: Iterable[Sequence[Any]], dialect: Dialect = CSV, *, bom=True
) -> Iterator[str]:
    """The file as text pieces (one per row, the BOM before the header), for streaming."""
    writer = csv.writer(_Echo(), delimiter=dialect.delimiter, lineterminator="\r\n")
    yield (BOM if bom else "") + writer.writerow([csv_cell(h, dialect) for h in header])
    for row in rows:
        yield writer.writerow([csv_cell(v, dialect) for v in row])


class _Echo:
    def write(self, value: str) -> str:
        return value


# --- columns of a queryset ---------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a report export: an ORM path (`contact__no`) and its heading; a
    field with choices is written as the choice's label in the user's language."""

    path: str
    label: Any
    choices: Sequence[tuple[Any, Any]] | None = None


def model_column(model, path: str, label: Any = None) -> Column:
    """A column for the field at `path` (following relations), headed by the field's
    verbose name unless `label` is given."""
    field = None
    for name in path.split("__"):
        field = (field.related_model if field is not None else model)._meta.get_field(name)
    heading = label if label is not None else field.verbose_name
    return Column(path, heading, field.choices or None)


def column_headings(columns: Sequence[Column]) -> list[str]:
    return [capfirst(str(column.label)) for column in columns]


def queryset_rows(
    queryset, columns: Sequence[Column], *, chunk_size: int = 2000
) -> Iterator[list[Any]]:
    """The queryset's rows as lists of the columns' values, streamed in chunks (the
    queryset's own order)."""
    labels = [
        {key: str(label) for key, label in column.choices} if column.choices else None
        for column in columns
    ]
    rows = queryset.values_list(*(c.path for c in columns)).iterator(chunk_size=chunk_size)
    for row in rows:
        yield [
            (choices.get(value, value) if choices is not None and value != "" else value)
            for value, choices in zip(row, labels, strict=True)
        ]


# --- writing ------------------------------------------------------------------------


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31] or "Sheet1"


def write_xlsx(
    target: IO[bytes] | str | Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "",
    progress: ProgressFn | None = None,
    total: int = 0,
) -> int:
    """Write one sheet (bold, frozen header row) with openpyxl's write-only workbook;
    returns the number of data rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header):
        letter = _column_letter(index)
        sheet.column_dimensions[letter].width = min(max(len(str(name)) + 2, 10), 40)
    bold = Font(bold=True)

    def text_cell(value: str, *, font=None):
        value = _XML_ILLEGAL.sub("", value)[:XLSX_MAX_CELL]
        if value.startswith("'") and _RISKY.match(value):
            # Already looks escaped ('=x): escaped once more, so that the import, which
            # takes one such apostrophe off in any file, gives the value back.
            value = cell_escape(value)
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula, whatever the first character
        if _RISKY.match(value):
            cell.quotePrefix = True  # Excel keeps it text when the user edits it
        if font is not None:
            cell.font = font
        return cell

    def dated(value, number_format: str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell

    def convert(value):
        if value is None:
            return None
        if isinstance(value, str):
            if _RISKY.match(value) or _XML_ILLEGAL.search(value) or len(value) > XLSX_MAX_CELL:
                return text_cell(value)
            return value  # plain text: openpyxl writes it as a text cell
        if isinstance(value, bool | int | float | Decimal):
            return value
        if isinstance(value, datetime.datetime):
            return dated(_local(value), "yyyy-mm-dd hh:mm")
        if isinstance(value, datetime.date):
            return dated(value, "yyyy-mm-dd")
        if isinstance(value, datetime.time):
            return dated(value, "hh:mm")
        return text_cell(str(value))

    sheet.append([text_cell(str(h), font=bold) for h in header])
    written = 0
    for row in rows:
        sheet.append([convert(v) for v in row])
        written += 1
        if progress and written % 1000 == 0:
            progress("export", written, total)
    if progress:
        progress("export", written, total or written)
    workbook.save(target)
    return written


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def write_export(
    target: IO | str | Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    dialect: Dialect,
    *,
    title: str = "",
    bom: bool = True,
    progress: ProgressFn | None = None,
    total: int = 0,
) -> int:
    """Write the rows to a path or file in `dialect` (a text file for CSV, a binary one
    for XLSX); returns the number of data rows."""
    if dialect.is_xlsx:
        if isinstance(target, io.TextIOBase):
            raise ExportError(_("An XLSX file cannot be written to standard output."))
        return write_xlsx(target, header, rows, title=title, progress=progress, total=total)
    if isinstance(target, str | Path):
        with open(target, "w", encoding="utf-8", newline="") as handle:
            return write_export(
                handle, header, rows, dialect, bom=bom, progress=progress, total=total
            )
    written = -1
    for written, line in enumerate(csv_lines(header, rows, dialect, bom=bom)):
        target.write(line)
        if progress and written and written % 1000 == 0:
            progress("export", written, total)
    written = max(written, 0)
    if progress:
        progress("export", written, total or written)
    return written


def export_response(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    dialect: Dialect,
    *,
    stem: str,
    title: str = "",
):
    """The download of an export: CSV streamed row by row; XLSX written to a temporary
    file (write-only, so memory stays flat) and then sent in blocks."""
    filename = export_filename(stem, dialect)
    if dialect.is_xlsx:
        handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        write_xlsx(handle, header, rows, title=title)
        handle.seek(0)
        return FileResponse(
            handle, as_attachment=True, filename=filename, content_type=dialect.content_type
        )
    response = StreamingHttpResponse(
        _chunks(csv_lines(header, rows, dialect)), content_type=dialect.content_type
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _chunks(lines: Iterable[str], size: int = 64 * 1024) -> Iterator[bytes]:
    """The lines as UTF-8 in pieces of about `size` bytes (not one write per row)."""
    buffer: list[str] = []
    length = 0
    for line in lines:
        buffer.append(line)
        length += len(line)
        if length >= size:
            yield "".join(buffer).encode("utf-8")
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


def write_columns_export(
    target: IO | str | Path,
    queryset,
    columns: Sequence[Column],
    dialect: Dialect,
    *,
    title: str,
    bom: bool = False,
    progress: ProgressFn | None = None,
) -> int:
    """Write the queryset's `columns` (headings and rows) to a path or file; returns the
    number of data rows. The export of any list described by `Column`s."""
    return write_export(
        target,
        column_headings(columns),
        queryset_rows(queryset, columns),
        dialect,
        title=title,
        bom=bom,
        progress=progress,
        total=queryset.count() if progress else 0,
    )


def columns_export_response(
    queryset, columns: Sequence[Column], dialect: Dialect, *, stem: str, title: str
):
    """The download of the queryset's `columns` in `dialect` (see `export_response`)."""
    return export_response(
        column_headings(columns),
        queryset_rows(queryset, columns),
        dialect,
        stem=stem,
        title=title,
    )
