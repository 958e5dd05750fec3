"""Index kinds of the contact table."""

from __future__ import annotations

from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models import OrderBy
from django.db.models.functions import Collate
from django.db.models.indexes import IndexExpression


class PrefixIndex(models.Index):
    """A b-tree index that answers prefix searches (`LIKE 'abc%'`): with a pattern
    operator class on PostgreSQL, where a plain b-tree serves LIKE only in the C
    collation (the pattern class also serves equality, so no plain twin is needed);
    plain on SQLite, whose prefix search is a range (contacts/selectors.py)."""

    def __init__(self, *expressions, pattern_ops: str = "varchar_pattern_ops", **kwargs):
        self.pattern_ops = pattern_ops
        super().__init__(*expressions, **kwargs)

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        kwargs["pattern_ops"] = self.pattern_ops
        return "contacts.indexes.PrefixIndex", args, kwargs

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        if self.fields:
            index = models.Index(
                fields=self.fields,
                name=self.name,
                opclasses=[self.pattern_ops] * len(self.fields),
            )
        else:
            # What django.contrib.postgres (not installed here) does when it starts: an
            # operator class follows the expression instead of being put in parentheses.
            IndexExpression.register_wrappers(OrderBy, OpClass, Collate)
            index = models.Index(
                *(OpClass(e, name=self.pattern_ops) for e in self.expressions), name=self.name
            )
        return index.create_sql(model, schema_editor, using=using, **kwargs)
