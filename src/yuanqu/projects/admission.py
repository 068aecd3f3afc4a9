"""Admission checks (准入) before signing: the industry negative list, investment intensity, tax per mu.

Each rule gives a line of the report, passed or not, with its reason in Chinese and English. A failed
check does not block signing; ``advance_stage`` then asks for the reason, which is kept with the check.
"""

from __future__ import annotations

import re
from decimal import Decimal


def negative_entries(text: str) -> list[str]:
    """The negative list's codes, upper-cased: "C25", "2511", "B"."""
    return [e.strip().upper() for e in re.split(r"[\s,，、;；]+", text or "") if e.strip()]


def _matches(entry: str, section: str, code: str) -> bool:
    if entry.isalpha():
        return entry == section
    digits = entry.lstrip("ABCDEFGHIJKLMNOPQRST")
    return bool(code) and code.startswith(digits)


def _line(rule: str, ok: bool, zh: str, en: str) -> dict:
    return {"rule": rule, "ok": ok, "zh": zh, "en": en}


def evaluate(*, rules, section: str, code: str, division: str, intensity, tax_per_mu) -> list[dict]:
    """The report lines of the rules that are set, for a project with this industry and these promises."""
    lines = []
    entries = negative_entries(rules.negative_list)
    if entries:
        if not code:
            lines.append(
                _line("negative_list", False, "未填写行业代码，无法核对负面清单", "no industry code to check against")
            )
        else:
            hits = [e for e in entries if _matches(e, section, code)]
            lines.append(
                _line(
                    "negative_list",
                    False,
                    f"行业 {section}{code} 在负面清单中（{'、'.join(hits)}）",
                    f"industry {section}{code} is on the negative list ({', '.join(hits)})",
                )
                if hits
                else _line(
                    "negative_list",
                    True,
                    f"行业 {section}{code} 不在负面清单中",
                    f"industry {section}{code} is not on the negative list",
                )
            )
    by_division = rules.intensity_by_division or {}
    minimum = by_division.get(division) if division in by_division else rules.min_intensity
    if minimum:
        minimum = Decimal(str(minimum))
        if intensity is None:
            lines.append(
                _line(
                    "intensity",
                    False,
                    f"缺少投资强度，要求不低于 {minimum:.1f} 万元/亩",
                    f"no investment intensity; at least {minimum:.1f} (10k yuan/mu) required",
                )
            )
        else:
            ok = intensity >= minimum
            lines.append(
                _line(
                    "intensity",
                    ok,
                    f"投资强度 {intensity:.1f} 万元/亩，要求不低于 {minimum:.1f} 万元/亩",
                    f"investment intensity {intensity:.1f} (10k yuan/mu), at least {minimum:.1f} required",
                )
            )
    if rules.min_tax_per_mu:
        minimum = rules.min_tax_per_mu
        if tax_per_mu is None:
            lines.append(
                _line(
                    "tax_per_mu",
                    False,
                    f"缺少承诺亩均税收，要求不低于 {minimum:.1f} 万元/亩",
                    f"no promised tax per mu; at least {minimum:.1f} (10k yuan/mu) required",
                )
            )
        else:
            lines.append(
                _line(
                    "tax_per_mu",
                    tax_per_mu >= minimum,
                    f"承诺亩均税收 {tax_per_mu:.1f} 万元/亩，要求不低于 {minimum:.1f} 万元/亩",
                    f"promised tax per mu {tax_per_mu:.1f} (10k yuan/mu), at least {minimum:.1f} required",
                )
            )
    return lines
