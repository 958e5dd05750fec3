"""One reader per file format, for the pages and the commands alike.

    table = open_table(path_or_binary_file, name="contacts.csv")   # raises TableError
    table.header          # the first row's values, stripped
    for line, values in table.rows():   # may raise TableError on a line
        ...

- The format comes from the file name's extension (`.csv`, `.txt`, `.tsv`, `.xlsx`); a
  file that is a ZIP archive (an XLSX saved under another name) is read as XLSX.
- CSV: the encoding is UTF-8 (with or without BOM), UTF-16 with BOM, or else Windows-1252
  (what Excel writes in nb/nl); the separator (`,` `;` or tab) is taken from the header
  line. Lines may end in CRLF, LF or CR alone; quoted values may hold line breaks. A quote
  that is never closed, or one that swallows the following rows, is an error on the line
  where it opens, never a silently merged row.
- XLSX: the first worksheet, streamed by tabular.xlsx (regular expressions over the
  rows, the standard library's C XML parser for any row they do not take; rows are not
  held, the shared strings are kept compactly). Parsing the
  sheet's XML is still the slow part, so the first complete read also writes the
  rows to an anonymous temporary file (marshal, in blocks) that later reads stream
  from instead (an import reads a file twice); `Table.close()` removes it.
- Rows are streamed: a file of a million rows is never held in memory. `line` is the
  row's first line in the file (header = 1), for messages.
- Files that are not tables (binary data, empty, a header only, NUL characters, too many
  columns, a value too long) raise `TableError` with a translated message and, where
  known, the line. Nothing is silently dropped.

A reader that is given a file object reads it twice (the encoding check runs over the
whole file before the first row is read), so it must be seekable: an uploaded file,
an open file, a BytesIO.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import marshal
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

#: Most columns a table may have (a header of a million columns is refused at once).
MAX_COLUMNS = 500
#: Longest value of one cell (Python's csv module refuses longer ones anyway).
MAX_VALUE_CHARS = csv.field_size_limit()
FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
_CHUNK = 1 << 20
_ZIP_MAGIC = b"PK\x03\x04"
_SEPARATORS = (",", ";", "\t")


class TableError(Exception):
    """A file that cannot be read as a table. `message` is translated; `line` is the
    file's line (1 = header) where known."""

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(message)

    def __str__(self) -> str:
        if self.line:
            return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


@dataclass
class Table:
    format: str  # "csv" or "xlsx"
    header: list[str]
    encoding: str = ""
    delimiter: str = ""
    #: About how many rows follow the header (physical lines of a CSV file, the sheet's
    #: stated dimension of a workbook), for progress bars; 0 when unknown.
    rows_estimate: int = 0
    _rows: Any = field(default=None, repr=False)
    _handle: Any = field(default=None, repr=False)
    _owned: bool = False
    #: The rows of a workbook once read (_Spool), for the reads after the first.
    _spool: Any = field(default=None, repr=False)

    def close(self) -> None:
        """Closes the file when open_table opened it (a path), and the spooled rows."""
        if self._spool is not None:
            self._spool.close()
        if self._owned and self._handle is not None:
            self._handle.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, values) of every row after the header that is not blank. Values are
        strings, stripped of surrounding white space; a row may have more or fewer
        values than the header. May be called again: each call reads from the start."""
        return self._rows()


def format_of(name: str) -> str | None:
    return FORMATS.get(Path(name or "").suffix.lower())


def open_table(source: str | Path | IO[bytes], *, name: str = "") -> Table:
    """Open a CSV or XLSX file (a path, or a seekable binary file object with `name` the
    uploaded file's name). Raises TableError for what is not a table."""
    if isinstance(source, str | Path):
        path = Path(source)
        handle = path.open("rb")
        name = name or path.name
    else:
        handle = source
        name = name or getattr(source, "name", "") or ""
    try:
        table = _open(handle, name)
    except BaseException:
        if handle is not source:
            handle.close()
        raise
    table._owned = handle is not source
    return table


def _open(handle: IO[bytes], name: str) -> Table:
    handle.seek(0)
    head = handle.read(4)
    handle.seek(0)
    if not head:
        raise TableError(_("The file is empty."))
    kind = format_of(name)
    suffix = Path(name).suffix.lower()
    if head == _ZIP_MAGIC:
        kind = "xlsx"  # an Excel workbook, whatever its name says
    elif suffix == ".xls":
        raise TableError(
            _("Excel 97–2003 workbooks (.xls) cannot be read. Save the file as .xlsx or CSV.")
        )
    elif kind is None:
        if suffix:
            raise TableError(
                _("Files of type “%(suffix)s” cannot be read. Use a .csv or .xlsx file.")
                % {"suffix": suffix}
            )
        kind = "csv"
    elif kind == "xlsx":
        raise TableError(_("The file is not an Excel workbook (.xlsx), although it is named so."))
    return _open_xlsx(handle) if kind == "xlsx" else _open_csv(handle)


def _too_many_columns(count: int, line: int) -> TableError:
    return TableError(
        _("The row has %(count)s columns; a file may have at most %(max)s.")
        % {"count": number_format(count, force_grouping=True), "max": MAX_COLUMNS},
        line,
    )


def _check_header(header: list[str]) -> list[str]:
    if len(header) > MAX_COLUMNS:
        raise _too_many_columns(len(header), 1)
    while header and not header[-1]:
        header.pop()  # spreadsheets pad the header with empty cells
    if not any(header):
        raise TableError(_("The first line must be a header with the column names."), 1)
    return header


# --- CSV ----------------------------------------------------------------------------


def _nul_error(line: int) -> TableError:
    return TableError(
        _(
            "The file contains a NUL character: it is not a text file (binary data, "
            "or text saved as UTF-16 without a byte-order mark). Save it as CSV."
        ),
        line,
    )


def _check_utf16(handle: IO[bytes]) -> None:
    """A file with a UTF-16 byte-order mark decodes as UTF-16 to its end, without NUL
    characters (a NUL would reach the database, which refuses it)."""
    decoder = codecs.getincrementaldecoder("utf-16")()
    lines = 1
    try:
        while chunk := handle.read(_CHUNK):
            text = decoder.decode(chunk)
            nul = text.find("\x00")
            if nul >= 0:
                raise _nul_error(lines + text.count("\n", 0, nul))
            lines += text.count("\n")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise TableError(
            _(
                "The file starts with a UTF-16 byte-order mark but is not UTF-16 text. "
                "Save it as CSV (UTF-8) or as an Excel workbook."
            ),
            lines,
        ) from None
    finally:
        handle.seek(0)


def _detect_encoding(handle: IO[bytes]) -> str:
    """UTF-8 (-sig), UTF-16 (with BOM) or Windows-1252, judged over the whole file.
    Raises TableError for NUL characters (binary data) and undecodable bytes."""
    handle.seek(0)
    start = handle.read(4)
    handle.seek(0)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        _check_utf16(handle)
        return "utf-16"
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    lines = 1
    while chunk := handle.read(_CHUNK):
        nul = chunk.find(b"\x00")
        if nul >= 0:
            raise _nul_error(lines + chunk.count(b"\n", 0, nul))
        if is_utf8:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                is_utf8 = False
        lines += chunk.count(b"\n")
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    handle.seek(0)
    if is_utf8:
        return "utf-8-sig"
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    lines = 1
    while chunk := handle.read(_CHUNK):
        try:
            cp1252.decode(chunk)
        except UnicodeDecodeError as error:
            raise TableError(
                _(
                    "The file is not text in UTF-8 or Windows-1252 (byte %(byte)s cannot be "
                    "read). Save it as CSV (UTF-8) or as an Excel workbook."
                )
                % {"byte": f"0x{chunk[error.start]:02X}"},
                lines + chunk.count(b"\n", 0, error.start),
            ) from None
        lines += chunk.count(b"\n")
    handle.seek(0)
    return "cp1252"


def _separator(line: str) -> str:
    counts = dict.fromkeys(_SEPARATORS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


def _text(handle: IO[bytes], encoding: str) -> io.TextIOWrapper:
    handle.seek(0)
    # newline="": the csv module sees CR, LF and CRLF as they are (CR-only files work,
    # and line breaks inside quoted values are kept).
    return io.TextIOWrapper(handle, encoding=encoding, newline="")


def _open_csv(handle: IO[bytes]) -> Table:
    encoding = _detect_encoding(handle)
    text = _text(handle, encoding)
    first = text.readline(MAX_VALUE_CHARS)
    text.detach()
    if not first.strip():
        raise TableError(_("The file is empty."))
    delimiter = _separator(first)
    reader_rows = _csv_rows(handle, encoding, delimiter)
    try:
        _line, header = next(reader_rows)
    except StopIteration:
        raise TableError(_("The file is empty.")) from None
    finally:
        reader_rows.close()
    header = _check_header(header)
    width = len(header)

    def rows():
        inner = _csv_rows(handle, encoding, delimiter, width=width)
        next(inner, None)  # the header
        yield from inner

    table = Table(
        format="csv",
        header=header,
        encoding=encoding,
        delimiter=delimiter,
        rows_estimate=_line_count(handle) - 1,
        _rows=rows,
        _handle=handle,
    )
    _require_rows(table)
    return table


def _line_count(handle: IO[bytes]) -> int:
    """Line feeds in the file, plus one (a fast estimate of its rows)."""
    handle.seek(0)
    count = 1
    while chunk := handle.read(_CHUNK):
        count += chunk.count(b"\n") or chunk.count(b"\r")
    handle.seek(0)
    return count


def _csv_rows(
    handle: IO[bytes], encoding: str, delimiter: str, width: int | None = None
) -> Iterator[tuple[int, list[str]]]:
    text = _text(handle, encoding)
    try:
        yield from _csv_read(text, delimiter, width)
    finally:
        with contextlib.suppress(ValueError):  # already closed
            text.detach()  # the handle stays open for the next pass


def _csv_read(
    text: io.TextIOWrapper, delimiter: str, width: int | None
) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    end = 0  # the last line of the previous row
    while True:
        start = end + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _csv_error(str(error), start, reader.line_num) from None
        except UnicodeDecodeError:  # checked before; only if the file changed meanwhile
            raise TableError(_("The file changed while it was read."), start) from None
        end = reader.line_num
        if len(values) > MAX_COLUMNS:
            raise _too_many_columns(len(values), start)
        if width is not None and end > start and len(values) != width:
            # A row over several lines with the wrong number of values: a quote opened
            # a value and took the line breaks (and the rows after them) into it.
            raise TableError(_unclosed_quote_message(start, end), start)
        values = [v.strip() for v in values]
        if any(values):
            yield start, values


def _unclosed_quote_message(start: int, end: int) -> str:
    return _(
        'A double quote (") opens a value here that is not closed where it should be, so '
        "lines %(start)s–%(end)s would be read as one row. Close the quote, or remove it."
    ) % {"start": start, "end": end}


def _csv_error(message: str, start: int, line_num: int) -> TableError:
    if "field larger than field limit" in message:
        return TableError(
            _("A value is longer than %(max)s characters.")
            % {"max": number_format(MAX_VALUE_CHARS, force_grouping=True)},
            start,
        )
    if "unexpected end of data" in message:
        return TableError(_unclosed_quote_message(start, line_num), start)
    if line_num > start:
        return TableError(_unclosed_quote_message(start, line_num), start)
    return TableError(
        _(
            "This line is not valid CSV: a value in double quotes must end with the quote "
            "followed by the separator (write a quote inside a value as two quotes)."
        ),
        start,
    )


def _require_rows(table: Table) -> None:
    rows = table.rows()
    try:
        if next(rows, None) is not None:
            return
    finally:
        rows.close()
    raise TableError(_("The file has a header but no rows."))


# --- XLSX ---------------------------------------------------------------------------


_SPOOL_BLOCK = 1000  # rows per marshal block


class _Spool:
    """The rows of one complete read of a sheet in an anonymous temporary file, read
    again by any number of readers at once (each with its own offset: os.pread)."""

    def __init__(self):
        self.file: IO[bytes] | None = None

    def write(self, rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
        """Pass `rows` through, keeping them; kept only when read to the end."""
        # Not a with block: a complete file is kept (closed by close()).
        file = tempfile.TemporaryFile(prefix="crm-table-")  # noqa: SIM115
        try:
            block: list[tuple[int, list[str]]] = []
            for row in rows:
                block.append(row)
                if len(block) >= _SPOOL_BLOCK:
                    self._write_block(file, block)
                    block = []
                yield row
            self._write_block(file, block)
            file.flush()
            if self.file is None:
                self.file, file = file, None
        finally:
            if file is not None:
                file.close()

    @staticmethod
    def _write_block(file: IO[bytes], block: list) -> None:
        if block:
            data = marshal.dumps(block)
            file.write(len(data).to_bytes(8, "little"))
            file.write(data)

    def read(self) -> Iterator[tuple[int, list[str]]]:
        fd = self.file.fileno()
        offset = 0
        while size_bytes := os.pread(fd, 8, offset):
            size = int.from_bytes(size_bytes, "little")
            data = os.pread(fd, size, offset + 8)
            offset += 8 + size
            yield from marshal.loads(data)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


def _open_xlsx(handle: IO[bytes]) -> Table:
    from tabular import xlsx

    handle.seek(0)
    try:
        book = xlsx.Workbook(handle)
    except xlsx.NoSheet:
        raise TableError(_("The workbook has no sheet.")) from None
    except (xlsx.NotAWorkbook, OSError, *xlsx.DAMAGED):
        raise TableError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from None
    last_column, last_row = book.dimension
    if last_column > MAX_COLUMNS:
        raise _too_many_columns(last_column, 1)

    def raw_rows():
        try:
            for line, values, width in book.rows(MAX_COLUMNS):
                if width > MAX_COLUMNS:
                    raise _too_many_columns(width, line)
                yield line, values
        except TableError:
            raise
        except (OSError, *xlsx.DAMAGED):
            raise TableError(_("The workbook's sheet is damaged and cannot be read.")) from None

    first = next(raw_rows(), None)
    if first is None:
        raise TableError(_("The file is empty."))
    # The header is the sheet's first row (a sheet that starts lower has none).
    header = _check_header(first[1] if first[0] == 1 else [])

    spool = _Spool()

    def parsed():
        it = raw_rows()
        next(it, None)
        for line, values in it:
            if any(values):
                yield line, values

    def rows():
        if spool.file is not None:
            return spool.read()
        return spool.write(parsed())

    estimate = max(last_row - 1, 0)
    table = Table(
        format="xlsx",
        header=header,
        rows_estimate=estimate,
        _rows=rows,
        _handle=handle,
        _spool=spool,
    )
    _require_rows(table)
    return table
