"""Explanations of a zone ranking: why a rank moved, what would lift a zone past the one above (checked by
ranking again), how stable a rank is under ±10 % weights, and a zone against its peers' average."""

import polars as pl
import pytest

from yuanqu.analytics.tests.zone_ranking_frames import A, B, C, frame, one_indicator_method, zone
from yuanqu.analytics.zoneranking import (
    compare_with_peers,
    load_method,
    load_preset,
    rank_interval,
    rank_intervals,
    rank_zones,
    weightings,
    what_would_move,
    why_rank_changed,
)

REFERENCE = load_preset("zones-reference")


def three_zones(**changes) -> pl.DataFrame:
    """A, B and C of zone_ranking_frames in 2024, with figures changed by zone: changes={"B": {"trade": 1.0}}."""
    rows = [zone(z, **(figures | changes.get(z, {}))) for z, figures in (("A", A), ("B", B), ("C", C))]
    return frame(*rows)


def test_why_names_the_indicators_that_moved_the_points_largest_first():
    # 2023 → 2024 only C's employees grow, from 20,000 to 60,000: C becomes the best (40 → 100, +6 points) and
    # A's employees score falls from 100 to 83.333 (−1.667 points), without any change of A's own figures.
    last_year = three_zones().with_columns(pl.lit(2023, dtype=pl.Int64).alias("year"))
    this_year = three_zones(C={"employees": 60_000.0})
    ranking = rank_zones(pl.concat([last_year, this_year]), REFERENCE, year=2024)
    why = why_rank_changed(ranking, "A")
    first = why.moves.row(0, named=True)
    assert first["indicator"] == "employees"
    assert (first["value_before"], first["value_after"]) == (50_000.0, 50_000.0)
    assert (first["best_before"], first["best_after"]) == (50_000.0, 60_000.0)
    assert round(first["points_change"], 3) == -1.667
    assert why.moves["points_change"][1:].abs().max() == 0.0
    assert (why.rank, why.previous_rank, why.rank_change) == (1, 1, 0)
    assert (round(why.total, 3), round(why.previous_total, 3)) == (85.958, 87.625)
    assert why.summary_zh == (
        "2024 年第 1 名，2023 年第 1 名（名次不变）；总分 85.96，上年 87.63（-1.67）；变化最大：从业人员 -1.67 分。"
    )
    c = why_rank_changed(ranking, "C")
    assert c.moves["indicator"][0] == "employees" and round(c.moves["points_change"][0], 3) == 6.0


def test_why_without_the_previous_year_says_so():
    ranking = rank_zones(three_zones(), REFERENCE)
    why = why_rank_changed(ranking, "B")
    assert why.previous_rank is None and why.moves["points_change"].null_count() == 9
    assert why.summary_en == "2024: rank 2; no figures for 2023, nothing to compare."


def _ahead(figures: pl.DataFrame, method, zone_id, indicator_key, value, rivals) -> bool:
    """Rank again with the zone's indicator at ``value`` (for a ratio: its numerator, the denominator held)."""
    indicator = method.indicator(indicator_key)
    row = figures.filter(pl.col("zone_id") == zone_id).row(0, named=True)
    column = indicator.figure or indicator.numerator
    if indicator.figure is None:
        value = value * row[indicator.denominator] / indicator.scale
    changed = figures.with_columns(
        pl.when(pl.col("zone_id") == zone_id).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
    )
    again = rank_zones(changed, method)
    mine = again.zone(zone_id)
    return all(mine["rank"] < again.zone(rival)["rank"] for rival in rivals)


def test_what_would_move_b_past_a_is_checked_by_ranking_again():
    figures = three_zones()
    ranking = rank_zones(figures, REFERENCE)
    move = what_would_move(ranking, "B")
    assert (move.rank, move.above, move.above_rank) == (2, ("A",), 1)
    options = {row["indicator"]: row for row in move.options.iter_rows(named=True)}
    # Employees, by hand: above A's 50,000 B scores 100 (+2 points, 84.00) and A scores 100 × 50,000 ÷ x, so
    # A's total is 77.625 + 500,000 ÷ x, which is 83.99 to 0.01 from x = 78,493 (78,492 gives 83.995077 → 84.00).
    employees = options["employees"]
    assert (employees["value"], employees["needed"], employees["change"], employees["step"]) == (
        40_000.0,
        78_493.0,
        38_493.0,
        1.0,
    )
    assert round(employees["change_percent"], 3) == 96.233
    checked = 0
    for row in move.options.iter_rows(named=True):
        if not row["reachable"] or row["shared_with"]:
            continue
        better = 1 if row["direction"] == "higher" else -1
        assert _ahead(figures, REFERENCE, "B", row["indicator"], row["needed"], move.above), row
        assert not _ahead(figures, REFERENCE, "B", row["indicator"], row["needed"] - better * row["step"], move.above)
        checked += 1
    assert checked >= 5
    # Smallest relative change first; the reachable ones before the rest.
    reachable = move.options.filter(pl.col("reachable"))
    percents = reachable["change_percent"].abs().to_list()
    assert percents == sorted(percents)


def test_what_would_move_a_ratio_gives_the_numerator_with_the_denominator_held():
    ranking = rank_zones(three_zones(), REFERENCE)
    energy = what_would_move(ranking, "B").options.filter(pl.col("indicator") == "energy_intensity").row(0, named=True)
    # Lower is better: the energy use per 万元 that passes, and the energy use (tce) it means at B's 250,000 万元.
    assert energy["change"] < 0 and energy["reachable"]
    assert energy["numerator_needed"] == pytest.approx(energy["needed"] * 250_000.0)
    assert energy["numerator_change"] == pytest.approx(energy["numerator_needed"] - 100_000.0)
    assert _ahead(three_zones(), REFERENCE, "B", "energy_intensity", energy["needed"], ("A",))
    assert not _ahead(three_zones(), REFERENCE, "B", "energy_intensity", energy["needed"] + energy["step"], ("A",))


def test_no_single_indicator_suffices_for_a_zone_far_behind():
    # C (38.25) is 43.75 points behind B: the largest any one indicator can give is 18.75 (foreign investment).
    move = what_would_move(rank_zones(three_zones(), REFERENCE), "C")
    assert move.above == ("B",) and not move.options["reachable"].any()
    assert move.summary_en.endswith("no single indicator suffices.")
    assert move.summary_zh.endswith("没有单项指标足以做到。")


def test_the_first_zone_has_nobody_to_pass():
    move = what_would_move(rank_zones(three_zones(), REFERENCE), "A")
    assert move.above == () and move.options.height == 0 and move.summary_en == "Already first in its group."


def test_what_would_move_passes_every_zone_tied_just_above():
    method = load_method(one_indicator_method())
    rows = [zone("Z1", gdp=100.0), zone("Z2", gdp=100.0), zone("Z3", gdp=50.0)]
    ranking = rank_zones(frame(*rows), method)
    (option,) = what_would_move(ranking, "Z3").options.iter_rows(named=True)
    # Above 100 Z3 becomes the best, and the others score 100 × 100 ÷ x: Z3 passes both from 100.01.
    assert what_would_move(ranking, "Z3").above == ("Z1", "Z2")
    assert option["needed"] == pytest.approx(100.01) and option["step"] == 0.01
    assert _ahead(frame(*rows), method, "Z3", "gdp", option["needed"], ("Z1", "Z2"))
    assert not _ahead(frame(*rows), method, "Z3", "gdp", option["needed"] - 0.01, ("Z1", "Z2"))


TWO_CATEGORIES = """\
name = "two"
title = "两类"

[[categories]]
key = "economy"
zh = "经济"
weight = 50

[[categories.indicators]]
key = "gdp"
zh = "地区生产总值"
figure = "gdp"
share = 1

[[categories]]
key = "people"
zh = "就业"
weight = 50

[[categories.indicators]]
key = "employees"
zh = "从业人员"
figure = "employees"
share = 1
"""


def test_stability_interval_when_a_weight_change_flips_two_close_zones():
    # X: economy 100, people 60 → 80.0; Y: economy 62, people 100 → 81.0; Z far behind (10).
    # Economy +10 % and people −10 % (55/45 after rescaling): X 55 + 27 = 82.0, Y 34.1 + 45 = 79.1: X first.
    method = load_method(TWO_CATEGORIES)
    rows = [
        zone("X", gdp=100.0, employees=60.0),
        zone("Y", gdp=62.0, employees=100.0),
        zone("Z", gdp=10.0, employees=10.0),
    ]
    ranking = rank_zones(frame(*rows), method)
    assert {z: (r["rank"], r["rank_best"], r["rank_worst"]) for z, r in ((z, ranking.zone(z)) for z in "XYZ")} == {
        "X": (2, 1, 2),
        "Y": (1, 1, 2),
        "Z": (3, 3, 3),
    }
    assert rank_interval(ranking, "X") == (1, 2)
    narrow = rank_zones(frame(*rows), method, stability=0.02)  # 51/49: X 80.8, Y 81.38 — no flip
    assert rank_interval(narrow, "X") == (2, 2)
    assert rank_intervals(ranking.zones, method)["scenarios"].to_list() == [9, 9, 9]


def test_weightings_are_the_full_grid_rescaled_to_100():
    grid = weightings(REFERENCE)
    assert grid.shape == (243, 5)
    assert grid[0].tolist() == [30.0, 30.0, 15.0, 15.0, 10.0]
    assert abs(grid.sum(axis=1) - 100).max() < 1e-9
    shares = weightings(REFERENCE, vary="indicators")
    assert shares.shape == (19, 9) and abs(shares.sum(axis=1) - 100).max() < 1e-9


def test_without_spread_every_interval_is_the_rank_itself():
    # The interval's own ranking reproduces the engine's, ties included, on many zones.
    import numpy as np

    rng = np.random.default_rng(7)
    rows = []
    for index in range(300):
        figures = {
            key: float(v) for key, v in zip(A, rng.lognormal(0, 0.4, len(A)) * np.array(list(A.values())), strict=True)
        }
        rows.append(zone(f"Z{index:03d}", level="national" if index % 3 else "provincial", **figures))
    rows += [rows[0] | {"zone_id": "T1"}, rows[1] | {"zone_id": "T2"}]  # exact ties
    ranking = rank_zones(frame(*rows), REFERENCE, stability=0.0)
    assert ranking.zones["rank"].to_list() == ranking.zones["rank_best"].to_list()
    assert ranking.zones["rank"].to_list() == ranking.zones["rank_worst"].to_list()
    intervals = rank_intervals(ranking.zones, REFERENCE, spread=0.1, vary="indicators")
    assert intervals.height == 302 and (intervals["rank_best"] <= intervals["rank_worst"]).all()


def test_peer_comparison_against_the_group_average():
    ranking = rank_zones(three_zones(), REFERENCE)
    compared = compare_with_peers(ranking, "A")
    assert compared.peers == ("B", "C")
    gdp = compared.indicators.filter(pl.col("indicator") == "gdp").row(0, named=True)
    assert (gdp["value"], gdp["peer_mean"], gdp["difference"], gdp["side"], gdp["better"]) == (
        1_000_000.0,
        650_000.0,
        350_000.0,
        "above",
        True,
    )
    assert round(gdp["difference_percent"], 3) == 53.846
    energy = compared.indicators.filter(pl.col("indicator") == "energy_intensity").row(0, named=True)
    # 0.5 against the mean of 0.4 and 0.8 (0.6): below the mean, which is better for lower-is-better.
    assert (energy["side"], energy["better"], round(energy["peer_mean"], 3)) == ("below", True, 0.6)
    trade = compared.indicators.filter(pl.col("indicator") == "trade").row(0, named=True)
    assert (trade["side"], trade["better"]) == ("below", False)
    assert round(compared.peer_mean_total, 3) == 60.125 and compared.total == 87.625
    assert compared.summary_en.startswith("Against the average of 2 zones: total 87.63, average 60.13")
    chosen = compare_with_peers(ranking, "C", peers=["B"])
    assert chosen.peers == ("B",) and chosen.indicators["better"].to_list() == [False] * 9
    assert chosen.to_dict()["indicators"][0]["indicator"] == "foreign_investment"


def test_what_would_move_a_zone_with_a_missing_figure_starts_from_nothing():
    # B without employees scores 0 there (74.0). Only as the best (+10 points: 84.0) does it pass A, whose total
    # is then 77.625 + 500,000 ÷ x: from x = 78,493 people, as when B reports 40,000.
    figures = three_zones(B={"employees": None})
    ranking = rank_zones(figures, REFERENCE)
    assert round(ranking.zone("B")["total"], 3) == 74.0
    option = what_would_move(ranking, "B").options.filter(pl.col("indicator") == "employees").row(0, named=True)
    assert (option["value"], option["needed"], option["change"], option["change_percent"]) == (
        None,
        78_493.0,
        None,
        None,
    )
    assert _ahead(figures, REFERENCE, "B", "employees", 78_493.0, ("A",))
    assert not _ahead(figures, REFERENCE, "B", "employees", 78_492.0, ("A",))
