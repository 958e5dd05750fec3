"""Extension point of the Marketing Setup page for apps above `marketing_setup`.

An app (duplicates) registers a panel in its AppConfig.ready(): a template, a
context function and the setup field it belongs after. The page renders it there;
`marketing_setup` never imports the app, so dependencies stay one-way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)
ContextFn = Callable[[Any], dict]  # (request) -> template context


@dataclass(frozen=True)
class SetupPanel:
    key: str
    after_field: str
    template_name: str
    context: ContextFn


_panels: dict[str, SetupPanel] = {}


def register_setup_panel(
    key: str, *, after_field: str, template_name: str, context: ContextFn
) -> None:
    """Show a panel on the Marketing Setup page after `after_field` (call from ready())."""
    _panels[key] = SetupPanel(key, after_field, template_name, context)


def panels_for(request) -> list[dict]:
    """[{"after_field", "template_name", "context"}] for the page; a failing one is left out."""
    shown: list[dict] = []
    for panel in sorted(_panels.values(), key=lambda p: p.key):
        try:
            with transaction.atomic():
                context = panel.context(request)
        except Exception:
            if settings.DEBUG:
                raise
            logger.exception("Marketing Setup panel %r failed; left out.", panel.key)
            continue
        shown.append(
            {
                "after_field": panel.after_field,
                "template_name": panel.template_name,
                "context": context,
            }
        )
    return shown
