"""The XLSX reader's two paths read every sheet alike: the quick one (regular expressions
over the rows Excel, LibreOffice and openpyxl write) and the XML parser it hands what it
cannot read exactly. Generated sheets mix cells of every kind and spelling, and are read
in chunks of several sizes so rows are cut at every place."""

from __future__ import annotations

import html
import io
import zipfile

from hypothesis import given
from hypothesis import strategies as st

from tabular import xlsx
from tests.tabular.test_reading import _workbook

# Text as people type it (XML's special characters, accents, spaces at the ends) and a
# few characters the quick path leaves to the parser (a carriage return, a tab).
_TEXT = st.text(
    alphabet=st.sampled_from(list("abcAB 019&<>\"'æøåÆØÅéëü€\t\r\n.,-/")),
    max_size=12,
)


def _escaped(text: str, style: int) -> str:
    if style == 0:
        return html.escape(text, quote=False)
    if style == 1:
        return html.escape(text, quote=True).replace("&#x27;", "&apos;")
    # character references for a few letters, as some writers do
    return "".join(f"&#{ord(c)};" if c in "aø&<" else html.escape(c, quote=False) for c in text)


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_NUMBERS = st.sampled_from(["0", "7", "-3", "1.50", "2.25", "1E-3", "1.0E3", "45000", "45000.5"])


@st.composite
def _cell(draw, ref: str, strings: list[str]) -> str:
    kind = draw(st.integers(0, 11))
    style = draw(st.integers(0, 2))
    r = f' r="{ref}"' if draw(st.booleans()) or kind < 6 else ""
    if kind == 0:  # a shared string
        index = draw(st.integers(0, len(strings) - 1))
        return f'<c{r} t="s"><v>{index}</v></c>'
    if kind == 1:  # a number, sometimes date-styled
        s = ' s="1"' if draw(st.booleans()) else ""
        t = ' t="n"' if draw(st.booleans()) else ""
        return f"<c{r}{s}{t}><v>{draw(_NUMBERS)}</v></c>"
    if kind == 2:  # an inline string
        space = ' xml:space="preserve"' if draw(st.booleans()) else ""
        return f'<c{r} t="inlineStr"><is><t{space}>{_escaped(draw(_TEXT), style)}</t></is></c>'
    if kind == 3:  # rich text, inline
        a, b = _escaped(draw(_TEXT), style), _escaped(draw(_TEXT), style)
        return f'<c{r} t="inlineStr"><is><r><t>{a}</t></r><r><t>{b}</t></r></is></c>'
    if kind == 4:  # a formula's text
        return f'<c{r} t="str"><f>A1&amp;"x"</f><v>{_escaped(draw(_TEXT), style)}</v></c>'
    if kind == 5:  # a boolean, an error
        return draw(st.sampled_from([f'<c{r} t="b"><v>1</v></c>', f'<c{r} t="e"><v>#N/A</v></c>']))
    if kind == 6:  # empty cells
        return draw(st.sampled_from([f"<c{r}/>", f'<c{r} s="1"/>', f"<c{r}><v/></c>"]))
    if kind == 7:  # attributes in another order
        return f'<c s="0"{r}><v>{draw(_NUMBERS)}</v></c>'
    if kind == 8:  # a formula with a cached number
        return f"<c{r}><f>1+1</f><v>{draw(_NUMBERS)}</v></c>"
    if kind == 9:  # whitespace inside and around
        return f'\n  <c{r} t="inlineStr">\n<is><t>{_escaped(draw(_TEXT), style)}</t></is></c>'
    if kind == 10:  # an inline string the parser must read (a comment in it)
        return f'<c{r} t="inlineStr"><is><!-- x --><t>{_escaped(draw(_TEXT), style)}</t></is></c>'
    return f"<c{r}><v>{draw(_NUMBERS)}</v></c>"


@st.composite
def _sheets(draw) -> tuple[bytes, int]:
    strings = draw(st.lists(_TEXT, min_size=1, max_size=5))
    shared = "".join(
        f'<si><t xml:space="preserve">{html.escape(s, quote=False)}</t></si>' for s in strings
    )
    rows = []
    number = 0
    for _ in range(draw(st.integers(1, 12))):
        number += draw(st.integers(1, 3))
        columns = sorted(draw(st.sets(st.integers(1, 30), max_size=6)))
        cells = "".join(draw(_cell(f"{_letters(c)}{number}", strings)) for c in columns)
        form = draw(st.integers(0, 5))
        if form == 0:
            rows.append(f'<row r="{number}">{cells}</row>')
        elif form == 1:
            rows.append(f'<row r="{number}" spans="1:30" customHeight="1">{cells}</row>')
        elif form == 2:
            rows.append(f'<row r="{number}"/>' if not cells else f'<row r="{number}">{cells}</row>')
        elif form == 3:
            rows.append(f'\n<row r="{number}">\n{cells}\n</row>')
        elif form == 4:
            rows.append(f'<!-- note --><row r="{number}">{cells}</row>')
        else:
            rows.append(f'<row ht="15" r="{number}">{cells}</row>')
    max_columns = draw(st.sampled_from([3, 30]))
    return _workbook("".join(rows), strings=shared), max_columns


def _read_both(data: bytes, max_columns: int, chunk: int):
    saved = xlsx._CHUNK
    xlsx._CHUNK = chunk
    try:
        book = xlsx.Workbook(io.BytesIO(data))
        quick = list(book.rows(max_columns))
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheet = archive.read(book.sheet_path)
        parsed = list(book.parsed_rows(iter([sheet]), max_columns))
    finally:
        xlsx._CHUNK = saved
    return quick, parsed


@given(_sheets(), st.sampled_from([7, 61, 500, 1 << 16]))
def test_the_quick_reader_reads_what_the_xml_parser_reads(sheet, chunk):
    data, max_columns = sheet
    quick, parsed = _read_both(data, max_columns, chunk)
    assert quick == parsed


def test_the_generated_sheets_reach_the_quick_path():
    """The property above compares something: plain rows are read by the quick path
    (the parser is not called for them)."""
    data = _workbook('<row r="1"><c r="A1" t="inlineStr"><is><t>a &amp; b</t></is></c></row>')
    book = xlsx.Workbook(io.BytesIO(data))
    calls = []
    original = book.parsed_rows

    def spy(chunks, *args, **kwargs):
        chunks = list(chunks)
        calls.append(b"".join(chunks))
        return original(iter(chunks), *args, **kwargs)

    book.parsed_rows = spy
    rows = list(book.rows(5))
    assert [values for _, values, _ in rows] == [["a & b"]]
    # the only call is the final check of the sheet's end, with no rows in it
    assert all(b"<row" not in text for text in calls)


def test_a_row_for_the_parser_is_read_wherever_the_chunks_end():
    """A row the quick path hands to the XML parser with the rest of the sheet (a comment
    in a cell), read with the file cut into chunks at every place: the hand-over never
    ends the sheet early ("no element found" at a chunk's end, before the fix)."""
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="str"><f>A1&amp;"x"</f>'
        '<v>Oslo</v></c><c r="C1" t="inlineStr"><is><!-- x --><t>Fjord AS</t></is></c></row>'
        '<row r="2"><c r="A2"><v>1.50</v></c></row><row r="3"/>'
    )
    data = _workbook(sheet, strings="<si><t>Name</t></si>")
    expected = [(1, ["Name", "Oslo", "Fjord AS"], 3), (2, ["1.5"], 1), (3, [], 0)]
    for chunk in range(5, 420):
        quick, parsed = _read_both(data, 30, chunk)
        assert quick == expected, chunk
        assert parsed == expected, chunk
