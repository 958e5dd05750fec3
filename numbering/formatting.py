"""Pure rules for number-series numbers (reference document, sections 5.2-5.4). No ORM.

A number such as ``CT000123`` or ``2026-INV-007/A`` is treated as text with one
*number part*: the rightmost run of digits. Everything else (prefix and suffix) is
fixed for a series line. Incrementing follows AL's ``IncStr`` as Business Central's
number series use it: the digit run grows by the increment, keeps its width with
leading zeros and becomes wider when it overflows (``CT999`` -> ``CT1000``). A hyphen
is a separator, never a minus sign (``A-0009`` -> ``A-0010``), as BC's
``IncrementNoText`` reads only the digits. Digits are ASCII ``0``-``9`` only, as in
BC's ``IncStr`` (another script's digits are plain characters of the prefix/suffix).
``fast_fields`` gives a line's numbers as integers, so the statement that draws a
number (``numbering/drawing.py``) only adds and compares integers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from numbering import codes

MAX_LENGTH = codes.NUMBER_MAX_LENGTH
# A database sequence holds a bigint: numbers of Sequence lines have at most 18 digits.
MAX_SEQUENCE_DIGITS = 18

_LAST_DIGITS = re.compile(r"([0-9]+)([^0-9]*)$")


@dataclass(frozen=True)
class NumberParts:
    prefix: str
    digits: str
    suffix: str

    @property
    def value(self) -> int:
        return int(self.digits)

    @property
    def skeleton(self) -> str:
        """The number with its digit run removed: what must stay equal within a line."""
        return f"{self.prefix}\x00{self.suffix}"


def has_number(value: str) -> bool:
    """True when the value contains a digit, i.e. it can be incremented."""
    return bool(value) and _LAST_DIGITS.search(value) is not None


def split_number(value: str) -> NumberParts:
    """Split at the rightmost digit run; ValueError when there is none."""
    match = _LAST_DIGITS.search(value or "")
    if match is None:
        raise ValueError(f"{value!r} contains no number to increment")
    return NumberParts(value[: match.start(1)], match.group(1), match.group(2))


def replace_number(value: str, new_value: int, *, width: int | None = None) -> str:
    """Write `new_value` into the rightmost digit run, zero-padded to `width`
    (default: the run's current width); grows when wider."""
    parts = split_number(value)
    if new_value < 0:
        raise ValueError("numbers cannot become negative")
    digits = str(new_value).zfill(len(parts.digits) if width is None else width)
    return f"{parts.prefix}{digits}{parts.suffix}"


def increment_number(value: str, by: int = 1) -> str:
    """BC's IncStr: add `by` to the rightmost digit run, keeping its width."""
    if by < 0:
        raise ValueError("the increment must not be negative")
    parts = split_number(value)
    return replace_number(value, parts.value + by)


def same_format(a: str, b: str) -> bool:
    """True when both have a number and the same non-digit characters around it."""
    if not (has_number(a) and has_number(b)):
        return False
    return split_number(a).skeleton == split_number(b).skeleton


def compare_numbers(a: str, b: str) -> int:
    """-1, 0 or 1. Numbers of the same format compare by their number part (so
    ``A9`` < ``A10``); anything else compares as text, as BC compares Code values."""
    if same_format(a, b):
        left, right = split_number(a).value, split_number(b).value
        if left == right:
            # Same value, different padding: the text decides (stable, total order).
            return (a > b) - (a < b)
        return (left > right) - (left < right)
    return (a > b) - (a < b)


def in_range(number: str, starting_no: str, ending_no: str = "") -> bool:
    """The range check of 5.3 step 5: same non-digit characters as the starting
    no., not before it and not shorter; not after the ending no. and not longer."""
    if not same_format(number, starting_no):
        return False
    if len(number) < len(starting_no) or compare_numbers(number, starting_no) < 0:
        return False
    return not ending_no or (
        len(number) <= len(ending_no) and compare_numbers(number, ending_no) <= 0
    )


def next_number(*, starting_no: str, last_no_used: str, increment_by: int = 1) -> str:
    """The number a line issues next: the starting no. first, then IncStr."""
    if not last_no_used:
        return starting_no
    return increment_number(last_no_used, increment_by)


def reaches_warning(number: str, *, warning_no: str, ending_no: str) -> bool:
    """From the warning no. on (only when an ending no. is set), users are warned."""
    if not (warning_no and ending_no):
        return False
    return compare_numbers(number, warning_no) >= 0


def line_is_open(*, last_no_used: str, ending_no: str, increment_by: int = 1) -> bool:
    """Section 5.4: a line is closed once its last number is used up."""
    if not ending_no or not last_no_used:
        return True
    if len(last_no_used) > len(ending_no) or compare_numbers(last_no_used, ending_no) >= 0:
        return False
    if increment_by > 1 and has_number(last_no_used):
        following = increment_number(last_no_used, increment_by)
        if len(following) > len(ending_no) or compare_numbers(following, ending_no) > 0:
            return False
    return True


def normalise_line_numbers(
    *, starting_no: str, ending_no: str = "", warning_no: str = "", last_no_used: str = ""
) -> dict[str, str]:
    """Give a line's numbers one digit width, as BC does when they are entered (5.2):
    ``A1`` .. ``A10`` becomes ``A01`` .. ``A10``.

    Only when every filled-in value has the same non-digit characters and some are
    present (purely numeric values are left alone, as in BC). Unlike BC, widths only
    grow (to the widest value), so a typed ``A0001`` is never shortened.
    """
    values = {
        "starting_no": starting_no,
        "ending_no": ending_no,
        "warning_no": warning_no,
        "last_no_used": last_no_used,
    }
    filled = {name: value for name, value in values.items() if value}
    if not filled or not all(has_number(value) for value in filled.values()):
        return values
    parts = {name: split_number(value) for name, value in filled.items()}
    skeletons = {p.skeleton for p in parts.values()}
    if len(skeletons) != 1 or skeletons == {"\x00"}:
        return values
    width = max(len(p.digits) for p in parts.values())
    for name, p in parts.items():
        values[name] = f"{p.prefix}{p.digits.zfill(width)}{p.suffix}"
    return values


def validate_line_numbers(
    *,
    starting_no: str,
    ending_no: str = "",
    warning_no: str = "",
    last_no_used: str = "",
    increment_by: int = 1,
) -> dict[str, str]:
    """Check a line's numbers; returns {field name: translated message} (empty when valid)."""
    errors: dict[str, str] = {}
    fields = {
        "starting_no": (starting_no, _("Starting No.")),
        "ending_no": (ending_no, _("Ending No.")),
        "warning_no": (warning_no, _("Warning No.")),
        "last_no_used": (last_no_used, _("Last No. Used")),
    }
    for name, (value, label) in fields.items():
        if value and not has_number(value):
            errors[name] = _(
                "The value in the %(field)s field must have a number so that we can "
                "assign the next number in the series."
            ) % {"field": label}
        elif value and not codes.is_valid_number(value):
            # Too long, or characters a number may not hold (numbering/codes.py).
            errors[name] = codes.number_error(value)
    if not starting_no:
        errors.setdefault("starting_no", _("Starting No. must have a value."))
    if increment_by < 1:
        errors["increment_by"] = _("Increment-by No. must be at least 1.")
    if errors.get("starting_no"):
        return errors

    for name in ("ending_no", "warning_no", "last_no_used"):
        value, label = fields[name]
        if value and name not in errors and not same_format(value, starting_no):
            errors[name] = _(
                "The number format in %(field)s must be the same as the number format in "
                "Starting No. (%(starting_no)s)."
            ) % {"field": label, "starting_no": starting_no}

    if ending_no and "ending_no" not in errors and compare_numbers(ending_no, starting_no) < 0:
        errors["ending_no"] = _(
            "Ending No. %(ending_no)s must not be smaller than Starting No. %(starting_no)s."
        ) % {"ending_no": ending_no, "starting_no": starting_no}

    if warning_no and "warning_no" not in errors:
        if not ending_no:
            errors["warning_no"] = _("You must specify an Ending No. to use a Warning No.")
        elif not in_range(warning_no, starting_no, ending_no):
            errors["warning_no"] = _(
                "Warning No. %(warning_no)s must lie between Starting No. %(starting_no)s "
                "and Ending No. %(ending_no)s."
            ) % {"warning_no": warning_no, "starting_no": starting_no, "ending_no": ending_no}

    # A counter before the starting no. is allowed (the next number is then checked);
    # one past the ending no. can never issue a number again.
    if (
        last_no_used
        and ending_no
        and "last_no_used" not in errors
        and "ending_no" not in errors
        and (len(last_no_used) > len(ending_no) or compare_numbers(last_no_used, ending_no) > 0)
    ):
        errors["last_no_used"] = _(
            "Last No. Used %(last_no_used)s must not be greater than Ending No. %(ending_no)s."
        ) % {"last_no_used": last_no_used, "ending_no": ending_no}
    return errors


def sequence_value(value: str) -> int:
    """The number part of a Sequence line's number (what its database sequence holds)."""
    return split_number(value).value


def format_sequence_value(starting_no: str, value: int) -> str:
    """A Sequence line's number for a sequence value: the value written into the
    starting no.'s digit run, keeping its width (``A0001`` and 7 -> ``A0007``)."""
    return replace_number(starting_no, value)


def validate_sequence_numbers(
    *, starting_no: str, ending_no: str = "", last_no_used: str = ""
) -> dict[str, str]:
    """Extra rule of Sequence lines: numbers of at most 18 digits (BC's limit)."""
    errors: dict[str, str] = {}
    for name, value in (
        ("starting_no", starting_no),
        ("ending_no", ending_no),
        ("last_no_used", last_no_used),
    ):
        if value and has_number(value):
            digits = split_number(value).digits
            if len(digits) > MAX_SEQUENCE_DIGITS:
                errors[name] = _(
                    "Number series can only use up to %(max)s digit numbers. "
                    "%(number)s has %(count)s digits."
                ) % {"max": MAX_SEQUENCE_DIGITS, "number": value, "count": len(digits)}
    return errors


FAST_FIELDS = (
    "fast_ok",
    "fast_source",
    "fast_prefix",
    "fast_suffix",
    "fast_width",
    "fast_start",
    "fast_end",
    "fast_last",
    "fast_last_width",
)
_FAST_MAX_DIGITS = 18  # the values fit a bigint with room for an increment
FAST_SEPARATOR = "\x1f"  # between the text fields in fast_source (a control character)


def fast_fields(*, starting_no: str, ending_no: str = "", last_no_used: str = "") -> dict:
    """A line's numbers as integers for the one-statement draw, when the rules above
    reduce to integer arithmetic on them ("fast_ok"):

    - the starting no. has a number; the ending no. and the last no. used, when set,
      have its prefix and suffix (the same format);
    - with an ending no., all of them have the same digit width (as a line brought to
      one width, 5.2), so comparing numbers is comparing values; without one, the last
      no. used is at least as wide as the starting no. (it grows past 9...9);
    - at most 18 digits.

    Then the next number is prefix + (last + increment, zero-padded to the last one's
    width) + suffix, and every range and Open check is an integer comparison. Any other
    line is drawn by the Python rules (fast_ok False).
    """
    off = dict.fromkeys(FAST_FIELDS)
    off.update(
        fast_ok=False,
        fast_source="",
        fast_prefix="",
        fast_suffix="",
        fast_width=0,
        fast_last_width=0,
    )
    if not (has_number(starting_no) and codes.is_valid_number(starting_no)):
        return off  # a line stored before the number rule: Python refuses its numbers
    start = split_number(starting_no)
    width = len(start.digits)
    end = last = None
    if ending_no:
        if not same_format(ending_no, starting_no):
            return off
        end = split_number(ending_no)
        if len(end.digits) != width or end.value < start.value:
            return off
    if last_no_used:
        if not same_format(last_no_used, starting_no):
            return off
        last = split_number(last_no_used)
        if (len(last.digits) != width) if end else (len(last.digits) < width):
            return off
    if any(
        len(parts.digits) > _FAST_MAX_DIGITS for parts in (start, end, last) if parts is not None
    ):
        return off
    return {
        "fast_ok": True,
        # What the integer form was derived from: the draw statement compares it with
        # the text fields before it trusts the integers.
        "fast_source": FAST_SEPARATOR.join((starting_no, ending_no, last_no_used)),
        "fast_prefix": start.prefix,
        "fast_suffix": start.suffix,
        "fast_width": width,
        "fast_start": start.value,
        "fast_end": end.value if end else None,
        "fast_last": last.value if last else None,
        "fast_last_width": len(last.digits) if last else width,
    }
