"""Rank zones under a zone-evaluation method: values, scores, category scores, totals, ranks within groups, rank
changes, vetoes, missing figures, deductions, warnings and the rank's stability.

``rank_zones(figures, method, year=…)`` is a plain function over a Polars frame, with no I/O and no global state.
Every year in ``figures`` is ranked in one vectorised pass (rank changes and warnings need the earlier years); the
rules, in order (FORMAT.md explains them for the people who write methods):

1. Each zone-year joins its group: its ``level`` (national, provincial, other), or ``all`` for one list.
2. A zone-year with a veto figure above the veto's threshold is ``vetoed``: no scores, total or rank, and no part
   in the group's best values, which are therefore taken without it. It is listed with the reason.
3. An indicator's value is its figure, or numerator ÷ denominator × scale (none when the denominator is missing or
   ≤ 0). A value is usable when present and, for ratio to the best, above zero; a usable value beyond the
   indicator's ``cap`` counts as the cap.
4. The group's lowest and highest usable value in the year, over the zones that are not vetoed.
5. Score 0–100. ratio_to_best: 100 × x ÷ highest (higher is better), 100 × lowest ÷ x (lower is better).
   minmax: 100 × (x − lowest) ÷ (highest − lowest), reversed for lower is better. efficacy: 60 + 40 × the same
   fraction. When highest = lowest, min–max and efficacy score 100. A value that is not usable scores 0, and the
   zone's ``missing`` names the indicator with the reason, in Chinese and English.
6. Category score = Σ share × score; points = Σ category weight × category score ÷ 100; deductions are taken
   off, and the total is rounded to 6 decimals (half away from zero).
7. Rank within the group and year by the total rounded to 2 decimals, highest first, competition ranking
   (1, 2, 2, 4): totals equal to 0.01 share a rank. External peers are ranked alongside and marked.
8. The previous rank is the zone's rank in the year before, by the same method on that year's figures (or, for a
   year the figures do not cover, from ``history``); the change is previous − current (+2: up two places), given
   only when the zone was in the same group both years.
9. Warnings: a platform zone (not an external peer) of a rule's levels whose rank is in the last ``last`` places
   of its group (rank > ranked zones − last; ties take the better place) in at least ``times`` of the last
   ``years`` years, this year included, takes the first such rule's label. A ranked year counts only when the
   group has at least ``min_group_size`` ranked zones (default last + 1: in a group of three, "the last five"
   would be everyone); with ``vetoed_counts`` a vetoed year counts whatever the group's size.

The expressions that compute a score and a total are module functions, so ``explain`` re-evaluates a what-if with
exactly the engine's arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from yuanqu.analytics.mujun.engine import EngineError
from yuanqu.analytics.zone_figures import BY_KEY
from yuanqu.analytics.zoneranking.method import LEVELS, Category, Indicator, Method
from yuanqu.analytics.zoneranking.stability import rank_intervals

TOTAL_DECIMALS = 6
RANK_DECIMALS = 2
RANKED = "ranked"
VETOED = "vetoed"
PASS_THROUGH = ("zone_key", "name")
GROUP_ORDER = (*LEVELS, "all")
ISSUES = {
    # code: (Chinese, English) — the reason an indicator scored 0, with {indicator} and {figure} filled in.
    "missing_figure": ("{indicator}：未上报{figure}，得 0 分", "{indicator}: {figure} not reported, scores 0"),
    "missing_numerator": ("{indicator}：未上报{figure}，得 0 分", "{indicator}: {figure} not reported, scores 0"),
    "missing_denominator": ("{indicator}：未上报{figure}，得 0 分", "{indicator}: {figure} not reported, scores 0"),
    "zero_denominator": (
        "{indicator}：{figure}为 0 或负数，无法计算，得 0 分",
        "{indicator}: {figure} is zero or negative, no value, scores 0",
    ),
    "not_positive": ("{indicator}不大于 0，得 0 分", "{indicator} is zero or negative, scores 0"),
}


@dataclass(frozen=True, eq=False)
class Ranking:
    """The result of ``rank_zones``.

    ``zones``: one row per zone of ``year`` (what the app stores), ordered by group, rank and zone id;
    ``years``: the same columns for every year in the figures but the stability interval (the earlier years
    feed rank changes, warnings and ``explain.why_rank_changed``);
    ``bests``: per year, group and indicator, the lowest and highest usable value among the zones not vetoed
    (``low``, ``high``) and how many zones have one (``count``);
    ``figures``: the input as prepared (figures as floats), for what-if re-evaluation.
    """

    method: Method
    year: int
    zones: pl.DataFrame
    years: pl.DataFrame
    bests: pl.DataFrame
    figures: pl.DataFrame

    def zone(self, zone_id, *, year: int | None = None) -> dict:
        """One zone's row of ``year`` (default the ranking's year) as a dict; KeyError if absent."""
        frame = self.zones if year in (None, self.year) else self.years.filter(pl.col("year") == year)
        rows = frame.filter(pl.col("zone_id") == zone_id).to_dicts()
        if not rows:
            raise KeyError(zone_id)
        return rows[0]


# ---------------------------------------------------------------------------------------------------
# Expressions shared with the explanations


def value_expr(indicator: Indicator) -> pl.Expr:
    """The indicator's value from the figures: null when a figure is missing or the denominator ≤ 0."""
    if indicator.figure is not None:
        return pl.col(indicator.figure)
    numerator, denominator = pl.col(indicator.numerator), pl.col(indicator.denominator)
    return pl.when(denominator > 0).then(numerator / denominator * indicator.scale)


def usable_expr(indicator: Indicator, value: pl.Expr) -> pl.Expr:
    """Whether a value takes part: present and, for ratio to the best, above zero (never null)."""
    if indicator.normalisation == "ratio_to_best":
        return (value > 0).fill_null(False)
    return value.is_not_null()


def capped_expr(indicator: Indicator, value: pl.Expr) -> pl.Expr:
    """The value that counts: beyond the cap (in the good direction) it counts as the cap."""
    if indicator.cap is None:
        return value
    cap = pl.lit(indicator.cap)
    if indicator.direction == "higher":
        return pl.when(value > cap).then(cap).otherwise(value)
    return pl.when(value < cap).then(cap).otherwise(value)


def normalised_expr(indicator: Indicator, x: pl.Expr, low: pl.Expr, high: pl.Expr) -> pl.Expr:
    """The score 0–100 of a usable (capped) value ``x`` against the group's ``low`` and ``high``."""
    higher = indicator.direction == "higher"
    if indicator.normalisation == "ratio_to_best":
        return x * 100.0 / high if higher else low * 100.0 / x
    gained = (x - low) if higher else (high - x)
    if indicator.normalisation == "minmax":
        fraction = gained * 100.0 / (high - low)
        return pl.when(high > low).then(fraction).otherwise(pl.lit(100.0))
    return pl.when(high > low).then(60.0 + gained * 40.0 / (high - low)).otherwise(pl.lit(100.0))


def score_expr(indicator: Indicator, *, value: pl.Expr, low: pl.Expr, high: pl.Expr) -> pl.Expr:
    """The indicator's score from its raw value and the group's low/high: 0 when the value is not usable."""
    x = capped_expr(indicator, value)
    return pl.when(usable_expr(indicator, value)).then(normalised_expr(indicator, x, low, high)).otherwise(0.0)


def _sum(terms: list[pl.Expr]) -> pl.Expr:
    """Left to right, so that the explanations add in the same order."""
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def category_expr(category: Category) -> pl.Expr:
    """Σ share × indicator score, from the ``<indicator>_score`` columns."""
    return _sum([pl.col(f"{i.key}_score") * float(i.share) for i in category.indicators])


def points_expr(method: Method) -> pl.Expr:
    """Σ category weight × category score ÷ 100, from the ``<category>_score`` columns."""
    return _sum([pl.col(f"{c.key}_score") * float(c.weight) for c in method.categories]) / 100.0


def total_expr() -> pl.Expr:
    """Points less deductions, rounded to 6 decimals."""
    return (pl.col("points") - pl.col("deductions")).round(TOTAL_DECIMALS, mode="half_away_from_zero")


def rank_key_expr(total: pl.Expr) -> pl.Expr:
    """What ranks compare: the total to 0.01."""
    return total.round(RANK_DECIMALS, mode="half_away_from_zero")


def indicator_points_expr(method: Method, indicator: Indicator) -> pl.Expr:
    """The indicator's part of the points: category weight × share × score ÷ 100."""
    return pl.col(f"{indicator.key}_score") * method.weight_of(indicator.key) / 100.0


# ---------------------------------------------------------------------------------------------------
# Input


def required_columns(method: Method) -> tuple[str, ...]:
    """The input columns ``rank_zones`` needs for this method (``zone_key``, ``name``, ``external`` are optional)."""
    return ("zone_id", "level", "year", *method.figures)


def prepare(figures: pl.DataFrame, method: Method) -> pl.DataFrame:
    """The input checked and typed: figures as Float64 (NaN read as missing), year as Int64, ``external`` as
    Boolean (default false)."""
    missing = [name for name in required_columns(method) if name not in figures.columns]
    if missing:
        raise EngineError(f"缺少列：{'、'.join(missing)}", f"missing columns: {', '.join(missing)}")
    keep = [name for name in (*required_columns(method), *PASS_THROUGH, "external") if name in figures.columns]
    try:
        frame = figures.select(keep).with_columns(
            pl.col("year").cast(pl.Int64),
            pl.col("level").cast(pl.String),
            *[pl.col(name).cast(pl.Float64).fill_nan(None) for name in method.figures],
            (pl.col("external").cast(pl.Boolean).fill_null(False) if "external" in keep else pl.lit(False)).alias(
                "external"
            ),
        )
    except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as error:
        raise EngineError(f"数据类型不对：{error}", f"a column has the wrong type: {error}") from None
    if frame["zone_id"].null_count() or frame["year"].null_count():
        raise EngineError("zone_id 或 year 有空值", "zone_id or year has empty values")
    bad_levels = frame.filter(~pl.col("level").is_in(LEVELS) | pl.col("level").is_null())
    if bad_levels.height:
        shown = ", ".join(str(z) for z in bad_levels["zone_id"].head(5))
        raise EngineError(
            f"园区级别应为 {'、'.join(LEVELS)}（园区 {shown}）",
            f"a zone's level must be one of {', '.join(LEVELS)} (zones {shown})",
        )
    duplicates = frame.filter(pl.struct("zone_id", "year").is_duplicated())
    if duplicates.height:
        shown = ", ".join(f"{z}/{y}" for z, y in duplicates.select("zone_id", "year").unique().head(5).iter_rows())
        raise EngineError(f"同一园区同一年有多行：{shown}", f"more than one row for a zone and year: {shown}")
    return frame


def _prepare_history(history: pl.DataFrame | None, zone_id_type: pl.DataType) -> pl.DataFrame:
    schema = {
        "zone_id": zone_id_type,
        "year": pl.Int64,
        "group": pl.String,
        "rank": pl.Int64,
        "group_size": pl.Int64,
        "vetoed": pl.Boolean,
    }
    if history is None:
        return pl.DataFrame(schema=schema)
    missing = [name for name in ("zone_id", "year", "rank", "group_size") if name not in history.columns]
    if missing:
        raise EngineError(f"历史排名缺少列：{'、'.join(missing)}", f"history lacks columns: {', '.join(missing)}")
    return history.select(
        pl.col("zone_id").cast(zone_id_type),
        pl.col("year").cast(pl.Int64),
        pl.lit(None, dtype=pl.String).alias("group"),
        pl.col("rank").cast(pl.Int64),
        pl.col("group_size").cast(pl.Int64),
        (pl.col("vetoed").cast(pl.Boolean).fill_null(False) if "vetoed" in history.columns else pl.lit(False)).alias(
            "vetoed"
        ),
    )


# ---------------------------------------------------------------------------------------------------
# Scoring every year at once


def _issue_expr(indicator: Indicator) -> pl.Expr:
    """Why the indicator scored 0, as a code (null when its value is usable): see ``ISSUES``."""
    pairs: list[tuple[pl.Expr, str]] = []
    if indicator.figure is not None:
        pairs.append((pl.col(indicator.figure).is_null(), "missing_figure"))
    else:
        pairs.append((pl.col(indicator.numerator).is_null(), "missing_numerator"))
        pairs.append((pl.col(indicator.denominator).is_null(), "missing_denominator"))
        pairs.append((pl.col(indicator.denominator) <= 0, "zero_denominator"))
    if indicator.normalisation == "ratio_to_best":
        pairs.append((pl.col(f"{indicator.key}_value") <= 0, "not_positive"))
    chain = pl.when(pairs[0][0]).then(pl.lit(pairs[0][1]))
    for condition, code in pairs[1:]:
        chain = chain.when(condition).then(pl.lit(code))
    return chain.otherwise(pl.lit(None, dtype=pl.String))


def issue_texts(indicator: Indicator, language: str) -> dict[str, str]:
    """Each issue code of the indicator → its reason in ``language`` ("zh" or "en")."""
    position = 0 if language == "zh" else 1
    name = indicator.zh if language == "zh" else indicator.en

    def figure_name(key: str | None) -> str:
        return "" if key is None else BY_KEY[key].zh if language == "zh" else BY_KEY[key].en

    figures = {
        "missing_figure": indicator.figure,
        "missing_numerator": indicator.numerator,
        "missing_denominator": indicator.denominator,
        "zero_denominator": indicator.denominator,
        "not_positive": None,
    }
    return {
        code: ISSUES[code][position].format(indicator=name, figure=figure_name(figure))
        for code, figure in figures.items()
    }


def _issue_text(indicator: Indicator, language: str) -> pl.Expr:
    texts = issue_texts(indicator, language)
    return pl.col(f"{indicator.key}_issue").replace_strict(
        list(texts), list(texts.values()), default=None, return_dtype=pl.String
    )


def _count_text(figure: str) -> pl.Expr:
    value = pl.col(figure)
    if BY_KEY[figure].count:
        value = value.round(0).cast(pl.Int64)
    return value.cast(pl.String)


def _veto_exprs(method: Method) -> list[pl.Expr]:
    """The first veto that applies (key) and its reason with the figures that triggered it, in both languages."""
    if not method.vetoes:
        return [pl.lit(None, dtype=pl.String).alias(name) for name in ("veto", "veto_reason_zh", "veto_reason_en")]
    keys, texts = [], {"zh": [], "en": []}
    for veto in method.vetoes:
        applies = pl.any_horizontal([(pl.col(f) > veto.above).fill_null(False) for f in veto.figures])
        keys.append(pl.when(applies).then(pl.lit(veto.key)))
        for language in ("zh", "en"):
            parts = []
            for key in veto.figures:
                figure = BY_KEY[key]
                # "较大及以上生产安全事故 1 起" / "major work-safety accidents: 1"
                head, tail = (f"{figure.zh} ", f" {figure.unit}") if language == "zh" else (f"{figure.en}: ", "")
                parts.append(
                    pl.when(pl.col(key) > veto.above).then(
                        pl.concat_str([pl.lit(head), _count_text(key), pl.lit(tail)])
                    )
                )
            detail = pl.concat_str(parts, separator="、" if language == "zh" else ", ", ignore_nulls=True)
            open_, close = ("（", "）") if language == "zh" else (" (", ")")
            title = veto.zh if language == "zh" else veto.en
            texts[language].append(pl.when(applies).then(pl.concat_str([pl.lit(title + open_), detail, pl.lit(close)])))
    return [
        pl.coalesce(keys).alias("veto"),
        pl.coalesce(texts["zh"]).alias("veto_reason_zh"),
        pl.coalesce(texts["en"]).alias("veto_reason_en"),
    ]


def _deduction_expr(method: Method, index: int) -> pl.Expr:
    deduction = method.deductions[index]
    figure = pl.col(deduction.figure)
    points = pl.when(figure > deduction.above).then((figure - deduction.above) * deduction.points).otherwise(0.0)
    if deduction.cap is not None:
        points = pl.when(points > deduction.cap).then(pl.lit(deduction.cap)).otherwise(points)
    return points


def _score(frame: pl.DataFrame, method: Method) -> pl.DataFrame:
    """Every zone-year's values, scores, totals and ranks (internal ``_x_<key>`` columns: the values that set the
    group's best, kept for ``bests``)."""
    partition = ["year", "group"]
    vetoed = pl.col("status") == VETOED
    indicators = method.indicators
    lazy = frame.lazy().with_columns(
        (pl.col("level") if method.grouping == "level" else pl.lit("all")).alias("group"),
        *_veto_exprs(method),
    )
    lazy = lazy.with_columns(
        pl.when(pl.col("veto").is_not_null()).then(pl.lit(VETOED)).otherwise(pl.lit(RANKED)).alias("status"),
        *[value_expr(i).alias(f"{i.key}_value") for i in indicators],
    )
    lazy = lazy.with_columns(
        *[
            pl.when(usable_expr(i, pl.col(f"{i.key}_value")) & ~vetoed)
            .then(capped_expr(i, pl.col(f"{i.key}_value")))
            .alias(f"_x_{i.key}")
            for i in indicators
        ],
        *[_issue_expr(i).alias(f"{i.key}_issue") for i in indicators],
    )
    # The group's low and high as columns of their own: a window inside a larger expression is much slower.
    lazy = lazy.with_columns(
        *[pl.col(f"_x_{i.key}").min().over(partition).alias(f"_low_{i.key}") for i in indicators],
        *[pl.col(f"_x_{i.key}").max().over(partition).alias(f"_high_{i.key}") for i in indicators],
    )
    lazy = lazy.with_columns(
        *[
            pl.when(vetoed)
            .then(None)
            .otherwise(
                score_expr(
                    i, value=pl.col(f"{i.key}_value"), low=pl.col(f"_low_{i.key}"), high=pl.col(f"_high_{i.key}")
                )
            )
            .alias(f"{i.key}_score")
            for i in indicators
        ],
        *[
            pl.when(vetoed).then(None).otherwise(_deduction_expr(method, index)).alias(f"{d.key}_deduction")
            for index, d in enumerate(method.deductions)
        ],
    )
    deductions = _sum([pl.col(f"{d.key}_deduction") for d in method.deductions]) if method.deductions else pl.lit(0.0)
    lazy = lazy.with_columns(
        *[category_expr(c).alias(f"{c.key}_score") for c in method.categories],
        *[indicator_points_expr(method, i).alias(f"{i.key}_points") for i in indicators],
        pl.when(vetoed).then(None).otherwise(deductions).alias("deductions"),
    )
    lazy = lazy.with_columns(points_expr(method).alias("points")).with_columns(total_expr().alias("total"))
    lazy = lazy.with_columns(
        rank_key_expr(pl.col("total")).rank("min", descending=True).over(partition).cast(pl.Int64).alias("rank"),
        pl.col("total").count().over(partition).cast(pl.Int64).alias("group_size"),
    )
    return _missing(lazy.collect(), method)


def _missing(scored: pl.DataFrame, method: Method) -> pl.DataFrame:
    """Each ranked zone-year's indicators that scored 0 (``missing``) and why, joined in both languages.

    Worked on the long list of the issues alone (a few per cent of zone-indicators): building the texts column by
    column over every row costs ten times as much."""
    issue_columns = [f"{i.key}_issue" for i in method.indicators]
    table = pl.DataFrame(
        [
            {"_column": f"{i.key}_issue", "_code": code, "_order": order, "key": i.key, "zh": zh, "en": en}
            for order, i in enumerate(method.indicators)
            for (code, zh), en in zip(issue_texts(i, "zh").items(), issue_texts(i, "en").values(), strict=True)
        ],
        schema={
            "_column": pl.String,
            "_code": pl.String,
            "_order": pl.Int64,
            "key": pl.String,
            "zh": pl.String,
            "en": pl.String,
        },
    )
    scored = scored.with_row_index("_row")
    found = (
        scored.filter(pl.col("status") == RANKED)
        .select("_row", *issue_columns)
        .unpivot(index="_row", on=issue_columns, variable_name="_column", value_name="_code")
        .drop_nulls("_code")
        .join(table, on=["_column", "_code"], how="inner")
        .sort("_row", "_order")
        .group_by("_row", maintain_order=True)
        .agg(
            pl.col("key").alias("missing"),
            pl.col("zh").str.join("；").alias("missing_reason_zh"),
            pl.col("en").str.join("; ").alias("missing_reason_en"),
        )
    )
    return (
        scored.join(found, on="_row", how="left")
        .with_columns(pl.col("missing").fill_null(pl.lit([], dtype=pl.List(pl.String))))
        .sort("_row")
        .drop("_row")
    )


def _bests(scored: pl.DataFrame, method: Method) -> pl.DataFrame:
    aggregated = scored.group_by("year", "group").agg(
        *[pl.col(f"_x_{i.key}").min().alias(f"low_{i.key}") for i in method.indicators],
        *[pl.col(f"_x_{i.key}").max().alias(f"high_{i.key}") for i in method.indicators],
        *[pl.col(f"_x_{i.key}").count().alias(f"count_{i.key}") for i in method.indicators],
    )
    parts = [
        aggregated.select(
            "year",
            "group",
            pl.lit(i.key).alias("indicator"),
            pl.col(f"low_{i.key}").alias("low"),
            pl.col(f"high_{i.key}").alias("high"),
            pl.col(f"count_{i.key}").cast(pl.Int64).alias("count"),
        )
        for i in method.indicators
    ]
    order = pl.col("group").replace_strict(GROUP_ORDER, list(range(len(GROUP_ORDER))), return_dtype=pl.Int64)
    return pl.concat(parts).sort("year", order, maintain_order=True)


# ---------------------------------------------------------------------------------------------------
# Rank changes and warnings


def _positions(scored: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """Each zone's place every year: computed from the figures, else from the history."""
    computed = scored.select(
        "zone_id", "year", "group", "rank", "group_size", (pl.col("status") == VETOED).alias("vetoed")
    )
    earlier = history.join(computed.select("zone_id", "year"), on=["zone_id", "year"], how="anti")
    return pl.concat([computed, earlier.select(computed.columns)])


def _changes(scored: pl.DataFrame, positions: pl.DataFrame) -> pl.DataFrame:
    previous = positions.select(
        "zone_id",
        (pl.col("year") + 1).alias("year"),
        pl.col("rank").alias("previous_rank"),
        pl.col("group").alias("_previous_group"),
    )
    change = pl.col("previous_rank") - pl.col("rank")
    same_group = pl.col("_previous_group").is_null() | (pl.col("_previous_group") == pl.col("group"))
    return (
        scored.join(previous, on=["zone_id", "year"], how="left")
        .with_columns(pl.when(same_group).then(change).alias("rank_change"))
        .with_columns(
            pl.when(pl.col("rank_change") > 0)
            .then(pl.format("▲{}", pl.col("rank_change")))
            .when(pl.col("rank_change") < 0)
            .then(pl.format("▼{}", -pl.col("rank_change")))
            .when(pl.col("rank_change") == 0)
            .then(pl.lit("—"))
            .alias("rank_change_mark")
        )
        .drop("_previous_group")
    )


def _warnings(scored: pl.DataFrame, positions: pl.DataFrame, method: Method) -> pl.DataFrame:
    empty = [
        pl.lit(None, dtype=pl.String).alias("warning"),
        pl.lit(None, dtype=pl.String).alias("warning_zh"),
        pl.lit(None, dtype=pl.String).alias("warning_en"),
        pl.lit(None, dtype=pl.List(pl.Int64)).alias("warning_years"),
    ]
    if not method.warnings:
        return scored.with_columns(empty)
    span = max(rule.years for rule in method.warnings)
    targets = (
        scored.select("zone_id", "year")
        .join(pl.DataFrame({"_back": list(range(span))}, schema={"_back": pl.Int64}), how="cross")
        .with_columns((pl.col("year") - pl.col("_back")).alias("_then"))
    )
    places = positions.select("zone_id", pl.col("year").alias("_then"), "rank", "group_size", "vetoed")
    joined = targets.join(places, on=["zone_id", "_then"], how="left")
    flags = []
    for index, rule in enumerate(method.warnings):
        large_enough = pl.col("group_size") >= rule.smallest_group
        bottom = ((pl.col("rank") > pl.col("group_size") - rule.last) & large_enough).fill_null(False)
        if rule.vetoed_counts:
            bottom = bottom | pl.col("vetoed").fill_null(False)
        flags.append((bottom & (pl.col("_back") < rule.years)).alias(f"_flag{index}"))
    counted = (
        joined.with_columns(flags)
        .group_by("zone_id", "year")
        .agg(
            *[
                pl.col("_then").filter(pl.col(f"_flag{index}")).sort().alias(f"_years{index}")
                for index in range(len(method.warnings))
            ]
        )
    )
    frame = scored.join(counted, on=["zone_id", "year"], how="left")
    fired = []
    for index, rule in enumerate(method.warnings):
        applies = (
            pl.col("level").is_in(rule.levels)
            & ~pl.col("external")
            & (pl.col(f"_years{index}").list.len() >= rule.times)
        )
        fired.append((applies, rule, index))

    def chain(value) -> pl.Expr:
        expr = pl.when(fired[0][0]).then(value(fired[0][1], fired[0][2]))
        for applies, rule, index in fired[1:]:
            expr = expr.when(applies).then(value(rule, index))
        return expr

    return frame.with_columns(
        chain(lambda rule, _: pl.lit(rule.key)).alias("warning"),
        chain(lambda rule, _: pl.lit(rule.zh)).alias("warning_zh"),
        chain(lambda rule, _: pl.lit(rule.en)).alias("warning_en"),
        chain(lambda _, index: pl.col(f"_years{index}")).alias("warning_years"),
    ).drop([f"_years{index}" for index in range(len(method.warnings))])


# ---------------------------------------------------------------------------------------------------
# The entry point


def output_columns(method: Method, input_columns=()) -> list[str]:
    """The columns of ``Ranking.zones``, in order (``years`` has all but the stability interval)."""
    return [
        "zone_id",
        *[name for name in PASS_THROUGH if name in input_columns],
        "level",
        "external",
        "year",
        "group",
        "status",
        "total",
        "rank",
        "group_size",
        "previous_rank",
        "rank_change",
        "rank_change_mark",
        "rank_best",
        "rank_worst",
        "points",
        "deductions",
        *[f"{d.key}_deduction" for d in method.deductions],
        *[f"{c.key}_score" for c in method.categories],
        *[f"{i.key}_{part}" for i in method.indicators for part in ("value", "score", "points", "issue")],
        "veto",
        "veto_reason_zh",
        "veto_reason_en",
        "missing",
        "missing_reason_zh",
        "missing_reason_en",
        "warning",
        "warning_zh",
        "warning_en",
        "warning_years",
    ]


def rank_zones(
    figures: pl.DataFrame,
    method: Method,
    *,
    year: int | None = None,
    history: pl.DataFrame | None = None,
    stability: float | None = 0.10,
) -> Ranking:
    """Rank the zones of ``year`` (default: the latest year in ``figures``) under ``method``.

    ``figures``: one row per zone and year with ``zone_id``, ``level`` (national, provincial, other), ``year``,
    one column per reported figure the method reads (``required_columns``; nulls for missing), and optionally
    ``zone_key``, ``name`` (passed through) and ``external`` (a peer outside the platform: ranked alongside,
    marked, never warned). Every year present is ranked with the same method.
    ``history``: places in years the figures do not cover (published lists from before the platform): columns
    ``zone_id``, ``year``, ``rank`` (null when unranked), ``group_size`` and optionally ``vetoed``; they feed the
    previous rank and the warnings.
    ``stability``: the spread of the weights for ``rank_best`` / ``rank_worst`` (see ``stability.py``); None
    leaves the interval out (null).
    Raises EngineError (Chinese and English) on input it cannot rank.
    """
    prepared = prepare(figures, method)
    if prepared.height == 0:
        raise EngineError("没有数据", "there are no figures")
    if year is None:
        year = int(prepared["year"].max())
    if year not in set(prepared["year"].unique().to_list()):
        raise EngineError(f"数据中没有 {year} 年", f"the figures have no year {year}")
    scored = _score(prepared, method)
    bests = _bests(scored, method)
    positions = _positions(scored, _prepare_history(history, prepared.schema["zone_id"]))
    result = _warnings(_changes(scored, positions), positions, method)
    order = pl.col("group").replace_strict(GROUP_ORDER, list(range(len(GROUP_ORDER))), return_dtype=pl.Int64)
    result = result.sort(["year", order, pl.col("rank"), "zone_id"], nulls_last=True, maintain_order=True)
    columns = output_columns(method, prepared.columns)
    years = result.with_columns(
        pl.lit(None, dtype=pl.Int64).alias("rank_best"), pl.lit(None, dtype=pl.Int64).alias("rank_worst")
    ).select(columns)
    zones = years.filter(pl.col("year") == year)
    if stability is not None:
        intervals = rank_intervals(zones, method, spread=stability).drop("scenarios")
        zones = zones.drop("rank_best", "rank_worst").join(intervals, on="zone_id", how="left").select(columns)
    return Ranking(method=method, year=year, zones=zones, years=years, bests=bests, figures=prepared)
