"""Demo opportunities for the first company contacts (needs the setup's Opportunity Nos.,
which marketing_setup/demo.py sets). Idempotent: a description already used is skipped."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from contacts.models import Contact
from marketing_setup.models import MarketingSetup
from opportunities import services
from opportunities.models import Opportunity

# description, estimated value, days to estimated closing, stage no. or None, result
DEMO = (
    ("Office furniture for the new head office", Decimal("185000"), 45, 2, None),
    ("Annual service agreement", Decimal("48000"), 20, 4, None),
    ("Trade fair stand 2027", Decimal("72000"), 90, None, None),
    ("Replacement of delivery vans", Decimal("640000"), 30, 3, "won"),
    ("Training programme for warehouse staff", Decimal("35000"), 15, 1, "lost"),
)


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
        if Opportunity.objects.filter(description=description).exists():
            continue
        cycle = services.default_sales_cycle(setup)
        stage = cycle.stages.filter(stage=stage_no).first() if cycle and stage_no else None
        opportunity = services.opportunity_create(
            data={
                "description": description,
                "contact": companies[i % len(companies)],
                "estimated_value": value,
                "estimated_closing_date": today + datetime.timedelta(days=days),
                "current_stage": stage,
            }
        )
        if result:
            services.opportunity_close(opportunity=opportunity, won=result == "won")
        stdout.write(f"Created opportunity {opportunity}\n")
