"""Hostile values for forms and JSON bodies (hypothesis strategies).

Texts a person or a script might send that no form expects: far longer than any
column, NUL and other control characters, right-to-left and zero-width marks, emoji
with joiners, markup and template syntax, formula and SQL look-alikes; numbers that are
negative, overflow 32/64-bit and decimal columns or are not numbers at all (NaN, 1e309,
other scripts' digits); impossible dates. JSON bodies also get the wrong types (null,
lists, objects, booleans, huge integers) and missing fields. Each value is a constant
picked by hypothesis, so an example costs no generation time and reads well in a report.
"""

from __future__ import annotations

from hypothesis import strategies as st

HUGE = "ø" * 20_000  # longer than any column; 40 kB of UTF-8
TEXTS = (
    HUGE,
    "",
    " \t\n ",
    "A\x00B",
    "\x01\x02\x1b[31m\x7f",
    "a\r\nSet-Cookie: x=y",
    "\u202eevil\u202c.exe",
    "\u200f\u200e\u200b\ufeff",
    "👩‍👩‍👧‍👦🇳🇴💥" * 30,
    "e\u0301" * 200,
    "İǅßﬃ",
    "<script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "{{ 7|add:7 }}{% debug %}",
    "%s%d%n%(x)s{0}",
    '=HYPERLINK("http://evil.example")',
    "'; DROP TABLE contacts_contact; --",
    "../../../etc/passwd",
    "*",
    "%",
    "_",
    "\\",
    "/",
    "?next=//evil.example",
)
NUMBERS = (
    "-1",
    "0",
    "-0",
    "2147483648",
    "-9223372036854775809",
    "99999999999999999999999999999",
    "1e309",
    "-1e-400",
    "NaN",
    "inf",
    "0.0000000000000000000001",
    "1,5",
    "1 000",
    "0x1F",
    "١٢٣",
    "１２３",
)
DATES = ("0000-00-00", "2026-02-30", "10000-01-01", "9999-12-31", "0001-01-01", "31.12.1899", "now")
FORM_VALUES = TEXTS + NUMBERS + DATES

hostile_text = st.sampled_from(FORM_VALUES)

JSON_VALUES = (
    None,
    True,
    False,
    0,
    -1,
    2**63,
    -(2**70),
    1e308,
    -0.0,
    [],
    {},
    [None],
    {"": None},
    [[[]]],
    *FORM_VALUES,
)
hostile_json = st.sampled_from(JSON_VALUES)
