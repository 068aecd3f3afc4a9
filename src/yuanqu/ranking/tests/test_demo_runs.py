"""The demo city's zone ranking: the reference method's runs of every year with figures, so that rank changes and
a zone's rank over the years show."""

from __future__ import annotations

from yuanqu.core.demo import DemoCity
from yuanqu.ranking.demo import build_runs
from yuanqu.ranking.models import ZoneEvaluationRun
from yuanqu.ranking.testing import make_ranking_world


def test_the_demo_ranks_every_year_with_figures_under_the_reference_method(zone_a, zone_b):
    make_ranking_world(zone_a, zone_b, run=False)  # figures of 2024 and 2025
    city = DemoCity(seed=7, enterprises=0, parcels=0, years=5, last_year=2025)  # 2021–2023 have no figures
    build_runs(city)
    runs = list(ZoneEvaluationRun.objects.order_by("year"))
    assert [(run.year, run.method.preset, run.results.count()) for run in runs] == [
        (2024, "zones-reference", 7),
        (2025, "zones-reference", 7),
    ]
    assert city.summary.zone_evaluation_runs == 2
    # 2025 knows 2024's ranks: the changes show.
    assert runs[1].results.filter(rank_change__isnull=False).count() == 6


def test_a_demo_of_one_year_ranks_that_year(zone_a, zone_b):
    make_ranking_world(zone_a, zone_b, run=False)
    city = DemoCity(seed=7, enterprises=0, parcels=0, years=1, last_year=2025)
    build_runs(city)
    assert list(ZoneEvaluationRun.objects.values_list("year", flat=True)) == [2025]
