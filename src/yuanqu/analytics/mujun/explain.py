"""Explanations of every score, in Chinese and English, built as Polars string expressions.

One line per part, e.g.::

    规上企业
    亩均税收 12.30 万元/亩，基准 24.097，得分 15.32 / 30
    单位排放增加值：缺少主要污染物排放量（emissions），取组内平均得分 7.12 / 10
    加分：高新技术企业 +3
    合计 81.05（指标 78.05 + 加分 3.00），组内第 12 名 / 共 340 家，评为 B 类
    政策：城镇土地使用税部分减免

Display rounding (text only; the frame keeps full precision): values to the indicator's ``decimals``
(default 2), scores and totals to 2 decimals, benchmarks to at most 6 decimals without trailing
zeros; all half away from zero (四舍五入).

The engine hands over one group at a time, its rows sorted by status, so each status is a contiguous
slice and gets only the text it needs; whatever is the same for a whole slice (a fixed benchmark, the
group's size) is written once as plain text rather than computed per row.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from yuanqu.analytics.industry import DIVISIONS
from yuanqu.analytics.mujun import columns as col
from yuanqu.analytics.mujun.method import Group, Indicator, Method

SCORE_DECIMALS = 2
BENCHMARK_DECIMALS = 6
LANGUAGES = ("zh", "en")
TEXT_COLUMNS = ("reason_zh", "reason_en", "explanation_zh", "explanation_en")


# ---------------------------------------------------------------------------------------------------
# Numbers as text


def fixed(expr: pl.Expr, decimals: int) -> pl.Expr:
    """A number with exactly ``decimals`` decimals, rounded half away from zero: 12.3 → "12.30"."""
    rounded = expr.round(decimals, mode="half_away_from_zero")
    return rounded.cast(pl.Decimal(38, decimals)).cast(pl.String)


def benchmark_text(value: float | None) -> str:
    """A benchmark as published: up to 6 decimals, no trailing zeros: 24.097, 0.0302, 30."""
    if value is None:
        return "—"
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-BENCHMARK_DECIMALS), rounding=ROUND_HALF_UP)
    text = format(rounded.normalize(), "f")
    return "0" if text == "-0" else text


def fixed_text(value: float | None, decimals: int) -> str:
    if value is None:
        return "—"
    return format(Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP), "f")


def number(value: float) -> str:
    """A constant from the method (weight, points, multiplier) as people write it: 30, 0.5, 1.5."""
    return f"{value:g}"


def _unit(unit: str) -> str:
    return f" {unit}" if unit else ""


def _join(pieces: list[str | pl.Expr]) -> pl.Expr:
    """Concatenate text and expressions, merging neighbouring plain text into one literal."""
    merged: list[pl.Expr] = []
    pending = ""
    for piece in pieces:
        if isinstance(piece, str):
            pending += piece
            continue
        if pending:
            merged.append(pl.lit(pending))
            pending = ""
        merged.append(piece)
    if pending or not merged:
        merged.append(pl.lit(pending))
    if len(merged) == 1:
        return merged[0]
    # pl.format writes its literal parts without broadcasting them to columns first: about a third
    # faster than concat_str on 100,000 explanations. Its template cannot hold a literal brace.
    if not any("{" in piece or "}" in piece for piece in _literals(pieces)):
        template, values = "", []
        pending = ""
        for piece in pieces:
            if isinstance(piece, str):
                pending += piece
            else:
                template += pending + "{}"
                values.append(piece)
                pending = ""
        return pl.format(template + pending, *values)
    return pl.concat_str(merged)


def _literals(pieces: list[str | pl.Expr]) -> list[str]:
    return [piece for piece in pieces if isinstance(piece, str)]


def _slices(block: pl.DataFrame, column: str, values) -> list[tuple[object, pl.DataFrame]]:
    """The contiguous runs of a sorted column, as zero-copy slices."""
    series = block[column]
    found = []
    for value in values:
        start, end = series.search_sorted(value, side="left"), series.search_sorted(value, side="right")
        if end > start:
            found.append((value, block.slice(start, end - start)))
    return found


# ---------------------------------------------------------------------------------------------------
# Reasons


def _division_names(language: str) -> pl.Expr:
    position = 0 if language == "zh" else 1
    return pl.col("industry_division").replace_strict(
        list(DIVISIONS), [names[position] for names in DIVISIONS.values()], default="", return_dtype=pl.String
    )


def _not_graded_reason(part: pl.DataFrame, group: Group, method: Method, language: str) -> pl.Expr:
    minimum = number(method.not_graded.min_production_years or 0)
    division = pl.col("industry_division") if "industry_division" in part.columns else pl.lit("—")
    texts = {
        "zh": {
            "group": lambda: pl.lit(f"{group.label_zh}不参与分档"),
            "utility": lambda: pl.concat_str(
                [pl.lit("公用事业（行业大类 "), division, pl.lit(" "), _division_names("zh"), pl.lit("）不参与分档")]
            ),
            "division": lambda: pl.concat_str(
                [pl.lit("行业大类 "), division, pl.lit(" "), _division_names("zh"), pl.lit(" 不参与分档")]
            ),
            "young": lambda: pl.concat_str(
                [pl.lit(f"投产不满 {minimum} 年（"), fixed(pl.col("production_years"), 1), pl.lit(" 年），不参与分档")]
            ),
        },
        "en": {
            "group": lambda: pl.lit(f"{group.label_en}: not graded"),
            "utility": lambda: pl.concat_str(
                [pl.lit("utility (division "), division, pl.lit(" "), _division_names("en"), pl.lit("): not graded")]
            ),
            "division": lambda: pl.concat_str(
                [pl.lit("division "), division, pl.lit(" "), _division_names("en"), pl.lit(": not graded")]
            ),
            "young": lambda: (
                pl.concat_str(
                    [
                        pl.lit(f"in production for less than {minimum} years ("),
                        fixed(pl.col("production_years"), 1),
                        pl.lit(")"),
                    ]
                )
                + pl.lit(": not graded")
            ),
        },
    }[language]
    codes = sorted(part[col.NOT_GRADED_REASON].unique().to_list())
    reason = pl.col(col.NOT_GRADED_REASON)
    return _when_chain([(reason == code, texts[code]()) for code in codes])


def _issue_text(part: pl.DataFrame, indicator: Indicator, language: str) -> pl.Expr:
    checks = indicator.formula.checks()
    issue = pl.col(col.issue(indicator.key))
    texts = [c.reason_zh if language == "zh" else c.reason_en for c in checks]
    return issue.replace_strict([c.code for c in checks], texts, default=issue, return_dtype=pl.String)


def _excluded_reason(part: pl.DataFrame, group: Group, language: str) -> pl.Expr:
    pairs = []
    for indicator in group.indicators:
        if indicator.on_missing != "exclude":
            continue
        label = indicator.label_zh if language == "zh" else indicator.label_en
        tail = "，不予评价" if language == "zh" else "; not evaluated"
        head = f"{label}：" if language == "zh" else f"{label}: "
        text = pl.concat_str([pl.lit(head), _issue_text(part, indicator, language), pl.lit(tail)])
        pairs.append((pl.col(col.EXCLUDED_BY) == indicator.key, text))
    return _when_chain(pairs)


# ---------------------------------------------------------------------------------------------------
# Indicator lines


def _middle(indicator: Indicator, found, language: str) -> str | pl.Expr:
    """The text between the value and the score: "，基准 24.097（组内均值 × 2），得分 "."""
    spec, key = indicator.benchmark, indicator.key
    zh = language == "zh"
    times = f" × {number(spec.multiplier)}" if spec.multiplier != 1 else ""
    if spec.kind == "minmax":
        low, high = found.minmax[key]
        span = f"{fixed_text(low, indicator.decimals)}–{fixed_text(high, indicator.decimals)}"
        return f"，组内区间 {span}，得分 " if zh else f", group range {span}, score "

    def text(value: float | None, basis_zh: str, basis_en: str) -> str:
        if value is None or value <= 0:
            return f"，无可用基准{basis_zh}，得分 " if zh else f", no usable benchmark{basis_en}, score "
        basis = basis_zh if zh else basis_en
        return (
            f"，基准 {benchmark_text(value)}{basis}，得分 "
            if zh
            else f", benchmark {benchmark_text(value)}{basis}, score "
        )

    if spec.kind == "fixed":
        basis_zh = f"（{number(spec.value)}{times}）" if times else ""
        basis_en = f" ({number(spec.value)}{times})" if times else ""
        return text(found.scalar[key], basis_zh, basis_en)
    if spec.kind == "group_mean":
        return text(found.scalar[key], f"（组内均值{times}）", f" (group mean{times})")
    if spec.kind == "previous_year_mean":
        return text(found.scalar[key], f"（上年组内均值{times}）", f" (previous year's group mean{times})")
    # industry_mean: one text per division, looked up per row
    fallbacks = found.fallback_divisions[key]
    by_division = {}
    for division, value in found.by_division[key].items():
        if division in fallbacks:
            basis_zh = f"（行业 {division} 参评企业不足 {spec.min_peers} 家，取组内均值{times}）"
            basis_en = f" (fewer than {spec.min_peers} graded peers in division {division}: group mean{times})"
        else:
            basis_zh, basis_en = f"（行业 {division} 均值{times}）", f" (mean of division {division}{times})"
        by_division[division] = text(value, basis_zh, basis_en)
    fallback = text(
        found.scalar[key], f"（无行业代码，取组内均值{times}）", f" (no industry division: group mean{times})"
    )
    return pl.col("industry_division").replace_strict(
        list(by_division), list(by_division.values()), default=pl.lit(fallback), return_dtype=pl.String
    )


FAR_ABOVE = 2.0
"""A value more than this many times its benchmark, under a method without a ratio cap, is explained."""


def _indicator_pieces(part: pl.DataFrame, indicator: Indicator, found, language: str) -> list[str | pl.Expr]:
    key, spec = indicator.key, indicator.benchmark
    zh = language == "zh"
    label = indicator.label_zh if zh else indicator.label_en
    unit = _unit(indicator.unit if zh else indicator.unit_en)
    weight = f" / {number(indicator.weight)}"
    value_text, score_text = pl.col(f"_vt_{key}"), pl.col(f"_st_{key}")
    valid: list[str | pl.Expr] = [
        f"{label} ",
        value_text,
        unit,
        _middle(indicator, found, language),
        score_text,
        weight,
    ]
    raw, ratio = pl.col(col.raw_ratio(key)), pl.col(col.ratio(key))
    if spec.kind != "minmax" and (spec.ratio_cap is not None or spec.ratio_floor is not None):
        capped = part.select(((raw > ratio) | (raw < ratio)).any()).item()
        if capped:
            cap = number(spec.ratio_cap or 0)
            floor = number(spec.ratio_floor or 0)
            valid.append(
                pl.when(raw > ratio)
                .then(pl.lit(f"，比值封顶 {cap}" if zh else f", ratio capped at {cap}"))
                .when(raw < ratio)
                .then(pl.lit(f"，比值保底 {floor}" if zh else f", ratio raised to the floor {floor}"))
                .otherwise(pl.lit(""))
            )
    if spec.kind != "minmax" and spec.ratio_cap is None:
        # A score far above the indicator's weight reads as an error unless the reader learns why.
        far = number(FAR_ABOVE)
        valid.append(
            pl.when(ratio > FAR_ABOVE)
            .then(
                pl.lit(
                    f"（高于基准 {far} 倍以上；本方法未设比值上限，得分可超过权重）"
                    if zh
                    else f" (over {far} times the benchmark; the method sets no ratio cap, so the score may exceed the weight)"
                )
            )
            .otherwise(pl.lit(""))
        )
    issues = part[col.issue(key)]
    if issues.null_count() == issues.len():
        return valid
    issue = _issue_text(part, indicator, language)
    head = f"{label}：" if zh else f"{label}: "
    if indicator.on_missing == "zero":
        missing = [head, issue, f"，得分 0.00{weight}" if zh else f"; score 0.00{weight}"]
    elif indicator.on_missing == "group_mean_score":
        missing = [head, issue, "，取组内平均得分 " if zh else "; scored the group's average ", score_text, weight]
    else:
        missing = [head, issue, "，不予评价" if zh else "; not evaluated"]
    return [pl.when(pl.col(col.issue(key)).is_null()).then(_join(valid)).otherwise(_join(missing))]


def _adjustment_line(part: pl.DataFrame, method: Method, language: str) -> list[str | pl.Expr]:
    """ "\n加分：高新技术企业 +3；一票否决：… → D 类" where any applies in this slice.

    Which adjustments apply is encoded as a bitmask, and only the combinations that occur get a text:
    cheap, because most enterprises have none.
    """
    zh = language == "zh"
    flags = [(f"_a_{a.key}", a, "addition") for a in method.additions]
    flags += [(f"_a_{d.key}", d, "deduction") for d in method.deductions]
    flags += [(f"_v_{v.key}", v, "veto") for v in method.vetoes]
    flags = [flag for flag in flags if flag[0] in part.columns]
    if not flags:
        return []
    code = pl.lit(0, dtype=pl.Int64)
    for bit, (name, _, _) in enumerate(flags):
        code = code + pl.col(name).cast(pl.Int64) * (1 << bit)
    occurring = [c for c in part.select(code.unique().alias("code"))["code"].to_list() if c]
    if not occurring:
        return []
    texts = {}
    for value in occurring:
        applied = [(item, kind) for bit, (_, item, kind) in enumerate(flags) if value & (1 << bit)]
        sections = []
        for kind, title_zh, title_en, sign in (
            ("addition", "加分", "Additions", "+"),
            ("deduction", "扣分", "Deductions", "−"),
        ):
            names = [
                f"{item.label_zh if zh else item.label_en} {sign}{number(item.points)}"
                for item, k in applied
                if k == kind
            ]
            if names:
                sections.append((f"{title_zh}：" if zh else f"{title_en}: ") + ("、" if zh else ", ").join(names))
        vetoes = [
            f"{item.label_zh} → {item.grade} 类" if zh else f"{item.label_en} → grade {item.grade}"
            for item, k in applied
            if k == "veto"
        ]
        if vetoes:
            sections.append(("一票否决：" if zh else "Veto: ") + ("、" if zh else ", ").join(vetoes))
        texts[value] = "\n" + ("；" if zh else "; ").join(sections)
    return [code.replace_strict(list(texts), list(texts.values()), default="", return_dtype=pl.String)]


def _grade_and_policies(method: Method, language: str) -> pl.Expr:
    """ "B 类\n政策：…" for a graded row: the grade and the policies it earns, in one lookup."""
    zh = language == "zh"
    texts = {
        grade: (f"{grade} 类" if zh else grade) + _policies_text(method, grade, language)
        for grade in method.grading.grades
    }
    return pl.col("grade").replace_strict(list(texts), list(texts.values()), default="", return_dtype=pl.String)


def _policies_text(method: Method, grade: str, language: str) -> str:
    zh = language == "zh"
    policies = method.policies_for(grade)
    if not policies:
        return ""
    items = [_policy_text(p.label_zh if zh else p.label_en, p.value, p.unit) for p in policies]
    return ("\n政策：" + "；".join(items)) if zh else ("\nPolicies: " + "; ".join(items))


def _policy_text(label: str, value: float | None, unit: str) -> str:
    if value is None:
        return label
    sign = "+" if value > 0 else ""
    return f"{label} {sign}{number(value)}{_unit(unit)}"


# ---------------------------------------------------------------------------------------------------
# Whole explanations


def _has_points(part: pl.DataFrame) -> bool:
    return part.select(((pl.col("additions") > 0) | (pl.col("deductions") > 0)).any()).item()


def _number_texts(part: pl.DataFrame, group: Group) -> pl.DataFrame:
    """The numbers every explanation shows, as text, computed once for both languages."""
    subtotal = [fixed(pl.col("subtotal"), SCORE_DECIMALS).fill_null("—").alias("_sub")] if _has_points(part) else []
    return part.with_columns(
        *[fixed(pl.col(col.value(i.key)), i.decimals).alias(f"_vt_{i.key}") for i in group.indicators],
        *[fixed(pl.col(col.score(i.key)), SCORE_DECIMALS).alias(f"_st_{i.key}") for i in group.indicators],
        fixed(pl.col("total"), SCORE_DECIMALS).fill_null("—").alias("_tt"),
        *subtotal,
        pl.col("rank").cast(pl.String).alias("_rk"),
    )


def _extra(part: pl.DataFrame, language: str) -> list[str | pl.Expr]:
    """ " + 加分 3.00 − 扣分 5.00" after the indicator subtotal, where any applies in this slice."""
    zh = language == "zh"
    plus = pl.when(pl.col("additions") > 0).then(
        pl.concat_str([pl.lit(" + 加分 " if zh else " + additions "), fixed(pl.col("additions"), SCORE_DECIMALS)])
    )
    minus = pl.when(pl.col("deductions") > 0).then(
        pl.concat_str([pl.lit(" − 扣分 " if zh else " − deductions "), fixed(pl.col("deductions"), SCORE_DECIMALS)])
    )
    return [pl.concat_str([plus, minus], ignore_nulls=True)]


def _explanation(part: pl.DataFrame, group: Group, method: Method, found, status: str, language: str) -> pl.Expr:
    zh = language == "zh"
    pieces: list[str | pl.Expr] = [group.label_zh if zh else group.label_en]
    if status == col.EXCLUDED:
        pieces += ["\n", pl.col(f"reason_{language}")]
        return _join(pieces)
    for indicator in group.indicators:
        pieces += ["\n", *_indicator_pieces(part, indicator, found, language)]
    pieces += _adjustment_line(part, method, language)
    if status == col.GRADED:
        size = part.height  # every graded enterprise of the group is in this slice
        # The indicator subtotal is shown only where points were added or deducted in this slice.
        points = "_sub" in part.columns
        if zh:
            pieces += ["\n合计 ", pl.col("_tt")]
            pieces += ["（指标 ", pl.col("_sub"), *_extra(part, language), "）"] if points else []
            pieces += ["，组内第 ", pl.col("_rk"), f" 名 / 共 {size} 家，评为 ", _grade_and_policies(method, language)]
        else:
            pieces += ["\nTotal ", pl.col("_tt")]
            pieces += [" (indicators ", pl.col("_sub"), *_extra(part, language), ")"] if points else []
            pieces += [
                ", rank ",
                pl.col("_rk"),
                f" of {size} in the group, grade ",
                _grade_and_policies(method, language),
            ]
    else:
        label = method.not_graded.grade
        pieces += ["\n", pl.col(f"reason_{language}")]
        pieces += (
            [f"，列为 {label} 类；合计 ", pl.col("_tt"), " 仅供参考"]
            if zh
            else [f"; class {label}; total ", pl.col("_tt"), " for reference only"]
        )
        pieces += [_policies_text(method, label, language)]
    return _join(pieces)


def explain_group(block: pl.DataFrame, group: Group, method: Method, found, *, explain: bool) -> pl.DataFrame:
    """Add reason_zh/en (and explanation_zh/en) to one group's block, sorted by status by the engine."""
    none = pl.lit(None, dtype=pl.String)
    names = TEXT_COLUMNS if explain else TEXT_COLUMNS[:2]
    parts = []
    # "_s" is the engine's status order: the index of the status in col.STATUSES.
    for index, part in _slices(block, "_s", range(len(col.STATUSES))):
        status = col.STATUSES[index]
        if status == col.GRADED:
            part = part.with_columns(none.alias("reason_zh"), none.alias("reason_en"))
        elif status == col.NOT_GRADED:
            part = part.with_columns(
                *[_not_graded_reason(part, group, method, lang).alias(f"reason_{lang}") for lang in LANGUAGES]
            )
        else:
            part = part.with_columns(
                *[_excluded_reason(part, group, lang).alias(f"reason_{lang}") for lang in LANGUAGES]
            )
        if explain and status == col.EXCLUDED:
            part = part.with_columns(
                _explanation(part, group, method, found, status, lang).alias(f"explanation_{lang}")
                for lang in LANGUAGES
            )
        elif explain:
            part = _number_texts(part, group)
            part = part.with_columns(
                *[
                    _explanation(part, group, method, found, status, lang).alias(f"explanation_{lang}")
                    for lang in LANGUAGES
                ]
            )
        parts.append(part)
    if not parts:
        return block.with_columns(*[none.alias(name) for name in names])
    return pl.concat(parts, how="diagonal_relaxed", rechunk=False)


def explain_out_of_scope(block: pl.DataFrame, *, explain: bool) -> pl.DataFrame:
    texts = {
        "reason_zh": "不属于本方法任何分组的评价范围",
        "reason_en": "outside the scope of every group of this method",
    }
    if explain:
        texts |= {"explanation_zh": texts["reason_zh"], "explanation_en": texts["reason_en"]}
    return block.with_columns(
        *[pl.lit(text, dtype=pl.String).alias(name) for name, text in texts.items()],
        pl.lit(col.OUT_OF_SCOPE).alias("status"),
    )


def _when_chain(pairs: list[tuple[pl.Expr, pl.Expr]]) -> pl.Expr:
    if not pairs:
        return pl.lit(None, dtype=pl.String)
    condition, value = pairs[0]
    chain = pl.when(condition).then(value)
    for condition, value in pairs[1:]:
        chain = chain.when(condition).then(value)
    return chain.otherwise(pl.lit(None, dtype=pl.String))
