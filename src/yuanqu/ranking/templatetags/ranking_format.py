"""Filters of the ranking pages: a reported figure's name in the language of the request, a share as a
percentage with its sign."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def figure_name(figure) -> str:
    """The figure's name in the active language."""
    return figure.en if (get_language() or "").startswith("en") else figure.zh


@register.filter
def signed_percent(share) -> str:
    """0.123 → "+12.3%", −0.05 → "−5.0%", None → "—"."""
    if share is None:
        return "—"
    value = Decimal(share) * 100
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{abs(value):.1f}%"
