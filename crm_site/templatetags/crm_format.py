"""Amounts as people read them: thousands separators and the currency, in the page's
language (Babel's CLDR data): nb "125 000,00 kr", nl "NOK 125.000,00", en "NOK125,000.00"."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal
from django import template
from django.conf import settings
from django.utils.translation import get_language, to_locale

register = template.Library()


def _locale() -> str:
    language = get_language() or settings.LANGUAGE_CODE
    return "en_GB" if language == "en" else to_locale(language)


@register.filter
def money(value, currency: str = "") -> str:
    """An amount in the local currency (settings.CURRENCY_CODE) or the one given."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_currency(amount, currency or settings.CURRENCY_CODE, locale=_locale())


@register.filter
def number(value, decimals: int = 2) -> str:
    """A number with the language's thousands and decimal separators."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    pattern = "#,##0" + ("." + "0" * int(decimals) if int(decimals) else "")
    return format_decimal(amount, format=pattern, locale=_locale())
