"""Extension points of the contact card for apps above `contacts`.

Apps such as duplicates, relations and interactions register panels (a template
and a context function) and actions (links/buttons) in their AppConfig.ready();
the contact card renders them in order. `contacts` never imports those apps, so
dependencies stay one-way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)
ContextFn = Callable[[Any, Any], dict]  # (request, contact) -> template context


@dataclass(frozen=True)
class CardPanel:
    key: str
    template_name: str
    context: ContextFn
    order: int = 100
    permission: str | None = None  # shown only to users with this permission


@dataclass
class _Registry:
    panels: dict[str, CardPanel] = field(default_factory=dict)

    def register(self, panel: CardPanel) -> None:
        self.panels[panel.key] = panel

    def for_request(self, request, contact) -> list[dict]:
        """The panels this user may see, each with its rendered context. A panel whose
        context function raises is logged and left out (re-raised when DEBUG is on)."""
        shown = []
        for panel in sorted(self.panels.values(), key=lambda p: (p.order, p.key)):
            if panel.permission and not request.user.has_perm(panel.permission):
                continue
            try:
                if transaction.get_connection().in_atomic_block:
                    # A savepoint, so a database error in one panel leaves the request's
                    # transaction usable for the others (PostgreSQL aborts it otherwise).
                    with transaction.atomic():
                        context = panel.context(request, contact)
                else:
                    # The card reads in autocommit (non_atomic_requests): a failed query
                    # aborts nothing, and six savepoints were twelve round trips a card.
                    context = panel.context(request, contact)
            except Exception:
                # One broken panel must not take the whole card down; in development
                # the error shows at once.
                if settings.DEBUG:
                    raise
                logger.exception(
                    "Contact card panel %r failed for contact %s; panel left out.",
                    panel.key,
                    getattr(contact, "no", contact),
                )
                continue
            shown.append(
                {"key": panel.key, "template_name": panel.template_name, "context": context}
            )
        return shown


card_panels = _Registry()


def register_card_panel(
    key: str,
    template_name: str,
    context: ContextFn,
    *,
    order: int = 100,
    permission: str | None = None,
) -> None:
    """Add a panel to the contact card (call from AppConfig.ready())."""
    card_panels.register(CardPanel(key, template_name, context, order, permission))
