"""Git merge driver for gettext catalogues (locale/*/LC_MESSAGES/django.po).

Two branches that each add translated strings touch the same .po file in many places
(references, the creation date), so a line merge conflicts on almost every change.
This driver merges entry by entry instead: the union of both sides' messages; for a
message on both sides, a translation beats none, and a side that changed the
translation since the common ancestor wins over one that kept it. Run
`manage.py makemessages` afterwards to re-sort and refresh the references.

Set up once per clone (scripts/bootstrap.sh does it):
    git config merge.pomerge.driver ".venv/bin/python scripts/po_merge.py %O %A %B"
with `*.po merge=pomerge` in .gitattributes. Usage: po_merge.py BASE OURS THEIRS
(the result is written to OURS).
"""

from __future__ import annotations

import sys

import polib


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _translated(entry: polib.POEntry | None) -> bool:
    if entry is None or entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _text(entry: polib.POEntry | None):
    if entry is None:
        return None
    return (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())), "fuzzy" in entry.flags)


def merge(base: polib.POFile, ours: polib.POFile, theirs: polib.POFile) -> polib.POFile:
    base_by = {_key(e): e for e in base}
    ours_by = {_key(e): e for e in ours}
    for entry in theirs:
        mine = ours_by.get(_key(entry))
        if mine is None:
            ours.append(entry)
            ours_by[_key(entry)] = entry
            continue
        old = base_by.get(_key(entry))
        take_theirs = (_translated(entry) and not _translated(mine)) or (
            _translated(entry) and _text(mine) == _text(old) and _text(entry) != _text(old)
        )
        if take_theirs:
            mine.msgstr = entry.msgstr
            mine.msgstr_plural = dict(entry.msgstr_plural)
            mine.flags = [f for f in mine.flags if f != "fuzzy"]
        if not entry.obsolete:
            mine.obsolete = False
        seen = set(mine.occurrences)
        mine.occurrences += [o for o in entry.occurrences if o not in seen]
    return ours


def main(argv: list[str]) -> int:
    base_path, ours_path, theirs_path = argv[1:4]
    result = merge(polib.pofile(base_path), polib.pofile(ours_path), polib.pofile(theirs_path))
    result.save(ours_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
