from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

register = template.Library()


@register.filter
def contact_card_url(contact_no: str) -> str:
    """The contact card's address for a contact number, or the contact's interactions."""
    try:
        return reverse("contacts:detail", kwargs={"no": contact_no})
    except NoReverseMatch:  # no card page, or a number stored before the number rule
        return f"{reverse('interactions:list')}?{urlencode({'contact': contact_no})}"
