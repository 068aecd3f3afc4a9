"""The per-mu evaluation's part of the demo city: the Huai'an-style preset on the last two years, published."""

from __future__ import annotations

from yuanqu.evaluation.services import preset_method, publish_run, run_evaluation

DEMO_PRESET = "huaian-2024"


def build_demo_evaluations(*, first_year: int, last_year: int) -> list:
    """Evaluate the last two years with data for a previous year (Huai'an benchmarks against the
    previous year's means) and publish them, the older first, so the migration matrix has two runs.
    Returns the runs made (none when fewer than two years of figures exist)."""
    method = preset_method(name=DEMO_PRESET)
    runs = []
    for year in (last_year - 1, last_year):
        if year - 1 < first_year:
            continue
        run = run_evaluation(method=method, year=year, user=None)
        runs.append(publish_run(run=run, user=None))
    return runs


def build_evaluations(city) -> None:
    city.count("evaluation_runs", len(build_demo_evaluations(first_year=city.first_year, last_year=city.last_year)))
