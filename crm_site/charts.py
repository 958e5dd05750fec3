"""Small charts for the dashboard as server-rendered SVG geometry. Pure: no ORM.

The template draws the shapes; these functions only compute them, so the charts need
no JavaScript, no external service, and print and scale like text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as text, formatted by the caller
    x: float
    y: float
    width: float
    height: float


def horizontal_bars(
    items: list[tuple[str, float, str]], *, width: float = 320, row: float = 26, label_width=130
) -> tuple[list[Bar], float]:
    """One bar per (label, value, shown value); returns the bars and the chart height."""
    top = max((value for _label, value, _shown in items), default=0) or 1
    room = width - label_width - 70
    bars = [
        Bar(label, value, shown, label_width, i * row + 4, max(1.0, room * value / top), row - 8)
        for i, (label, value, shown) in enumerate(items)
    ]
    return bars, len(items) * row + 4


def column_bars(
    items: list[tuple[str, float, str]], *, width: float = 320, height: float = 120
) -> list[Bar]:
    """One column per (label, value, shown value), bottom-aligned in `height` (labels
    under it take 20 more)."""
    top = max((value for _label, value, _shown in items), default=0) or 1
    step = width / max(1, len(items))
    bars = []
    for i, (label, value, shown) in enumerate(items):
        h = (height - 16) * value / top
        bars.append(Bar(label, value, shown, i * step + 4, height - h, step - 8, h))
    return bars
