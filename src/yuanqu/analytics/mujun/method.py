"""A per-mu evaluation method as data: load a TOML (or YAML) file into frozen dataclasses, refusing
anything that does not hold together with a message naming the line, the key and the reason.

The file format is documented in ``FORMAT.md`` next to this module; the shipped presets under
``presets/`` are complete, commented examples.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from yuanqu.analytics.industry import DIVISIONS
from yuanqu.analytics.methodfile import (
    FileReader,
    MethodError,
    MethodProblem,
    preset_names_in,
    preset_text_in,
    read_toml,
)
from yuanqu.analytics.mujun.expression import BOOLEAN, NUMBER, Expression, ExpressionError, parse
from yuanqu.analytics.mujun.locate import Path, locate_toml, locate_yaml

BENCHMARK_KINDS = ("fixed", "group_mean", "industry_mean", "previous_year_mean", "minmax")
MEAN_KINDS = ("group_mean", "industry_mean", "previous_year_mean")
AVERAGES = ("aggregate", "arithmetic")
DIRECTIONS = ("higher", "lower")
MISSING_RULES = ("zero", "group_mean_score", "exclude")
GRADING_MODES = ("quota", "thresholds")
# Output columns are "<key>_value" etc.; these keys would collide with the engine's own columns.
RESERVED_KEYS = frozenset({"group", "status", "total", "rank", "grade", "subtotal", "additions", "deductions"})


# ---------------------------------------------------------------------------------------------------
# The method


@dataclass(frozen=True)
class Benchmark:
    """What an indicator's value is compared with.

    fixed: ``value × multiplier``; group_mean / industry_mean / previous_year_mean: the mean over the
    group (the enterprise's GB/T division within the group; the previous year's group) × multiplier,
    where the mean is ``aggregate`` (the formula applied to the summed figures: Σtax ÷ Σland) or
    ``arithmetic`` (the mean of the enterprises' values). minmax: no benchmark; the score runs from
    ``low`` to ``high`` percent of the weight between the group's smallest and largest value.
    """

    kind: str
    value: float | None = None
    multiplier: float = 1.0
    average: str = "aggregate"
    min_peers: int = 3
    ratio_cap: float | None = None
    ratio_floor: float | None = None
    low: float = 20.0
    high: float = 100.0


@dataclass(frozen=True)
class Indicator:
    key: str
    label_zh: str
    label_en: str
    formula: Expression
    unit: str
    unit_en: str
    direction: str
    weight: float
    benchmark: Benchmark
    on_missing: str
    decimals: int = 2


@dataclass(frozen=True)
class Group:
    id: str
    label_zh: str
    label_en: str
    scope: Expression
    graded: bool
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class NotGraded:
    """Enterprises that are evaluated (scored, shown) but not graded: utilities, young firms, listed divisions."""

    grade: str = "T"
    label_zh: str = "不参与分档"
    label_en: str = "not graded"
    utilities: bool = False
    divisions: tuple[str, ...] = ()
    min_production_years: float | None = None


@dataclass(frozen=True)
class Adjustment:
    """Points added (additions) or subtracted (deductions) when a condition holds."""

    key: str
    label_zh: str
    label_en: str
    when: Expression
    points: float
    groups: tuple[str, ...] = ()  # empty: every group


@dataclass(frozen=True)
class Veto:
    """A condition that forces a grade (an incident → D), whatever the score."""

    key: str
    label_zh: str
    label_en: str
    when: Expression
    grade: str
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    kind: str
    label_zh: str
    label_en: str
    value: float | None = None
    unit: str = ""


@dataclass(frozen=True)
class Grading:
    """Quota: percent of the group per grade, best first. Thresholds: the lowest total of each grade but
    the last, which takes everyone below."""

    mode: str
    grades: tuple[str, ...]
    quota: tuple[tuple[str, float], ...] = ()
    thresholds: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Method:
    name: str
    name_en: str
    year: int
    source: str
    weight_total: float
    groups: tuple[Group, ...]
    not_graded: NotGraded
    additions: tuple[Adjustment, ...]
    deductions: tuple[Adjustment, ...]
    vetoes: tuple[Veto, ...]
    grading: Grading
    policies: tuple[tuple[str, tuple[Policy, ...]], ...]
    text: str = field(default="", repr=False)  # the file exactly as loaded, for storing with a run
    format: str = "toml"
    origin: str = ""

    @property
    def digest(self) -> str:
        """SHA-256 of the method text: two runs with the same digest used the same method."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def needs_previous(self) -> bool:
        return any(i.benchmark.kind == "previous_year_mean" for g in self.groups for i in g.indicators)

    @property
    def indicator_keys(self) -> tuple[str, ...]:
        """Every indicator key, in order of first appearance over the groups."""
        keys: dict[str, None] = {}
        for group in self.groups:
            for indicator in group.indicators:
                keys.setdefault(indicator.key, None)
        return tuple(keys)

    def group(self, group_id: str) -> Group:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)

    def policies_for(self, grade: str) -> tuple[Policy, ...]:
        for key, policies in self.policies:
            if key == grade:
                return policies
        return ()

    @property
    def fields(self) -> tuple[str, ...]:
        """Every yearly figure the method reads, in a stable order."""
        seen: dict[str, None] = {}
        expressions = [g.scope for g in self.groups]
        expressions += [i.formula for g in self.groups for i in g.indicators]
        expressions += [a.when for a in (*self.additions, *self.deductions, *self.vetoes)]
        for expression in expressions:
            for name in expression.fields:
                seen.setdefault(name, None)
        return tuple(seen)


# ---------------------------------------------------------------------------------------------------
# Problems


# ---------------------------------------------------------------------------------------------------
# Reading


class _Reader(FileReader):
    """Validates the parsed document, collecting every problem with its place in the file."""

    # -- shapes ------------------------------------------------------------------------------------

    def number(
        self,
        data: dict,
        key: str,
        path: Path,
        *,
        default: float | None = None,
        positive: bool = False,
        at_least: float | None = None,
    ) -> float | None:
        value = data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.problem((*path, key), "应为数字", "should be a number")
            return default
        if positive and value <= 0:
            self.problem((*path, key), f"应大于 0，现为 {value}", f"must be greater than 0, not {value}")
        if at_least is not None and value < at_least:
            self.problem(
                (*path, key), f"不能小于 {at_least:g}，现为 {value}", f"must be at least {at_least:g}, not {value}"
            )
        return float(value)

    def choice(self, data: dict, key: str, path: Path, choices: tuple[str, ...], *, default: str | None = None) -> str:
        value = data.get(key, default)
        if value is None:
            return ""
        if value not in choices:
            close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
            hint_zh = f"（是否应为 {close[0]}？）" if close else ""
            hint_en = f" (did you mean {close[0]}?)" if close else ""
            self.problem(
                (*path, key),
                f"未知的取值 {value!r}{hint_zh}，可用：{'、'.join(choices)}",
                f"unknown value {value!r}{hint_en}; allowed: {', '.join(choices)}",
            )
            return ""
        return value

    def strings(self, data: dict, key: str, path: Path) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem((*path, key), "应为文本的数组", "should be an array of text")
            return ()
        return tuple(value)

    def formula(self, data: dict, key: str, path: Path, *, kind: str) -> Expression | None:
        text = data.get(key)
        if text is None:
            return None
        if not isinstance(text, str):
            self.problem((*path, key), "公式应为文本", "a formula should be text")
            return None
        try:
            return parse(text, kind=kind)
        except ExpressionError as error:
            place = self.locations.find((*path, key))
            column = None
            if place is not None and place.content_column is not None and error.line == 1:
                column = place.content_column + error.column - 1
                self.problem((*path, key), error.reason_zh, error.reason_en, column=column)
            else:
                where_zh = f"公式第 {error.line} 行第 {error.column} 列："
                where_en = f"formula line {error.line} col {error.column}: "
                self.problem((*path, key), where_zh + error.reason_zh, where_en + error.reason_en)
            return None

    # -- the document --------------------------------------------------------------------------------

    def method(self, data: dict, *, text: str, format: str, origin: str) -> Method | None:
        top = self.table(
            data,
            (),
            allowed=(
                "name",
                "name_en",
                "year",
                "source",
                "notes",
                "weight_total",
                "on_missing",
                "not_graded",
                "groups",
                "additions",
                "deductions",
                "vetoes",
                "grading",
                "policies",
            ),
            required=("name", "year", "groups", "grading"),
        )
        name = self.text(top, "name", ())
        name_en = self.text(top, "name_en", (), default=name)
        source = self.text(top, "source", (), default="")
        self.text(top, "notes", (), default="")
        year = top.get("year")
        if "year" in top and (isinstance(year, bool) or not isinstance(year, int) or not 1949 <= year <= 2100):
            self.problem(("year",), "年度应为 1949–2100 之间的整数", "year should be a whole number from 1949 to 2100")
        weight_total = self.number(top, "weight_total", (), default=100.0, positive=True)
        on_missing = self.choice(top, "on_missing", (), MISSING_RULES, default="zero")

        grading = self.grading(top.get("grading"), ("grading",)) if "grading" in top else None
        grades = grading.grades if grading else ()
        not_graded = self.not_graded(top.get("not_graded", {}), ("not_graded",), grades)

        groups = []
        raw_groups = self.tables(top.get("groups"), ("groups",))
        if "groups" in top and not raw_groups and not self.problems:
            self.problem(("groups",), "至少需要一个分组", "at least one group is needed")
        for index, raw in enumerate(raw_groups):
            groups.append(self.group(raw, ("groups", index), weight_total=weight_total, on_missing=on_missing))
        ids = [g.id for g in groups if g is not None]
        for index, group_id in enumerate(ids):
            if group_id and group_id in ids[:index]:
                self.problem(("groups", index, "id"), f"分组 {group_id} 重复", f"group {group_id} appears twice")

        additions = self.adjustments(top.get("additions"), ("additions",), ids)
        deductions = self.adjustments(top.get("deductions"), ("deductions",), ids)
        seen: set[str] = set()
        for kind, items in (("additions", additions), ("deductions", deductions)):
            for index, item in enumerate(items):
                if item.key in seen:
                    self.problem((kind, index, "key"), f"键 {item.key} 重复", f"key {item.key} appears twice")
                seen.add(item.key)
        vetoes = self.vetoes(top.get("vetoes"), ("vetoes",), ids, grades)
        policies = self.policies(top.get("policies", {}), ("policies",), grades, not_graded)

        if self.problems:
            return None
        return Method(
            name=name,
            name_en=name_en,
            year=year,
            source=source,
            weight_total=weight_total,
            groups=tuple(groups),
            not_graded=not_graded,
            additions=tuple(additions),
            deductions=tuple(deductions),
            vetoes=tuple(vetoes),
            grading=grading,
            policies=policies,
            text=text,
            format=format,
            origin=origin,
        )

    def not_graded(self, raw: Any, path: Path, grades: tuple[str, ...]) -> NotGraded:
        data = self.table(
            raw,
            path,
            allowed=("grade", "label_zh", "label_en", "utilities", "divisions", "min_production_years"),
        )
        grade = self.text(data, "grade", path, default="T")
        if grade in grades:
            self.problem(
                (*path, "grade"),
                f"{grade} 已是评价等级，不参与分档的类别需另取名称（如 T）",
                f"{grade} is one of the grades; name the not-graded class differently (e.g. T)",
            )
        divisions = self.strings(data, "divisions", path)
        for index, division in enumerate(divisions):
            if division not in DIVISIONS:
                self.problem(
                    (*path, "divisions", index),
                    f'不存在的行业大类 {division!r}（应为两位数字，如 "25"）',
                    f'no such industry division {division!r} (two digits, e.g. "25")',
                )
        return NotGraded(
            grade=grade,
            label_zh=self.text(data, "label_zh", path, default="不参与分档"),
            label_en=self.text(data, "label_en", path, default="not graded"),
            utilities=self.boolean(data, "utilities", path, default=False),
            divisions=divisions,
            min_production_years=self.number(data, "min_production_years", path, positive=True),
        )

    def group(self, raw: dict, path: Path, *, weight_total: float | None, on_missing: str) -> Group | None:
        data = self.table(
            raw,
            path,
            allowed=("id", "label_zh", "label_en", "scope", "graded", "weight_total", "indicators"),
            required=("id", "label_zh", "scope"),
        )
        group_id = self.identifier(data, "id", path)
        label_zh = self.text(data, "label_zh", path)
        graded = self.boolean(data, "graded", path, default=True)
        scope = self.formula(data, "scope", path, kind=BOOLEAN)
        total = self.number(data, "weight_total", path, default=weight_total, positive=True)
        indicators = []
        raw_indicators = self.tables(data.get("indicators"), (*path, "indicators"))
        for index, item in enumerate(raw_indicators):
            indicators.append(self.indicator(item, (*path, "indicators", index), on_missing=on_missing))
        keys = [i.key for i in indicators if i is not None]
        for index, key in enumerate(keys):
            if key and key in keys[:index]:
                self.problem(
                    (*path, "indicators", index, "key"),
                    f"指标 {key} 在本组重复",
                    f"indicator {key} appears twice in this group",
                )
        if graded and not raw_indicators:
            self.problem(path, "参与分档的分组至少需要一个指标", "a graded group needs at least one indicator")
        weights = [i.weight for i in indicators if i is not None]
        if raw_indicators and len(weights) == len(raw_indicators) and total is not None:
            weight_sum = math.fsum(weights)
            if abs(weight_sum - total) > 1e-9:
                self.problem(
                    (*path, "indicators"),
                    f"本组指标权重之和为 {weight_sum:g}，应为声明的 {total:g}（weight_total）",
                    f"the group's indicator weights sum to {weight_sum:g}, not the declared {total:g} (weight_total)",
                )
        # With problems recorded, this group is never built into a method; it only carries its id.
        return Group(
            id=group_id,
            label_zh=label_zh,
            label_en=self.text(data, "label_en", path, default=label_zh),
            scope=scope,
            graded=graded,
            indicators=tuple(i for i in indicators if i is not None),
        )

    def indicator(self, raw: dict, path: Path, *, on_missing: str) -> Indicator | None:
        count = len(self.problems)
        data = self.table(
            raw,
            path,
            allowed=(
                "key",
                "label_zh",
                "label_en",
                "formula",
                "unit",
                "unit_en",
                "direction",
                "weight",
                "decimals",
                "on_missing",
                "benchmark",
            ),
            required=("key", "label_zh", "formula", "weight", "benchmark"),
        )
        key = self.identifier(data, "key", path)
        if key in RESERVED_KEYS:
            self.problem((*path, "key"), f"{key} 是保留名称", f"{key} is a reserved name")
        label_zh = self.text(data, "label_zh", path)
        formula = self.formula(data, "formula", path, kind=NUMBER)
        unit = self.text(data, "unit", path, default="")
        direction = self.choice(data, "direction", path, DIRECTIONS, default="higher")
        weight = self.number(data, "weight", path, positive=True)
        decimals = data.get("decimals", 2)
        if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 8:
            self.problem(
                (*path, "decimals"), "小数位数应为 0–8 的整数", "decimals should be a whole number from 0 to 8"
            )
            decimals = 2
        rule = self.choice(data, "on_missing", path, MISSING_RULES, default=on_missing)
        benchmark = (
            self.benchmark(data.get("benchmark"), (*path, "benchmark"), direction) if "benchmark" in data else None
        )
        if len(self.problems) > count:
            return None
        return Indicator(
            key=key,
            label_zh=label_zh,
            label_en=self.text(data, "label_en", path, default=label_zh),
            formula=formula,
            unit=unit,
            unit_en=self.text(data, "unit_en", path, default=unit),
            direction=direction,
            weight=weight,
            benchmark=benchmark,
            on_missing=rule,
            decimals=decimals,
        )

    def benchmark(self, raw: Any, path: Path, direction: str) -> Benchmark | None:
        data = self.table(
            raw,
            path,
            allowed=("kind", "value", "multiplier", "average", "min_peers", "ratio_cap", "ratio_floor", "low", "high"),
            required=("kind",),
        )
        if "kind" not in data:
            return None
        count = len(self.problems)
        kind = self.choice(data, "kind", path, BENCHMARK_KINDS)
        if not kind:
            return None

        def only_for(keys: tuple[str, ...], kinds: tuple[str, ...]) -> None:
            for key in keys:
                if key in data and kind not in kinds:
                    self.problem(
                        (*path, key),
                        f"{key} 不适用于基准类型 {kind}（仅用于 {'、'.join(kinds)}）",
                        f"{key} does not apply to benchmark kind {kind} (only to {', '.join(kinds)})",
                    )

        only_for(("value",), ("fixed",))
        only_for(("multiplier", "ratio_cap", "ratio_floor"), ("fixed", *MEAN_KINDS))
        only_for(("average",), MEAN_KINDS)
        only_for(("min_peers",), ("industry_mean",))
        only_for(("low", "high"), ("minmax",))
        value = self.number(data, "value", path, positive=True)
        if kind == "fixed" and value is None and "value" not in data:
            self.problem(path, "固定基准需要 value", "a fixed benchmark needs a value")
        multiplier = self.number(data, "multiplier", path, default=1.0, positive=True)
        average = self.choice(data, "average", path, AVERAGES, default="aggregate")
        min_peers = data.get("min_peers", 3)
        if isinstance(min_peers, bool) or not isinstance(min_peers, int) or min_peers < 1:
            self.problem(
                (*path, "min_peers"), "min_peers 应为不小于 1 的整数", "min_peers should be a whole number ≥ 1"
            )
            min_peers = 3
        cap = self.number(data, "ratio_cap", path, positive=True)
        floor = self.number(data, "ratio_floor", path, at_least=0.0)
        if cap is not None and floor is not None and floor > cap:
            self.problem(
                (*path, "ratio_floor"),
                f"比值下限 {floor:g} 大于上限 {cap:g}",
                f"the ratio floor {floor:g} is above the cap {cap:g}",
            )
        low = self.number(data, "low", path, default=20.0, at_least=0.0)
        high = self.number(data, "high", path, default=100.0, positive=True)
        if low is not None and high is not None and low > high:
            self.problem((*path, "low"), f"low {low:g} 大于 high {high:g}", f"low {low:g} is above high {high:g}")
        if direction == "lower" and kind != "minmax" and cap is None:
            self.problem(
                (*path, "ratio_cap"),
                "越低越好的指标需要比值上限 ratio_cap（数值为零时得分即按上限计）",
                "a lower-is-better indicator needs ratio_cap (a value of zero scores at the cap)",
            )
        if len(self.problems) > count:
            return None
        return Benchmark(
            kind=kind,
            value=value,
            multiplier=multiplier,
            average=average,
            min_peers=min_peers,
            ratio_cap=cap,
            ratio_floor=floor,
            low=low,
            high=high,
        )

    def adjustments(self, raw: Any, path: Path, group_ids: list[str]) -> list[Adjustment]:
        items = []
        for index, item in enumerate(self.tables(raw, path)):
            here = (*path, index)
            data = self.table(
                item,
                here,
                allowed=("key", "label_zh", "label_en", "when", "points", "groups"),
                required=("key", "label_zh", "when", "points"),
            )
            label_zh = self.text(data, "label_zh", here)
            adjustment = Adjustment(
                key=self.identifier(data, "key", here),
                label_zh=label_zh,
                label_en=self.text(data, "label_en", here, default=label_zh),
                when=self.formula(data, "when", here, kind=BOOLEAN),
                points=self.number(data, "points", here, positive=True),
                groups=self.group_refs(data, here, group_ids),
            )
            items.append(adjustment)
        return items

    def vetoes(self, raw: Any, path: Path, group_ids: list[str], grades: tuple[str, ...]) -> list[Veto]:
        items = []
        for index, item in enumerate(self.tables(raw, path)):
            here = (*path, index)
            data = self.table(
                item,
                here,
                allowed=("key", "label_zh", "label_en", "when", "grade", "groups"),
                required=("key", "label_zh", "when", "grade"),
            )
            grade = self.text(data, "grade", here)
            if grade and grades and grade not in grades:
                self.problem(
                    (*here, "grade"),
                    f"未知等级 {grade}（等级为 {'、'.join(grades)}）",
                    f"unknown grade {grade} (grades are {', '.join(grades)})",
                )
            label_zh = self.text(data, "label_zh", here)
            items.append(
                Veto(
                    key=self.identifier(data, "key", here),
                    label_zh=label_zh,
                    label_en=self.text(data, "label_en", here, default=label_zh),
                    when=self.formula(data, "when", here, kind=BOOLEAN),
                    grade=grade,
                    groups=self.group_refs(data, here, group_ids),
                )
            )
        keys = [v.key for v in items]
        for index, key in enumerate(keys):
            if key in keys[:index]:
                self.problem((*path, index, "key"), f"键 {key} 重复", f"key {key} appears twice")
        return items

    def group_refs(self, data: dict, path: Path, group_ids: list[str]) -> tuple[str, ...]:
        refs = self.strings(data, "groups", path)
        for index, ref in enumerate(refs):
            if ref not in group_ids:
                self.problem((*path, "groups", index), f"未知分组 {ref}", f"unknown group {ref}")
        return refs

    def grading(self, raw: Any, path: Path) -> Grading | None:
        data = self.table(raw, path, allowed=("mode", "grades", "quota", "thresholds"), required=("mode",))
        count = len(self.problems)
        mode = self.choice(data, "mode", path, GRADING_MODES)
        grades = self.strings(data, "grades", path) if "grades" in data else ("A", "B", "C", "D")
        if len(grades) < 2 or len(set(grades)) != len(grades) or not all(g.strip() for g in grades):
            self.problem((*path, "grades"), "至少两个互不相同的等级", "at least two distinct grades are needed")
        quota: list[tuple[str, float]] = []
        thresholds: list[tuple[str, float]] = []
        if mode == "quota":
            if "thresholds" in data:
                self.problem(
                    (*path, "thresholds"), "按配额分档时不用 thresholds", "thresholds do not apply to quota mode"
                )
            table = self.table(data.get("quota"), (*path, "quota"), allowed=grades, required=grades)
            for grade in grades:
                share = self.number(table, grade, (*path, "quota"), at_least=0.0)
                if share is not None:
                    if abs(share * 100 - round(share * 100)) > 1e-9:
                        self.problem(
                            (*path, "quota", grade), "配额百分比最多两位小数", "a quota percent has at most 2 decimals"
                        )
                    quota.append((grade, share))
            if len(quota) == len(grades):
                share_sum = math.fsum(s for _, s in quota)
                if abs(share_sum - 100) > 1e-9:
                    self.problem(
                        (*path, "quota"),
                        f"各等级配额之和为 {share_sum:g}%，应为 100%",
                        f"the grade quotas sum to {share_sum:g}%, not 100%",
                    )
        elif mode == "thresholds":
            if "quota" in data:
                self.problem((*path, "quota"), "按分数线分档时不用 quota", "quota does not apply to thresholds mode")
            # The last grade is allowed here only to be refused below with a clearer reason.
            table = self.table(data.get("thresholds"), (*path, "thresholds"), allowed=grades, required=grades[:-1])
            if grades and grades[-1] in table:
                self.problem(
                    (*path, "thresholds", grades[-1]),
                    f"最后一个等级 {grades[-1]} 不设分数线：低于上一等级分数线的都归入此等级",
                    f"the last grade {grades[-1]} takes no threshold: it takes everyone below the one before",
                )
            for grade in grades[:-1]:
                minimum = self.number(table, grade, (*path, "thresholds"))
                if minimum is not None:
                    thresholds.append((grade, minimum))
            for (upper, high), (lower, low) in itertools.pairwise(thresholds):
                if low >= high:
                    self.problem(
                        (*path, "thresholds", lower),
                        f"{lower} 的分数线 {low:g} 应低于 {upper} 的 {high:g}",
                        f"the threshold of {lower} ({low:g}) must be below that of {upper} ({high:g})",
                    )
        if len(self.problems) > count:
            return Grading(mode or "quota", grades)
        return Grading(mode=mode, grades=grades, quota=tuple(quota), thresholds=tuple(thresholds))

    def policies(
        self, raw: Any, path: Path, grades: tuple[str, ...], not_graded: NotGraded
    ) -> tuple[tuple[str, tuple[Policy, ...]], ...]:
        allowed = (*grades, not_graded.grade)
        if not isinstance(raw, dict):
            self.problem(path, "应为表：等级 → 政策数组", "should be a table: grade → array of policies")
            return ()
        result = []
        for grade, items in raw.items():
            if grade not in allowed:
                self.problem(
                    (*path, grade),
                    f"未知等级 {grade}（可用：{'、'.join(allowed)}）",
                    f"unknown grade {grade} (allowed: {', '.join(allowed)})",
                )
                continue
            policies = []
            for index, item in enumerate(self.tables(items, (*path, grade))):
                here = (*path, grade, index)
                data = self.table(
                    item, here, allowed=("kind", "label_zh", "label_en", "value", "unit"), required=("kind", "label_zh")
                )
                value = data.get("value")
                if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                    self.problem((*here, "value"), "应为数字", "should be a number")
                    value = None
                label_zh = self.text(data, "label_zh", here)
                policies.append(
                    Policy(
                        kind=self.identifier(data, "kind", here),
                        label_zh=label_zh,
                        label_en=self.text(data, "label_en", here, default=label_zh),
                        value=None if value is None else float(value),
                        unit=self.text(data, "unit", here, default=""),
                    )
                )
            result.append((grade, tuple(policies)))
        order = {grade: index for index, grade in enumerate(allowed)}
        return tuple(sorted(result, key=lambda item: order.get(item[0], len(order))))


# ---------------------------------------------------------------------------------------------------
# Entry points


def parse_method(text: str, *, format: str = "toml", origin: str = "") -> Method:
    """Parse and validate a method from its text ("toml" or "yaml"); raises MethodError."""
    if format == "toml":
        data = read_toml(text, origin=origin)
        locations = locate_toml(text)
    elif format == "yaml":
        try:
            import yaml
        except ImportError:
            raise MethodError(
                [MethodProblem("", "未安装 PyYAML，无法读取 YAML；请改用 TOML", "PyYAML is not installed: use TOML")],
                origin=origin,
            ) from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark else None
            column = mark.column + 1 if mark else None
            reason = getattr(error, "problem", None) or str(error)
            raise MethodError(
                [MethodProblem("", f"YAML 语法错误：{reason}", f"YAML syntax error: {reason}", line, column)],
                origin=origin,
            ) from None
        locations = locate_yaml(text)
    else:
        raise MethodError(
            [MethodProblem("", f"未知格式 {format}（toml 或 yaml）", f"unknown format {format} (toml or yaml)")]
        )
    reader = _Reader(locations)
    method = reader.method(data if isinstance(data, dict) else {}, text=text, format=format, origin=origin)
    if not isinstance(data, dict):
        reader.problems.insert(0, MethodProblem("", "文件应为键值表", "the file should be a table of keys"))
    if reader.problems or method is None:
        raise MethodError(sorted(reader.problems, key=lambda p: (p.line or 0, p.column or 0)), origin=origin)
    return method


def load_method(path: str | FilePath) -> Method:
    """Load a method file; the format follows the suffix (.toml, .yaml, .yml)."""
    path = FilePath(path)
    format = "yaml" if path.suffix.lower() in (".yaml", ".yml") else "toml"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MethodError(
            [MethodProblem("", f"无法读取文件：{error}", f"cannot read the file: {error}")], origin=path.name
        ) from None
    return parse_method(text, format=format, origin=path.name)


def preset_names() -> list[str]:
    """The shipped presets, by name (the file name without .toml)."""
    return preset_names_in("yuanqu.analytics.mujun")


def preset_text(name: str) -> str:
    """The text of a shipped preset, exactly as shipped."""
    return preset_text_in("yuanqu.analytics.mujun", name)


def load_preset(name: str) -> Method:
    """A shipped preset, e.g. ``load_preset("huangyan-2022")``."""
    name = name.removesuffix(".toml")
    return parse_method(preset_text(name), origin=f"{name}.toml")
