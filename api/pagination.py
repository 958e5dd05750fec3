"""Cursor pagination that stays fast at a million rows: keyset on an indexed, unique
column, never OFFSET and never COUNT(*) of the table.

Contacts page by number through contacts.selectors.contact_list (the staff list's own
keyset); other lists use DRF's CursorPagination on an indexed ordering.
"""

from __future__ import annotations

import base64
import binascii
from collections import OrderedDict

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _page_size(request) -> int:
    raw = request.query_params.get("page_size")
    if raw in (None, ""):
        return DEFAULT_PAGE_SIZE
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise ValidationError(
            {"page_size": [_("Enter a whole number from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE}]},
            code="invalid",
        )
    return int(raw)


def _page_schema(schema: dict) -> dict:
    return {
        "type": "object",
        "required": ["results"],
        "properties": {
            "next": {
                "type": "string",
                "nullable": True,
                "format": "uri",
                "description": _("The next page; null on the last page."),
            },
            "previous": {
                "type": "string",
                "nullable": True,
                "format": "uri",
                "description": _("The previous page; null on the first page."),
            },
            "results": schema,
        },
    }


class CursorPagination(pagination.CursorPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "-pk"

    def get_page_size(self, request):
        return _page_size(request)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except Exception:  # DRF raises NotFound; a bad cursor is the caller's input
            raise ValidationError({"cursor": [_("Invalid cursor.")]}, code="invalid") from None

    def get_paginated_response(self, data):
        return Response(
            OrderedDict(
                [
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema):
        return _page_schema(schema)


class KeysetPagination(pagination.BasePagination):
    """Pages of a list read by key: `cursor` is an opaque "after X" / "before X"."""

    cursor_query_param = "cursor"

    def decode(self, request) -> tuple[str | None, str | None]:
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None, None
        try:
            text = base64.urlsafe_b64decode(raw.encode("ascii") + b"==").decode("utf-8")
        except (binascii.Error, UnicodeError, ValueError):
            text = ""
        direction, _sep, key = text.partition(":")
        if direction not in ("a", "b") or not key or "\x00" in key:
            raise ValidationError({"cursor": [_("Invalid cursor.")]}, code="invalid")
        return (key, None) if direction == "a" else (None, key)

    def encode(self, request, direction: str, key: str) -> str:
        token = base64.urlsafe_b64encode(f"{direction}:{key}".encode()).decode().rstrip("=")
        return replace_query_param(request.build_absolute_uri(), self.cursor_query_param, token)

    def response(self, request, data, *, next_key: str | None, previous_key: str | None):
        return Response(
            OrderedDict(
                [
                    ("next", self.encode(request, "a", next_key) if next_key else None),
                    ("previous", self.encode(request, "b", previous_key) if previous_key else None),
                    ("results", data),
                ]
            )
        )

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": _("The pagination cursor value (from next or previous)."),
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": _("Number of results to return per page (1 to %(max)s).")
                % {"max": MAX_PAGE_SIZE},
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]

    def get_paginated_response_schema(self, schema):
        return _page_schema(schema)
