"""A zone-evaluation method (园区综合评价方法) as data: TOML (or a dict from a web form) into frozen dataclasses,
refusing anything that does not hold together with a message naming the line, the key and the reason.

The file format is documented in ``FORMAT.md`` next to this module; the shipped presets under ``presets/`` are
complete, commented examples. ``Method.to_toml()`` writes a method back (without comments) so that a method edited
in a form can be stored as text; ``Method.digest`` identifies that text.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from yuanqu.analytics.methodfile import (
    FileReader,
    MethodError,
    MethodProblem,
    preset_names_in,
    preset_text_in,
    read_toml,
)
from yuanqu.analytics.mujun.locate import Locations, Path, locate_toml
from yuanqu.analytics.zone_figures import BY_KEY, FIGURE_KEYS

DIRECTIONS = ("higher", "lower")
NORMALISATIONS = ("ratio_to_best", "minmax", "efficacy")
GROUPINGS = ("level", "all")
LEVELS = ("national", "provincial", "other")
GROUP_LABELS: dict[str, tuple[str, str]] = {
    "national": ("国家级开发区", "national zones"),
    "provincial": ("省级开发区", "provincial zones"),
    "other": ("其他园区", "other zones"),
    "all": ("全部园区", "all zones"),
}
"""Group key → (Chinese, English) label; groups are levels, or one group ``all``."""
FRACTION_TEXT = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
SHARE_TOLERANCE = 1e-6
WEIGHT_TOTAL = 100.0
# Output columns are "<key>_value", "<key>_score" …: keys that would read like the engine's own columns.
RESERVED_KEYS = frozenset({"zone", "group", "status", "total", "points", "rank", "deductions", "veto", "warning"})

Number = float | Fraction
"""A weight or share: a number, or a fraction written "1/3" (kept as written, so the text round-trips)."""


# ---------------------------------------------------------------------------------------------------
# The method


@dataclass(frozen=True)
class Indicator:
    """One indicator: a reported figure, or ``numerator ÷ denominator × scale``; its share of its category,
    whether higher or lower is better, how it is normalised to 0–100, and an optional ``cap``: the best value
    that earns credit (a higher-is-better value above it counts as ``cap``, a lower-is-better value below it
    counts as ``cap``), so that one outlier does not set the best for everyone."""

    key: str
    zh: str
    en: str
    share: Number
    figure: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 1.0
    unit: str = ""
    direction: str = "higher"
    normalisation: str = "ratio_to_best"
    cap: float | None = None

    @property
    def is_ratio(self) -> bool:
        return self.figure is None

    @property
    def figures(self) -> tuple[str, ...]:
        """The reported figures this indicator reads."""
        if self.figure is not None:
            return (self.figure,)
        return (self.numerator, self.denominator)

    @property
    def is_count(self) -> bool:
        """A whole-number figure (enterprises, people): gains are suggested in whole units."""
        return self.figure is not None and BY_KEY[self.figure].count


@dataclass(frozen=True)
class Category:
    key: str
    zh: str
    en: str
    weight: Number
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Veto:
    """A zone with any of ``figures`` above ``above`` in a year is removed from that year's ranking before the
    group's best values are taken, and listed unranked with the reason."""

    key: str
    zh: str
    en: str
    figures: tuple[str, ...]
    above: float = 0.0


@dataclass(frozen=True)
class Deduction:
    """``points`` off the total for every unit of ``figure`` above ``above``, at most ``cap`` points."""

    key: str
    zh: str
    en: str
    figure: str
    points: float
    cap: float | None = None
    above: float = 0.0


@dataclass(frozen=True)
class WarningRule:
    """A zone of one of ``levels`` in the last ``last`` places of its group in at least ``times`` of the last
    ``years`` years (this year included) is flagged with the label ``zh`` / ``en``. With ``vetoed_counts`` a year
    in which the zone was vetoed counts as a year in the last places."""

    key: str
    zh: str
    en: str
    last: int
    times: int
    years: int
    levels: tuple[str, ...] = LEVELS
    vetoed_counts: bool = True
    min_group_size: int | None = None

    @property
    def smallest_group(self) -> int:
        """A ranked year counts only in a group of at least this many ranked zones: by default ``last + 1``, so
        that a group no larger than the number of places does not put every zone in its last places."""
        return self.min_group_size if self.min_group_size is not None else self.last + 1


@dataclass(frozen=True)
class Method:
    name: str
    title: str
    title_en: str
    categories: tuple[Category, ...]
    grouping: str = "level"
    source: str = ""
    notes: str = ""
    source_en: str = ""  # the source and notes in English, for English pages (the Chinese when empty)
    notes_en: str = ""
    vetoes: tuple[Veto, ...] = ()
    deductions: tuple[Deduction, ...] = ()
    warnings: tuple[WarningRule, ...] = ()
    text: str = field(default="", repr=False, compare=False)  # the text exactly as loaded, stored with a run
    origin: str = field(default="", repr=False, compare=False)

    @property
    def digest(self) -> str:
        """SHA-256 of the method's text: two rankings with the same digest used the same method. A method built
        from a dict has the text ``to_toml()`` writes, so loading that text again gives the same digest."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for c in self.categories for i in c.indicators)

    def category_of(self, indicator_key: str) -> Category:
        for category in self.categories:
            if any(i.key == indicator_key for i in category.indicators):
                return category
        raise KeyError(indicator_key)

    def indicator(self, key: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.key == key:
                return indicator
        raise KeyError(key)

    @property
    def figures(self) -> tuple[str, ...]:
        """Every reported figure the method reads, in catalogue order."""
        used = {f for i in self.indicators for f in i.figures}
        used |= {f for v in self.vetoes for f in v.figures}
        used |= {d.figure for d in self.deductions}
        return tuple(key for key in FIGURE_KEYS if key in used)

    def weight_of(self, indicator_key: str) -> float:
        """The indicator's weight in the total: category weight × share (its score × this ÷ 100 = its points)."""
        category = self.category_of(indicator_key)
        return float(category.weight) * float(self.indicator(indicator_key).share)

    def to_dict(self) -> dict[str, Any]:
        """The method as plain data in the shape of the TOML file (every field written out; fractions as "1/3")."""
        data: dict[str, Any] = {"name": self.name, "title": self.title, "title_en": self.title_en}
        if self.source:
            data["source"] = self.source
        if self.notes:
            data["notes"] = self.notes
        if self.source_en:
            data["source_en"] = self.source_en
        if self.notes_en:
            data["notes_en"] = self.notes_en
        data["groups"] = {"by": self.grouping}
        data["categories"] = [
            {
                "key": c.key,
                "zh": c.zh,
                "en": c.en,
                "weight": _number_out(c.weight),
                "indicators": [_indicator_out(i) for i in c.indicators],
            }
            for c in self.categories
        ]
        data["vetoes"] = [
            {"key": v.key, "zh": v.zh, "en": v.en, "figures": list(v.figures), "above": _number_out(v.above)}
            for v in self.vetoes
        ]
        data["deductions"] = [
            _without_none(
                {
                    "key": d.key,
                    "zh": d.zh,
                    "en": d.en,
                    "figure": d.figure,
                    "points": _number_out(d.points),
                    "cap": _number_out(d.cap),
                    "above": _number_out(d.above),
                }
            )
            for d in self.deductions
        ]
        data["warnings"] = [
            {
                "key": w.key,
                "zh": w.zh,
                "en": w.en,
                "levels": list(w.levels),
                "last": w.last,
                "times": w.times,
                "years": w.years,
                "vetoed_counts": w.vetoed_counts,
            }
            | ({"min_group_size": w.min_group_size} if w.min_group_size is not None else {})
            for w in self.warnings
        ]
        return data

    def to_toml(self) -> str:
        """The method as TOML text that loads back to an equal method (comments are not kept)."""
        return _toml(self.to_dict())


def _indicator_out(indicator: Indicator) -> dict[str, Any]:
    data: dict[str, Any] = {"key": indicator.key, "zh": indicator.zh, "en": indicator.en}
    if indicator.figure is not None:
        data["figure"] = indicator.figure
    else:
        data |= {"numerator": indicator.numerator, "denominator": indicator.denominator}
        data["scale"] = _number_out(indicator.scale)
    data |= {
        "unit": indicator.unit,
        "share": _number_out(indicator.share),
        "direction": indicator.direction,
        "normalisation": indicator.normalisation,
    }
    if indicator.cap is not None:
        data["cap"] = _number_out(indicator.cap)
    return data


def _number_out(value: Number | None) -> int | float | str | None:
    if value is None:
        return None
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


# ---------------------------------------------------------------------------------------------------
# Writing TOML (the standard library reads TOML but does not write it)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        # JSON's escapes are TOML's, but for DEL, which TOML wants escaped and JSON leaves alone.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _toml(data: dict[str, Any]) -> str:
    lines: list[str] = []

    def scalars(table: dict[str, Any]) -> None:
        for key, value in table.items():
            # An empty array is an absent one (no vetoes, no deductions): nothing in a method needs [].
            if not isinstance(value, dict) and not _is_tables(value) and value != []:
                lines.append(f"{key} = {_toml_value(value)}")

    def tables(table: dict[str, Any], prefix: str) -> None:
        for key, value in table.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                lines.extend(["", f"[{name}]"])
                scalars(value)
                tables(value, f"{name}.")
            elif _is_tables(value):
                for item in value:
                    lines.extend(["", f"[[{name}]]"])
                    scalars(item)
                    tables(item, f"{name}.")

    scalars(data)
    tables(data, "")
    return "\n".join(lines) + "\n"


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


# ---------------------------------------------------------------------------------------------------
# Reading


class _Reader(FileReader):
    """Validates the parsed document, collecting every problem with its place in the text."""

    # -- shapes --------------------------------------------------------------------------------------

    def number(
        self, data: dict, key: str, path: Path, *, default: float | None = None, positive: bool = False
    ) -> float | None:
        value = data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.problem((*path, key), "应为数字", "should be a number")
            return default
        if positive and value <= 0:
            self.problem((*path, key), f"应大于 0，现为 {value:g}", f"must be greater than 0, not {value:g}")
        elif value < 0:
            self.problem((*path, key), f"不能为负数，现为 {value:g}", f"must not be negative, not {value:g}")
        return float(value)

    def fraction(self, data: dict, key: str, path: Path) -> Number | None:
        """A positive number, or a fraction written as text: "1/3"."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            found = FRACTION_TEXT.match(value)
            if not found or int(found.group(2)) == 0:
                self.problem(
                    (*path, key),
                    f'{value!r} 应为数字或分数（如 0.5 或 "1/3"）',
                    f'{value!r} should be a number or a fraction (such as 0.5 or "1/3")',
                )
                return None
            result: Number = Fraction(int(found.group(1)), int(found.group(2)))
        elif isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.problem((*path, key), "应为数字", "should be a number")
            return None
        else:
            result = float(value)
        if result <= 0:
            self.problem((*path, key), f"应大于 0，现为 {value}", f"must be greater than 0, not {value}")
            return None
        return result

    def whole(self, data: dict, key: str, path: Path, *, default: int | None = None) -> int | None:
        value = data.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem((*path, key), "应为不小于 1 的整数", "should be a whole number of at least 1")
            return None
        return value

    def choice(self, data: dict, key: str, path: Path, choices: tuple[str, ...], *, default: str) -> str:
        value = data.get(key, default)
        if value not in choices:
            self.unknown((*path, key), value, choices, "取值", "value")
            return default
        return value

    def unknown(self, path: Path, value: Any, choices: tuple[str, ...], what_zh: str, what_en: str) -> None:
        close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
        hint_zh = f"（是否应为 {close[0]}？）" if close else ""
        hint_en = f" (did you mean {close[0]}?)" if close else ""
        listed = choices if len(choices) <= 8 else (*choices[:8], "…")
        self.problem(
            path,
            f"未知的{what_zh} {value!r}{hint_zh}，可用：{'、'.join(listed)}",
            f"unknown {what_en} {value!r}{hint_en}; allowed: {', '.join(listed)}",
        )

    def figure(self, data: dict, key: str, path: Path) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem((*path, key), "应为上报数据的键（文本）", "should be the key of a reported figure (text)")
            return None
        if value not in BY_KEY:
            self.unknown((*path, key), value, FIGURE_KEYS, "上报数据", "reported figure")
            return None
        return value

    def figures(self, data: dict, key: str, path: Path) -> tuple[str, ...]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            self.problem((*path, key), "应为上报数据键的非空数组", "should be a non-empty array of figure keys")
            return ()
        found = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or item not in BY_KEY:
                self.unknown((*path, key, index), item, FIGURE_KEYS, "上报数据", "reported figure")
            else:
                found.append(item)
        return tuple(found)

    def keys_unique(self, items: list[tuple[str, Path]], *, scope_zh: str, scope_en: str) -> None:
        seen: set[str] = set()
        for key, path in items:
            if key in seen:
                self.problem(path, f"键 {key} 在{scope_zh}中重复", f"key {key} appears twice among {scope_en}")
            seen.add(key)

    # -- the document --------------------------------------------------------------------------------

    def method(self, data: dict, *, name: str) -> Method | None:
        top = self.table(
            data,
            (),
            allowed=(
                "name",
                "title",
                "title_en",
                "source",
                "notes",
                "source_en",
                "notes_en",
                "groups",
                "categories",
                "vetoes",
                "deductions",
                "warnings",
            ),
            required=("title", "categories"),
        )
        method_name = self.text(top, "name", (), default=name)
        if not method_name.strip():
            self.problem(("name",), "缺少方法名称", "the method has no name")
        title = self.text(top, "title", ())
        title_en = self.text(top, "title_en", (), default=title)
        source = self.text(top, "source", (), default="")
        notes = self.text(top, "notes", (), default="")
        source_en = self.text(top, "source_en", (), default="")
        notes_en = self.text(top, "notes_en", (), default="")
        groups = self.table(top.get("groups", {}), ("groups",), allowed=("by",))
        grouping = self.choice(groups, "by", ("groups",), GROUPINGS, default="level")

        categories = [
            self.category(raw, ("categories", index))
            for index, raw in enumerate(self.tables(top.get("categories"), ("categories",)))
        ]
        if "categories" in top and not categories:
            self.problem(("categories",), "至少需要一个类别", "at least one category is needed")
        weights = [c.weight for c in categories if c is not None]
        if categories and len(weights) == len(categories):
            total = math.fsum(float(w) for w in weights)
            if abs(total - WEIGHT_TOTAL) > SHARE_TOLERANCE:
                self.problem(
                    ("categories",),
                    f"各类别权重之和为 {total:g}，应为 100",
                    f"the category weights sum to {total:g}, not 100",
                )
        keyed = [(c.key, ("categories", ci, "key")) for ci, c in enumerate(categories) if c is not None]
        keyed += [
            (i.key, ("categories", ci, "indicators", ii, "key"))
            for ci, c in enumerate(categories)
            if c is not None
            for ii, i in enumerate(c.indicators)
        ]
        self.keys_unique(
            [(k, p) for k, p in keyed if k], scope_zh="类别和指标", scope_en="the categories and indicators"
        )

        vetoes = [self.veto(raw, ("vetoes", i)) for i, raw in enumerate(self.tables(top.get("vetoes"), ("vetoes",)))]
        deductions = [
            self.deduction(raw, ("deductions", i))
            for i, raw in enumerate(self.tables(top.get("deductions"), ("deductions",)))
        ]
        warnings = [
            self.warning(raw, ("warnings", i)) for i, raw in enumerate(self.tables(top.get("warnings"), ("warnings",)))
        ]
        for kind, kind_zh, items in (
            ("vetoes", "否决项", vetoes),
            ("deductions", "扣分项", deductions),
            ("warnings", "预警规则", warnings),
        ):
            self.keys_unique(
                [(item.key, (kind, index, "key")) for index, item in enumerate(items) if item.key],
                scope_zh=kind_zh,
                scope_en=kind,
            )
        taken = {k for k, _ in keyed}
        for index, item in enumerate(deductions):
            if item.key in taken:
                self.problem(
                    ("deductions", index, "key"),
                    f"扣分项的键 {item.key} 与类别或指标重名",
                    f"the deduction key {item.key} is also a category's or an indicator's",
                )

        if self.problems:
            return None
        return Method(
            name=method_name,
            title=title,
            title_en=title_en,
            categories=tuple(categories),
            grouping=grouping,
            source=source,
            notes=notes,
            source_en=source_en,
            notes_en=notes_en,
            vetoes=tuple(vetoes),
            deductions=tuple(deductions),
            warnings=tuple(warnings),
        )

    def named(self, data: dict, path: Path) -> tuple[str, str, str]:
        key = self.identifier(data, "key", path)
        if key in RESERVED_KEYS:
            self.problem((*path, "key"), f"{key} 是保留名称", f"{key} is a reserved name")
        zh = self.text(data, "zh", path)
        return key, zh, self.text(data, "en", path, default=zh)

    def category(self, raw: dict, path: Path) -> Category | None:
        data = self.table(raw, path, allowed=("key", "zh", "en", "weight", "indicators"), required=("key", "zh"))
        key, zh, en = self.named(data, path)
        weight = self.fraction(data, "weight", path)
        if "weight" not in data:
            self.problem(path, "缺少必填的键 weight", "required key weight is missing")
        raw_indicators = self.tables(data.get("indicators"), (*path, "indicators"))
        if not raw_indicators:
            self.problem(path, "每个类别至少需要一个指标", "every category needs at least one indicator")
        indicators = [self.indicator(item, (*path, "indicators", i)) for i, item in enumerate(raw_indicators)]
        shares = [i.share for i in indicators if i is not None]
        if raw_indicators and len(shares) == len(raw_indicators):
            total = math.fsum(float(s) for s in shares)
            if abs(total - 1) > SHARE_TOLERANCE:
                self.problem(
                    (*path, "indicators"),
                    f"类别 {key} 内各指标占比之和为 {total:.6g}，应为 1",
                    f"the indicator shares of category {key} sum to {total:.6g}, not 1",
                )
        if weight is None or any(i is None for i in indicators):
            return None
        return Category(key=key, zh=zh, en=en, weight=weight, indicators=tuple(indicators))

    def indicator(self, raw: dict, path: Path) -> Indicator | None:
        count = len(self.problems)
        data = self.table(
            raw,
            path,
            allowed=(
                "key",
                "zh",
                "en",
                "figure",
                "numerator",
                "denominator",
                "scale",
                "unit",
                "share",
                "direction",
                "normalisation",
                "cap",
            ),
            required=("key", "zh", "share"),
        )
        key, zh, en = self.named(data, path)
        share = self.fraction(data, "share", path)
        if share is not None and share > 1:
            self.problem((*path, "share"), f"占比不能大于 1，现为 {share}", f"a share cannot exceed 1, not {share}")
        figure = self.figure(data, "figure", path)
        numerator = self.figure(data, "numerator", path)
        denominator = self.figure(data, "denominator", path)
        is_ratio = "numerator" in data or "denominator" in data
        if "figure" in data and is_ratio:
            self.problem(
                path,
                "figure 与 numerator/denominator 只能二选一",
                "give either figure or numerator and denominator, not both",
            )
        elif is_ratio and ("numerator" not in data or "denominator" not in data):
            self.problem(path, "比值指标需要 numerator 和 denominator", "a ratio needs a numerator and a denominator")
        elif not is_ratio and "figure" not in data:
            self.problem(
                path,
                "指标需要 figure（上报数据），或 numerator 和 denominator（两项之比）",
                "an indicator needs a figure, or a numerator and a denominator",
            )
        if numerator is not None and numerator == denominator:
            self.problem((*path, "denominator"), "分子与分母相同", "the numerator and denominator are the same")
        if "scale" in data and not is_ratio:
            self.problem((*path, "scale"), "scale 仅用于比值指标", "scale applies to ratios only")
        scale = self.number(data, "scale", path, default=1.0, positive=True)
        direction = self.choice(data, "direction", path, DIRECTIONS, default="higher")
        normalisation = self.choice(data, "normalisation", path, NORMALISATIONS, default="ratio_to_best")
        cap = self.number(data, "cap", path, positive=True)
        if figure is not None:
            default_unit = BY_KEY[figure].unit
        elif numerator is not None and denominator is not None:
            default_unit = f"{BY_KEY[numerator].unit}/{BY_KEY[denominator].unit}"
            if scale != 1:
                default_unit = f"{default_unit} × {scale:g}"
        else:
            default_unit = ""
        unit = self.text(data, "unit", path, default=default_unit)
        if len(self.problems) > count or share is None:
            return None
        return Indicator(
            key=key,
            zh=zh,
            en=en,
            share=share,
            figure=figure,
            numerator=numerator,
            denominator=denominator,
            scale=scale if is_ratio else 1.0,
            unit=unit,
            direction=direction,
            normalisation=normalisation,
            cap=cap,
        )

    def veto(self, raw: dict, path: Path) -> Veto:
        data = self.table(raw, path, allowed=("key", "zh", "en", "figures", "above"), required=("key", "zh", "figures"))
        key, zh, en = self.named(data, path)
        figures = self.figures(data, "figures", path) if "figures" in data else ()
        above = self.number(data, "above", path, default=0.0)
        return Veto(key=key, zh=zh, en=en, figures=figures, above=above)

    def deduction(self, raw: dict, path: Path) -> Deduction:
        data = self.table(
            raw,
            path,
            allowed=("key", "zh", "en", "figure", "points", "cap", "above"),
            required=("key", "zh", "figure", "points"),
        )
        key, zh, en = self.named(data, path)
        return Deduction(
            key=key,
            zh=zh,
            en=en,
            figure=self.figure(data, "figure", path) or "",
            points=self.number(data, "points", path, positive=True) or 0.0,
            cap=self.number(data, "cap", path, positive=True),
            above=self.number(data, "above", path, default=0.0),
        )

    def warning(self, raw: dict, path: Path) -> WarningRule:
        data = self.table(
            raw,
            path,
            allowed=("key", "zh", "en", "levels", "last", "times", "years", "vetoed_counts", "min_group_size"),
            required=("key", "zh", "last", "times", "years"),
        )
        key, zh, en = self.named(data, path)
        levels = data.get("levels", list(LEVELS))
        if not isinstance(levels, list) or not levels:
            self.problem((*path, "levels"), "应为级别的非空数组", "should be a non-empty array of levels")
            levels = []
        for index, level in enumerate(levels):
            if level not in LEVELS:
                self.unknown((*path, "levels", index), level, LEVELS, "级别", "level")
        last = self.whole(data, "last", path)
        times = self.whole(data, "times", path)
        years = self.whole(data, "years", path)
        if times is not None and years is not None and times > years:
            self.problem(
                (*path, "times"),
                f"次数 {times} 大于年数 {years}，永远不会触发",
                f"{times} times in {years} years can never happen",
            )
        return WarningRule(
            key=key,
            zh=zh,
            en=en,
            last=last or 1,
            times=times or 1,
            years=years or 1,
            levels=tuple(level for level in levels if level in LEVELS),
            vetoed_counts=self.boolean(data, "vetoed_counts", path, default=True),
            min_group_size=self.whole(data, "min_group_size", path),
        )


# ---------------------------------------------------------------------------------------------------
# Entry points


def load_method(text: str, *, name: str = "") -> Method:
    """Parse and validate a method from TOML text; raises MethodError listing every problem with its line.

    ``name`` is the method's name when the text gives none, and names the text in messages (a file name)."""
    data = read_toml(text, origin=name)
    return _build(data, Locations() if not text else locate_toml(text), text=text, name=name)


def method_from_dict(data: dict[str, Any], *, name: str = "") -> Method:
    """A method from plain data shaped like the TOML file (a web form's), validated like a file; its text is
    ``to_toml()``'s, so that what is stored loads back to the same method and digest."""
    method = _build(data, Locations(), text="", name=name)
    return _with_text(method, method.to_toml(), name)


def _build(data: Any, locations: Locations, *, text: str, name: str) -> Method:
    reader = _Reader(locations)
    if not isinstance(data, dict):
        raise MethodError([MethodProblem("", "方法应为键值表", "a method should be a table of keys")], origin=name)
    method = reader.method(data, name=name)
    if reader.problems or method is None:
        raise MethodError(sorted(reader.problems, key=lambda p: (p.line or 0, p.column or 0)), origin=name)
    return _with_text(method, text, name)


def _with_text(method: Method, text: str, origin: str) -> Method:
    return replace(method, text=text, origin=origin)


def preset_names() -> list[str]:
    """The shipped presets, by name (the file name without .toml)."""
    return preset_names_in("yuanqu.analytics.zoneranking")


def preset_text(name: str) -> str:
    """The text of a shipped preset, exactly as shipped."""
    return preset_text_in("yuanqu.analytics.zoneranking", name)


def load_preset(name: str) -> Method:
    """A shipped preset, e.g. ``load_preset("zones-reference")``."""
    name = name.removesuffix(".toml")
    return load_method(preset_text(name), name=name)
