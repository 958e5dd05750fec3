"""The number rule (numbering/codes.py): which characters a number may hold (issue 13.2)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import resolve, reverse
from hypothesis import given
from hypothesis import strategies as st

from numbering import codes, formatting

VALID = ["CT000123", "K-10001", "2024/1", "INV.2026.07", "A_1", "0", "X" * 20, "2026-INV-007/A"]
INVALID = [
    "A\nB",  # a line break took the contact list down
    "A\tB",
    "A\u200fB",  # RTL mark
    "A\x00B",
    "A?B",
    "A#B",
    "A%B",
    "A B",
    ".",
    "..",
    "A/../B",
    "A/./B",
    "2024//1",
    "/A",
    "A/",
    "-A",
    "A-",
    "ØST1",
    "А1",  # Cyrillic A
    "X" * 21,
]


@pytest.mark.parametrize("value", VALID)
def test_valid_numbers(value):
    assert codes.is_valid_number(value)
    codes.validate_number(value)


@pytest.mark.parametrize("value", INVALID)
def test_invalid_numbers_are_refused_with_a_message(value):
    assert not codes.is_valid_number(value)
    with pytest.raises(ValidationError) as error:
        codes.validate_number(value)
    assert error.value.code == "invalid_number"
    assert "A–Z" in error.value.messages[0] or "20" in error.value.messages[0]


def test_normalise_upper_cases_ascii_and_strips_only():
    assert codes.normalise_number("  ab-1 ") == "AB-1"
    # Non-ASCII letters are not upper-cased into something else (ß -> SS): they stay
    # and are refused by the rule.
    assert codes.normalise_number("ß1") == "ß1"
    assert codes.normalise_number("a\nb") == "A\nB"


def test_the_message_shows_invisible_characters():
    with pytest.raises(ValidationError) as error:
        codes.validate_number("A\u200fB")
    assert "\\u200f" in error.value.messages[0]


@given(st.from_regex(codes.NUMBER_REGEX, fullmatch=True).filter(lambda v: len(v) <= 20))
def test_every_valid_number_survives_every_route(value):
    """Whatever the rule allows, a card's address takes it and gives it back."""
    assert codes.is_valid_number(value)
    for name in (
        "contacts:detail",
        "contacts:edit",
        "opportunities:detail",
        "relations:vendor_edit",
    ):
        url = reverse(name, kwargs={"no": value})
        assert resolve(url).kwargs["no"] == value
    url = reverse(
        "relations:link_from_contact", kwargs={"contact_no": value, "link_to": "customer"}
    )
    assert resolve(url).kwargs == {"contact_no": value, "link_to": "customer"}


@given(st.text(max_size=25))
def test_the_rule_allows_only_url_safe_characters(value):
    if codes.is_valid_number(value):
        assert value.isascii() and value == value.strip() and value.upper() == value
        assert set(value) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./")
        assert "//" not in value and ".." not in value and 1 <= len(value) <= 20


@given(
    start=st.from_regex(codes.NUMBER_REGEX, fullmatch=True).filter(
        lambda v: len(v) <= 20 and formatting.has_number(v)
    ),
    by=st.integers(min_value=1, max_value=1000),
)
def test_a_series_only_makes_valid_numbers(start, by):
    """Incrementing a valid starting no. gives a valid number (or one that is too long,
    which the series refuses as past its end)."""
    number = formatting.increment_number(start, by)
    assert codes.is_valid_number(number) or len(number) > codes.NUMBER_MAX_LENGTH


@pytest.mark.parametrize("value", ["A\nB", "A B1", "..1", "A?1"])
def test_series_lines_refuse_invalid_numbers(value):
    errors = formatting.validate_line_numbers(starting_no=value)
    assert "starting_no" in errors
    errors = formatting.validate_line_numbers(starting_no="A001", ending_no=value)
    assert "ending_no" in errors
