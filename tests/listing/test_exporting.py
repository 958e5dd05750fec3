"""listing.exporting: the spreadsheet-safety rule, CSV dialects and XLSX cells (no DB)."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from listing import exporting
from listing.exporting import cell_escape, cell_is_risky, cell_unescape

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "@SUM(A1)",
    "+1+1",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\n=1+1",
    "'=1+1",
    "''+47",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_formula_like_value_is_escaped_and_comes_back(value):
    escaped = cell_escape(value)
    assert escaped == "'" + value
    assert escaped[0] not in exporting.FORMULA_TRIGGERS
    assert cell_unescape(escaped) == value


@pytest.mark.parametrize("value", ["Fjord AS", "55 11 22 33", "'quoted'", "a=b", "", "50%", "1-2"])
def test_a_plain_value_is_left_alone(value):
    assert not cell_is_risky(value)
    assert cell_escape(value) == value == cell_unescape(value)


def test_text_written_by_others_is_not_changed_by_the_import():
    # Only our own apostrophe (before a formula-like value) is taken off.
    assert cell_unescape("'quoted'") == "'quoted'"
    assert cell_unescape("=1+1") == "=1+1"


@given(st.text(alphabet=st.sampled_from("'= +-@\t\r\na1"), max_size=8))
def test_escape_round_trips_and_never_starts_a_formula(value):
    escaped = cell_escape(value)
    assert cell_unescape(escaped) == value
    assert not escaped or escaped[0] not in exporting.FORMULA_TRIGGERS
    assert not (escaped.lstrip(" \n")[:1] in exporting.FORMULA_TRIGGERS and escaped[:1] != "'")


def test_csv_cells_by_type():
    assert exporting.csv_cell(None) == ""
    assert exporting.csv_cell(Decimal("-1234.50")) == "-1234.50"  # a number, not text
    assert exporting.csv_cell(Decimal("1234.50"), exporting.CSV_EXCEL) == "1234,50"
    assert exporting.csv_cell(datetime.date(2026, 12, 2)) == "2026-12-02"
    assert exporting.csv_cell(True) == "Yes"
    assert exporting.csv_cell("+47 22 33 44 55") == "'+47 22 33 44 55"


def test_csv_lines_quote_separators_and_start_with_a_bom():
    lines = list(exporting.csv_lines(["a", "b"], [["x;=1", "=2"]], exporting.CSV_EXCEL, bom=True))
    assert lines[0] == "\ufeffa;b\r\n"
    assert lines[1] == '"x;=1";\'=2\r\n'


def test_format_from_the_file_name():
    assert exporting.dialect_for_path("out.XLSX") is exporting.XLSX
    assert exporting.dialect_for_path("out.csv") is exporting.CSV
    assert exporting.dialect_for_path("out.csv", delimiter=";") is exporting.CSV_EXCEL
    with pytest.raises(exporting.ExportError, match=r"end it in \.csv or \.xlsx"):
        exporting.dialect_for_path("out.txt")
    with pytest.raises(exporting.ExportError, match="Unknown export format"):
        exporting.dialect_for("pdf")


def test_file_name_has_the_date():
    name = exporting.export_filename("contacts", exporting.XLSX, date=datetime.date(2026, 1, 5))
    assert name == "contacts-2026-01-05.xlsx"


def test_xlsx_text_cells_never_formulas_numbers_and_dates_typed():
    out = io.BytesIO()
    rows = [
        ["+47 22 33 44 55", "=cmd|' /C calc'!A0", Decimal("12.5"), datetime.date(2026, 12, 2)],
        ["bell\x07", "x" * 40_000, None, True],
    ]
    assert exporting.write_xlsx(out, ["Phone", "Name", "Cost", "Date"], rows, title="T/1") == 2
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    book = load_workbook(io.BytesIO(out.getvalue()))
    ws = book.active
    assert ws.title == "T 1"
    phone, name, cost, date = ws[2]
    assert (phone.value, phone.data_type, phone.quotePrefix) == ("+47 22 33 44 55", "s", True)
    assert (name.value, name.data_type) == ("=cmd|' /C calc'!A0", "s")
    assert cost.value == 12.5 and cost.data_type == "n"
    assert date.value == datetime.datetime(2026, 12, 2)  # a date cell
    bell, long, empty, flag = ws[3]
    assert bell.value == "bell"  # a character XML cannot hold is left out
    assert len(long.value) == exporting.XLSX_MAX_CELL
    assert empty.value is None and flag.value is True
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
