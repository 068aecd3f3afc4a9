"""Zone ranking: the reference method on hand-computed zones, vetoes, missing figures, ties, rank changes,
warnings, peers, the three normalisations, caps and deductions."""

import polars as pl
import pytest

from yuanqu.analytics.tests.zone_ranking_frames import A, B, C, frame, one_indicator_method, zone
from yuanqu.analytics.zoneranking import EngineError, load_method, load_preset, rank_zones

REFERENCE = load_preset("zones-reference")


def by_id(ranking, column: str, *, digits: int = 3) -> dict:
    values = dict(zip(ranking.zones["zone_id"], ranking.zones[column], strict=True))
    return {k: round(v, digits) if isinstance(v, float) else v for k, v in values.items()}


def one(normalisation="ratio_to_best", direction="higher", extra=""):
    return load_method(one_indicator_method(normalisation, direction, extra))


def gdp_zones(*values, level="provincial", year=2024):
    return [zone(f"Z{i + 1}", level=level, year=year, gdp=v) for i, v in enumerate(values)]


def test_reference_method_scores_three_zones_by_hand():
    # Indicator scores (100 × x ÷ best, lower-is-better 100 × best ÷ x):
    #              FI   trade  GDP  budget output  R&D  high-tech energy employees
    #   A         100    50    100   100    100    75    100      80     100
    #   B          50   100     80   100     50   100     80     100      80
    #   C          25    25     50    50     25    50     40      50      40
    # A: 30 × 75 + 30 × 100 + 15 × 87.5 + 15 × 80 + 10 × 100 = 8762.5 → 87.625
    # B: 30 × 75 + 30 × 76.667 + 15 × 90 + 15 × 100 + 10 × 80 = 8200 → 82.000
    # C: 30 × 25 + 30 × 41.667 + 15 × 45 + 15 × 50 + 10 × 40 = 3825 → 38.250
    ranking = rank_zones(frame(zone("A", **A), zone("B", **B), zone("C", **C)), REFERENCE, year=2024)
    assert by_id(ranking, "total") == {"A": 87.625, "B": 82.0, "C": 38.25}
    assert by_id(ranking, "rank") == {"A": 1, "B": 2, "C": 3}
    assert by_id(ranking, "group_size") == {"A": 3, "B": 3, "C": 3}
    assert by_id(ranking, "rd_intensity_value") == {"A": 3.0, "B": 4.0, "C": 2.0}
    assert by_id(ranking, "rd_intensity_score") == {"A": 75.0, "B": 100.0, "C": 50.0}
    assert by_id(ranking, "development_quality_score") == {"A": 100.0, "B": 76.667, "C": 41.667}
    assert by_id(ranking, "innovation_score") == {"A": 87.5, "B": 90.0, "C": 45.0}
    assert by_id(ranking, "trade_points") == {"A": 7.5, "B": 15.0, "C": 3.75}
    assert set(ranking.zones["status"]) == {"ranked"}


def test_lower_is_better_scores_the_smallest_value_100():
    ranking = rank_zones(frame(zone("A", **A), zone("B", **B), zone("C", **C)), REFERENCE, year=2024)
    assert by_id(ranking, "energy_intensity_value") == {"A": 0.5, "B": 0.4, "C": 0.8}
    assert by_id(ranking, "energy_intensity_score") == {"A": 80.0, "B": 100.0, "C": 50.0}
    best = ranking.bests.filter(pl.col("indicator") == "energy_intensity").row(0, named=True)
    assert (best["low"], best["high"], best["count"]) == (0.4, 0.8, 3)


def test_veto_removes_the_zone_before_the_best_values_are_taken():
    # D has the largest GDP of all, but an accident: A's GDP still scores 100 and the totals are as without D.
    d = zone("D", **(B | {"gdp": 5_000_000.0, "safety_accidents": 1.0}))
    ranking = rank_zones(frame(zone("A", **A), zone("B", **B), zone("C", **C), d), REFERENCE, year=2024)
    assert by_id(ranking, "gdp_score") == {"A": 100.0, "B": 80.0, "C": 50.0, "D": None}
    assert by_id(ranking, "total") == {"A": 87.625, "B": 82.0, "C": 38.25, "D": None}
    assert by_id(ranking, "rank") == {"A": 1, "B": 2, "C": 3, "D": None}
    vetoed = ranking.zone("D")
    assert vetoed["status"] == "vetoed" and vetoed["veto"] == "major_accident"
    assert vetoed["veto_reason_zh"] == "发生较大及以上生产安全事故或突发环境事件（较大及以上生产安全事故 1 起）"
    assert vetoed["veto_reason_en"] == (
        "A major work-safety accident or environmental emergency (major work-safety accidents: 1)"
    )
    assert ranking.zones["zone_id"].to_list() == ["A", "B", "C", "D"]  # unranked last


def test_missing_figure_scores_zero_and_is_named():
    e = zone("E", **(B | {"trade": None, "industrial_value_added": 0.0, "foreign_investment": -5.0}))
    ranking = rank_zones(frame(zone("A", **A), zone("B", **B), e), REFERENCE, year=2024)
    row = ranking.zone("E")
    assert (row["trade_score"], row["energy_intensity_score"], row["foreign_investment_score"]) == (0.0, 0.0, 0.0)
    assert (row["trade_issue"], row["energy_intensity_issue"], row["foreign_investment_issue"]) == (
        "missing_figure",
        "zero_denominator",
        "not_positive",
    )
    assert row["missing"] == ["foreign_investment", "trade", "energy_intensity"]
    assert row["missing_reason_zh"] == (
        "实际使用外资不大于 0，得 0 分；进出口总额：未上报进出口总额，得 0 分；"
        "单位工业增加值能耗：规上工业增加值为 0 或负数，无法计算，得 0 分"
    )
    assert "Imports and exports: imports and exports not reported, scores 0" in row["missing_reason_en"]
    # B's own figures: B scores as it does against A alone, E's zeros set no best.
    assert round(ranking.zone("B")["total"], 3) == round(
        rank_zones(frame(zone("A", **A), zone("B", **B)), REFERENCE).zone("B")["total"], 3
    )
    assert ranking.zone("A")["missing"] == [] and ranking.zone("A")["missing_reason_zh"] is None


def test_totals_equal_to_a_hundredth_share_a_rank():
    # Totals 100, 50.004 and 49.996 (both 50.00 to 0.01), 50.006 (50.01), 10: ranks 1, 3, 3, 2, 5.
    rows = gdp_zones(100.0, 50.004, 49.996, 50.006, 10.0)
    ranking = rank_zones(frame(*rows), one())
    assert by_id(ranking, "rank") == {"Z1": 1, "Z2": 3, "Z3": 3, "Z4": 2, "Z5": 5}


def test_rank_change_is_previous_minus_current():
    last_year = gdp_zones(100.0, 90.0, 80.0, year=2023)
    this_year = gdp_zones(70.0, 90.0, 100.0, year=2024)
    ranking = rank_zones(frame(*last_year, *this_year), one(), year=2024)
    assert by_id(ranking, "previous_rank") == {"Z1": 1, "Z2": 2, "Z3": 3}
    assert by_id(ranking, "rank_change") == {"Z3": 2, "Z2": 0, "Z1": -2}
    assert by_id(ranking, "rank_change_mark") == {"Z3": "▲2", "Z2": "—", "Z1": "▼2"}
    assert ranking.years.filter(pl.col("year") == 2023)["rank_change"].to_list() == [None, None, None]


def test_rank_change_across_groups_is_not_given():
    rows = [zone("Z1", level="provincial", year=2023, gdp=10.0), zone("Z1", level="national", year=2024, gdp=10.0)]
    ranking = rank_zones(frame(*rows), one(), year=2024)
    assert ranking.zone("Z1")["previous_rank"] == 1 and ranking.zone("Z1")["rank_change"] is None


def test_groups_are_ranked_separately_or_together():
    rows = [*gdp_zones(50.0, 40.0), zone("N1", level="national", gdp=100.0)]
    by_level = rank_zones(frame(*rows), one())
    assert by_id(by_level, "rank") == {"N1": 1, "Z1": 1, "Z2": 2}
    assert by_id(by_level, "total") == {"N1": 100.0, "Z1": 100.0, "Z2": 80.0}
    together = rank_zones(frame(*rows), one(extra='\n[groups]\nby = "all"\n'))
    assert by_id(together, "rank") == {"N1": 1, "Z1": 2, "Z2": 3} and set(together.zones["group"]) == {"all"}


def test_delisting_warning_for_a_provincial_zone_last_three_in_two_of_three_years():
    # 2024: P1…P5 rank 1…5, so P3, P4 and P5 are in the last three. History: 2023 P3 last (5 of 5),
    # P4 first; 2022 P5 fourth of 5; 2021 (outside the three years) P4 last.
    method = load_method(one_indicator_method() + WARNINGS)
    history = pl.DataFrame(
        {
            "zone_id": ["P3", "P4", "P5", "P4"],
            "year": [2023, 2023, 2022, 2021],
            "rank": [5, 1, 4, 5],
            "group_size": [5, 5, 5, 5],
        }
    )
    rows = [zone(f"P{i}", gdp=v) for i, v in enumerate([50.0, 40.0, 30.0, 20.0, 10.0], start=1)]
    ranking = rank_zones(frame(*rows), method, history=history)
    assert by_id(ranking, "warning") == {"P1": None, "P2": None, "P3": "delisting", "P4": None, "P5": "delisting"}
    assert ranking.zone("P3")["warning_zh"] == "摘牌预警" and ranking.zone("P3")["warning_years"] == [2023, 2024]
    assert ranking.zone("P5")["warning_years"] == [2022, 2024]
    assert ranking.zone("P4")["previous_rank"] == 1 and ranking.zone("P4")["rank_change"] == -3


def test_downgrade_warning_for_a_national_zone_last_five_in_two_of_three_years():
    # Six national zones: the last five are ranks 2–6. N2 was also in the last five in 2023 (third of 6).
    method = load_method(one_indicator_method() + WARNINGS)
    history = pl.DataFrame({"zone_id": ["N2", "N3"], "year": [2023, 2023], "rank": [3, 1], "group_size": [6, 6]})
    rows = [zone(f"N{i}", level="national", gdp=float(100 - i)) for i in range(1, 7)]
    ranking = rank_zones(frame(*rows), method, history=history)
    assert by_id(ranking, "warning") == {f"N{i}": ("downgrade" if i == 2 else None) for i in range(1, 7)}
    assert ranking.zone("N2")["warning_zh"] == "降级预警"


def test_a_group_no_larger_than_the_last_places_warns_nobody():
    method = load_method(one_indicator_method() + WARNINGS)
    rows = [zone(f"N{i}", level="national", year=y, gdp=float(i)) for i in range(1, 4) for y in (2023, 2024)]
    assert set(rank_zones(frame(*rows), method).zones["warning"].to_list()) == {None}


def test_a_vetoed_year_counts_among_the_last_places():
    method = load_method(one_indicator_method() + WARNINGS + VETO)
    rows = [zone(f"P{i}", year=y, gdp=float(10 * i)) for i in range(1, 6) for y in (2023, 2024)]
    rows[-1]["safety_accidents"] = 1.0  # P5, 2024: vetoed; in 2023 P5 was first
    rows[0]["environmental_incidents"] = 2.0  # P1, 2023: vetoed; in 2024 P1 is last of four
    ranking = rank_zones(frame(*rows), method)
    assert ranking.zone("P1")["warning"] == "delisting" and ranking.zone("P1")["warning_years"] == [2023, 2024]
    assert ranking.zone("P5")["status"] == "vetoed" and ranking.zone("P5")["warning"] is None


def test_external_peers_are_ranked_alongside_marked_and_not_warned():
    method = load_method(one_indicator_method() + WARNINGS)
    rows = [*gdp_zones(40.0, 30.0, 20.0, 10.0), zone("S1", external=True, gdp=80.0), zone("S2", external=True, gdp=5.0)]
    years = [r | {"year": y} for r in rows for y in (2023, 2024)]
    ranking = rank_zones(frame(*years), method)
    assert by_id(ranking, "rank") == {"S1": 1, "Z1": 2, "Z2": 3, "Z3": 4, "Z4": 5, "S2": 6}
    assert by_id(ranking, "total") == {"S1": 100.0, "Z1": 50.0, "Z2": 37.5, "Z3": 25.0, "Z4": 12.5, "S2": 6.25}
    assert by_id(ranking, "external") == {"S1": True, "Z1": False, "Z2": False, "Z3": False, "Z4": False, "S2": True}
    assert by_id(ranking, "warning") == {
        "S1": None,
        "Z1": None,
        "Z2": None,
        "Z3": "delisting",
        "Z4": "delisting",
        "S2": None,
    }


@pytest.mark.parametrize(
    ("normalisation", "direction", "expected"),
    [
        ("ratio_to_best", "higher", [25.0, 50.0, 100.0]),
        ("ratio_to_best", "lower", [100.0, 50.0, 25.0]),
        ("minmax", "higher", [0.0, 33.333, 100.0]),
        ("minmax", "lower", [100.0, 66.667, 0.0]),
        ("efficacy", "higher", [60.0, 73.333, 100.0]),
        ("efficacy", "lower", [100.0, 86.667, 60.0]),
    ],
)
def test_normalisations_on_10_20_40(normalisation, direction, expected):
    ranking = rank_zones(frame(*gdp_zones(10.0, 20.0, 40.0)), one(normalisation, direction))
    scores = by_id(ranking, "gdp_score")
    assert [scores["Z1"], scores["Z2"], scores["Z3"]] == expected


def test_equal_values_score_100_under_minmax_and_efficacy():
    for normalisation in ("minmax", "efficacy"):
        ranking = rank_zones(frame(*gdp_zones(20.0, 20.0)), one(normalisation))
        assert by_id(ranking, "gdp_score") == {"Z1": 100.0, "Z2": 100.0}
        assert by_id(ranking, "rank") == {"Z1": 1, "Z2": 1}


def test_missing_value_scores_zero_under_efficacy_and_sets_no_minimum():
    ranking = rank_zones(frame(*gdp_zones(10.0, 20.0, None, 40.0)), one("efficacy"))
    assert by_id(ranking, "gdp_score") == {"Z1": 60.0, "Z2": 73.333, "Z3": 0.0, "Z4": 100.0}


def test_cap_counts_a_value_beyond_it_as_the_cap():
    ranking = rank_zones(frame(*gdp_zones(10.0, 20.0, 40.0)), one(extra="cap = 30\n"))
    assert by_id(ranking, "gdp_score") == {"Z1": 33.333, "Z2": 66.667, "Z3": 100.0}
    assert by_id(ranking, "gdp_value") == {"Z1": 10.0, "Z2": 20.0, "Z3": 40.0}
    lower = rank_zones(frame(*gdp_zones(5.0, 10.0, 40.0)), one(direction="lower", extra="cap = 8\n"))
    assert by_id(lower, "gdp_score") == {"Z1": 100.0, "Z2": 80.0, "Z3": 20.0}


def test_deductions_take_points_off_up_to_their_cap():
    deduction = '\n[[deductions]]\nkey = "incidents"\nzh = "环境事件"\nfigure = "environmental_incidents"\npoints = 2\ncap = 3\n'
    rows = gdp_zones(100.0, 100.0, 100.0)
    rows[1]["environmental_incidents"] = 1.0
    rows[2]["environmental_incidents"] = 4.0
    ranking = rank_zones(frame(*rows), one(extra=deduction))
    assert by_id(ranking, "incidents_deduction") == {"Z1": 0.0, "Z2": 2.0, "Z3": 3.0}
    assert by_id(ranking, "total") == {"Z1": 100.0, "Z2": 98.0, "Z3": 97.0}
    assert by_id(ranking, "rank") == {"Z1": 1, "Z2": 2, "Z3": 3}


def test_every_year_is_ranked_and_the_default_year_is_the_latest():
    rows = [*gdp_zones(1.0, 2.0, year=2023), *gdp_zones(2.0, 1.0, year=2024)]
    ranking = rank_zones(frame(*rows), one())
    assert ranking.year == 2024 and ranking.zones["year"].unique().to_list() == [2024]
    assert ranking.years.select("year", "zone_id", "rank").rows() == [
        (2023, "Z2", 1),
        (2023, "Z1", 2),
        (2024, "Z1", 1),
        (2024, "Z2", 2),
    ]


def test_input_order_does_not_change_the_result():
    rows = [zone(z, year=y, **f) for y in (2023, 2024) for z, f in (("A", A), ("B", B), ("C", C))]
    forward = rank_zones(frame(*rows), REFERENCE)
    backward = rank_zones(frame(*reversed(rows)), REFERENCE)
    assert forward.zones.equals(backward.zones) and forward.years.equals(backward.years)


def test_input_it_cannot_rank_is_refused_in_both_languages():
    with pytest.raises(EngineError, match=r"missing columns: .*trade"):
        rank_zones(frame(zone("A", **A)).drop("trade"), REFERENCE)
    with pytest.raises(EngineError, match="more than one row for a zone and year: A/2024"):
        rank_zones(frame(zone("A", **A), zone("A", **B)), REFERENCE)
    with pytest.raises(EngineError, match="level must be one of"):
        rank_zones(frame(zone("A", level="county", **A)), REFERENCE)
    with pytest.raises(EngineError, match="no year 2020"):
        rank_zones(frame(zone("A", **A)), REFERENCE, year=2020)


WARNINGS = """
[[warnings]]
key = "delisting"
zh = "摘牌预警"
en = "Warning: loss of status"
levels = ["provincial"]
last = 3
times = 2
years = 3

[[warnings]]
key = "downgrade"
zh = "降级预警"
levels = ["national"]
last = 5
times = 2
years = 3
"""

VETO = """
[[vetoes]]
key = "major_accident"
zh = "发生较大及以上事故"
figures = ["safety_accidents", "environmental_incidents"]
"""


def test_the_benchmarks_method_has_thirty_indicators_and_ranks_its_synthetic_zones():
    # The benchmark of docs/benchmarks.md must keep running as the figure catalogue grows.
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[4] / "benchmarks" / "bench_zone_ranking.py"
    spec = importlib.util.spec_from_file_location("bench_zone_ranking", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    method = bench.method_from_dict(bench.thirty_indicators())
    assert len(method.indicators) == 30 and [len(c.indicators) for c in method.categories] == [6, 6, 6, 6, 6]
    ranking = rank_zones(bench.synthetic(60, 3), method, stability=None)
    assert ranking.year == 2022 and ranking.zones.height == 60
    assert ranking.zones.filter(pl.col("status") == "ranked")["rank"].min() == 1
