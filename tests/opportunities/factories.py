"""Helpers for opportunity tests."""

from __future__ import annotations

from marketing_setup.models import MarketingSetup, SalesCycleStage
from numbering.models import NoSeries, NoSeriesLine
from tests.factories import SalesCycleFactory


def setup_opportunities(*, manual: bool = False, default_cycle=True, blocked=False):
    """Opportunity Nos. = OPP (OP000001...), a default sales cycle NEW with two stages."""
    setup = MarketingSetup.get()
    series, _ = NoSeries.objects.get_or_create(
        code="OPP", defaults={"default_nos": True, "manual_nos": manual}
    )
    NoSeriesLine.objects.get_or_create(
        series=series, line_no=10000, defaults={"starting_no": "OP000001"}
    )
    setup.opportunity_nos = series
    cycle = SalesCycleFactory(code="NEW", blocked=blocked)
    SalesCycleStage.objects.get_or_create(
        sales_cycle=cycle,
        stage=1,
        defaults={"description": "Initial", "chances_of_success_pct": 20},
    )
    SalesCycleStage.objects.get_or_create(
        sales_cycle=cycle,
        stage=2,
        defaults={"description": "Proposal", "chances_of_success_pct": 60},
    )
    setup.default_sales_cycle = cycle if default_cycle else None
    setup.save()
    return setup
