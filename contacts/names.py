"""Person names and search names (reference document, section 2.10). Pure: no ORM.

- A typed Name is split on spaces: 1 word → first name; 2 → first name + surname;
  3 or more → surname = last word, middle name = second-to-last, first name = the rest.
- Typed first/middle/surname compose the Name (non-blank parts joined by one space).
- The search name is the upper-cased Name; it follows the Name unless it was edited by
  hand (it is reset only when blank or still equal to the upper-cased previous Name).
"""

from __future__ import annotations

from typing import NamedTuple

PART_LENGTH = 30
NAME_LENGTH = 100
SEARCH_NAME_LENGTH = 100
NAME_PARTS = ("first_name", "middle_name", "surname")


class NameParts(NamedTuple):
    first_name: str
    middle_name: str
    surname: str


def split_name(name: str) -> NameParts:
    """Split a person's Name into first, middle and surname (each at most 30 characters)."""
    words = (name or "").split()
    if not words:
        return NameParts("", "", "")
    if len(words) == 1:
        first, middle, surname = words[0], "", ""
    elif len(words) == 2:
        first, middle, surname = words[0], "", words[1]
    else:
        first, middle, surname = " ".join(words[:-2]), words[-2], words[-1]
    return NameParts(first[:PART_LENGTH], middle[:PART_LENGTH], surname[:PART_LENGTH])


def compose_name(first_name: str, middle_name: str = "", surname: str = "") -> str:
    """The Name made of the non-blank parts joined by single spaces (at most 100 characters)."""
    parts = (p.strip() for p in (first_name or "", middle_name or "", surname or ""))
    return " ".join(p for p in parts if p)[:NAME_LENGTH]


def search_name_for(name: str) -> str:
    """The search name a Name gives: upper-cased, at most 100 characters."""
    return (name or "").upper()[:SEARCH_NAME_LENGTH]


def follow_search_name(search_name: str, *, old_name: str, new_name: str) -> str:
    """The search name after the Name changed from `old_name` to `new_name`.

    A blank search name, or one still equal to the upper-cased previous Name, follows the
    new Name; a hand-edited one is kept.
    """
    if not search_name or search_name == search_name_for(old_name):
        return search_name_for(new_name)
    return search_name


def sync_names(
    values: dict[str, str], *, is_person: bool, old: dict[str, str] | None
) -> dict[str, str]:
    """The name fields after an edit, as a dict with the keys of `values`.

    `values` holds name, first_name, middle_name, surname and search_name as they are now;
    `old` the same as stored before (None for a new contact). For persons, changed parts
    recompose the Name, otherwise a changed Name is split into parts. The search name then
    follows the Name unless hand-edited.
    """
    result = dict(values)
    old_name = old["name"] if old else ""
    if is_person:
        parts_now = tuple(result.get(p, "") or "" for p in NAME_PARTS)
        parts_before = tuple(old.get(p, "") or "" for p in NAME_PARTS) if old else ("", "", "")
        name_changed = (result.get("name") or "") != old_name
        if parts_now != parts_before and any(p.strip() for p in parts_now):
            # Parts that are just the Name split (a type change, 2.7) keep the Name,
            # which may be longer than its 30-character parts.
            if tuple(split_name(result.get("name") or "")) != parts_now:
                result["name"] = compose_name(*parts_now)
            else:
                result["name"] = (result.get("name") or "").strip()[:NAME_LENGTH]
        elif name_changed or (old is None and not any(p.strip() for p in parts_now)):
            result.update(split_name(result.get("name") or "")._asdict())
            result["name"] = (result.get("name") or "").strip()[:NAME_LENGTH]
    name = result.get("name") or ""
    search = (result.get("search_name") or "").upper()
    if old is None:
        search = search or search_name_for(name)
    elif name != old_name or not search:
        search = follow_search_name(search, old_name=old_name, new_name=name)
    result["search_name"] = search[:SEARCH_NAME_LENGTH]
    return result
