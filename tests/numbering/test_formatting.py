"""The pure number rules (no database)."""

import pytest

from numbering.formatting import (
    compare_numbers,
    in_range,
    increment_number,
    line_is_open,
    next_number,
    normalise_line_numbers,
    reaches_warning,
    same_format,
    split_number,
    validate_line_numbers,
)


@pytest.mark.parametrize(
    ("value", "by", "expected"),
    [
        ("CT0001", 1, "CT0002"),
        ("CT0009", 1, "CT0010"),
        ("CT999", 1, "CT1000"),
        ("A-0009", 1, "A-0010"),
        ("0099", 1, "0100"),
        ("9", 1, "10"),
        ("INV2026-007/A", 1, "INV2026-008/A"),
        ("X10Y", 5, "X15Y"),
        ("CT0001", 10, "CT0011"),
        ("CT0001", 0, "CT0001"),
    ],
)
def test_increment_number_keeps_width_and_grows_on_overflow(value, by, expected):
    assert increment_number(value, by) == expected


@pytest.mark.parametrize("value", ["", "ABC", "---"])
def test_increment_number_without_digits_raises(value):
    with pytest.raises(ValueError):
        increment_number(value)


def test_split_number_takes_the_rightmost_digit_run():
    parts = split_number("A12-B034X")
    assert (parts.prefix, parts.digits, parts.suffix) == ("A12-B", "034", "X")


def test_same_format_compares_the_non_digit_characters():
    assert same_format("CT0001", "CT9999")
    assert same_format("A1", "A0010")
    assert not same_format("CT0001", "CX0001")
    assert not same_format("CT0001", "CT")


def test_compare_numbers_uses_the_number_part_within_one_format():
    assert compare_numbers("A9", "A10") == -1
    assert compare_numbers("CT0010", "CT0009") == 1
    assert compare_numbers("CT0005", "CT0005") == 0


@pytest.mark.parametrize(
    ("number", "in_it"),
    [
        ("CT0001", True),
        ("CT0500", True),
        ("CT0999", True),
        ("CT1000", False),  # past the ending no. (and longer)
        ("CT000", False),  # shorter than the starting no.
        ("CX0002", False),  # other non-digit characters
    ],
)
def test_in_range(number, in_it):
    assert in_range(number, "CT0001", "CT0999") is in_it


def test_in_range_without_ending_no_is_unlimited():
    assert in_range("CT99999999", "CT0001", "")


def test_next_number_is_the_starting_no_first():
    assert next_number(starting_no="A001", last_no_used="") == "A001"
    assert next_number(starting_no="A001", last_no_used="A001", increment_by=5) == "A006"


def test_reaches_warning_needs_an_ending_no():
    assert reaches_warning("A090", warning_no="A090", ending_no="A099")
    assert not reaches_warning("A089", warning_no="A090", ending_no="A099")
    assert not reaches_warning("A095", warning_no="A090", ending_no="")


@pytest.mark.parametrize(
    ("last", "ending", "increment", "is_open"),
    [
        ("", "A099", 1, True),
        ("A050", "", 1, True),
        ("A098", "A099", 1, True),
        ("A099", "A099", 1, False),
        ("A1000", "A999", 1, False),
        ("A095", "A099", 5, False),  # the next number (A100) would pass the ending no.
        ("A094", "A099", 5, True),
    ],
)
def test_line_is_open(last, ending, increment, is_open):
    assert line_is_open(last_no_used=last, ending_no=ending, increment_by=increment) is is_open


def test_validate_line_numbers_accepts_a_good_line():
    assert (
        validate_line_numbers(
            starting_no="CT0001", ending_no="CT9999", warning_no="CT9900", last_no_used="CT0100"
        )
        == {}
    )


def test_validate_line_numbers_reports_each_problem():
    assert set(validate_line_numbers(starting_no="ABC")) == {"starting_no"}
    assert set(validate_line_numbers(starting_no="")) == {"starting_no"}
    assert set(validate_line_numbers(starting_no="A10", ending_no="A05")) == {"ending_no"}
    assert set(validate_line_numbers(starting_no="A01", ending_no="B99")) == {"ending_no"}
    assert set(validate_line_numbers(starting_no="A01", warning_no="A50")) == {"warning_no"}
    assert set(validate_line_numbers(starting_no="A01", ending_no="A99", warning_no="A00")) == {
        "warning_no"
    }
    assert set(validate_line_numbers(starting_no="A01", ending_no="A99", last_no_used="A100")) == {
        "last_no_used"
    }
    assert set(validate_line_numbers(starting_no="A01", increment_by=0)) == {"increment_by"}


def test_validate_line_numbers_message_names_the_field():
    errors = validate_line_numbers(starting_no="NODIGITS")
    assert "Starting No." in errors["starting_no"]
    assert "must have a number" in errors["starting_no"]


def test_normalise_gives_one_digit_width():
    assert normalise_line_numbers(starting_no="A1", ending_no="A10", last_no_used="A5") == {
        "starting_no": "A01",
        "ending_no": "A10",
        "warning_no": "",
        "last_no_used": "A05",
    }


def test_normalise_never_shortens_and_leaves_mixed_or_numeric_values_alone():
    assert normalise_line_numbers(starting_no="A0001", ending_no="A10")["ending_no"] == "A0010"
    assert normalise_line_numbers(starting_no="1", ending_no="1000")["starting_no"] == "1"
    assert normalise_line_numbers(starting_no="A1", ending_no="B10")["starting_no"] == "A1"
