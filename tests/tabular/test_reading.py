"""tabular.reading: one reader per file format (issue 9 item 1, 13.8)."""

from __future__ import annotations

import ast
import codecs
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tabular.reading import MAX_COLUMNS, TableError, open_table


def read(data: bytes, name: str = "x.csv"):
    table = open_table(io.BytesIO(data), name=name)
    return table, list(table.rows())


@pytest.mark.parametrize(
    ("data", "encoding", "delimiter"),
    [
        ("type,name\ncompany,Bodø\n".encode(), "utf-8-sig", ","),
        ("\ufefftype;name\r\ncompany;Bodø\r\n".encode(), "utf-8-sig", ";"),
        ("type;name\r\ncompany;Bodø\r\n".encode("cp1252"), "cp1252", ";"),
        ("type\tname\ncompany\tBodø\n".encode("utf-16"), "utf-16", "\t"),
    ],
)
def test_encodings_and_separators(data, encoding, delimiter):
    table, rows = read(data)
    assert (table.encoding, table.delimiter) == (encoding, delimiter)
    assert table.header == ["type", "name"]
    assert rows == [(2, ["company", "Bodø"])]


def test_line_numbers_with_quoted_line_breaks_and_cr_only():
    _table, rows = read(b'a,b\r"x\r\ny",1\r\r2,3\r')
    assert rows == [(2, ["x\r\ny", "1"]), (5, ["2", "3"])]


def test_separator_inside_quotes_does_not_count():
    table, _rows = read(b'"a;b",c,d\n1,2,3\n')
    assert table.delimiter == ","


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b'a,b\n1,"open\n2,3\n4,5\n', 2),  # never closed
        (b'a,b\n1,"open\n2,"x"\n4,5\n', 2),  # closed by a later row's quote
        (b'a,b\n1,2\n3,"x"y\n', 3),  # text after the closing quote
    ],
)
def test_unbalanced_quotes_are_an_error_on_their_line(data, line):
    with pytest.raises(TableError) as excinfo:
        read(data)
    assert excinfo.value.line == line


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        # A UTF-16 byte-order mark before bytes that are no UTF-16 (found by the fuzz
        # suite: the import page answered 500).
        (b"\xff\xfe\x00\x00garbage", 1, "NUL"),
        (codecs.BOM_UTF16_LE + "a,b\n1,2\n".encode("utf-16-le") + b"\x00", 3, "not UTF-16"),
        (codecs.BOM_UTF16_BE + b"\xd8\x00\x00a", 1, "not UTF-16"),  # a lone surrogate
        # A NUL character in UTF-16 text: refused as in UTF-8 text.
        ("a,b\n1,x\x002\n".encode("utf-16"), 2, "NUL"),
    ],
)
def test_utf16_that_cannot_be_read_is_an_error_on_its_line(data, line, words):
    with pytest.raises(TableError) as excinfo:
        read(data)
    assert excinfo.value.line == line
    assert words in str(excinfo.value)


def test_too_many_columns_in_a_row():
    data = b"a,b\n" + b",".join([b"1"] * (MAX_COLUMNS + 1)) + b"\n"
    with pytest.raises(TableError) as excinfo:
        read(data)
    assert excinfo.value.line == 2


def test_xlsx_cells_become_text():
    book = openpyxl.Workbook()
    book.active.append(["Type", "Phone", None, None])
    book.active.append(["company", 4722334455, 1.5, None])
    book.active.append([])
    book.active.append(["person", "+47 22 33 44 55"])
    data = io.BytesIO()
    book.save(data)
    table, rows = read(data.getvalue(), "x.xlsx")
    assert table.header == ["Type", "Phone"]
    assert rows == [(2, ["company", "4722334455", "1.5"]), (4, ["person", "+47 22 33 44 55"])]


def test_workbook_read_again_gives_the_same_rows_after_a_partial_read():
    """The second complete read comes from the rows kept by the first (the sheet is
    not parsed again); a read that stopped early keeps nothing."""
    book = openpyxl.Workbook()
    book.active.append(["type", "name"])
    for i in range(2500):  # more than one kept block
        book.active.append(["company", f"Fjord {i}" if i % 7 else None])
    data = io.BytesIO()
    book.save(data)
    table = open_table(io.BytesIO(data.getvalue()), name="x.xlsx")
    partial = table.rows()
    assert next(partial) == (2, ["company"])
    partial.close()
    first = list(table.rows())
    assert len(first) == 2500 and first[1] == (3, ["company", "Fjord 1"])
    table._handle.seek(0)  # the workbook is not read any more
    table._handle.truncate()
    again, interleaved = table.rows(), table.rows()
    assert next(interleaved) == first[0]
    assert list(again) == first
    assert [first[0], *interleaved] == first
    table.close()
    assert table._spool.file is None


def test_a_workbook_named_csv_is_read_as_a_workbook():
    book = openpyxl.Workbook()
    book.active.append(["type"])
    book.active.append(["company"])
    data = io.BytesIO()
    book.save(data)
    table, _rows = read(data.getvalue(), "x.csv")
    assert table.format == "xlsx"


def test_path_is_opened_and_closed(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a\n1\n")
    with open_table(path) as table:
        assert list(table.rows()) == [(2, ["1"])]
        handle = table._handle
    assert handle.closed


def test_tabular_imports_no_app_of_ours():
    root = Path(__file__).resolve().parents[2]
    ours = {p.name for p in root.iterdir() if (p / "apps.py").exists()} | {"crm_site"}
    for path in (root / "tabular").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in ours, path
            if isinstance(node, ast.Import):
                assert not {a.name.split(".")[0] for a in node.names} & ours, path


def _workbook(sheet_data: str, *, strings: str = "", dimension: str = "A1") -> bytes:
    """A workbook as Excel writes one: shared strings, a styles part with a date style
    (cellXfs 1 = numFmtId 14) and the stated dimension."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            f'<sheet name="A" sheetId="1" r:id="rId1"/><sheet name="B" sheetId="2" r:id="rId4"/>'
            "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId4" Type="{rel}/worksheet" Target="worksheets/sheet2.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/styles.xml",
            f'<styleSheet xmlns="{main}"><cellXfs count="2"><xf numFmtId="0"/>'
            '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>',
        )
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">{strings}</sst>')
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{main}"><dimension ref="{dimension}"/>'
            f"<sheetData>{sheet_data}</sheetData></worksheet>",
        )
        archive.writestr(
            "xl/worksheets/sheet2.xml",
            f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
            "<is><t>other sheet</t></is></c></row></sheetData></worksheet>",
        )
    return data.getvalue()


def test_an_excel_saved_workbook_is_read_as_excel_shows_it():
    """Shared strings (rich text runs joined, phonetic runs left out), numbers, a date
    style, a sparse row, the first of two sheets; the stated dimension ("A1", as some
    writers leave it) does not cut the sheet off (openpyxl's read-only mode did: "a
    header but no rows")."""
    strings = (
        "<si><t>Type</t></si><si><t>Post code</t></si><si><t>Since</t></si>"
        "<si><r><t>Fjord </t></r><r><rPr><b/></rPr><t>AS</t></r><rPh><t>x</t></rPh></si>"
        '<si><t xml:space="preserve"> 0150 </t></si><si><t>Tom &amp; Kari</t></si>'
    )
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c>'
        '<c r="C2" s="1"><v>45413</v></c><c r="D2"><v>4722334455</v></c></row>'
        '<row r="4"><c r="C4" t="s"><v>5</v></c><c r="E4" t="b"><v>1</v></c>'
        '<c r="F4" t="e"><v>#N/A</v></c><c r="G4"><v>1.5E2</v></c></row>'
    )
    table, rows = read(_workbook(sheet, strings=strings), "x.xlsx")
    assert table.header == ["Type", "Post code", "Since"]
    assert rows == [
        (2, ["Fjord AS", "0150", "2024-05-01", "4722334455"]),
        (4, ["", "", "Tom & Kari", "", "1", "#N/A", "150"]),
    ]


@pytest.mark.parametrize(
    ("sheet", "strings", "words"),
    [
        ('<row r="1"><c r="A1" t="s"><v>7</v></c></row>', "", "damaged"),  # no such string
        ('<row r="1"><c r="A1"><v>1</v></c><row>', "", "damaged"),  # broken XML
        ('<row r="1"><c r="A1"><v>x</v></c></row>', "", "damaged"),  # not a number
        (
            '<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"><v>1</v></c></row>',
            "",
            "header",
        ),
    ],
)
def test_a_damaged_excel_sheet_is_an_error(sheet, strings, words):
    with pytest.raises(TableError) as excinfo:
        read(_workbook(sheet, strings=strings), "x.xlsx")
    assert words in str(excinfo.value)


def test_a_zip_that_is_no_workbook_is_an_error():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(TableError) as excinfo:
        read(data.getvalue(), "x.xlsx")
    assert "not an Excel workbook" in str(excinfo.value)


def test_a_sheet_of_mixed_xml_is_read_whole():
    """Rows the quick reader takes (Excel's and openpyxl's usual cells, XML's own
    entities, whitespace between cells) and rows it hands to the XML parser (a
    character reference, rich text, attributes in another order, a comment, a prefixed
    row) come out the same, in order."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>City</t></is></c></row>\n'
        '<row r="2" spans="1:2">\n  <c r="A2" t="inlineStr"><is><t>Tom &amp; Kari</t></is></c>'
        '\n  <c r="B2" t="str"><f>A1&amp;"x"</f><v> Oslo </v></c>\n</row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>&#65;S</t></is></c>'
        '<c r="B3"><f>1+1</f><v /></c></row>'
        '<row r="4"><c r="A4" t="inlineStr"><is><r><t>Fjord </t></r><r><t>AS</t></r></is></c>'
        '<c t="n" r="B4"><v>7</v></c></row>'
        "<!-- written by hand -->"
        '<row r="5"><c r="A5" t="inlineStr"><is><t>Bergen</t></is></c></row>'
        f'<x:row xmlns:x="{main}" r="6"><x:c r="B6"><x:v>1.50</x:v></x:c></x:row>'
        '<row r="7"><c r="A7" t="b"><v>1</v></c></row>'
    )
    table, rows = read(_workbook(sheet), "x.xlsx")
    assert table.header == ["Name", "City"]
    assert rows == [
        (2, ["Tom & Kari", "Oslo"]),
        (3, ["AS"]),
        (4, ["Fjord AS", "7"]),
        (5, ["Bergen"]),
        (6, ["", "1.5"]),
        (7, ["1"]),
    ]


def test_a_sheet_cut_off_after_a_row_is_an_error():
    data = _workbook(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
    )
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(damaged, "w") as target:
        for name in source.namelist():
            part = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                part = part[: part.index(b"</sheetData>")]
            target.writestr(name, part)
    with pytest.raises(TableError) as excinfo:
        read(damaged.getvalue(), "x.xlsx")
    assert "damaged" in str(excinfo.value)
