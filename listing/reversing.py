"""One route reversed for many rows of a list: `reverse_each`."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse


def reverse_each(
    viewname: str, kwarg: str, marker: str, fits: Callable[[object], bool]
) -> Callable[[object], str]:
    """``reverse(viewname, kwargs={kwarg: value})`` for many values (a list's rows): the
    route is reversed once with `marker` (a value no row has) and each value for which
    `fits` is true is filled in where the marker stood. `fits` must only accept values the
    route's converter passes into the URL unchanged, so the URL is the one reverse() gives;
    any other value goes through reverse() itself, with its error."""
    prefix, found, suffix = reverse(viewname, kwargs={kwarg: marker}).partition(marker)
    if not found or marker in suffix:  # pragma: no cover - a route that alters the marker
        return lambda value: reverse(viewname, kwargs={kwarg: value})

    def url(value) -> str:
        if fits(value):
            return f"{prefix}{value}{suffix}"
        return reverse(viewname, kwargs={kwarg: value})

    return url
