"""Filters of the ranking pages: names in the language of the request, a share as people write it, a rank's change
as an arrow, the band of ranks as a small bar."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from yuanqu.analytics.zone_figures import BY_KEY, unit_en
from yuanqu.analytics.zoneranking import GROUP_LABELS
from yuanqu.ranking.selectors import change_mark
from yuanqu.zones.models import Zone

register = template.Library()


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _read(obj, name: str):
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


@register.filter
def figure_name(figure) -> str:
    """The figure's name in the active language."""
    return figure.en if _english() else figure.zh


@register.filter
def english_or(obj, name: str) -> str:
    """``obj.<name>_en`` on an English page when it is there, else ``obj.<name>`` (a method's source and notes)."""
    chinese = _read(obj, name) or ""
    return (_read(obj, f"{name}_en") or chinese) if _english() else chinese


@register.filter
def unit_label(unit) -> str:
    """A unit in the active language: 万元 → 10k yuan, 吨标准煤/万元 → tce/10k yuan."""
    return unit_en(unit) if _english() else (unit or "")


@register.filter
def localized(obj, name: str = "") -> str:
    """``obj.en`` or ``obj.zh`` (``obj.<name>_en`` or ``obj.<name>_zh`` with a name) in the active language, the
    Chinese when the English is empty; works on objects and dicts."""
    zh_key, en_key = (f"{name}_zh", f"{name}_en") if name else ("zh", "en")
    zh = _read(obj, zh_key) or ""
    return (_read(obj, en_key) or zh) if _english() else zh


@register.filter
def group_label(key: str) -> str:
    """A ranking group's name: 国家级开发区 / national zones …"""
    zh, en = GROUP_LABELS.get(key, (key or "—", key or "—"))
    return en if _english() else zh


@register.filter
def rank_change(change) -> str:
    """+2 → "▲2", −1 → "▼1", 0 → "—"."""
    return change_mark(change)


@register.filter
def change_class(change) -> str:
    """The class of a rank change's colour: up (green), down (red), same."""
    if change is None:
        return ""
    return "rank-up" if change > 0 else "rank-down" if change < 0 else "rank-same"


@register.filter
def share_text(share) -> str:
    """A share as written in a method: 1/3, 1/2, 1, 0.25."""
    if share is None:
        return "—"
    if isinstance(share, Fraction):
        return str(share)
    value = float(share)
    return f"{value:g}"


@register.filter
def signed(value, places: int = 2) -> str:
    """+1.23 / −0.50; a dash for none."""
    if value is None:
        return "—"
    number = float(value)
    text = f"{abs(number):,.{int(places)}f}"
    if float(text.replace(",", "")) == 0:
        return text
    return f"+{text}" if number > 0 else f"−{text}"


@register.filter
def signed_percent(share) -> str:
    """0.123 → "+12.3%", −0.05 → "−5.0%", None → "—"."""
    if share is None:
        return "—"
    value = Decimal(share) * 100
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{abs(value):.1f}%"


@register.simple_tag
def rank_band(result) -> str:
    """The band of ranks the weights' ±10 % allow as a small bar over the group's places, the rank marked (drawn
    with SVG attributes, so no inline style is needed)."""
    size, best, worst, rank = result.group_size, result.rank_best, result.rank_worst, result.rank
    if not (size and best and worst and rank):
        return ""
    step = 100 / size
    return format_html(
        '<svg class="band" viewBox="0 0 100 10" width="64" height="10" aria-hidden="true" focusable="false">'
        '<rect class="band-track" x="0" y="4" width="100" height="2"></rect>'
        '<rect class="band-range" x="{}" y="2" width="{}" height="6" rx="2"></rect>'
        '<rect class="band-rank" x="{}" y="0" width="{}" height="10"></rect></svg>',
        f"{(best - 1) * step:.2f}",
        f"{(worst - best + 1) * step:.2f}",
        f"{(rank - 0.5) * step - 1:.2f}",
        "2",
    )


@register.filter
def band_text(result) -> str:
    """ "2（1–3）": the rank and, in brackets, the best and worst rank under ±10 % weights."""
    if not result.rank:
        return "—"
    if not (result.rank_best and result.rank_worst):
        return str(result.rank)
    if _english():
        return f"{result.rank} ({result.rank_best}–{result.rank_worst})"
    return f"{result.rank}（{result.rank_best}–{result.rank_worst}）"


@register.filter
def figure_label(key: str) -> str:
    """A reported figure's name by its key, in the active language."""
    figure = BY_KEY.get(key or "")
    if figure is None:
        return key or "—"
    return figure.en if _english() else figure.zh


@register.filter
def level_label(level: str) -> str:
    """国家级 / national …"""
    return str(dict(Zone.Level.choices).get(level, level))


@register.filter
def amount(option: dict, key: str) -> str:
    """An option's value (``needed``, ``change``) to the resolution its search found it at: 120.02, 15.003, 243."""
    value = option.get(key)
    if value is None:
        return "—"
    step = option.get("step") or 0.01
    places = max(0, -math.floor(math.log10(step))) if step > 0 else 2
    text = f"{abs(value):,.{places}f}"
    if key == "change":
        return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text
    return f"−{text}" if value < 0 else text


PEER_TAG = ("外部园区", "peer zone")
"""How a peer is marked in a ranking (the menu's 外部园区 is "Peer zones", a list; this is one zone's tag)."""


@register.simple_tag
def peer_tag() -> str:
    """外部园区 / peer zone: the tag of a zone outside the platform in a ranking."""
    return PEER_TAG[1] if _english() else PEER_TAG[0]


def _joined(items) -> str:
    return (", " if _english() else "、").join(items)


@register.filter
def figure_list(keys) -> str:
    """Reported figures by their keys: 较大及以上生产安全事故、突发环境事件 / major work-safety accidents, …"""
    return _joined(figure_label(key) for key in keys or ())


@register.filter
def level_list(levels) -> str:
    """Levels: 国家级、省级 / National, Provincial."""
    return _joined(level_label(level) for level in levels or ())
