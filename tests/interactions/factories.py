from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from interactions.models import (
    InformationFlow,
    InitiatedBy,
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateSetup,
)


class InteractionGroupFactory(DjangoModelFactory):
    class Meta:
        model = InteractionGroup
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"G{n:03d}")
    description = "Group"


class InteractionTemplateFactory(DjangoModelFactory):
    class Meta:
        model = InteractionTemplate
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TPL{n:03d}")
    group = factory.SubFactory(InteractionGroupFactory)
    description = factory.LazyAttribute(lambda o: f"Template {o.code}")
    unit_cost = Decimal("8")
    unit_duration_min = Decimal("1")
    information_flow = InformationFlow.OUTBOUND
    initiated_by = InitiatedBy.US


def setup_with(**templates) -> InteractionTemplateSetup:
    """The setup row with the given fields set to templates (created by code when a str)."""
    setup = InteractionTemplateSetup.get()
    for field, template in templates.items():
        if isinstance(template, str):
            template = InteractionTemplateFactory(code=template)
        setattr(setup, field, template)
    setup.save()
    return setup
