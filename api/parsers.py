"""The API reads JSON only, bounded in size and depth.

JSON only: a cross-site HTML form can send form-encoded or multipart bodies with the
browser's credentials, but not `application/json` (that needs a CORS preflight we never
grant). Bounded: a huge body or `[[[[…` nested 100,000 deep is a 400, not a server error.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


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
        return data

    def _depth_message(self) -> str:
        return _("The JSON is nested more than %(depth)s levels deep.") % {"depth": MAX_DEPTH}
