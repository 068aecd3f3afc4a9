"""Beyond the published lists: why a zone's rank changed, what would lift it past the zone above, how stable its
rank is, and how it compares with a chosen set of peers.

Each function takes a ``Ranking`` (from ``rank_zones``) and a zone id and returns a frozen dataclass with frames and
a one-paragraph summary in Chinese and English; ``to_dict()`` gives plain data for storing or an API.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl

from yuanqu.analytics.mujun.explain import fixed_text
from yuanqu.analytics.zone_figures import unit_en
from yuanqu.analytics.zoneranking.engine import (
    RANKED,
    Ranking,
    capped_expr,
    category_expr,
    points_expr,
    rank_key_expr,
    score_expr,
    total_expr,
    usable_expr,
)
from yuanqu.analytics.zoneranking.method import Indicator, Method

SEARCH_POINTS = 128  # candidates per indicator and round of the search
UNBOUNDED = 1e6  # without a cap, gains are searched up to this many times the group's best value


def _frame_dict(value):
    if isinstance(value, pl.DataFrame):
        return value.to_dicts()
    if isinstance(value, tuple):
        return list(value)
    return value


class _Plain:
    def to_dict(self) -> dict:
        """Plain data (frames as lists of rows) for JSON."""
        return {name: _frame_dict(getattr(self, name)) for name in self.__dataclass_fields__}


def _best_value(indicator: Indicator, low: float | None, high: float | None) -> float | None:
    return high if indicator.direction == "higher" else low


def _signed(value: float | None, decimals: int = 2) -> str:
    if value is None:
        return "—"
    text = fixed_text(value, decimals)
    return text if text.startswith("-") else f"+{text}"


# ---------------------------------------------------------------------------------------------------
# Why the rank changed


@dataclass(frozen=True)
class RankChange(_Plain):
    """A zone's rank this year and the year before, and the indicators that moved its points, largest first.

    ``moves``: one row per indicator: ``indicator``, ``category``, ``zh``, ``en``, ``unit``, ``value_before``,
    ``value_after``, ``score_before``, ``score_after``, ``best_before``, ``best_after`` (the group's best value
    each year: a score also moves when the best moves), ``points_before``, ``points_after`` and
    ``points_change`` (weight × share × score ÷ 100, the indicator's part of the total), ordered by the size of
    the change, largest first.
    """

    zone_id: object
    year: int
    previous_year: int
    rank: int | None
    previous_rank: int | None
    rank_change: int | None
    total: float | None
    previous_total: float | None
    deductions_change: float | None
    moves: pl.DataFrame
    summary_zh: str
    summary_en: str


def why_rank_changed(ranking: Ranking, zone_id, *, year: int | None = None) -> RankChange:
    """Why the zone's rank moved between the year before ``year`` (default the ranking's year) and ``year``: the
    change of each indicator's points, largest first. Without a row for the year before, ``moves`` has no
    changes and the summary says so. Raises KeyError for a zone not ranked or vetoed in ``year``."""
    method = ranking.method
    year = ranking.year if year is None else year
    now = ranking.zone(zone_id, year=year)
    try:
        before = ranking.zone(zone_id, year=year - 1)
    except KeyError:
        before = None
    rows = []
    for indicator in method.indicators:
        category = method.category_of(indicator.key)
        key = indicator.key
        after_best = _best_of(ranking, indicator, year, now["group"])
        before_best = _best_of(ranking, indicator, year - 1, before["group"]) if before else None
        points_after = now[f"{key}_points"]
        points_before = before[f"{key}_points"] if before else None
        change = None if points_after is None or points_before is None else points_after - points_before
        rows.append(
            {
                "indicator": key,
                "category": category.key,
                "zh": indicator.zh,
                "en": indicator.en,
                "unit": indicator.unit,
                "value_before": before[f"{key}_value"] if before else None,
                "value_after": now[f"{key}_value"],
                "score_before": before[f"{key}_score"] if before else None,
                "score_after": now[f"{key}_score"],
                "best_before": before_best,
                "best_after": after_best,
                "points_before": points_before,
                "points_after": points_after,
                "points_change": change,
            }
        )
    schema = {
        "indicator": pl.String,
        "category": pl.String,
        "zh": pl.String,
        "en": pl.String,
        "unit": pl.String,
        **{name: pl.Float64 for name in ("value_before", "value_after", "score_before", "score_after")},
        **{name: pl.Float64 for name in ("best_before", "best_after", "points_before", "points_after")},
        "points_change": pl.Float64,
    }
    moves = (
        pl.DataFrame(rows, schema=schema)
        .with_columns(pl.col("points_change").abs().alias("_size"))
        .sort("_size", descending=True, nulls_last=True, maintain_order=True)
        .drop("_size")
    )
    deductions_change = None
    if before and now["deductions"] is not None and before["deductions"] is not None:
        deductions_change = now["deductions"] - before["deductions"]
    result = dict(
        zone_id=zone_id,
        year=year,
        previous_year=year - 1,
        rank=now["rank"],
        previous_rank=now["previous_rank"],
        rank_change=now["rank_change"],
        total=now["total"],
        previous_total=before["total"] if before else None,
        deductions_change=deductions_change,
        moves=moves,
    )
    zh, en = _why_summary(result, now, before)
    return RankChange(**result, summary_zh=zh, summary_en=en)


def _best_of(ranking: Ranking, indicator: Indicator, year: int, group: str) -> float | None:
    found = ranking.bests.filter(
        (pl.col("year") == year) & (pl.col("group") == group) & (pl.col("indicator") == indicator.key)
    )
    if not found.height:
        return None
    return _best_value(indicator, found["low"][0], found["high"][0])


def _place(rank: int | None, year: int, language: str) -> str:
    if language == "zh":
        return f"{year} 年第 {rank} 名" if rank is not None else f"{year} 年未参与排名"
    return f"{year}: rank {rank}" if rank is not None else f"{year}: not ranked"


def _why_summary(result: dict, now: dict, before: dict | None) -> tuple[str, str]:
    year, previous = result["year"], result["previous_year"]
    if before is None:
        return (
            f"{_place(result['rank'], year, 'zh')}；{previous} 年无数据，无法比较。",
            f"{_place(result['rank'], year, 'en')}; no figures for {previous}, nothing to compare.",
        )
    change = result["rank_change"]
    if change is None:
        move_zh = move_en = ""
    elif change == 0:
        move_zh, move_en = "（名次不变）", " (unchanged)"
    else:
        steps = abs(change)
        move_zh = f"（{'上升' if change > 0 else '下降'} {steps} 位 {now['rank_change_mark']}）"
        move_en = f" ({'up' if change > 0 else 'down'} {steps} {now['rank_change_mark']})"
    zh = [f"{_place(result['rank'], year, 'zh')}，{_place(result['previous_rank'], previous, 'zh')}{move_zh}"]
    en = [f"{_place(result['rank'], year, 'en')}; {_place(result['previous_rank'], previous, 'en')}{move_en}"]
    if result["total"] is not None and result["previous_total"] is not None:
        delta = result["total"] - result["previous_total"]
        zh.append(
            f"总分 {fixed_text(result['total'], 2)}，上年 {fixed_text(result['previous_total'], 2)}（{_signed(delta)}）"
        )
        en.append(
            f"total {fixed_text(result['total'], 2)}, "
            f"previous {fixed_text(result['previous_total'], 2)} ({_signed(delta)})"
        )
        moved = result["moves"].filter(pl.col("points_change").abs() >= 0.005).head(3)
        if moved.height:
            zh.append(
                "变化最大："
                + "、".join(f"{r['zh']} {_signed(r['points_change'])} 分" for r in moved.iter_rows(named=True))
            )
            en.append(
                "moved most by: "
                + ", ".join(f"{r['en']} {_signed(r['points_change'])} points" for r in moved.iter_rows(named=True))
            )
        if result["deductions_change"]:
            zh.append(f"扣分变化 {_signed(result['deductions_change'])}")
            en.append(f"deductions changed by {_signed(result['deductions_change'])}")
    return "；".join(zh) + "。", "; ".join(en) + "."


# ---------------------------------------------------------------------------------------------------
# What would move it


@dataclass(frozen=True)
class Overtake(_Plain):
    """What would lift a zone past the zone(s) just above it in its group, one indicator at a time.

    ``options``: one row per indicator: ``indicator``, ``zh``, ``en``, ``unit``, ``direction``, ``value`` (now),
    ``needed`` (the value that passes, in the indicator's unit: for a figure, the figure's stored unit),
    ``change`` (needed − value: negative for lower-is-better), ``change_percent`` (of the value now), ``step`` (the
    resolution of the search: ``needed`` passes, ``needed`` one step less good does not), ``numerator_needed``
    and ``numerator_change`` for a ratio (the numerator's figure, the denominator held), ``shared_with`` (other
    indicators reading the same figures, which would move too in reality) and ``reachable``. Reachable options
    first, the smallest relative change first; an indicator that cannot pass has ``reachable`` false and no
    ``needed``.
    """

    zone_id: object
    year: int
    rank: int | None
    total: float | None
    above: tuple
    above_rank: int | None
    above_total: float | None
    options: pl.DataFrame
    summary_zh: str
    summary_en: str


def option_schema() -> dict:
    """The columns of a zone's options (a function: Polars is loaded where it is used)."""
    return {
        "indicator": pl.String,
        "zh": pl.String,
        "en": pl.String,
        "unit": pl.String,
        "direction": pl.String,
        "value": pl.Float64,
        "needed": pl.Float64,
        "change": pl.Float64,
        "change_percent": pl.Float64,
        "step": pl.Float64,
        "numerator_needed": pl.Float64,
        "numerator_change": pl.Float64,
        "shared_with": pl.List(pl.String),
        "reachable": pl.Boolean,
    }


def what_would_move(ranking: Ranking, zone_id) -> Overtake:
    """For each indicator alone, the smallest improvement of the zone's value that lifts its total (to 0.01)
    above every zone sharing the next better rank, all else held.

    Raising a value above the group's best (or lowering it below the best, for lower-is-better) makes it the new
    best and so lowers the others' scores for that indicator: the search evaluates each candidate with the
    engine's own expressions (``engine.score_expr`` and the totals), the group's lowest and highest value taken
    again with the candidate. It is a bounded search, not a formula: candidates are the value now ± whole steps
    (1 for counts; otherwise 1/10,000 of the order of magnitude of the group's best, 5 significant digits), up to
    the indicator's cap or, without one, a million times the group's best; passing is monotone in the value, so
    a bracketing search finds the first passing step exactly. ``needed`` passes and one step less does not.
    Each indicator is moved alone, in the indicator's value: a figure read by two indicators (GDP, and GDP as the
    denominator of R&D intensity) would in reality move both; ``shared_with`` names them.
    Raises KeyError for a zone not ranked in the ranking's year.
    """
    method = ranking.method
    zone = ranking.zone(zone_id)
    if zone["status"] != RANKED:
        raise KeyError(zone_id)
    group = ranking.zones.filter((pl.col("group") == zone["group"]) & (pl.col("status") == RANKED))
    better = group.filter(pl.col("rank") < zone["rank"])
    if not better.height:
        return Overtake(
            zone_id=zone_id,
            year=ranking.year,
            rank=zone["rank"],
            total=zone["total"],
            above=(),
            above_rank=None,
            above_total=None,
            options=pl.DataFrame(schema=option_schema()),
            summary_zh="已是组内第一名。",
            summary_en="Already first in its group.",
        )
    above_rank = better["rank"].max()
    targets = group.filter(pl.col("rank") == above_rank)
    others = group.filter(pl.col("zone_id") != zone_id)
    figures = ranking.figures.filter((pl.col("zone_id") == zone_id) & (pl.col("year") == ranking.year)).row(
        0, named=True
    )
    searches = [_search(indicator, zone, others) for indicator in method.indicators]
    while True:
        # One round for every indicator still searching: all their candidates are evaluated in one frame.
        batch = [(search, ks) for search in searches if (ks := search.pending()) is not None]
        if not batch:
            break
        verdicts = _passes(method, zone, targets, [(search, search.values(ks)) for search, ks in batch])
        for (search, ks), passed in zip(batch, verdicts, strict=True):
            search.record(ks, passed)
    options = [_option(method, search, zone, figures) for search in searches]
    frame = pl.DataFrame(options, schema=option_schema())
    order = pl.col("change_percent").abs()
    frame = frame.sort(
        [~pl.col("reachable"), order], nulls_last=True, maintain_order=True
    )  # reachable first, then the smallest relative change
    result = dict(
        zone_id=zone_id,
        year=ranking.year,
        rank=zone["rank"],
        total=zone["total"],
        above=tuple(targets["zone_id"].to_list()),
        above_rank=above_rank,
        above_total=targets["total"][0],
        options=frame,
    )
    zh, en = _move_summary(result)
    return Overtake(**result, summary_zh=zh, summary_en=en)


def _step(indicator: Indicator, reference: float) -> float:
    if indicator.is_count:
        return 1.0
    if not reference or not math.isfinite(reference):
        return 1e-4
    return 10.0 ** (math.floor(math.log10(abs(reference))) - 4)


@dataclass
class _Search:
    """The search for one indicator: candidates ``base + sign × k × step`` for k in 1..count; passing is monotone
    in k. ``low`` never passes (k = 0 is the value now), ``high`` passes or lies beyond ``count``."""

    indicator: Indicator
    base: float
    sign: float
    step: float
    count: int
    low_other: float | None  # the lowest and highest value that counts among the group's other zones
    high_other: float | None
    low: int = 0
    high: int = 0

    def __post_init__(self):
        self.high = self.count + 1

    def values(self, ks: np.ndarray) -> np.ndarray:
        return self.base + self.sign * ks * self.step

    def pending(self) -> np.ndarray | None:
        """The k to try next: first spread geometrically over the whole range (the order of magnitude), then
        evenly inside the bracket found; None when the first passing k is known (or none passes)."""
        width = self.high - self.low
        if self.count < 1 or width <= 1:
            return None
        if self.low == 0 and width > 4 * SEARCH_POINTS:
            ks = np.unique(np.geomspace(1, self.count, SEARCH_POINTS).round().astype(np.int64))
        else:
            ks = np.unique(np.linspace(self.low + 1, self.high - 1, min(SEARCH_POINTS, width - 1)).round())
            ks = ks.astype(np.int64)
        ks = ks[(ks > self.low) & (ks < self.high)]
        return ks.astype(np.float64) if ks.size else None

    def record(self, ks: np.ndarray, passed: np.ndarray) -> None:
        hits = np.flatnonzero(passed)
        if hits.size:
            self.high = int(ks[hits[0]])
            if hits[0] > 0:
                self.low = int(ks[hits[0] - 1])
        else:
            self.low = int(ks[-1])

    @property
    def first(self) -> int | None:
        return self.high if self.high <= self.count else None


def _search(indicator: Indicator, zone: dict, others: pl.DataFrame) -> _Search:
    key = indicator.key
    value = zone[f"{key}_value"]
    x_others = others.select(
        pl.when(usable_expr(indicator, pl.col(f"{key}_value"))).then(capped_expr(indicator, pl.col(f"{key}_value")))
    ).to_series()
    low, high = x_others.min(), x_others.max()
    reference = max(abs(v) for v in (value, low, high, 0.0) if v is not None) or 1.0
    step = _step(indicator, reference)
    usable_now = value is not None and (indicator.normalisation != "ratio_to_best" or value > 0)
    if indicator.direction == "higher":
        # From the value now; with none (or none above zero, under ratio to the best), from zero.
        base = value if usable_now else 0.0
        limit = indicator.cap if indicator.cap is not None else max(reference, high or 0.0) * UNBOUNDED
        count = math.ceil((limit - base) / step) if limit > base else 0
        return _Search(indicator, base, 1.0, step, count, low, high)
    # Lower is better: from the value now (or, when there is none, from far above the group's worst) down to the
    # cap, or to zero (excluded for a ratio to the best, which needs a value above zero).
    base = value if usable_now else max(reference, high or 0.0) * UNBOUNDED
    floor = indicator.cap if indicator.cap is not None else 0.0
    count = math.floor((base - floor) / step) if base > floor else 0
    if indicator.normalisation == "ratio_to_best" and indicator.cap is None and count > 0 and base - count * step <= 0:
        count -= 1
    return _Search(indicator, base, -1.0, step, count, low, high)


def _option(method: Method, search: _Search, zone: dict, figures: dict) -> dict:
    indicator = search.indicator
    key = indicator.key
    value = zone[f"{key}_value"]
    shared = [
        other.key for other in method.indicators if other.key != key and set(other.figures) & set(indicator.figures)
    ]
    row = {
        "indicator": key,
        "zh": indicator.zh,
        "en": indicator.en,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "value": value,
        "needed": None,
        "change": None,
        "change_percent": None,
        "step": search.step,
        "numerator_needed": None,
        "numerator_change": None,
        "shared_with": shared,
        "reachable": False,
    }
    if search.first is None:
        return row
    needed = float(search.values(np.array([search.first], dtype=np.float64))[0])
    row |= {"needed": needed, "reachable": True}
    if value is not None:
        row["change"] = needed - value
        if value != 0:
            row["change_percent"] = (needed - value) / abs(value) * 100.0
    if indicator.is_ratio:
        denominator = figures.get(indicator.denominator)
        if denominator is not None and denominator > 0:
            row["numerator_needed"] = needed * denominator / indicator.scale
            numerator = figures.get(indicator.numerator)
            if numerator is not None:
                row["numerator_change"] = row["numerator_needed"] - numerator
    return row


def _passes(
    method: Method, zone: dict, targets: pl.DataFrame, batch: list[tuple[_Search, np.ndarray]]
) -> list[np.ndarray]:
    """For each search of the batch and each of its candidate values, whether the zone's total (to 0.01) beats
    every target's, with the group's low and high taken again with the candidate and every score and total
    recomputed with the engine's expressions.

    Rows, per search: the zone under each candidate, then the targets under candidate 0, 1, … (m rows each).
    ``_batch`` says which search a row belongs to; only that indicator's score is computed again."""
    m = targets.height
    scores = [f"{i.key}_score" for i in method.indicators]
    fixed = [*scores, "deductions"]
    zone_fixed = np.array([zone[name] for name in fixed], dtype=np.float64)
    target_fixed = targets.select(pl.col(name).cast(pl.Float64) for name in fixed).to_numpy()
    batch_ids, is_zone, candidates, entity_values, lows, highs, blocks = [], [], [], [], [], [], []
    for index, (search, values) in enumerate(batch):
        n = len(values)
        rows = n * (1 + m)
        batch_ids.append(np.full(rows, index))
        is_zone.append(np.concatenate([np.ones(n, dtype=bool), np.zeros(n * m, dtype=bool)]))
        candidates.append(np.concatenate([values, np.repeat(values, m)]))
        # Missing values and bounds travel as NaN and become nulls again in the frame (figures are never NaN).
        own = targets[f"{search.indicator.key}_value"].cast(pl.Float64).fill_null(np.nan).to_numpy()
        entity_values.append(np.concatenate([np.full(n, np.nan), np.tile(own, n)]))
        lows.append(np.full(rows, np.nan if search.low_other is None else search.low_other))
        highs.append(np.full(rows, np.nan if search.high_other is None else search.high_other))
        blocks.append(np.vstack([np.tile(zone_fixed, (n, 1)), np.tile(target_fixed, (n, 1))]))
    matrix = np.vstack(blocks)
    frame = pl.DataFrame(
        {
            "_batch": np.concatenate(batch_ids),
            "_is_zone": np.concatenate(is_zone),
            "_candidate": np.concatenate(candidates),
            "_entity_value": np.concatenate(entity_values),
            "_low_other": np.concatenate(lows),
            "_high_other": np.concatenate(highs),
            **{name: matrix[:, position] for position, name in enumerate(fixed)},
        }
    ).with_columns(pl.col("_entity_value", "_low_other", "_high_other").fill_nan(None))
    candidate = pl.col("_candidate")
    rescored = []
    for index, (search, _) in enumerate(batch):
        indicator = search.indicator
        counted = pl.when(usable_expr(indicator, candidate)).then(capped_expr(indicator, candidate))
        low = pl.min_horizontal(pl.col("_low_other"), counted)
        high = pl.max_horizontal(pl.col("_high_other"), counted)
        value = pl.when(pl.col("_is_zone")).then(candidate).otherwise(pl.col("_entity_value"))
        name = f"{indicator.key}_score"
        rescored.append(
            pl.when(pl.col("_batch") == index)
            .then(score_expr(indicator, value=value, low=low, high=high))
            .otherwise(pl.col(name))
            .alias(name)
        )
    keys = (
        frame.lazy()
        .with_columns(rescored)
        .with_columns(category_expr(c).alias(f"{c.key}_score") for c in method.categories)
        .with_columns(points_expr(method).alias("points"))
        .select(rank_key_expr(total_expr()))
        .collect()
        .to_series()
        .to_numpy()
    )
    verdicts, start = [], 0
    for _, values in batch:
        n = len(values)
        zone_keys = keys[start : start + n]
        target_keys = keys[start + n : start + n * (1 + m)].reshape(n, m)
        verdicts.append(zone_keys > target_keys.max(axis=1))
        start += n * (1 + m)
    return verdicts


def _amount(value: float | None, step: float) -> str:
    if value is None:
        return "—"
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return fixed_text(value, decimals)


def _move_summary(result: dict) -> tuple[str, str]:
    options = result["options"].filter(pl.col("reachable"))
    above = "、".join(str(z) for z in result["above"])
    head_zh = f"超过上一名（第 {result['above_rank']} 名，{above}）"
    head_en = f"To pass the zone above (rank {result['above_rank']}, {', '.join(str(z) for z in result['above'])})"
    if not options.height:
        return head_zh + "：没有单项指标足以做到。", head_en + ": no single indicator suffices."
    parts_zh, parts_en = [], []
    for row in options.head(3).iter_rows(named=True):
        amount = _amount(row["needed"], row["step"])
        percent = "" if row["change_percent"] is None else f"（{_signed(row['change_percent'], 1)}%）"
        percent_en = "" if row["change_percent"] is None else f" ({_signed(row['change_percent'], 1)}%)"
        parts_zh.append(f"{row['zh']}达到 {amount} {row['unit']}{percent}")
        parts_en.append(f"{row['en']} at {amount} {unit_en(row['unit'])}{percent_en}")
    return head_zh + "，最少需要其一：" + "；".join(parts_zh) + "。", head_en + ", any one of: " + "; ".join(
        parts_en
    ) + "."


# ---------------------------------------------------------------------------------------------------
# Peers


@dataclass(frozen=True)
class PeerComparison(_Plain):
    """A zone against the average of a set of peers in one year.

    ``indicators``: ``indicator``, ``category``, ``zh``, ``en``, ``unit``, ``direction``, ``value``, ``peer_mean``
    (arithmetic mean of the peers with a value), ``peer_count``, ``difference``, ``difference_percent`` (of the
    peers' mean), ``side`` (above / below / equal the mean), ``better`` (the side the direction prefers),
    ``score``, ``peer_mean_score``. ``categories``: ``category``, ``zh``, ``en``, ``score``, ``peer_mean_score``,
    ``better``. Scores compare only within one group: peers of another group are scored against their own best.
    Vetoed peers count in the means of values (their figures are real), not in the means of scores and totals.
    """

    zone_id: object
    year: int
    peers: tuple
    total: float | None
    peer_mean_total: float | None
    indicators: pl.DataFrame
    categories: pl.DataFrame
    summary_zh: str
    summary_en: str


def compare_with_peers(
    ranking: Ranking, zone_id, *, peers: str | Iterable = "group", year: int | None = None
) -> PeerComparison:
    """The zone's values and scores against the average of ``peers``: ``"group"`` (the other zones of its group),
    ``"external"`` (every external peer) or zone ids (e.g. the zones of a leading city of the same level).
    The zone itself never counts among its peers. Raises KeyError for an unknown zone."""
    method = ranking.method
    year = ranking.year if year is None else year
    frame = ranking.zones if year == ranking.year else ranking.years.filter(pl.col("year") == year)
    zone = ranking.zone(zone_id, year=year)
    if isinstance(peers, str):
        if peers == "group":
            chosen = frame.filter(pl.col("group") == zone["group"])
        elif peers == "external":
            chosen = frame.filter(pl.col("external"))
        else:
            raise ValueError(f'peers must be "group", "external" or zone ids, not {peers!r}')
    else:
        chosen = frame.filter(pl.col("zone_id").is_in(list(peers)))
    chosen = chosen.filter(pl.col("zone_id") != zone_id)
    ranked = chosen.filter(pl.col("status") == RANKED)

    def side(value, mean) -> str | None:
        if value is None or mean is None:
            return None
        return "above" if value > mean else "below" if value < mean else "equal"

    rows = []
    for indicator in method.indicators:
        key = indicator.key
        value = zone[f"{key}_value"]
        mean = chosen[f"{key}_value"].mean()
        difference = None if value is None or mean is None else value - mean
        where = side(value, mean)
        rows.append(
            {
                "indicator": key,
                "category": method.category_of(key).key,
                "zh": indicator.zh,
                "en": indicator.en,
                "unit": indicator.unit,
                "direction": indicator.direction,
                "value": value,
                "peer_mean": mean,
                "peer_count": chosen[f"{key}_value"].count(),
                "difference": difference,
                "difference_percent": None if difference is None or not mean else difference / abs(mean) * 100.0,
                "side": where,
                "better": None if where is None else where == ("above" if indicator.direction == "higher" else "below"),
                "score": zone[f"{key}_score"],
                "peer_mean_score": ranked[f"{key}_score"].mean(),
            }
        )
    indicators = pl.DataFrame(
        rows,
        schema={
            "indicator": pl.String,
            "category": pl.String,
            "zh": pl.String,
            "en": pl.String,
            "unit": pl.String,
            "direction": pl.String,
            "value": pl.Float64,
            "peer_mean": pl.Float64,
            "peer_count": pl.Int64,
            "difference": pl.Float64,
            "difference_percent": pl.Float64,
            "side": pl.String,
            "better": pl.Boolean,
            "score": pl.Float64,
            "peer_mean_score": pl.Float64,
        },
    )
    categories = pl.DataFrame(
        [
            {
                "category": c.key,
                "zh": c.zh,
                "en": c.en,
                "score": zone[f"{c.key}_score"],
                "peer_mean_score": ranked[f"{c.key}_score"].mean(),
            }
            for c in method.categories
        ],
        schema={
            "category": pl.String,
            "zh": pl.String,
            "en": pl.String,
            "score": pl.Float64,
            "peer_mean_score": pl.Float64,
        },
    ).with_columns((pl.col("score") > pl.col("peer_mean_score")).alias("better"))
    total, mean_total = zone["total"], ranked["total"].mean()
    ahead = indicators.filter(pl.col("better"))
    behind = indicators.filter(pl.col("better").not_())
    zh = (
        f"与 {chosen.height} 个园区的平均相比：总分 {fixed_text(total, 2)}，平均 {fixed_text(mean_total, 2)}；"
        f"优于平均的指标 {ahead.height} 项（{'、'.join(ahead['zh']) or '无'}），"
        f"低于平均的 {behind.height} 项（{'、'.join(behind['zh']) or '无'}）。"
    )
    en = (
        f"Against the average of {chosen.height} zones: total {fixed_text(total, 2)}, average "
        f"{fixed_text(mean_total, 2)}; better than average on {ahead.height} indicators "
        f"({', '.join(ahead['en']) or 'none'}), worse on {behind.height} ({', '.join(behind['en']) or 'none'})."
    )
    return PeerComparison(
        zone_id=zone_id,
        year=year,
        peers=tuple(chosen["zone_id"].to_list()),
        total=total,
        peer_mean_total=mean_total,
        indicators=indicators,
        categories=categories,
        summary_zh=zh,
        summary_en=en,
    )


# ---------------------------------------------------------------------------------------------------
# Stability


def rank_interval(ranking: Ranking, zone_id) -> tuple[int, int] | None:
    """(best rank, worst rank) of the zone when the category weights move by the ranking's spread (see
    ``stability.py``); None for a vetoed zone or a ranking made without stability."""
    zone = ranking.zone(zone_id)
    if zone["rank_best"] is None:
        return None
    return zone["rank_best"], zone["rank_worst"]
