"""How field values are stored in the change log (as text) and read back.

`encode` turns a field's raw value (the FK's key, the country code...) into the text
stored in `Change.old`/`Change.new`; SQL paths produce the same text with `sql_text`
(booleans as 1/0), so a value written by a save and one written by an UPDATE ... SELECT
compare equal. `decode` gives the Python value back (for restores and comparisons).
"""

from __future__ import annotations

import datetime
import decimal
import json
from typing import Any

from django.db import models
from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Cast


def raw(field: models.Field, value: Any) -> Any:
    """A field's value as the database stores it (a model instance → its key)."""
    if isinstance(value, models.Model):
        value = value.pk
    if field.is_relation:
        return value
    if value is not None and hasattr(value, "code") and not isinstance(value, str):
        return value.code  # django-countries' Country
    return value


def encode(field: models.Field, value: Any) -> str | None:
    """The stored text of `value` for `field` (None stays None)."""
    value = raw(field, value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def decode(field: models.Field, text: str | None) -> Any:
    """The Python value of stored text (the raw key for a foreign key)."""
    if text is None:
        return None
    if isinstance(field, models.BooleanField):
        return text.lower() in ("1", "t", "true")
    if field.is_relation:
        target = field.target_field
        return target.to_python(text)
    if isinstance(field, models.DateTimeField):
        from django.utils.dateparse import parse_datetime

        value = parse_datetime(text.replace(" ", "T", 1))
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        return value
    try:
        return field.to_python(text)
    except Exception:
        return text


def same(field: models.Field, a: str | None, b: str | None) -> bool:
    """Whether two stored texts mean the same value (1.50 == 1.5, NULL == '' for text)."""
    if a == b:
        return True
    va, vb = decode(field, a), decode(field, b)
    if isinstance(field, models.CharField | models.TextField) and not field.is_relation:
        return (va or "") == (vb or "")
    return va == vb


def expression_text(field: models.Field, expression):
    """The stored text of an expression an UPDATE assigns to `field`, in SQL."""
    return Cast(expression, TextField())


def column_text(field: models.Field):
    """The stored text of a column of the queried model, in SQL (booleans as 1/0)."""
    if isinstance(field, models.BooleanField):
        return Case(
            When(**{field.attname: True}, then=Value("1")),
            When(**{field.attname: False}, then=Value("0")),
            default=None,
            output_field=TextField(),
        )
    return Cast(F(field.attname), TextField())


def snapshot(instance: models.Model, fields) -> dict[str, str | None]:
    """{attname: stored text} for the given fields of an instance (deferred ones left out)."""
    return {
        f.attname: encode(f, getattr(instance, f.attname))
        for f in fields
        if f.attname in instance.__dict__
    }


def dumps(values: dict[str, str | None]) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def loads(text: str | None) -> dict[str, str | None]:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
