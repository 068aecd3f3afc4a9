"""Per-mu scoring of 100,000 enterprises: the Polars engine against a row-by-row pandas implementation.

    .venv/bin/python benchmarks/bench_mujun_engine.py [--enterprises 100000] [--repeat 7] [--preset huaian-2024]

Builds synthetic enterprises with realistic magnitudes (Lishui 2019: tax per mu about 19 万元, value
added per mu about 74 万元, labour productivity about 16 万元/person; a few percent utilities, young
firms, incidents and missing emission figures), scores them under the Huangyan 2022 and Huai'an 2024
presets with ``yuanqu.analytics.mujun.score`` (goal: under 200 ms) and with a straightforward
row-by-row pandas implementation of the same two methods (goal: the engine at least 20× faster), and
checks that both give the same totals and grades. The two alternate (engine, pandas, engine, …) so a
change of the machine's load hits both; the figures are medians and the ratio is that of the medians.
Needs pandas (a dev dependency).
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np
import polars as pl

from yuanqu.analytics.mujun import load_preset, score


def synthetic(n: int, *, seed: int, year_factor: float = 1.0) -> pl.DataFrame:
    """n enterprises; ``year_factor`` scales the money figures (the previous year: about 0.95)."""
    rng = np.random.default_rng(seed)
    above = rng.random(n) < 0.4
    land = np.where(above, rng.lognormal(math.log(25), 0.9, n), rng.lognormal(math.log(7), 0.7, n)).round(2)
    tax_per_mu = np.where(above, rng.lognormal(math.log(15), 0.8, n), rng.lognormal(math.log(7), 0.9, n))
    noise = rng.lognormal(0, 0.05, n) * year_factor  # the same firms, figures moved a little
    tax = (land * tax_per_mu * noise).round(2)
    value_added = (land * rng.lognormal(math.log(70), 0.7, n) * noise).round(2)
    revenue = (value_added * rng.lognormal(math.log(4), 0.3, n)).round(2)
    energy = (value_added / rng.lognormal(math.log(2.7), 0.6, n)).round(2)
    emissions = (value_added / rng.lognormal(math.log(4900), 0.8, n)).round(4)
    employees = np.maximum(1, (value_added / rng.lognormal(math.log(16.5), 0.5, n)).round()).astype(np.int64)
    rd = np.where(rng.random(n) < 0.2, 0.0, revenue * rng.lognormal(math.log(0.025), 0.6, n)).round(2)
    electricity = (tax / rng.lognormal(math.log(0.235), 0.6, n)).round(2)
    division = rng.integers(13, 44, n)
    division = np.where(rng.random(n) < 0.02, rng.integers(44, 47, n), division)
    frame = pl.DataFrame(
        {
            "uscc": [f"91330000MA{i:08d}" for i in range(n)],
            "name": [f"企业{i}" for i in range(n)],
            "zone": rng.choice(["Z1", "Z2", "Z3", "Z4"], n),
            "industry_division": [f"{d:02d}" for d in division],
            "production_years": rng.uniform(0, 30, n).round(1),
            "above_scale": above,
            "land_mu": land,
            "tax": tax,
            "revenue": revenue,
            "value_added": value_added,
            "energy_tce": energy,
            "electricity": electricity,
            "emissions": emissions,
            "rd_spending": rd,
            "employees": employees,
            "high_tech": rng.random(n) < 0.1,
            "incident": rng.random(n) < 0.005,
        }
    )
    # Gaps as real data has them: no emission figure for 10 %, no land for 0.5 %.
    return frame.with_columns(
        pl.when(pl.Series(rng.random(n) < 0.1)).then(None).otherwise(pl.col("emissions")).alias("emissions"),
        pl.when(pl.Series(rng.random(n) < 0.005)).then(None).otherwise(pl.col("land_mu")).alias("land_mu"),
    )


# ---------------------------------------------------------------------------------------------------
# The same methods, row by row, as a developer would write them for one city in pandas.

UTILITIES = {"44", "45", "46"}


def _div(a, b):
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
        return None
    if b == 0:
        return None
    return a / b


HUANGYAN_FORMULAS = {
    "tax_per_mu": lambda r: _div(r.tax, r.land_mu),
    "value_added_per_mu": lambda r: _div(r.value_added, r.land_mu),
    "value_added_per_tce": lambda r: _div(r.value_added, r.energy_tce),
    "value_added_per_emission": lambda r: _div(r.value_added, r.emissions),
    "labour_productivity": lambda r: _div(r.value_added, r.employees),
    "rd_intensity": lambda r: _div(r.rd_spending, r.revenue),
    "tax_per_electricity": lambda r: _div(r.tax, r.electricity),
    "revenue_per_mu": lambda r: _div(r.revenue, r.land_mu),
    "tax_per_tce": lambda r: _div(r.tax, r.energy_tce),
}
# Aggregate means: (numerator, denominator) summed over the population.
AGGREGATE_PARTS = {"tax_per_mu": ("tax", "land_mu"), "revenue_per_mu": ("revenue", "land_mu"),
                   "tax_per_tce": ("tax", "energy_tce")}  # fmt: skip


def _group_of(r) -> str | None:
    if r.above_scale:
        return "above_scale"
    if r.land_mu is not None and not math.isnan(r.land_mu) and r.land_mu >= 3:
        return "below_scale"
    return None


ROW_ITERATION = "itertuples"


def _rows(frame: pl.DataFrame) -> list:
    import pandas as pd

    # Built from plain lists: Polars' to_pandas() would need pyarrow, which the project does not use.
    df = pd.DataFrame(frame.to_dict(as_series=False)).sort_values("uscc", kind="stable")
    df = df.astype(object).where(pd.notna(df), None)
    if ROW_ITERATION == "iterrows":
        return [row for _, row in df.iterrows()]
    return list(df.itertuples(index=False))


def _classify_and_value(rows, method):
    records = []
    for r in rows:
        group = _group_of(r)
        rec = {"uscc": r.uscc, "group": group, "values": {}, "status": None, "row": r}
        if group is None:
            rec["status"] = "out_of_scope"
            records.append(rec)
            continue
        g = method.group(group)
        for ind in g.indicators:
            rec["values"][ind.key] = HUANGYAN_FORMULAS[ind.key](r)
        young = r.production_years is not None and r.production_years < method.not_graded.min_production_years
        if r.industry_division in UTILITIES or young:
            rec["status"] = "not_graded"
        elif any(rec["values"][i.key] is None and i.on_missing == "exclude" for i in g.indicators):
            rec["status"] = "excluded"
        else:
            rec["status"] = "graded"
        records.append(rec)
    return records


def row_by_row(frame: pl.DataFrame, method, previous: pl.DataFrame | None = None) -> dict[str, tuple]:
    """uscc → (total, grade) under the Huangyan or Huai'an preset, one row at a time."""
    records = _classify_and_value(_rows(frame), method)
    benchmarks = {}
    if previous is not None:
        sums: dict[tuple, list[float]] = {}
        for rec in _classify_and_value(_rows(previous), method):
            if rec["status"] != "graded":
                continue
            for ind in method.group(rec["group"]).indicators:
                if rec["values"][ind.key] is None:
                    continue
                num, den = AGGREGATE_PARTS[ind.key]
                acc = sums.setdefault((rec["group"], ind.key), [0.0, 0.0])
                acc[0] += getattr(rec["row"], num)
                acc[1] += getattr(rec["row"], den)
        for (group, key), (num, den) in sums.items():
            ind = next(i for i in method.group(group).indicators if i.key == key)
            benchmarks[(group, key)] = num / den * ind.benchmark.multiplier
    for g in method.groups:
        for ind in g.indicators:
            if ind.benchmark.kind == "fixed":
                benchmarks[(g.id, ind.key)] = ind.benchmark.value * ind.benchmark.multiplier
    # scores, with the group's mean score for missing values under group_mean_score
    mean_scores: dict[tuple, list[float]] = {}
    for rec in records:
        if rec["status"] in ("out_of_scope", "excluded"):
            continue
        scores = {}
        for ind in method.group(rec["group"]).indicators:
            value = rec["values"][ind.key]
            if value is None:
                scores[ind.key] = None
                continue
            s = value / benchmarks[(rec["group"], ind.key)] * ind.weight
            scores[ind.key] = s
            if rec["status"] == "graded":
                mean_scores.setdefault((rec["group"], ind.key), []).append(s)
        rec["scores"] = scores
    for rec in records:
        if "scores" not in rec:
            rec["total"] = None
            continue
        subtotal = 0.0
        for ind in method.group(rec["group"]).indicators:
            s = rec["scores"][ind.key]
            if s is None and ind.on_missing == "exclude":  # a not-graded firm without land: no total
                subtotal = None
                break
            if s is None:
                population = mean_scores.get((rec["group"], ind.key), [])
                s = sum(population) / len(population) if ind.on_missing == "group_mean_score" and population else 0.0
            subtotal += s
        rec["total"] = None if subtotal is None else round(subtotal, 6)
        rec["veto"] = rec["status"] == "graded" and bool(rec["row"].incident)
    # quota grading within each group
    result = {}
    for g in method.groups:
        members = [r for r in records if r["group"] == g.id and r["status"] == "graded" and not r["veto"]]
        members.sort(key=lambda r: -r["total"])
        n = len(members)
        boundaries, cumulative = [], 0
        for grade, share in method.grading.quota:
            cumulative += round(share * 100)
            boundaries.append((grade, (2 * n * cumulative + 10_000) // 20_000))
        previous_total, previous_rank = None, 0
        for position, rec in enumerate(members, start=1):
            rank = previous_rank if rec["total"] == previous_total else position
            previous_total, previous_rank = rec["total"], rank
            rec["grade"] = next(grade for grade, last in boundaries if rank <= last)
    for rec in records:
        if rec["status"] == "not_graded":
            grade = method.not_graded.grade
        elif rec["status"] == "graded":
            grade = "D" if rec["veto"] else rec["grade"]
        else:
            grade = None
        result[rec["uscc"]] = (rec["total"], grade)
    return result


def compare(engine: pl.DataFrame, reference: dict[str, tuple]) -> tuple[float, int]:
    worst, grades_differ = 0.0, 0
    for uscc, total, grade in engine.select("uscc", "total", "grade").iter_rows():
        ref_total, ref_grade = reference[uscc]
        if (total is None) != (ref_total is None):
            worst = math.inf
        elif total is not None:
            worst = max(worst, abs(total - ref_total))
        grades_differ += grade != ref_grade
    return worst, grades_differ


def timed(function) -> tuple[float, float, object]:
    """(wall time, CPU time of the process, result) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def spread(values: list[float]) -> str:
    return f"{min(values):.1f}–{max(values):.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7, help="rounds; each runs score() with and without "
                        "explanations and the row-by-row implementation once, alternating")  # fmt: skip
    parser.add_argument("--iterrows", action="store_true", help="row by row with iterrows() instead of itertuples()")
    parser.add_argument("--preset", action="append", help="only this preset (repeatable)")
    args = parser.parse_args()
    global ROW_ITERATION
    ROW_ITERATION = "iterrows" if args.iterrows else "itertuples"
    try:
        import pandas  # noqa: F401
    except ImportError:
        raise SystemExit("pandas is needed for the row-by-row comparison: pip install pandas") from None

    frame = synthetic(args.enterprises, seed=2024)
    previous = synthetic(args.enterprises, seed=2024, year_factor=0.95)
    print(
        f"{args.enterprises:,} enterprises, polars {pl.__version__}, {pl.thread_pool_size()} threads; "
        f"{args.repeat} alternating rounds (engine with explanations, without, row by row with {ROW_ITERATION}()); "
        f"medians, [min–max]"
    )
    presets = (("huangyan-2022", None), ("huaian-2024", previous))
    for preset, prev in presets:
        if args.preset and preset not in args.preset:
            continue
        method = load_preset(preset)
        score(frame, method, previous=prev)  # warm-up
        with_text, bare, reference_times, cpu_text, cpu_bare, cpu_reference = [], [], [], [], [], []
        result = reference = None
        for _ in range(args.repeat):
            wall, cpu, result = timed(lambda m=method, p=prev: score(frame, m, previous=p))
            with_text.append(wall)
            cpu_text.append(cpu)
            wall, cpu, _ = timed(lambda m=method, p=prev: score(frame, m, previous=p, explain=False))
            bare.append(wall)
            cpu_bare.append(cpu)
            wall, cpu, reference = timed(lambda m=method, p=prev: row_by_row(frame, m, p))
            reference_times.append(wall)
            cpu_reference.append(cpu)
        worst, grades_differ = compare(result, reference)
        counts = dict(result.group_by("grade").len().sort("grade").iter_rows())
        ms = [[t * 1000 for t in times] for times in (with_text, bare, reference_times)]
        median_text, median_bare, median_reference = (statistics.median(t) for t in ms)
        # Each round's own ratio: the engine and pandas measured back to back, under the same load.
        round_text = [r / t for t, r in zip(ms[0], ms[2], strict=True)]
        round_bare = [r / t for t, r in zip(ms[1], ms[2], strict=True)]
        print(f"\n{preset}")
        print(
            f"  score() with explanations     {median_text:7.1f} ms [{spread(ms[0])}], "
            f"CPU {statistics.median(cpu_text) * 1000:.1f} ms   (goal < 200 ms)"
        )
        print(
            f"  score() without explanations  {median_bare:7.1f} ms [{spread(ms[1])}], "
            f"CPU {statistics.median(cpu_bare) * 1000:.1f} ms"
        )
        print(
            f"  row-by-row pandas             {median_reference:7.1f} ms [{spread(ms[2])}], "
            f"CPU {statistics.median(cpu_reference) * 1000:.1f} ms"
        )
        print(
            f"  → ratio of medians: engine {median_reference / median_text:.1f}× faster with explanations, "
            f"{median_reference / median_bare:.1f}× without (goal ≥ 20×)"
        )
        print(
            f"    per round: with explanations [{spread(round_text)}]×, median {statistics.median(round_text):.1f}×; "
            f"without [{spread(round_bare)}]×, median {statistics.median(round_bare):.1f}×"
        )
        cpu_ratio_text = statistics.median(cpu_reference) / statistics.median(cpu_text)
        cpu_ratio_bare = statistics.median(cpu_reference) / statistics.median(cpu_bare)
        print(
            f"    CPU time, ratio of medians: {cpu_ratio_text:.1f}× with explanations, {cpu_ratio_bare:.1f}× without "
            "(the engine's CPU time counts both threads)"
        )
        print(f"  same totals: largest difference {worst:.2e}; grades that differ: {grades_differ}")
        print(f"  grades: {counts}")


if __name__ == "__main__":
    main()
