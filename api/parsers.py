"""The API reads JSON only, bounded in size and depth, without NUL characters.

JSON only: a cross-site HTML form can send form-encoded or multipart bodies with the
browser's credentials, but not `application/json` (that needs a CORS preflight we never
grant). Bounded: a huge body or `[[[[…` nested 100,000 deep is a 400, not a server error.
No NUL: PostgreSQL cannot store or compare text holding one (a lookup such as
`{"contact": "A\\u0000B"}` was a 500); every string of a body, at any depth, is refused
here with a 400 naming its field (`lines.0.code`), before any view looks anything up.
The one upload (multipart) gets the same rule (`MultiPartParser`, `refuse_nul`). The
path and the query are api.base's.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.settings import api_settings

MAX_DEPTH = 32
NUL = "\x00"


def nul_message() -> str:
    return _("Null characters are not allowed.")


def _nul_paths(data) -> list[str]:
    """Dotted paths ("lines.0.code") of the strings holding a NUL. A key holding one is
    no field name to report it under: its object's path is given ("" at the top)."""
    found, stack = [], [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if NUL in value:
                found.append(".".join(map(str, path)))
        elif isinstance(value, dict):
            for key, child in value.items():
                if NUL in str(key):
                    found.append(".".join(map(str, path)))
                else:
                    stack.append((child, (*path, key)))
        elif isinstance(value, list):
            stack.extend((child, (*path, index)) for index, child in enumerate(value))
    return sorted(set(found))


def has_nul(data) -> bool:
    return bool(_nul_paths(data))


def refuse_nul(data) -> None:
    """A 400 field error for every string (or key) holding a NUL, anywhere in `data`."""
    paths = _nul_paths(data)
    if paths:
        raise ValidationError(
            {path or api_settings.NON_FIELD_ERRORS_KEY: [nul_message()] for path in paths},
            code="null_characters",
        )


def _too_deep(data, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _reject_constant(name: str):
    raise ValueError(name)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return {}
        limit = settings.API_MAX_BODY_BYTES
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise ParseError(
                _("The request body is larger than %(limit)s bytes.") % {"limit": limit},
                code="parse_error",
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError(
                _("The request body is not valid UTF-8."), code="parse_error"
            ) from None
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except RecursionError:
            raise ParseError(self._depth_message(), code="parse_error") from None
        except ValueError:
            # Not the decoder's own English text ("Expecting property name…").
            raise ParseError(_("The request body is not valid JSON."), code="parse_error") from None
        if _too_deep(data, MAX_DEPTH):
            raise ParseError(self._depth_message(), code="parse_error")
        refuse_nul(data)
        return data

    def _depth_message(self) -> str:
        return _("The JSON is nested more than %(depth)s levels deep.") % {"depth": MAX_DEPTH}


class MultiPartParser(parsers.MultiPartParser):
    """Uploads: the form fields (not the files) under the same NUL rule as JSON."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        refuse_nul({key: "".join(values) for key, values in parsed.data.lists()})
        return parsed
