"""Demo opportunities for the first company contacts (needs the setup's Opportunity Nos.,
which marketing_setup/demo.py sets), described in the language active while loading
(`load_demo --language nb|nl|en`). Idempotent: an opportunity whose description is
already used, in any of the site's languages, is skipped."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import pgettext_lazy

from contacts.models import Contact
from marketing_setup.models import MarketingSetup
from opportunities import services
from opportunities.models import Opportunity

# description, estimated value, days to estimated closing, stage no. or None, result
DEMO = (
    (
        pgettext_lazy("demo data", "Office furniture for the new head office"),
        Decimal("185000"),
        45,
        2,
        None,
    ),
    (pgettext_lazy("demo data", "Annual service agreement"), Decimal("48000"), 20, 4, None),
    (pgettext_lazy("demo data", "Trade fair stand 2027"), Decimal("72000"), 90, None, None),
    (pgettext_lazy("demo data", "Replacement of delivery vans"), Decimal("640000"), 30, 3, "won"),
    (
        pgettext_lazy("demo data", "Training programme for warehouse staff"),
        Decimal("35000"),
        15,
        1,
        "lost",
    ),
)


def _in_every_language(text) -> set[str]:
    variants = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            variants.add(str(text))
    return variants


@transaction.atomic
def load(stdout) -> None:
    setup = MarketingSetup.get()
    if not setup.opportunity_nos_id:
        stdout.write("Skipped opportunities: no Opportunity Nos. in the Marketing Setup\n")
        return
    companies = list(Contact.objects.filter(type=Contact.Type.COMPANY).order_by("no")[:5])
    if not companies:
        stdout.write("Skipped opportunities: no company contacts yet\n")
        return
    today = timezone.localdate()
    for i, (description, value, days, stage_no, result) in enumerate(DEMO):
        if Opportunity.objects.filter(description__in=_in_every_language(description)).exists():
            continue
        cycle = services.default_sales_cycle(setup)
        stage = cycle.stages.filter(stage=stage_no).first() if cycle and stage_no else None
        opportunity = services.opportunity_create(
            data={
                "description": str(description),
                "contact": companies[i % len(companies)],
                "estimated_value": value,
                "estimated_closing_date": today + datetime.timedelta(days=days),
                "current_stage": stage,
            }
        )
        if result:
            services.opportunity_close(opportunity=opportunity, won=result == "won")
        stdout.write(f"Created opportunity {opportunity}\n")
