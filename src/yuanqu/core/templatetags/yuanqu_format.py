"""Template filters that show stored figures the same way on every page: grouped digits, a dash for none."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yuanqu.analytics.industry import DIVISIONS, SECTIONS

register = template.Library()

DASH = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


@register.filter
def num(value, places=2) -> str:
    """A number with thousands separators and a fixed number of decimals ("1,234.50"); a dash for none."""
    number = _decimal(value)
    if number is None or not number.is_finite():
        return DASH
    return f"{number:,.{int(places)}f}"


@register.filter
def ratio(numerator, denominator) -> Decimal | None:
    """numerator ÷ denominator, or None when either is missing or the denominator is zero."""
    top, bottom = _decimal(numerator), _decimal(denominator)
    if top is None or not bottom:
        return None
    return top / bottom


@register.filter
def flag(value) -> str:
    """是 / 否 for a boolean; a dash for none."""
    if value is None:
        return DASH
    return _("是") if value else _("否")


@register.filter
def date_or_dash(value) -> str:
    """A date as YYYY-MM-DD (the form Chinese offices write in tables), or a dash."""
    return value.strftime("%Y-%m-%d") if value else DASH


def _english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter
def division_name(division: str) -> str:
    """The name of a GB/T 4754 division in the current language."""
    names = DIVISIONS.get(division or "")
    if not names:
        return ""
    return names[1] if _english() else names[0]


@register.filter
def industry_label(enterprise) -> str:
    """ "C3981 Electronic components" — the code and its division name in the current language."""
    if not enterprise.industry_division:
        return DASH
    return f"{enterprise.industry_section}{enterprise.industry_code} {division_name(enterprise.industry_division)}"


@register.filter
def section_name(section: str) -> str:
    names = SECTIONS.get(section or "")
    if not names:
        return ""
    return names[1] if _english() else names[0]


@register.simple_tag
def elided_pages(page):
    """Page numbers around the current page, with the paginator's ellipsis for the gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
