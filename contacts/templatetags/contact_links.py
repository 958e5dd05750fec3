"""Template filters for contact fields: `{{ contact.email|mailto }}` is the mailto: link
to every address of the field (several are separated by semicolons)."""

from __future__ import annotations

from django import template

from contacts import emails

register = template.Library()


@register.filter
def mailto(value) -> str:
    return emails.mailto_href(value)
