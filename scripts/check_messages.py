"""Fail when the code holds a translatable string that locale/nb or locale/nl lacks.

msgfmt's statistics only see the strings already in the .po files; a string added to
the code without `makemessages` would pass them and show in English. This runs
`makemessages` on a copy of the catalogues' state and puts the files back as they were,
whatever happens, then names every string missing or untranslated.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("nb", "nl")


def main() -> int:
    locale = ROOT / "locale"
    backup = Path(tempfile.mkdtemp(prefix="messages-"))
    shutil.copytree(locale, backup / "locale")
    try:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "--no-obsolete",
                "-v0",
                "--ignore=.venv",
                "--ignore=staticfiles",
                *(f"-l{lang}" for lang in LANGUAGES),
            ],
            cwd=ROOT,
            env={**os.environ, "DEBUG": "true"},
            check=True,
        )
        missing = []
        for lang in LANGUAGES:
            po = polib.pofile(str(locale / lang / "LC_MESSAGES" / "django.po"))
            missing += [
                f"{lang}: {entry.msgid!r} ({entry.occurrences[0][0] if entry.occurrences else '?'})"
                for entry in po
                if not entry.obsolete and (entry.fuzzy or not entry.translated())
            ]
    finally:
        shutil.rmtree(locale)
        shutil.copytree(backup / "locale", locale)
        shutil.rmtree(backup)
    if missing:
        print("Strings without a translation (run manage.py makemessages and translate):")
        print("\n".join(f"  {line}" for line in missing))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
