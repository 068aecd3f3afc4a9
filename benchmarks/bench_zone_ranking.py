"""Zone ranking at scale: 3,000 zones × 30 indicators × 5 years, ranked, explained and tested for stability.

    .venv/bin/python benchmarks/bench_zone_ranking.py [--zones 3000] [--years 5] [--repeat 7]

Builds a 30-indicator method from the figure catalogue (the 16 reported figures that are not incidents, and 14
ratios of them, in five categories of six; the three normalisations and both directions; the accident veto, a
deduction and both warning rules) and synthetic zones with realistic magnitudes (a fifth national, the rest
provincial; a few missing figures and accidents; figures that drift from year to year). Times, as medians of
``--repeat`` runs after a warm-up:

- ``rank_zones`` ranking every year (rank changes and warnings need them), with the stability interval of every
  zone of the last year (243 weightings of the five category weights);
- the same without the stability interval;
- the explanations for one zone in the middle of its group: ``why_rank_changed``, ``what_would_move`` (a search
  over each of the 30 indicators) and ``compare_with_peers``;
- ``rank_intervals`` for the last year with the indicators' shares varied (61 weightings).

Goal (issue 11): ranking under a second.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np
import polars as pl

from yuanqu.analytics.zone_figures import FIGURES
from yuanqu.analytics.zoneranking import (
    compare_with_peers,
    method_from_dict,
    rank_intervals,
    rank_zones,
    what_would_move,
    why_rank_changed,
)

# Typical magnitudes of a provincial zone, in stored units (万元, 万美元, tce, 万千瓦时, counts).
MAGNITUDES = {
    "gdp": 3_000_000,
    "budget_revenue": 250_000,
    "tax_revenue": 200_000,
    "industrial_output": 6_000_000,
    "industrial_value_added": 1_300_000,
    "industrial_sales": 5_500_000,
    "fixed_asset_investment": 1_500_000,
    "industrial_investment": 800_000,
    "trade": 2_000_000,
    "foreign_investment": 20_000,
    "rd_spending": 70_000,
    "high_tech_enterprises": 120,
    "above_scale_enterprises": 300,
    "energy_tce": 900_000,
    "industrial_electricity": 150_000,
    "employees": 80_000,
}
# Ratios (numerator, denominator, scale, direction): per unit of output, of energy, of people.
RATIOS = [
    ("rd_spending", "gdp", 100, "higher"),
    ("tax_revenue", "budget_revenue", 100, "higher"),
    ("budget_revenue", "gdp", 100, "higher"),
    ("industrial_value_added", "industrial_output", 100, "higher"),
    ("industrial_investment", "fixed_asset_investment", 100, "higher"),
    ("trade", "gdp", 1, "higher"),
    ("foreign_investment", "fixed_asset_investment", 1, "higher"),
    ("energy_tce", "industrial_value_added", 1, "lower"),
    ("industrial_electricity", "industrial_value_added", 1, "lower"),
    ("gdp", "employees", 1, "higher"),
    ("industrial_value_added", "employees", 1, "higher"),
    ("tax_revenue", "energy_tce", 1, "higher"),
    ("high_tech_enterprises", "above_scale_enterprises", 100, "higher"),
    ("industrial_sales", "industrial_electricity", 1, "higher"),
]
NORMALISATIONS = ("ratio_to_best", "minmax", "efficacy")


def thirty_indicators() -> dict:
    """The benchmark's method, as the dict a web form would send."""
    indicators = []
    # The figures the synthetic zones report (MAGNITUDES): the catalogue has grown since, and a figure nobody
    # reports would only add a column of nothing.
    for index, figure in enumerate(f for f in FIGURES if f.key in MAGNITUDES):
        indicators.append(
            {"key": figure.key, "zh": figure.zh, "en": figure.en, "figure": figure.key, "direction": "higher"}
            | {"normalisation": NORMALISATIONS[index % 3]}
        )
    for index, (numerator, denominator, scale, direction) in enumerate(RATIOS):
        indicators.append(
            {
                "key": f"{numerator}_per_{denominator}",
                "zh": f"{numerator}/{denominator}",
                "numerator": numerator,
                "denominator": denominator,
                "scale": scale,
                "direction": direction,
                "normalisation": NORMALISATIONS[(index + 1) % 3],
            }
        )
    assert len(indicators) == 30
    categories = []
    for number, weight in enumerate((30, 30, 15, 15, 10)):
        chosen = [i | {"share": "1/6"} for i in indicators[number::5]]
        categories.append({"key": f"category_{number + 1}", "zh": f"类别{number + 1}", "weight": weight})
        categories[-1]["indicators"] = chosen
    return {
        "name": "benchmark-30",
        "title": "30 项指标（基准测试）",
        "categories": categories,
        "vetoes": [{"key": "accident", "zh": "重大事故", "figures": ["safety_accidents", "environmental_incidents"]}],
        "deductions": [
            {"key": "small_incidents", "zh": "一般事件", "figure": "environmental_incidents", "points": 1, "cap": 2}
        ],
        "warnings": [
            {"key": "delisting", "zh": "摘牌预警", "levels": ["provincial"], "last": 3, "times": 2, "years": 3},
            {"key": "downgrade", "zh": "降级预警", "levels": ["national"], "last": 5, "times": 2, "years": 3},
        ],
    }


def synthetic(zones: int, years: int, *, seed: int = 2024) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    national = rng.random(zones) < 0.2
    size = rng.lognormal(0, 0.8, zones) * np.where(national, 3.0, 1.0)  # a zone's scale, kept over the years
    frames = []
    for offset in range(years):
        growth = 1.06**offset
        columns = {
            "zone_id": np.arange(zones),
            "zone_key": [f"Z{i:05d}" for i in range(zones)],
            "level": np.where(national, "national", "provincial"),
            "external": rng.random(zones) < 0.02,
            "year": np.full(zones, 2020 + offset),
        }
        for key, magnitude in MAGNITUDES.items():
            values = magnitude * size * growth * rng.lognormal(0, 0.35, zones)
            if FIGURES[[f.key for f in FIGURES].index(key)].count:
                values = np.maximum(1, values.round())
            values = np.where(rng.random(zones) < 0.01, np.nan, values)  # 1 % not reported
            columns[key] = values
        columns["safety_accidents"] = (rng.random(zones) < 0.005).astype(float)
        columns["environmental_incidents"] = rng.poisson(0.02, zones).astype(float)
        frames.append(pl.DataFrame(columns).fill_nan(None))
    return pl.concat(frames)


def median_ms(function, repeat: int) -> tuple[float, float, float, float, object]:
    """Median, min and max wall time and median CPU time (all threads) in ms, and the last result."""
    function()  # warm-up
    times, cpu, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(times), min(times), max(times), statistics.median(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--zones", type=int, default=3000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    method = method_from_dict(thirty_indicators())
    figures = synthetic(args.zones, args.years)
    last = int(figures["year"].max())
    print(
        f"{args.zones:,} zones × {len(method.indicators)} indicators × {args.years} years "
        f"({figures.height:,} zone-years), polars {pl.__version__}, {pl.thread_pool_size()} threads; "
        f"median wall time [min–max] and median CPU time of {args.repeat} runs"
    )

    def show(label: str, timing) -> None:
        median, low, high, cpu, _ = timing
        print(f"  {label:<60} {median:8.1f} ms  [{low:.1f}–{high:.1f}]  CPU {cpu:.1f} ms")

    timing = median_ms(lambda: rank_zones(figures, method, year=last), args.repeat)
    show("rank_zones, every year, stability of the last (243 weightings)", timing)
    ranking = timing[4]
    show(
        "rank_zones, every year, no stability",
        median_ms(lambda: rank_zones(figures, method, stability=None), args.repeat),
    )

    group = ranking.zones.filter((pl.col("group") == "provincial") & (pl.col("status") == "ranked"))
    middle = group.filter(pl.col("rank") == group["rank"].median())
    zone_id = (middle if middle.height else group.slice(group.height // 2, 1))["zone_id"][0]
    show(f"why_rank_changed (zone {zone_id})", median_ms(lambda: why_rank_changed(ranking, zone_id), args.repeat))
    timing = median_ms(lambda: what_would_move(ranking, zone_id), args.repeat)
    show("what_would_move (30 indicator searches)", timing)
    show("compare_with_peers (its group)", median_ms(lambda: compare_with_peers(ranking, zone_id), args.repeat))
    show(
        "rank_intervals, category weights (243 weightings)",
        median_ms(lambda: rank_intervals(ranking.zones, method), args.repeat),
    )
    show(
        "rank_intervals, indicators' shares (61 weightings)",
        median_ms(lambda: rank_intervals(ranking.zones, method, vary="indicators"), args.repeat),
    )

    move = timing[4]
    reachable = move.options.filter(pl.col("reachable"))
    sizes = ranking.zones.group_by("group").len().sort("group").rows()
    print(
        f"groups {sizes}; zone {zone_id}: rank {move.rank} (interval {ranking.zone(zone_id)['rank_best']}–"
        f"{ranking.zone(zone_id)['rank_worst']}), {reachable.height} of 30 indicators can pass the zone above; "
        f"vetoed {ranking.zones.filter(pl.col('status') == 'vetoed').height}, warned "
        f"{ranking.zones['warning'].drop_nulls().len()}"
    )
    assert math.isfinite(ranking.zones["total"].drop_nulls().sum())


if __name__ == "__main__":
    main()
