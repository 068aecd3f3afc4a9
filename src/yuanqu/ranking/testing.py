"""Factories of the ranking app's tests: a small method whose totals are worked out by hand, and a city of zones and
peers with two years of figures under it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from yuanqu.ranking.models import PeerZone, ZoneEvaluationMethod, ZoneEvaluationRun, ZoneYear
from yuanqu.ranking.services import run_zone_evaluation, save_zone_method
from yuanqu.zones.testing import make_zone

TWO_CATEGORY_METHOD = """\
name = "two-categories"
title = "两类别测试方法"
title_en = "Two-category test method"

[groups]
by = "level"

[[categories]]
key = "scale"
zh = "经济规模"
en = "Economic scale"
weight = 60

[[categories.indicators]]
key = "gdp"
zh = "地区生产总值"
en = "GDP"
figure = "gdp"
share = 1

[[categories]]
key = "revenue"
zh = "财政收入"
en = "Revenue"
weight = 40

[[categories.indicators]]
key = "budget_revenue"
zh = "一般公共预算收入"
en = "Budget revenue"
figure = "budget_revenue"
share = 1

[[vetoes]]
key = "major_accident"
zh = "发生较大及以上生产安全事故"
en = "A major work-safety accident"
figures = ["safety_accidents"]

[[warnings]]
key = "delisting"
zh = "摘牌预警"
en = "Warning: loss of status"
levels = ["provincial"]
last = 1
times = 2
years = 2
"""
"""Total = 60 × GDP ÷ the group's largest GDP + 40 × revenue ÷ the group's largest revenue."""

# (GDP, budget revenue, work-safety accidents) in 万元, by year.
FIGURES = {
    "A": {2024: (100, 20, 0), 2025: (100, 10, 0)},
    "C": {2024: (80, 10, 0), 2025: (80, 20, 0)},
    "D": {2024: (50, 5, 0), 2025: (50, None, 0)},
    "P": {2024: (100, 10, 0), 2025: (120, 11, 0)},
    "B": {2024: (200, 30, 0), 2025: (200, 30, 0)},
    "Q": {2024: (150, 40, 0), 2025: (150, 40, 0)},
    "E": {2024: (100, 10, 0), 2025: (300, 50, 1)},
}


@dataclass
class RankingWorld:
    """Provincial zones A (甲), C (丙), D (丁) and the provincial peer P; national zones B (乙), E (戊) and the
    national peer Q; the 2024 and 2025 runs of the two-category method.

    2025, provincial (largest GDP 120, revenue 20): P 60 + 22 = 82.00, C 40 + 40 = 80.00, A 50 + 20 = 70.00,
    D 25 + 0 = 25.00 (no revenue reported); 2024: A 100, P 80, C 68, D 40. National: E vetoed (an accident), B 60 +
    30 = 90.00, Q 45 + 40 = 85.00.
    """

    zones: dict
    peers: dict
    method: ZoneEvaluationMethod
    runs: dict[int, ZoneEvaluationRun] = field(default_factory=dict)

    def result(self, key: str, year: int = 2025):
        found = self.zones.get(key) or self.peers[key]
        run = self.runs[year]
        if key in self.zones:
            return run.results.get(zone=found)
        return run.results.get(peer=found)


def make_ranking_world(zone_a, zone_b, *, run: bool = True) -> RankingWorld:
    """The world above around the conftest's zone A (甲, provincial) and zone B (乙, national)."""
    zones = {
        "A": zone_a,
        "B": zone_b,
        "C": make_zone("丙经济开发区", code="C001", level="provincial", kind="provincial_dz"),
        "D": make_zone("丁经济开发区", code="D001", level="provincial", kind="provincial_dz"),
        "E": make_zone("戊经济技术开发区", code="E001", level="national", kind="etdz"),
    }
    peers = {
        "P": PeerZone.objects.create(name="澄江临港经济开发区", code="S321103", level="provincial", city="澄江市"),
        "Q": PeerZone.objects.create(name="鹭门经济技术开发区", code="G321201", level="national", city="鹭门市"),
    }
    for key, years in FIGURES.items():
        owner = {"zone": zones[key]} if key in zones else {"peer": peers[key]}
        for year, (gdp, revenue, accidents) in years.items():
            ZoneYear.objects.create(
                **owner,
                year=year,
                gdp=Decimal(gdp),
                budget_revenue=None if revenue is None else Decimal(revenue),
                safety_accidents=accidents,
            )
    # A sub-park's figures belong to its zone: they are never ranked.
    sub_park = make_zone(f"{zone_a.name}光电产业园", code=f"{zone_a.code}-S", parent=zone_a)
    ZoneYear.objects.create(zone=sub_park, year=2025, gdp=Decimal("999"), budget_revenue=Decimal("999"))
    method = save_zone_method(name="two-categories", text=TWO_CATEGORY_METHOD, user=None)
    world = RankingWorld(zones=zones, peers=peers, method=method)
    if run:
        for year in (2024, 2025):
            world.runs[year] = run_zone_evaluation(method=method, year=year, user=None)
    return world
