"""English as our users in Europe write it: British (day-first) dates, 24-hour times.

Django's own `en` formats are American (12/01/2026 for 1 December); FORMAT_MODULE_PATH
points here, so every English page, form and list reads and writes dates day first.
ISO dates (2026-12-01) are accepted too: Django adds the ISO input formats to every
language's list.
"""

from django.conf.locale.en_GB.formats import *  # noqa: F403

TIME_FORMAT = "H:i"  # '14:30'
DATETIME_FORMAT = "j M Y, H:i"  # '25 Oct 2006, 14:30'
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # '25/10/2006 14:30'
