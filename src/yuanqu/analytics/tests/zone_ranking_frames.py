"""Input frames for the zone-ranking tests: one row per zone and year, every reported figure typed."""

import polars as pl

from yuanqu.analytics.zone_figures import FIGURE_KEYS

SCHEMA = {
    "zone_id": pl.String,
    "name": pl.String,
    "level": pl.String,
    "external": pl.Boolean,
    "year": pl.Int64,
    **dict.fromkeys(FIGURE_KEYS, pl.Float64),
}


def zone(zone_id: str, *, level: str = "provincial", year: int = 2024, external: bool = False, **figures) -> dict:
    """A zone-year with no figures but those given, and no incidents."""
    unknown = set(figures) - set(FIGURE_KEYS)
    assert not unknown, unknown
    row = dict.fromkeys(SCHEMA)
    row |= {"zone_id": zone_id, "name": f"园区{zone_id}", "level": level, "external": external, "year": year}
    row |= {"safety_accidents": 0.0, "environmental_incidents": 0.0}
    return row | figures


def frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA)


# Three provincial zones under the reference method, chosen so that every score is a round number
# (see test_reference_method_scores_three_zones_by_hand for the arithmetic).
A = {
    "foreign_investment": 200.0,
    "trade": 10_000.0,
    "gdp": 1_000_000.0,
    "budget_revenue": 100_000.0,
    "industrial_output": 2_000_000.0,
    "rd_spending": 30_000.0,  # 3 % of GDP
    "high_tech_enterprises": 50.0,
    "energy_tce": 200_000.0,
    "industrial_value_added": 400_000.0,  # 0.5 tce per 万元
    "employees": 50_000.0,
}
B = {
    "foreign_investment": 100.0,
    "trade": 20_000.0,
    "gdp": 800_000.0,
    "budget_revenue": 100_000.0,
    "industrial_output": 1_000_000.0,
    "rd_spending": 32_000.0,  # 4 %
    "high_tech_enterprises": 40.0,
    "energy_tce": 100_000.0,
    "industrial_value_added": 250_000.0,  # 0.4
    "employees": 40_000.0,
}
C = {
    "foreign_investment": 50.0,
    "trade": 5_000.0,
    "gdp": 500_000.0,
    "budget_revenue": 50_000.0,
    "industrial_output": 500_000.0,
    "rd_spending": 10_000.0,  # 2 %
    "high_tech_enterprises": 20.0,
    "energy_tce": 80_000.0,
    "industrial_value_added": 100_000.0,  # 0.8
    "employees": 20_000.0,
}


def one_indicator_method(normalisation: str = "ratio_to_best", direction: str = "higher", extra: str = "") -> str:
    """A method with one category and one indicator (GDP), for rules that are easiest seen alone."""
    return f"""\
name = "one"
title = "单指标"

[[categories]]
key = "all"
zh = "全部"
weight = 100

[[categories.indicators]]
key = "gdp"
zh = "地区生产总值"
figure = "gdp"
share = 1
direction = "{direction}"
normalisation = "{normalisation}"
{extra}"""
