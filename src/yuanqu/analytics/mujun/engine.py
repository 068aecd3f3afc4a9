"""Score enterprises under a per-mu method: values, benchmarks, ratios, scores, totals, ranks, grades.

``score(frame, method)`` is a plain function over Polars frames with no I/O and no global state. The
rules it applies, in order (FORMAT.md explains them for the people who write methods):

1. Each enterprise joins the first group whose scope holds; none: ``out_of_scope``.
2. A not-graded group or rule (utility division, listed division, fewer production years) makes it
   ``not_graded``: scored for reference, graded as the not-graded class (T), not in any benchmark,
   rank or quota.
3. An indicator whose value cannot be computed (a missing figure, a zero denominator) follows its
   ``on_missing`` rule: score zero, score the group's mean score, or ``exclude`` the enterprise.
4. Derived benchmarks (means, min–max) come from the group's ``graded`` enterprises with a value.
   Means are summed exactly (math.fsum), so they do not depend on row order or thread count.
5. Total = indicator scores (summed in declared order) + additions − deductions, rounded to 6
   decimals half away from zero; ranks, quotas and thresholds use that rounded total, so totals
   equal to 6 decimals tie.
6. Rank within the group: competition ranking (1, 2, 2, 4) over graded enterprises, vetoed included.
7. Quota grading: vetoed enterprises take their veto's grade and leave the quota population. Of the
   remaining n, grade j ends at position round_half_up(n × cumulative percent / 100); an enterprise
   takes the grade of its rank (tied enterprises share the rank of the first of them), so ties at a
   boundary all take the better grade and the next grade shrinks. Threshold grading: the first grade
   whose threshold the total reaches. A veto overrides either.

Each group is computed as one contiguous block of rows, so no expression runs over another group's
rows. Output rows are ordered by group (declared order, out of scope last), status (graded,
not_graded, excluded, out_of_scope) and USCC, whatever order they came in: same inputs, same output.
Sort by ``rank`` for a ranking.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import polars as pl

from yuanqu.analytics.industry import UTILITY_DIVISIONS
from yuanqu.analytics.mujun import columns as col
from yuanqu.analytics.mujun import explain as explaining
from yuanqu.analytics.mujun.expression import BOOLEAN_FIELDS, NUMERIC_FIELDS
from yuanqu.analytics.mujun.method import Group, Indicator, Method

PASS_THROUGH = ("name", "zone", "industry_division", "production_years")
TOTAL_DECIMALS = 6


def _policy_type() -> pl.DataType:
    """The type of a result's policies (a function: Polars is loaded where it is used, not when this is imported)."""
    return pl.List(
        pl.Struct(
            {"kind": pl.String, "label_zh": pl.String, "label_en": pl.String, "value": pl.Float64, "unit": pl.String}
        )
    )


def _string_list() -> pl.DataType:
    return pl.List(pl.String)


class EngineError(ValueError):
    """Input the engine cannot score (a missing column, duplicate USCC, no previous year); both languages."""

    def __init__(self, reason_zh: str, reason_en: str):
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"{reason_zh} / {reason_en}")


@dataclass
class Benchmarks:
    """The benchmarks of one group, per indicator key, for the scores and the explanations."""

    scalar: dict[str, float | None] = field(default_factory=dict)  # fixed, group and previous-year means
    by_division: dict[str, dict[str, float | None]] = field(default_factory=dict)  # industry means
    fallback_divisions: dict[str, frozenset[str]] = field(default_factory=dict)
    minmax: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    mean_score: dict[str, float] = field(default_factory=dict)  # for the group_mean_score rule


def score(
    frame: pl.DataFrame, method: Method, *, previous: pl.DataFrame | None = None, explain: bool = True
) -> pl.DataFrame:
    """Score one year of enterprises under ``method``.

    ``frame``: one row per enterprise with ``uscc`` and the figures the method reads (nullable), plus
    ``industry_division`` (two-digit GB/T 4754 division) and ``production_years`` where the method
    needs them; ``name`` and ``zone`` are passed through. ``previous``: the previous year's frame, for
    ``previous_year_mean`` benchmarks. Returns one row per enterprise (columns: ``output_columns``):
    group, status, reason, per indicator ``<key>_value/_benchmark/_ratio/_score/_issue`` (and
    ``_min/_max`` for min–max), subtotal, additions, deductions, adjustments, vetoes, total, rank,
    group_size, grade, policies and, unless ``explain=False``, ``explanation_zh`` / ``explanation_en``.
    Raises EngineError on input it cannot score.
    """
    current = _split(_classify(_prepare(frame, method, role_zh="本年数据", role_en="the frame"), method), method)
    previous_blocks: dict[str, pl.DataFrame] = {}
    if method.needs_previous:
        if previous is None:
            raise EngineError(
                "该方法以上年均值为基准，需要提供上年数据（previous）",
                "this method benchmarks against the previous year's mean: pass the previous year's frame (previous)",
            )
        if isinstance(previous, pl.DataFrame):
            # Only the columns the benchmarks read: names and other text are not copied by the sorts.
            previous = previous.select([name for name in previous.columns if name in required_columns(method)])
        prepared = _prepare(previous, method, role_zh="上年数据", role_en="previous")
        for group_id, block in _split(_classify(prepared, method), method).items():
            if group_id is not None:
                # Only drawn from for means: no need to order its rows by status.
                previous_blocks[group_id] = _values(block, method.group(group_id), by_status=False)

    results = []
    for group in method.groups:
        block = _values(current[group.id], group)
        found = _benchmarks(block, group, previous_blocks.get(group.id))
        block = _grades(_totals(_scores(block, group, found), group, method), group, method)
        results.append(explaining.explain_group(block, group, method, found, explain=explain))
    results.append(explaining.explain_out_of_scope(current[None], explain=explain))
    schema = output_schema(method, frame.columns, explain=explain)
    input_schema = current[None].schema
    schema = {name: input_schema[name] if dtype is None else dtype for name, dtype in schema.items()}
    # Every block in the same columns and types: the concatenation then only appends chunks.
    aligned = [
        block.select(
            (pl.col(name) if name in block.columns else pl.lit(None)).cast(dtype).alias(name)
            for name, dtype in schema.items()
        )
        for block in results
    ]
    return pl.concat(aligned, how="vertical", rechunk=False)


# ---------------------------------------------------------------------------------------------------
# Input, groups


def required_columns(method: Method) -> tuple[str, ...]:
    """The input columns ``score`` needs for this method."""
    needed = ["uscc", *method.fields]
    rules = method.not_graded
    if rules.utilities or rules.divisions or _uses_industry(method):
        needed.append("industry_division")
    if rules.min_production_years is not None:
        needed.append("production_years")
    return tuple(dict.fromkeys(needed))


def _uses_industry(method: Method) -> bool:
    return any(i.benchmark.kind == "industry_mean" for g in method.groups for i in g.indicators)


def _prepare(frame: pl.DataFrame, method: Method, *, role_zh: str, role_en: str) -> pl.DataFrame:
    if not isinstance(frame, pl.DataFrame):
        raise EngineError(f"{role_zh}应为 Polars DataFrame", f"{role_en} should be a Polars DataFrame")
    missing = [name for name in required_columns(method) if name not in frame.columns]
    if missing:
        raise EngineError(f"{role_zh}缺少列：{'、'.join(missing)}", f"{role_en} lacks columns: {', '.join(missing)}")
    casts = [pl.col("uscc").cast(pl.String)]
    for name in frame.columns:
        if name in NUMERIC_FIELDS:
            casts.append(pl.col(name).cast(pl.Float64))
        elif name in BOOLEAN_FIELDS:
            casts.append(pl.col(name).cast(pl.Boolean).fill_null(False))
        elif name == "industry_division":
            casts.append(pl.col(name).cast(pl.String).str.strip_chars().str.zfill(2))
    try:
        prepared = frame.with_columns(casts)
    except pl.exceptions.PolarsError as error:
        raise EngineError(
            f"{role_zh}的列无法读作数值或真假值：{error}",
            f"a column of {role_en} cannot be read as numbers or yes/no: {error}",
        ) from None
    if prepared["uscc"].null_count():
        raise EngineError(f"{role_zh}中有企业缺少统一社会信用代码", f"{role_en} has rows without a USCC")
    # Sorting by USCC makes every later step independent of the order rows arrived in; input read
    # in USCC order (as the platform reads it) skips the sort.
    if not prepared["uscc"].is_sorted():
        prepared = prepared.sort("uscc")
    uscc = prepared["uscc"]
    if prepared.height > 1 and (uscc.slice(1) == uscc.slice(0, prepared.height - 1)).any():
        duplicated = prepared.filter(pl.col("uscc").is_duplicated())["uscc"].unique().sort().head(5).to_list()
        raise EngineError(
            f"{role_zh}中统一社会信用代码重复：{'、'.join(duplicated)}",
            f"{role_en} repeats USCCs: {', '.join(duplicated)}",
        )
    return prepared


def _chain(pairs: list[tuple[pl.Expr, pl.Expr]], *, otherwise: pl.Expr) -> pl.Expr:
    """when(c1).then(v1).when(c2).then(v2)….otherwise(…), or the fallback alone for no pairs."""
    if not pairs:
        return otherwise
    condition, value = pairs[0]
    chain = pl.when(condition).then(value)
    for condition, value in pairs[1:]:
        chain = chain.when(condition).then(value)
    return chain.otherwise(otherwise)


def _classify(frame: pl.DataFrame, method: Method) -> pl.DataFrame:
    """Add ``group`` (first scope that holds) and the reason, if any, it is not graded."""
    outside = len(method.groups)
    order = _chain(
        [(g.scope.to_polars().fill_null(False), pl.lit(index)) for index, g in enumerate(method.groups)],
        otherwise=pl.lit(outside),
    )
    rules = method.not_graded
    reasons: list[tuple[pl.Expr, pl.Expr]] = []
    not_graded_groups = [index for index, g in enumerate(method.groups) if not g.graded]
    if not_graded_groups:
        reasons.append((pl.col("_g").is_in(not_graded_groups), pl.lit("group")))
    if rules.utilities:
        reasons.append((pl.col("industry_division").is_in(sorted(UTILITY_DIVISIONS)), pl.lit("utility")))
    if rules.divisions:
        reasons.append((pl.col("industry_division").is_in(list(rules.divisions)), pl.lit("division")))
    if rules.min_production_years is not None:
        # Unknown years in production count as established: a missing date must not exempt a firm.
        reasons.append((pl.col("production_years") < rules.min_production_years, pl.lit("young")))
    ids = [g.id for g in method.groups]
    return frame.with_columns(order.cast(pl.Int64).alias("_g")).with_columns(
        pl.col("_g").replace_strict(list(range(outside)), ids, default=None, return_dtype=pl.String).alias("group"),
        _chain([(c.fill_null(False), v) for c, v in reasons], otherwise=pl.lit(None, dtype=pl.String)).alias(
            col.NOT_GRADED_REASON
        ),
    )


def _split(frame: pl.DataFrame, method: Method) -> dict[str | None, pl.DataFrame]:
    """Group id → its rows, None → out of scope; each block in the frame's (USCC) order. One filter per
    group costs about a third of sorting the whole frame by group (100,000 rows, three groups)."""
    return {
        group.id if group else None: frame.filter(pl.col("_g") == index)
        for index, group in enumerate([*method.groups, None])
    }


# ---------------------------------------------------------------------------------------------------
# Values, status


def _issue_expr(indicator: Indicator) -> pl.Expr:
    checks = indicator.formula.checks()
    if not checks:
        return pl.lit(None, dtype=pl.String)
    return pl.coalesce([pl.when(c.condition).then(pl.lit(c.code)) for c in checks])


def _values(block: pl.DataFrame, group: Group, *, by_status: bool = True) -> pl.DataFrame:
    """Each indicator's value and, where it cannot be computed, why; then each enterprise's status
    (and, with ``by_status``, the rows in status order)."""
    block = block.with_columns(
        *[i.formula.to_polars().cast(pl.Float64).alias(col.value(i.key)) for i in group.indicators],
        *[_issue_expr(i).alias(col.issue(i.key)) for i in group.indicators],
    )
    excluded_by = _chain(
        [
            (pl.col(col.issue(i.key)).is_not_null(), pl.lit(i.key))
            for i in group.indicators
            if i.on_missing == "exclude"
        ],
        otherwise=pl.lit(None, dtype=pl.String),
    )
    order = {status: index for index, status in enumerate(col.STATUSES)}
    # One pass for the three columns (each pass has a fixed cost that adds up over the groups).
    status_order = (
        pl.when(pl.col(col.NOT_GRADED_REASON).is_not_null())
        .then(pl.lit(order[col.NOT_GRADED], dtype=pl.Int64))
        .when(excluded_by.is_not_null())
        .then(pl.lit(order[col.EXCLUDED], dtype=pl.Int64))
        .otherwise(pl.lit(order[col.GRADED], dtype=pl.Int64))
    )
    status = status_order.replace_strict(list(order.values()), list(order), return_dtype=pl.String)
    # Rows in (status, USCC) order from here on: each status is one contiguous slice for the
    # explanations, and the block is still narrow, so reordering it is cheap.
    block = block.with_columns(excluded_by.alias(col.EXCLUDED_BY), status.alias("status"), status_order.alias("_s"))
    return block.sort("_s", maintain_order=True) if by_status else block


# ---------------------------------------------------------------------------------------------------
# Benchmarks


def _population(block: pl.DataFrame, indicator: Indicator, *extra: str) -> pl.DataFrame:
    """The enterprises a derived benchmark is drawn from (graded, with a value): only the columns
    the benchmark needs, so the filter does not copy the whole block."""
    keep = (pl.col("status") == col.GRADED) & pl.col(col.issue(indicator.key)).is_null()
    names = dict.fromkeys([col.value(indicator.key), *indicator.formula.fields, *extra])
    return block.select(pl.col(name).filter(keep) for name in names)


def _exact_sum(series: pl.Series, sums: dict | None) -> float:
    """math.fsum of a column, remembered by its bytes: indicators of a group often sum the same
    figure (land) over the same enterprises, and an exact sum is the costly part of a mean."""
    if sums is None:
        return math.fsum(series.to_list())
    data = series.to_numpy()
    key = (data.dtype.str, data.tobytes())
    if key not in sums:
        sums[key] = math.fsum(data.tolist())
    return sums[key]


def _means(
    parts: list[pl.DataFrame], indicator: Indicator, average: str, sums: dict | None = None
) -> list[float | None]:
    """Mean of the indicator over each frame of ``parts``: aggregate (the formula applied to the
    summed figures, Σtax ÷ Σland) or arithmetic (the mean of the values); None for an empty part.

    Sums are exact (math.fsum), so a mean does not depend on the order of rows or on threads.
    """
    if average == "arithmetic":
        return [
            _exact_sum(part[col.value(indicator.key)], sums) / part.height if part.height else None for part in parts
        ]
    fields = indicator.formula.fields
    totals_by_field = {name: [_exact_sum(part[name], sums) for part in parts] for name in fields}
    totals = (
        pl.DataFrame(totals_by_field, schema=dict.fromkeys(fields, pl.Float64))
        if fields
        else pl.DataFrame({"_": [0.0] * len(parts)})
    )
    means = totals.select(indicator.formula.to_polars().cast(pl.Float64).alias("mean"))["mean"].to_list()
    return [mean if part.height else None for mean, part in zip(means, parts, strict=True)]


def _mean(rows: pl.DataFrame, indicator: Indicator, average: str, sums: dict | None = None) -> float | None:
    return _means([rows], indicator, average, sums)[0]


def _times(value: float | None, multiplier: float) -> float | None:
    return None if value is None else value * multiplier


def _benchmarks(block: pl.DataFrame, group: Group, previous: pl.DataFrame | None) -> Benchmarks:
    found = Benchmarks()
    sums: dict = {}  # exact sums by the column's bytes, shared by the group's indicators
    for indicator in group.indicators:
        spec, key = indicator.benchmark, indicator.key
        if spec.kind == "fixed":
            found.scalar[key] = spec.value * spec.multiplier
        elif spec.kind == "previous_year_mean":
            rows = _population(previous, indicator) if previous is not None else previous
            if (rows is None or rows.height == 0) and (block["status"] == col.GRADED).any():
                raise EngineError(
                    f"上年数据中分组 {group.id} 没有可计算指标 {key} 的参评企业，无法得到上年均值基准",
                    f"the previous year has no graded enterprise of group {group.id} with a value of {key}: "
                    "no previous-year mean to benchmark against",
                )
            found.scalar[key] = (
                _times(_mean(rows, indicator, spec.average, sums), spec.multiplier) if rows is not None else None
            )
        elif spec.kind == "minmax":
            values = _population(block, indicator)[col.value(key)]
            found.minmax[key] = (values.min(), values.max()) if values.len() else (None, None)
        else:
            extra = ("industry_division",) if spec.kind == "industry_mean" else ()
            rows = _population(block, indicator, *extra)
            found.scalar[key] = _times(_mean(rows, indicator, spec.average, sums), spec.multiplier)
            if spec.kind == "industry_mean":
                peers = {
                    division[0]: part
                    for division, part in rows.partition_by("industry_division", as_dict=True).items()
                    if division[0] is not None
                }
                divisions = sorted(block["industry_division"].drop_nulls().unique().to_list())
                enough = [d for d in divisions if d in peers and peers[d].height >= spec.min_peers]
                fallbacks = set(divisions) - set(enough)
                computed = _means([peers[d] for d in enough], indicator, spec.average)
                means = dict.fromkeys(divisions, found.scalar[key])
                means |= {d: _times(mean, spec.multiplier) for d, mean in zip(enough, computed, strict=True)}
                found.by_division[key] = means
                found.fallback_divisions[key] = frozenset(fallbacks)
    return found


# ---------------------------------------------------------------------------------------------------
# Scores


def _benchmark_expr(indicator: Indicator, found: Benchmarks) -> pl.Expr:
    key = indicator.key
    if indicator.benchmark.kind == "minmax":
        return pl.lit(None, dtype=pl.Float64)
    if indicator.benchmark.kind == "industry_mean" and found.by_division[key]:
        means = found.by_division[key]
        return pl.col("industry_division").replace_strict(
            list(means),
            list(means.values()),
            default=pl.lit(found.scalar[key], dtype=pl.Float64),
            return_dtype=pl.Float64,
        )
    return pl.lit(found.scalar[key], dtype=pl.Float64)


def _ratio_exprs(indicator: Indicator, found: Benchmarks) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(ratio before cap and floor, ratio, score), for a row with a value."""
    spec, key = indicator.benchmark, indicator.key
    value = pl.col(col.value(key))
    if spec.kind == "minmax":
        low, high = found.minmax[key]
        if low is None:
            fraction = pl.lit(None, dtype=pl.Float64)
        elif high == low:
            fraction = pl.lit(1.0)  # everyone at the same value is at the top of the range
        elif indicator.direction == "higher":
            fraction = ((value - low) / (high - low)).clip(0.0, 1.0)
        else:
            fraction = ((high - value) / (high - low)).clip(0.0, 1.0)
        return fraction, fraction, indicator.weight * (spec.low + (spec.high - spec.low) * fraction) / 100
    benchmark = pl.col(col.benchmark(key))
    if indicator.direction == "higher":
        raw = value / benchmark
    else:
        raw = pl.when(value <= 0).then(pl.lit(spec.ratio_cap)).otherwise(benchmark / value)
    raw = pl.when(benchmark > 0).then(raw)  # no usable benchmark: no ratio
    ratio = raw
    if spec.ratio_floor is not None or spec.ratio_cap is not None:
        ratio = raw.clip(lower_bound=spec.ratio_floor, upper_bound=spec.ratio_cap)
    return raw, ratio, ratio * indicator.weight


def _scores(block: pl.DataFrame, group: Group, found: Benchmarks) -> pl.DataFrame:
    extra = []
    for indicator in group.indicators:
        key = indicator.key
        if indicator.benchmark.kind == "minmax":
            low, high = found.minmax[key]
            extra += [
                pl.lit(low, dtype=pl.Float64).alias(col.minimum(key)),
                pl.lit(high, dtype=pl.Float64).alias(col.maximum(key)),
            ]
    block = block.with_columns(
        *[_benchmark_expr(i, found).alias(col.benchmark(i.key)) for i in group.indicators], *extra
    )

    computed = []
    for indicator in group.indicators:
        key = indicator.key
        raw, ratio, points = _ratio_exprs(indicator, found)
        has_value = pl.col(col.issue(key)).is_null()
        computed += [
            pl.when(has_value).then(raw).cast(pl.Float64).alias(col.raw_ratio(key)),
            pl.when(has_value).then(ratio).cast(pl.Float64).alias(col.ratio(key)),
            pl.when(has_value).then(points).cast(pl.Float64).alias("_" + col.score(key)),
        ]
    block = block.with_columns(computed)

    finals = []
    for indicator in group.indicators:
        key = indicator.key
        if indicator.on_missing == "group_mean_score":
            # The group's mean score, for enterprises whose value is missing under this rule.
            scores = _population(block, indicator, "_" + col.score(key))["_" + col.score(key)].fill_null(0.0).to_list()
            found.mean_score[key] = math.fsum(scores) / len(scores) if scores else 0.0
            missing = pl.lit(found.mean_score[key])
        elif indicator.on_missing == "zero":
            missing = pl.lit(0.0)
        else:
            missing = pl.lit(None, dtype=pl.Float64)
        finals.append(
            pl.when(pl.col(col.issue(key)).is_not_null())
            .then(missing)
            .otherwise(pl.col("_" + col.score(key)).fill_null(0.0))  # no usable benchmark scores zero
            .alias(col.score(key))
        )
    return block.with_columns(finals)


# ---------------------------------------------------------------------------------------------------
# Totals, adjustments, vetoes


def _applies(item, group: Group, statuses: tuple[str, ...]) -> pl.Expr | None:
    """The condition under which an addition, deduction or veto applies in this group (None: never)."""
    if item.groups and group.id not in item.groups:
        return None
    return item.when.to_polars().fill_null(False) & pl.col("status").is_in(list(statuses))


def _keys_applied(flags: list[tuple[str, str]]) -> pl.Expr:
    """A list of the keys whose flag column is true (concat + split: far cheaper than concat_list)."""
    if not flags:
        return pl.lit(pl.Series([[]], dtype=_string_list())).first()
    joined = pl.concat_str(
        [pl.when(pl.col(flag)).then(pl.lit(key)) for flag, key in flags], separator=",", ignore_nulls=True
    )
    return (
        pl.when(joined == "")
        .then(pl.lit(pl.Series([[]], dtype=_string_list())).first())
        .otherwise(joined.str.split(","))
    )


def _totals(block: pl.DataFrame, group: Group, method: Method) -> pl.DataFrame:
    scored = (col.GRADED, col.NOT_GRADED)
    in_scored = pl.col("status").is_in(list(scored))
    subtotal = pl.lit(0.0)
    for indicator in group.indicators:  # summed left to right in declared order: the same sum every time
        subtotal = subtotal + pl.col(col.score(indicator.key))

    flags, adjustment_flags, veto_flags = [], [], []
    for prefix, items, statuses, target in (
        ("_a_", method.additions, scored, adjustment_flags),
        ("_a_", method.deductions, scored, adjustment_flags),
        ("_v_", method.vetoes, (col.GRADED,), veto_flags),
    ):
        for item in items:
            condition = _applies(item, group, statuses)
            if condition is not None:
                flags.append(condition.alias(prefix + item.key))
                target.append((prefix + item.key, item.key))
    block = block.with_columns(pl.when(in_scored).then(subtotal).alias("subtotal"), *flags)

    def points(items) -> pl.Expr:
        total = pl.lit(0.0)
        for item in items:
            if "_a_" + item.key in block.columns:
                total = total + pl.when(pl.col("_a_" + item.key)).then(pl.lit(item.points)).otherwise(0.0)
        return pl.when(in_scored).then(total)

    order = {grade: index for index, grade in enumerate(method.grading.grades)}
    worst_first = sorted((v for v in method.vetoes if "_v_" + v.key in block.columns), key=lambda v: -order[v.grade])
    block = block.with_columns(
        points(method.additions).alias("additions"),
        points(method.deductions).alias("deductions"),
        _keys_applied(adjustment_flags).alias("adjustments"),
        _keys_applied(veto_flags).alias("vetoes"),
        _chain(
            [(pl.col("_v_" + v.key), pl.lit(v.grade)) for v in worst_first], otherwise=pl.lit(None, dtype=pl.String)
        ).alias(col.VETO_GRADE),
    )
    total = (pl.col("subtotal") + pl.col("additions") - pl.col("deductions")).round(
        TOTAL_DECIMALS, mode="half_away_from_zero"
    )
    return block.with_columns(total.alias("total"))


# ---------------------------------------------------------------------------------------------------
# Ranks and grades


def quota_boundaries(n: int, quota: tuple[tuple[str, float], ...]) -> list[tuple[str, int]]:
    """The last position of each grade among n enterprises: round_half_up(n × cumulative % / 100).

    Exact integer arithmetic on percent × 100 (quotas have at most two decimals): for n = 10 and
    20/40/35/5 the boundaries are A 2, B 6, C 10 (9.5 rounds up), D 10.
    """
    boundaries, cumulative = [], 0
    for grade, share in quota:
        cumulative += round(share * 100)
        boundaries.append((grade, (2 * n * cumulative + 10_000) // 20_000))
    return boundaries


def _grades(block: pl.DataFrame, group: Group, method: Method) -> pl.DataFrame:
    grading = method.grading
    graded = pl.col("status") == col.GRADED
    quota_total = pl.when(graded & pl.col(col.VETO_GRADE).is_null()).then(pl.col("total"))
    quota_n, graded_n = block.select(
        (graded & pl.col(col.VETO_GRADE).is_null()).sum().alias("quota"), graded.sum().alias("graded")
    ).row(0)
    block = block.with_columns(
        pl.when(graded).then(pl.col("total")).rank("min", descending=True).alias("rank"),
        pl.when(graded).then(pl.lit(graded_n, dtype=pl.UInt32)).alias("group_size"),
        quota_total.rank("min", descending=True).alias("_quota_rank"),
    )
    if grading.mode == "quota":
        boundaries = quota_boundaries(quota_n, grading.quota)
        computed = _chain(
            [(pl.col("_quota_rank") <= last, pl.lit(grade)) for grade, last in boundaries[:-1]],
            otherwise=pl.lit(boundaries[-1][0]),
        )
    else:
        computed = _chain(
            [(pl.col("total") >= minimum, pl.lit(grade)) for grade, minimum in grading.thresholds],
            otherwise=pl.lit(grading.grades[-1]),
        )
    grade = (
        pl.when(pl.col("status") == col.NOT_GRADED)
        .then(pl.lit(method.not_graded.grade))
        .when(~graded)
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col(col.VETO_GRADE).is_not_null())
        .then(pl.col(col.VETO_GRADE))
        .otherwise(computed)
    )
    # A join with a small table is far cheaper than broadcasting a list-of-struct literal per grade.
    return block.with_columns(grade.alias("grade")).join(
        _policy_table(method), on="grade", how="left", maintain_order="left"
    )


def _policy_table(method: Method) -> pl.DataFrame:
    """grade → its policies, every grade and the not-graded class included (an empty list for none)."""
    grades = [*method.grading.grades, method.not_graded.grade]
    policies = {grade: [] for grade in grades}
    for key, items in method.policies:
        policies[key] = [
            {"kind": p.kind, "label_zh": p.label_zh, "label_en": p.label_en, "value": p.value, "unit": p.unit}
            for p in items
        ]
    return pl.DataFrame(
        {
            "grade": pl.Series(grades, dtype=pl.String),
            "policies": pl.Series(list(policies.values()), dtype=_policy_type()),
        }
    )


# ---------------------------------------------------------------------------------------------------
# Output


def _keys_with_minmax(method: Method) -> tuple[list[str], set[str]]:
    keys, minmax = list(method.indicator_keys), set()
    for group in method.groups:
        for indicator in group.indicators:
            if indicator.benchmark.kind == "minmax":
                minmax.add(indicator.key)
    return keys, minmax


def output_schema(method: Method, input_columns, *, explain: bool = True) -> dict[str, pl.DataType | None]:
    """The output's columns in order, with their types (None: as the input had it)."""
    schema: dict[str, pl.DataType | None] = {"uscc": pl.String}
    for name in PASS_THROUGH:
        if name in input_columns:
            schema[name] = (
                pl.String if name == "industry_division" else (pl.Float64 if name == "production_years" else None)
            )
    schema |= {"group": pl.String, "status": pl.String, "reason_zh": pl.String, "reason_en": pl.String}
    keys, minmax = _keys_with_minmax(method)
    for key in keys:
        schema |= {col.value(key): pl.Float64, col.benchmark(key): pl.Float64, col.ratio(key): pl.Float64}
        schema |= {col.score(key): pl.Float64, col.issue(key): pl.String}
        if key in minmax:
            schema |= {col.minimum(key): pl.Float64, col.maximum(key): pl.Float64}
    schema |= {"subtotal": pl.Float64, "additions": pl.Float64, "deductions": pl.Float64}
    schema |= {"adjustments": _string_list(), "vetoes": _string_list(), "total": pl.Float64, "rank": pl.UInt32}
    schema |= {"group_size": pl.UInt32, "grade": pl.String, "policies": _policy_type()}
    if explain:
        schema |= {"explanation_zh": pl.String, "explanation_en": pl.String}
    return schema


def output_columns(method: Method, input_columns, *, explain: bool = True) -> list[str]:
    """The output's columns, in order."""
    return list(output_schema(method, input_columns, explain=explain))
