"""Shared serializer behaviour: unknown fields are refused, every field is described."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail


class StrictMixin:
    """A key the serializer does not know is an error (DRF would drop it silently, so a
    typo such as "cty" would look like a successful save)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = [key for key in data if key not in self.fields]
            if unknown:
                raise serializers.ValidationError(
                    {
                        str(key): [ErrorDetail(str(_("Unknown field.")), code="unknown_field")]
                        for key in unknown
                    }
                )
        return super().to_internal_value(data)


class DescribedMixin:
    """A field without help text is described by its label (the model's verbose name)."""

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if not field.help_text:
                field.help_text = capfirst(field.label or name.replace("_", " "))
        return fields


class Serializer(StrictMixin, DescribedMixin, serializers.Serializer):
    pass


class ModelSerializer(StrictMixin, DescribedMixin, serializers.ModelSerializer):
    pass
