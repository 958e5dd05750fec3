"""tabular.reading: one reader per file format (issue 9 item 1, 13.8)."""

from __future__ import annotations

import ast
import codecs
import io
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
