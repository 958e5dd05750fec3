"""The sheet reader of XLSX workbooks (tabular.reading uses it): the sheet's rows read
with regular expressions where they are written as Excel, LibreOffice and openpyxl
write them (_FastRows), any other row parsed with the standard library's C parser
(xml.etree, Workbook.parsed_rows); cell values turned into text the way the import
wants them, rows streamed.

openpyxl's read-only mode made an object (and a dict) per cell in pure Python: about
four times the CPU of the XML-parser path, which in turn takes about 3.4 times the CPU
of the regular expressions (README, "Imports" and "Why these libraries"). openpyxl still
decides which number formats are dates (`is_date_format`) and turns serial numbers into
dates (`from_excel`), so dates read as they did.

- The sheet: the workbook's first worksheet (the order of workbook.xml, hidden ones
  included, chart sheets not), found through the package's relationships as Excel does.
- Shared strings (what Excel writes): one table for the workbook, kept in memory as
  UTF-8 in one buffer with offsets (about the file's text plus 8 bytes a string, not a
  Python object each); inline strings and formula results (`t="str"`) are read in place.
- Cell values: text as written; numbers as Excel stores them ("4722334455", "1.5", an
  integral float without ".0"); booleans "1"/"0"; errors as Excel shows them ("#N/A");
  numbers in a date format as ISO dates (or date-times, times, durations).
- Rows are (row number, values), the values from column A on ("" for empty cells, no
  trailing empties); rows absent from the XML are not yielded. The stated dimension is
  only an estimate (rows_estimate): cells outside it are read all the same.
"""

from __future__ import annotations

import array
import datetime
import itertools
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import ParseError, XMLPullParser, fromstring

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ROW, _C, _V, _IS, _T, _R, _RPH = (MAIN + t for t in ("row", "c", "v", "is", "t", "r", "rPh"))
_SI, _SHEETDATA = MAIN + "si", MAIN + "sheetData"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_CHUNK = 1 << 16
#: Errors of a damaged package or sheet (the caller turns them into TableError).
DAMAGED = (ParseError, KeyError, ValueError, IndexError, zipfile.BadZipFile, zlib.error, EOFError)


class NotAWorkbook(Exception):
    """The archive is no XLSX workbook (no workbook part)."""


class NoSheet(Exception):
    """The workbook has no worksheet."""


def _column(letters: str, cache: dict[str, int] = {}) -> int:  # noqa: B006 - a cache
    """1 for A, 27 for AA."""
    number = cache.get(letters)
    if number is None:
        number = 0
        for ch in letters:
            number = number * 26 + ord(ch) - 64
        if not letters or number <= 0 or not letters.isalpha() or not letters.isupper():
            raise ValueError(letters)
        cache[letters] = number
    return number


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, part path) of the relationships of `part` ("" = the package)."""
    folder, name = posixpath.split(part)
    path = posixpath.join(folder, "_rels", name + ".rels")
    try:
        data = archive.read(path)
    except KeyError:
        return {}
    found = {}
    for rel in fromstring(data).iter(_PKG_REL):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        target = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(target))
    return found


class SharedStrings:
    """The shared-strings table: UTF-8 in one buffer, an offset per string."""

    def __init__(self):
        self.data = bytearray()
        self.offsets = array.array("Q", [0])

    def read(self, source: IO[bytes]) -> None:
        parser = XMLPullParser(events=("start", "end"))
        root = None
        data, offsets = self.data, self.offsets
        while chunk := source.read(_CHUNK):
            parser.feed(chunk)
            for event, element in parser.read_events():
                if event == "start":
                    if root is None:
                        root = element
                    continue
                if element.tag == _SI:
                    data += _text_of(element).encode()
                    offsets.append(len(data))
                    root.clear()
        parser.close()

    def __getitem__(self, index: int) -> str:
        offsets = self.offsets
        if index < 0:
            raise IndexError(index)
        return self.data[offsets[index] : offsets[index + 1]].decode()

    def __len__(self) -> int:
        return len(self.offsets) - 1


def _text_of(element) -> str:
    """The text of a string item (<si> or <is>): its <t>, or its runs' <t>, without the
    phonetic runs (<rPh>); Excel's escape of an underscore removed as openpyxl did."""
    plain = element.find(_T)
    if plain is not None and len(element) == 1:
        text = plain.text or ""
    else:
        parts = []
        for child in element:
            if child.tag == _T:
                parts.append(child.text or "")
            elif child.tag == _R:
                parts.append(child.findtext(_T) or "")
        text = "".join(parts)
    return text.replace("x005F_", "") if "x005F_" in text else text


class Workbook:
    """The parts of a workbook the reader needs: its first sheet, shared strings, which
    styles are dates and the epoch."""

    def __init__(self, handle: IO[bytes]):
        self.archive = zipfile.ZipFile(handle)
        names = set(self.archive.namelist())
        book = next(
            (
                path
                for kind, path in _rels(self.archive, "").values()
                if kind.endswith("/officeDocument") and path in names
            ),
            "xl/workbook.xml",
        )
        if book not in names:
            raise NotAWorkbook(book)
        root = fromstring(self.archive.read(book))
        if root.tag != MAIN + "workbook":
            raise NotAWorkbook(root.tag)
        properties = root.find(MAIN + "workbookPr")
        date1904 = properties is not None and properties.get("date1904", "") in ("1", "true")
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        rels = _rels(self.archive, book)
        self.sheet_path = None
        sheets = root.find(MAIN + "sheets")
        for sheet in sheets if sheets is not None else ():
            kind, path = rels.get(sheet.get(_DOC_REL, ""), ("", ""))
            if kind.endswith("/worksheet") and path in names:
                self.sheet_path = path
                break
        if self.sheet_path is None:
            raise NoSheet
        self.strings = SharedStrings()
        self.date_styles: set[int] = set()
        self.timedelta_styles: set[int] = set()
        for kind, path in rels.values():
            if kind.endswith("/sharedStrings") and path in names:
                with self.archive.open(path) as source:
                    self.strings.read(source)
            elif kind.endswith("/styles") and path in names:
                self._read_styles(self.archive.read(path))
        self.dimension = self._dimension()

    def _read_styles(self, data: bytes) -> None:
        from openpyxl.styles.numbers import (
            BUILTIN_FORMATS,
            is_date_format,
            is_timedelta_format,
        )

        root = fromstring(data)
        custom = {
            int(f.get("numFmtId", "-1")): f.get("formatCode", "")
            for f in root.iter(MAIN + "numFmt")
        }
        xfs = root.find(MAIN + "cellXfs")
        for index, xf in enumerate(xfs if xfs is not None else ()):
            number = int(xf.get("numFmtId", "0"))
            code = custom.get(number, BUILTIN_FORMATS.get(number))
            if code and is_date_format(code):
                self.date_styles.add(index)
                if is_timedelta_format(code):
                    self.timedelta_styles.add(index)

    def _dimension(self) -> tuple[int, int]:
        """(last column, last row) the sheet states (0 where it does not)."""
        with self.archive.open(self.sheet_path) as source:
            head = source.read(_CHUNK)
        match = _DIMENSION.search(head)
        if not match:
            return 0, 0
        letters, digits = match.group(3) or match.group(1), match.group(4) or match.group(2)
        return (_column(letters.decode()) if letters else 0), int(digits or 0)

    def rows(self, max_columns: int) -> Iterator[tuple[int, list[str], int]]:
        """(row number, values, columns) of each row in the sheet; `columns` is the
        last column that has a value (ValueError-free check of the caller's limit:
        values stop at max_columns, the count says how many there were)."""
        with self.archive.open(self.sheet_path) as source:
            chunks = iter(lambda: source.read(_CHUNK), b"")
            yield from _FastRows(self, max_columns).rows(chunks)

    def parsed_rows(
        self, chunks: Iterator[bytes], max_columns: int, number: int = 0
    ) -> Iterator[tuple[int, list[str], int]]:
        """The rows of the sheet's XML in `chunks`, parsed with xml.etree (any XML);
        `number` is the row before the first (for rows without r="...")."""
        from openpyxl.utils.datetime import from_excel

        # An empty chunk (the quick path hands over what is left of its buffer, which may
        # be nothing) is not the end of the sheet: only the end of `chunks` is.
        chunks = (chunk for chunk in chunks if chunk)

        data, offsets = self.strings.data, self.strings.offsets
        dates, durations = self.date_styles, self.timedelta_styles
        epoch = self.epoch
        columns: dict[str, int] = {}
        digits = "0123456789"
        ROW, C, V = _ROW, _C, _V  # local names are faster
        parser = XMLPullParser(events=("start", "end"))
        # The parser's queue of events, read directly: read_events() is a Python
        # generator, and it ran for every element (two per cell).
        events = parser._events_queue
        pop = events.popleft
        holder = None
        while True:
            chunk = next(chunks, b"")
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
            while events:
                event = pop()
                if type(event) is not tuple:
                    raise event  # the parser's error, queued
                if event[0] != "end":
                    if holder is None and event[1].tag == _SHEETDATA:
                        holder = event[1]
                    continue
                row = event[1]
                if row.tag != ROW:
                    continue
                r = row.get("r")
                number = int(r) if r else number + 1
                values: list[str] = []
                width = 0
                position = 0
                for cell in row:
                    ref = cell.get("r")
                    if ref:
                        letters = ref.rstrip(digits)
                        position = columns.get(letters) or columns.setdefault(
                            letters, _column(letters)
                        )
                    else:
                        position += 1
                    kind = cell.get("t")
                    if kind == "s":
                        text = cell.findtext(V)
                        if not text:
                            continue
                        index = int(text)
                        if index < 0:
                            raise IndexError(index)
                        text = data[offsets[index] : offsets[index + 1]].decode().strip()
                    elif kind is None or kind == "n":
                        text = cell.findtext(V)
                        if not text:
                            continue
                        style = cell.get("s")
                        if style and style != "0" and int(style) in dates:
                            text = _date_text(text, epoch, int(style) in durations, from_excel)
                        else:
                            text = _number_text(text)
                    elif kind == "inlineStr":
                        inline = cell.find(_IS)
                        text = _text_of(inline).strip() if inline is not None else ""
                    elif kind == "b":
                        text = cell.findtext(V)
                        if not text:
                            continue
                        text = "1" if int(text) else "0"
                    elif kind == "d":
                        text = cell.findtext(V)
                        if not text:
                            continue
                        text = _iso_text(text)
                    else:  # "str" (a formula's text), "e" (an error such as #N/A)
                        text = (cell.findtext(V) or "").strip()
                    if not text or cell.tag != C:
                        continue
                    width = position
                    if position > max_columns:
                        continue
                    if position == len(values) + 1:
                        values.append(text)
                    elif position > len(values):
                        values.extend([""] * (position - 1 - len(values)))
                        values.append(text)
                    else:  # a cell given twice, or out of order
                        values[position - 1] = text
                if holder is not None:
                    holder.clear()
                else:
                    row.clear()
                yield number, values, width
            if not chunk:
                return


# The fast path: the sheet's XML as Excel, LibreOffice, openpyxl and XlsxWriter write
# it, read with regular expressions (C) instead of an element per cell. It takes only
# what it can read exactly (well-formed by construction: no entity, CDATA, comment,
# character XML forbids or attribute it does not know); any other row is parsed by
# xml.etree (parsed_rows), alone, and anything it cannot place (a prefixed or
# unclosed row, a comment between rows) sends the rest of the sheet there too.
_CHARS = rb"[^<>&\r\x00-\x08\x0b\x0c\x0e-\x1f]*"
_TEXT = _CHARS + rb"(?:&(?:amp|lt|gt|quot|apos);" + _CHARS + rb")*"  # XML's own entities
_ATTR = rb'[^<>&"\r\x00-\x08\x0b\x0c\x0e-\x1f]*'
_CELL = (
    rb'\s*<c(?: r="([A-Z]{1,3})[1-9][0-9]{0,6}")?(?: s="([0-9]{1,9})")?(?: t="([a-zA-Z]{1,9})")?'
    rb"(?:/>|>(?:<f(?: [\w:]+=\"" + _ATTR + rb'")*(?:/>|>' + _TEXT + rb"</f>))?"
    rb"(?:<v>("
    + _TEXT
    + rb")</v>|<v ?/>|<is><t(?: xml:space=\"preserve\")?>("
    + _TEXT
    + rb")</t></is>)?"
    rb"</c>)"
)
_CELLS = re.compile(rb"(?:" + _CELL.replace(b"(", b"(?:").replace(b"(?:?:", b"(?:") + rb")*\s*")
_CELL_RE = re.compile(_CELL)
_ROW_RE = re.compile(
    rb'\s*<row(?: r="([1-9][0-9]{0,8})")?((?:\s+(?!r=|xmlns)[\w:]+="[^"<>&]*")*)\s*'
    rb"(?:/>|>(.*?)</row>)",
    re.DOTALL,
)
_HEAD = re.compile(
    rb'^(?:\xef\xbb\xbf)?(?:<\?xml[^>]*\?>)?\s*(<worksheet\s[^>]*xmlns="'
    + MAIN[1:-1].encode()
    + rb'"[^>]*>).*?<sheetData>',
    re.DOTALL,
)
_UTF8_DECLARATION = re.compile(
    rb'^(?:\xef\xbb\xbf)?(?:<\?xml(?![^>]*encoding=)[^>]*\?>|<\?xml[^>]*encoding="utf-8"[^>]*\?>|(?!<\?xml))',
    re.IGNORECASE,
)


class _FastRows:
    def __init__(self, book: Workbook, max_columns: int):
        self.book = book
        self.max_columns = max_columns

    def rows(self, chunks: Iterator[bytes]) -> Iterator[tuple[int, list[str], int]]:
        book, max_columns = self.book, self.max_columns
        buffer = b""
        head = None
        for chunk in chunks:  # the part of the sheet before its rows
            buffer += chunk
            head = _HEAD.match(buffer)
            if head or len(buffer) > 4 * _CHUNK or b"<sheetData" in buffer:
                break
        if head is None or not _UTF8_DECLARATION.match(buffer) or b"<!" in buffer[: head.end()]:
            yield from book.parsed_rows(itertools.chain([buffer], chunks), max_columns)
            return
        prefix, root = buffer[: head.end()], head.group(1)
        buffer = buffer[head.end() :]

        from openpyxl.utils.datetime import from_excel

        data, offsets = book.strings.data, book.strings.offsets
        dates, durations = book.date_styles, book.timedelta_styles
        epoch = book.epoch
        columns: dict[bytes, int] = {}
        row_match, cells_match, cells_of = _ROW_RE.match, _CELLS.fullmatch, _CELL_RE.findall
        number = 0
        while True:
            chunk = next(chunks, b"")
            buffer += chunk
            cut = buffer.rfind(b"</row>") + 6 if chunk else len(buffer)
            if cut < 6:  # no row ends in what was read
                if len(buffer) <= 16 * _CHUNK:
                    continue
                # Rows it cannot see the end of: the rest of the sheet goes to xml.etree.
                rest = itertools.chain([prefix, buffer], chunks)
                yield from book.parsed_rows(rest, max_columns, number)
                return
            part, buffer = buffer[:cut], buffer[cut:]
            pos, size = 0, len(part)
            while pos < size:
                found = row_match(part, pos)
                if found is None or (found.group(3) and not cells_match(found.group(3))):
                    end = part.find(b"</row>", pos) + 6
                    text = part[pos:end]
                    start = text.lstrip()[:5]
                    if (
                        end < 6
                        or b"<!" in text
                        or b"<?" in text
                        or start[:4] != b"<row"
                        or start[4:] not in (b" ", b">", b"/", b"\t", b"\n", b"\r")
                    ):
                        # Not a row it can place: the rest of the sheet goes to xml.etree.
                        rest = itertools.chain([prefix, part[pos:], buffer], chunks)
                        yield from book.parsed_rows(rest, max_columns, number)
                        return
                    # One row it cannot read exactly: xml.etree reads it alone.
                    alone = root + b"<sheetData>" + text + b"</sheetData></worksheet>"
                    for row in book.parsed_rows(iter([alone]), max_columns, number):
                        number = row[0]
                        yield row
                    pos = end
                    continue
                pos = found.end()
                r, _attributes, content = found.groups()
                number = int(r) if r else number + 1
                values: list[str] = []
                width = 0
                position = 0
                for letters, style, kind, v, inline in cells_of(content) if content else ():
                    if letters:
                        position = columns.get(letters) or columns.setdefault(
                            letters, _column(letters.decode())
                        )
                    else:
                        position += 1
                    if kind == b"s":
                        if not v:
                            continue
                        index = int(v)
                        if index < 0:
                            raise IndexError(index)
                        text = data[offsets[index] : offsets[index + 1]].decode().strip()
                    elif not kind or kind == b"n":
                        if not v:
                            continue
                        if style and style != b"0" and int(style) in dates:
                            text = _date_text(
                                v.decode(), epoch, int(style) in durations, from_excel
                            )
                        elif v.isdigit() and (v[0] != 48 or len(v) == 1):  # 48: "0"
                            text = v.decode()
                        else:
                            text = _number_text(v.decode())
                    elif kind == b"inlineStr":
                        text = inline.decode()
                        if "&" in text:
                            text = _unescape(text)
                        if "x005F_" in text:
                            text = text.replace("x005F_", "")
                        text = text.strip()
                    elif kind == b"b":
                        if not v:
                            continue
                        text = "1" if int(v) else "0"
                    elif kind == b"d":
                        if not v:
                            continue
                        text = _iso_text(v.decode())
                    else:  # "str" (a formula's text), "e" (an error such as #N/A)
                        text = v.decode()
                        text = (_unescape(text) if "&" in text else text).strip()
                    if not text:
                        continue
                    width = position
                    if position > max_columns:
                        continue
                    if position == len(values) + 1:
                        values.append(text)
                    elif position > len(values):
                        values.extend([""] * (position - 1 - len(values)))
                        values.append(text)
                    else:  # a cell given twice, or out of order
                        values[position - 1] = text
                yield number, values, width
            if not chunk:
                break
        # The sheet ended right after a row (no </sheetData>): cut off. xml.etree says so
        # (what follows the rows normally reaches it above, and it checks that too).
        yield from book.parsed_rows(iter([prefix]), max_columns, number)


def _unescape(text: str) -> str:
    """XML's own entities (the only ones the fast path takes) as characters."""
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


def _number_text(text: str) -> str:
    """A number as Excel stores it: "1.5", an integral float without ".0"."""
    if "." in text or "E" in text or "e" in text:
        value = float(text)
        return str(int(value)) if value.is_integer() else str(value)
    return str(int(text))


def _date_text(text: str, epoch, duration: bool, from_excel) -> str:
    value = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
    try:
        value = from_excel(value, epoch, timedelta=duration)
    except (OverflowError, ValueError):
        return "#VALUE!"  # a serial number outside the dates (openpyxl said the same)
    return _value_text(value)


def _iso_text(text: str) -> str:
    from openpyxl.utils.datetime import from_ISO8601

    return _value_text(from_ISO8601(text))


def _value_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()
