"""The per-mu engine under each preset: hand-computed scores to three decimals, the missing-figure rules,
vetoes, not-graded enterprises, derived benchmarks, min–max scaling, explanations and determinism."""

import polars as pl
import pytest

from yuanqu.analytics.mujun import EngineError, load_preset, parse_method, preset_text, score
from yuanqu.analytics.tests.mujun_frames import TAX_PER_MU, enterprise, frame, one_group_method, row_of


def at_huangyan_benchmarks(uscc: str, **changes) -> dict:
    """An above-scale enterprise exactly at every Huangyan 2022 benchmark."""
    value_added = 13616.0  # 136.16 万元/亩 on 100 mu
    figures = {
        "land_mu": 100.0,
        "tax": 2409.7,  # 24.097 万元/亩
        "value_added": value_added,
        "energy_tce": value_added / 2.694,
        "emissions": value_added / 4929.81,
        "employees": value_added / 18.14,  # the benchmark is a ratio: a fraction of a person makes it exact
        "revenue": 50000.0,
        "rd_spending": 1510.0,  # 0.0302 of revenue
    }
    return enterprise(uscc, **(figures | changes))


def huangyan_hand_computed(uscc: str, **changes) -> dict:
    figures = {
        "land_mu": 10.0,
        "tax": 123.0,  # 12.3 万元/亩
        "value_added": 680.8,  # 68.08 万元/亩
        "energy_tce": 340.4,  # 2.0 万元/tce
        "emissions": 0.2,  # 3404 万元/t
        "employees": 50.0,  # 13.616 万元/person
        "revenue": 1008.0,
        "rd_spending": 15.12,  # 0.015 of revenue
    }
    return enterprise(uscc, **(figures | changes))


# ---------------------------------------------------------------------------------------------------
# Huangyan 2022 (fixed published benchmarks)


def test_enterprise_exactly_at_every_huangyan_benchmark_scores_100():
    result = row_of(score(frame(at_huangyan_benchmarks("X")), load_preset("huangyan-2022")), "X")
    assert round(result["total"], 3) == 100.000
    assert [round(result[f"{key}_score"], 3) for key in (
        "tax_per_mu", "value_added_per_mu", "value_added_per_tce", "value_added_per_emission",
        "labour_productivity", "rd_intensity")] == [30.000, 20.000, 20.000, 10.000, 10.000, 10.000]  # fmt: skip
    assert "亩均税收 24.10 万元/亩，基准 24.097，得分 30.00 / 30" in result["explanation_zh"]


def test_huangyan_above_scale_scores_are_ratio_times_weight():
    result = row_of(score(frame(huangyan_hand_computed("Y")), load_preset("huangyan-2022")), "Y")
    assert round(result["tax_per_mu_value"], 3) == 12.300
    assert result["tax_per_mu_benchmark"] == 24.097
    assert round(result["tax_per_mu_ratio"], 3) == 0.510  # 12.3 / 24.097 = 0.51044
    assert round(result["tax_per_mu_score"], 3) == 15.313  # 12.3 / 24.097 × 30
    assert round(result["value_added_per_mu_score"], 3) == 10.000  # 68.08 / 136.16 × 20
    assert round(result["value_added_per_tce_score"], 3) == 14.848  # 2.0 / 2.694 × 20
    assert round(result["value_added_per_emission_score"], 3) == 6.905  # 3404 / 4929.81 × 10
    assert round(result["labour_productivity_score"], 3) == 7.506  # 13.616 / 18.14 × 10
    assert round(result["rd_intensity_score"], 3) == 4.967  # 0.015 / 0.0302 × 10
    # 15.31311 + 10 + 14.84781 + 6.90493 + 7.50606 + 4.96689
    assert round(result["total"], 3) == 59.539
    assert (result["rank"], result["group_size"], result["grade"]) == (1, 1, "B")  # one enterprise: B


def test_explanation_shows_the_arithmetic_in_chinese_and_english():
    result = row_of(score(frame(huangyan_hand_computed("Y")), load_preset("huangyan-2022")), "Y")
    assert result["explanation_zh"] == (
        "规上企业\n"
        "亩均税收 12.30 万元/亩，基准 24.097，得分 15.31 / 30\n"
        "亩均增加值 68.08 万元/亩，基准 136.16，得分 10.00 / 20\n"
        "单位能耗增加值 2.00 万元/吨标准煤，基准 2.694，得分 14.85 / 20\n"
        "单位排放增加值 3404.00 万元/吨，基准 4929.81，得分 6.90 / 10\n"
        "全员劳动生产率 13.62 万元/人，基准 18.14，得分 7.51 / 10\n"
        "研发经费占比 0.0150，基准 0.0302，得分 4.97 / 10\n"
        "合计 59.54，组内第 1 名 / 共 1 家，评为 B 类\n"
        "政策：城镇土地使用税部分减免"
    )
    assert (
        result["explanation_en"].splitlines()[1] == "Tax per mu 12.30 10k yuan/mu, benchmark 24.097, score 15.31 / 30"
    )
    assert result["explanation_en"].splitlines()[-2] == "Total 59.54, rank 1 of 1 in the group, grade B"


def test_huangyan_below_scale_has_two_indicators_and_starts_at_3_mu():
    rows = frame(
        enterprise("B1", above_scale=False, land_mu=5.0, tax=40.0, electricity=200.0),
        enterprise("B2", above_scale=False, land_mu=2.0, tax=40.0, electricity=200.0),
    )
    result = score(rows, load_preset("huangyan-2022"))
    below = row_of(result, "B1")
    assert below["group"] == "below_scale"
    assert round(below["tax_per_mu_score"], 3) == 34.503  # 8 / 11.5932 × 50
    assert round(below["tax_per_electricity_score"], 3) == 42.517  # 0.2 / 0.2352 × 50
    assert round(below["total"], 3) == 77.020
    small = row_of(result, "B2")
    assert (small["group"], small["status"], small["grade"]) == (None, "out_of_scope", None)
    assert small["explanation_zh"] == "不属于本方法任何分组的评价范围"


def test_missing_emission_figure_scores_the_groups_mean_score():
    rows = frame(at_huangyan_benchmarks("X"), huangyan_hand_computed("Y"), huangyan_hand_computed("Z", emissions=None))
    result = score(rows, load_preset("huangyan-2022"))
    z = row_of(result, "Z")
    assert z["value_added_per_emission_value"] is None
    assert z["value_added_per_emission_issue"] == "missing:emissions"
    # the mean over the graded enterprises with a figure: (10 + 6.904931) / 2
    assert round(z["value_added_per_emission_score"], 3) == 8.452
    # 15.31311 + 10 + 14.84781 + 8.45247 + 7.50606 + 4.96689
    assert round(z["total"], 3) == 61.086
    assert "单位排放增加值：缺少主要污染物排放量（emissions），取组内平均得分 8.45 / 10" in z["explanation_zh"]
    # three graded: A ends at round(0.6) = 1, B at round(1.8) = 2, C at round(2.85) = 3
    assert [row_of(result, u)["grade"] for u in ("X", "Z", "Y")] == ["A", "B", "C"]


def test_zero_emissions_is_a_zero_denominator_under_the_same_rule():
    rows = frame(at_huangyan_benchmarks("X"), huangyan_hand_computed("Z", emissions=0.0))
    z = row_of(score(rows, load_preset("huangyan-2022")), "Z")
    assert z["value_added_per_emission_issue"] == "zero:emissions"
    assert round(z["value_added_per_emission_score"], 3) == 10.000  # X's score is the only one
    assert "主要污染物排放量（emissions）为零，取组内平均得分 10.00 / 10" in z["explanation_zh"]


def test_zero_energy_scores_zero_under_the_zero_rule():
    z = row_of(score(frame(huangyan_hand_computed("Z", energy_tce=0.0)), load_preset("huangyan-2022")), "Z")
    assert (z["value_added_per_tce_value"], z["value_added_per_tce_score"]) == (None, 0.0)
    assert round(z["total"], 3) == 44.691  # 59.538802 − 14.84781
    assert "单位能耗增加值：综合能耗（energy_tce）为零，得分 0.00 / 20" in z["explanation_zh"]


def test_zero_land_excludes_the_enterprise_with_its_reason():
    rows = frame(at_huangyan_benchmarks("X"), huangyan_hand_computed("E", land_mu=0.0))
    result = score(rows, load_preset("huangyan-2022"))
    excluded = row_of(result, "E")
    assert (excluded["status"], excluded["total"], excluded["rank"], excluded["grade"]) == (
        "excluded",
        None,
        None,
        None,
    )
    assert excluded["reason_zh"] == "亩均税收：用地面积（land_mu）为零，不予评价"
    assert excluded["reason_en"] == "Tax per mu: land area (land_mu) is zero; not evaluated"
    assert row_of(result, "X")["group_size"] == 1


def test_veto_forces_d_and_leaves_the_quota_population():
    rows = frame(
        at_huangyan_benchmarks("X1", incident=True),
        at_huangyan_benchmarks("X2"),
        huangyan_hand_computed("Y"),
    )
    result = score(rows, load_preset("huangyan-2022"))
    vetoed = row_of(result, "X1")
    assert (vetoed["grade"], vetoed["vetoes"], vetoed["rank"]) == ("D", ["incident"], 1)
    assert "一票否决：发生重大安全生产或环境污染事故 → D 类" in vetoed["explanation_zh"]
    assert "差别化电价加价 +0.3 元/千瓦时" in vetoed["explanation_zh"]
    assert [p["kind"] for p in vetoed["policies"]] == ["electricity_surcharge", "no_new_industrial_land"]
    # the quota is drawn over the other two: A ends at round(0.4) = 0, B at round(1.2) = 1, C at 2
    assert (row_of(result, "X2")["grade"], row_of(result, "X2")["rank"]) == ("B", 1)  # tied with X1 at 100
    assert (row_of(result, "Y")["grade"], row_of(result, "Y")["rank"]) == ("C", 3)


def test_utility_and_young_firm_are_scored_but_not_graded():
    rows = frame(
        at_huangyan_benchmarks("X"),
        at_huangyan_benchmarks("U", industry_division="44"),
        at_huangyan_benchmarks("N", production_years=1.5),
    )
    result = score(rows, load_preset("huangyan-2022"))
    utility, young = row_of(result, "U"), row_of(result, "N")
    for row in (utility, young):
        assert (row["status"], row["grade"], row["rank"], row["group_size"]) == ("not_graded", "T", None, None)
        assert round(row["total"], 3) == 100.000
        assert row["policies"] == []
    assert utility["reason_zh"] == "公用事业（行业大类 44 电力、热力生产和供应业）不参与分档"
    assert young["reason_zh"] == "投产不满 2 年（1.5 年），不参与分档"
    assert young["reason_en"] == "in production for less than 2 years (1.5): not graded"
    assert utility["explanation_zh"].endswith("不参与分档，列为 T 类；合计 100.00 仅供参考")
    assert row_of(result, "X")["group_size"] == 1


# ---------------------------------------------------------------------------------------------------
# Huai'an 2024 (2 × the previous year's mean)


def huaian_previous_year() -> pl.DataFrame:
    return frame(
        enterprise("A", land_mu=10.0, tax=200.0, revenue=1000.0, energy_tce=100.0),
        enterprise("B", land_mu=30.0, tax=100.0, revenue=2000.0, energy_tce=100.0),
        # not graded, so not in the previous year's mean
        enterprise("Y", land_mu=1.0, tax=9999.0, revenue=9999.0, energy_tce=1.0, production_years=1.0),
        enterprise("U", land_mu=1.0, tax=9999.0, revenue=9999.0, energy_tce=1.0, industry_division="45"),
    )


def test_huaian_benchmark_is_twice_the_previous_years_aggregate_mean():
    this_year = frame(enterprise("E", land_mu=10.0, tax=150.0, revenue=750.0, energy_tce=100.0))
    e = row_of(score(this_year, load_preset("huaian-2024"), previous=huaian_previous_year()), "E")
    # previous year, graded A and B: Σtax 300, Σland 40, Σrevenue 3000, Σenergy 200
    assert e["tax_per_mu_benchmark"] == 15.0  # 300 / 40 = 7.5, × 2
    assert e["revenue_per_mu_benchmark"] == 150.0  # 3000 / 40 = 75, × 2
    assert e["tax_per_tce_benchmark"] == 3.0  # 300 / 200 = 1.5, × 2
    assert round(e["tax_per_mu_score"], 3) == 45.000  # 15 / 15 × 45
    assert round(e["revenue_per_mu_score"], 3) == 17.500  # 75 / 150 × 35
    assert round(e["tax_per_tce_score"], 3) == 10.000  # 1.5 / 3 × 20
    assert round(e["total"], 3) == 72.500
    assert "亩均税收 15.00 万元/亩，基准 15（上年组内均值 × 2），得分 45.00 / 45" in e["explanation_zh"]
    assert "benchmark 15 (previous year's group mean × 2), score 45.00 / 45" in e["explanation_en"]


def test_arithmetic_average_takes_the_mean_of_the_enterprises_values():
    method = parse_method(preset_text("huaian-2024").replace('average = "aggregate"', 'average = "arithmetic"'))
    this_year = frame(enterprise("E", land_mu=10.0, tax=150.0, revenue=750.0, energy_tce=100.0))
    e = row_of(score(this_year, method, previous=huaian_previous_year()), "E")
    # A 20 万元/亩, B 3.333…: mean 11.6667, × 2 = 23.3333; 15 / 23.3333 × 45
    assert round(e["tax_per_mu_benchmark"], 3) == 23.333
    assert round(e["tax_per_mu_score"], 3) == 28.929


def test_previous_year_benchmark_needs_the_previous_year():
    with pytest.raises(EngineError, match="previous"):
        score(frame(enterprise("E", land_mu=10.0, tax=1.0)), load_preset("huaian-2024"))


def test_previous_year_without_graded_peers_is_refused():
    previous = frame(enterprise("A", land_mu=10.0, tax=200.0, revenue=1.0, energy_tce=1.0, production_years=1.0))
    with pytest.raises(EngineError, match="no graded enterprise of group above_scale"):
        score(frame(enterprise("E", land_mu=10.0, tax=1.0)), load_preset("huaian-2024"), previous=previous)


# ---------------------------------------------------------------------------------------------------
# Wujin (industry means, ratio capped at 2)


def wujin_enterprise(uscc: str, *, land: float, tax: float, division: str) -> dict:
    # Every ratio but tax per mu is the same for all: revenue 20/mu, tax 2/tce and 100/t, value added
    # 10 per employee, R&D 3 % of revenue; so each scores exactly its weight (60 points in all).
    return enterprise(
        uscc, industry_division=division, land_mu=land, tax=tax, revenue=20 * land, energy_tce=tax / 2,
        emissions=tax / 100, value_added=10 * land, employees=land, rd_spending=0.6 * land,
    )  # fmt: skip


def test_wujin_compares_with_the_industry_mean_and_caps_the_ratio():
    rows = frame(
        wujin_enterprise("P", land=10, tax=100, division="34"),
        wujin_enterprise("Q", land=10, tax=200, division="34"),
        wujin_enterprise("R", land=20, tax=600, division="34"),
        wujin_enterprise("S", land=10, tax=1000, division="39"),  # alone in its division
    )
    result = score(rows, load_preset("wujin"))
    # division 34: Σtax 900 / Σland 40 = 22.5
    assert [round(row_of(result, u)["tax_per_mu_score"], 3) for u in "PQR"] == [17.778, 35.556, 53.333]
    # 10, 20, 30 / 22.5 × 40
    assert [round(row_of(result, u)["total"], 3) for u in "PQR"] == [77.778, 95.556, 113.333]
    s = row_of(result, "S")
    # fewer than 3 peers: the group mean, Σtax 1900 / Σland 50 = 38; 100 / 38 = 2.63, capped at 2
    assert (s["tax_per_mu_benchmark"], round(s["tax_per_mu_ratio"], 3), round(s["total"], 3)) == (38.0, 2.0, 140.0)
    assert (
        "亩均税收 100.00 万元/亩，基准 38（行业 39 参评企业不足 3 家，取组内均值），得分 80.00 / 40，比值封顶 2"
        in (s["explanation_zh"])
    )
    assert "亩均税收 10.00 万元/亩，基准 22.5（行业 34 均值），得分 17.78 / 40" in row_of(result, "P")["explanation_zh"]
    # four graded: A ends at round(0.8) = 1, B at round(2.4) = 2, C at round(3.8) = 4
    assert [row_of(result, u)["grade"] for u in "SRQP"] == ["A", "B", "C", "C"]


# ---------------------------------------------------------------------------------------------------
# Anhui (group means capped at 1.5, additions and deductions)


def test_anhui_below_scale_group_mean_with_additions_and_deductions():
    rows = frame(
        enterprise("M", above_scale=False, land_mu=10.0, tax=50.0),
        enterprise("N", above_scale=False, land_mu=10.0, tax=150.0, high_tech=True),
        enterprise("O", above_scale=False, land_mu=5.0, tax=150.0, incident=True),
    )
    result = score(rows, load_preset("anhui"))
    m, n, o = (row_of(result, u) for u in "MNO")
    assert m["tax_per_mu_benchmark"] == 14.0  # Σtax 350 / Σland 25
    assert round(m["total"], 3) == 35.714  # 5 / 14 × 100
    assert (round(n["subtotal"], 3), n["additions"], round(n["total"], 3)) == (
        107.143,
        3.0,
        110.143,
    )  # 15 / 14 × 100 + 3
    assert (o["tax_per_mu_ratio"], o["deductions"], round(o["total"], 3)) == (1.5, 5.0, 145.0)  # 30 / 14 capped, − 5
    assert (n["adjustments"], o["adjustments"]) == (["high_tech"], ["incident"])
    assert (
        "加分：高新技术企业 +3\n合计 110.14（指标 107.14 + 加分 3.00），组内第 2 名 / 共 3 家，评为 B 类"
        in n["explanation_zh"]
    )
    assert "扣分：发生安全或环保事故 −5" in o["explanation_zh"]
    assert "Deductions: safety or environmental incident −5" in o["explanation_en"]
    # quotas 25/45/25/5 of three: A ends at round(0.75) = 1, B at round(2.1) = 2, C at round(2.85) = 3
    assert [r["grade"] for r in (o, n, m)] == ["A", "B", "C"]


# ---------------------------------------------------------------------------------------------------
# Min–max scaling and thresholds


JINGDE_STYLE = one_group_method(
    "景德镇式区间计分（测试）",
    TAX_PER_MU
    + """\
unit = "万元/亩"
weight = 60
benchmark = { kind = "minmax" }

[[groups.indicators]]
key = "energy_intensity"
label_zh = "单位增加值能耗"
formula = "energy_tce / value_added"
direction = "lower"
weight = 40
benchmark = { kind = "minmax", low = 20, high = 100 }
""",
    grading='mode = "thresholds"\nthresholds = { A = 80, B = 60, C = 30 }',
    incident_grade="C",
)


def test_minmax_scales_between_the_groups_extremes_and_thresholds_grade():
    rows = frame(
        enterprise("J1", land_mu=1.0, tax=10.0, energy_tce=50.0, value_added=100.0),
        enterprise("J2", land_mu=1.0, tax=20.0, energy_tce=20.0, value_added=100.0),
        enterprise("J3", land_mu=1.0, tax=40.0, energy_tce=30.0, value_added=100.0),
        enterprise("J4", land_mu=1.0, tax=40.0, energy_tce=30.0, value_added=100.0, incident=True),
    )
    result = score(rows, parse_method(JINGDE_STYLE))
    j1, j2, j3, j4 = (row_of(result, u) for u in ("J1", "J2", "J3", "J4"))
    # tax per mu 10…40: 60 × (20 + 80 × (x − 10) / 30) / 100
    assert [round(r["tax_per_mu_score"], 3) for r in (j1, j2, j3)] == [12.000, 28.000, 60.000]
    # energy per value added 0.2…0.5, lower is better: 40 × (20 + 80 × (0.5 − x) / 0.3) / 100
    assert [round(r["energy_intensity_score"], 3) for r in (j1, j2, j3)] == [8.000, 40.000, 29.333]
    assert [round(r["total"], 3) for r in (j1, j2, j3)] == [20.000, 68.000, 89.333]
    assert (j1["tax_per_mu_min"], j1["tax_per_mu_max"], j1["tax_per_mu_benchmark"]) == (10.0, 40.0, None)
    # thresholds A ≥ 80, B ≥ 60, C ≥ 30, D below; J4 scores like J3 but its veto forces C
    assert [r["grade"] for r in (j3, j2, j1, j4)] == ["A", "B", "D", "C"]
    assert "亩均税收 10.00 万元/亩，组内区间 10.00–40.00，得分 12.00 / 60" in j1["explanation_zh"]


# ---------------------------------------------------------------------------------------------------
# Determinism and bad input


def mixed_enterprises() -> pl.DataFrame:
    return frame(
        at_huangyan_benchmarks("X"),
        huangyan_hand_computed("Y"),
        huangyan_hand_computed("Z", emissions=None),
        huangyan_hand_computed("E", land_mu=0.0),
        at_huangyan_benchmarks("U", industry_division="46"),
        enterprise("B1", above_scale=False, land_mu=5.0, tax=40.0, electricity=200.0),
        enterprise("B2", above_scale=False, land_mu=2.0, tax=40.0, electricity=200.0),
        at_huangyan_benchmarks("V", incident=True),
    )


@pytest.mark.parametrize("preset", ["huangyan-2022", "anhui", "wujin"])
def test_same_inputs_in_any_order_give_identical_output(preset):
    rows = mixed_enterprises()
    first = score(rows, load_preset(preset))
    for seed in (1, 2, 3):
        again = score(rows.sample(fraction=1.0, shuffle=True, seed=seed), load_preset(preset))
        assert again.equals(first)


def test_output_is_ordered_by_group_status_and_uscc():
    result = score(mixed_enterprises(), load_preset("huangyan-2022"))
    assert list(zip(result["uscc"], result["status"], strict=True)) == [
        ("V", "graded"),
        ("X", "graded"),
        ("Y", "graded"),
        ("Z", "graded"),
        ("U", "not_graded"),
        ("E", "excluded"),
        ("B1", "graded"),
        ("B2", "out_of_scope"),
    ]


def test_missing_column_is_named():
    with pytest.raises(EngineError, match="lacks columns: emissions") as caught:
        score(frame(huangyan_hand_computed("Y")).drop("emissions"), load_preset("huangyan-2022"))
    assert "缺少列：emissions" in caught.value.reason_zh


def test_duplicate_uscc_is_refused():
    with pytest.raises(EngineError, match="repeats USCCs: Y"):
        score(frame(huangyan_hand_computed("Y"), huangyan_hand_computed("Y")), load_preset("huangyan-2022"))


def test_figures_that_are_not_numbers_are_refused():
    rows = frame(huangyan_hand_computed("Y")).with_columns(pl.lit("很多").alias("tax"))
    with pytest.raises(EngineError, match="cannot be read as numbers"):
        score(rows, load_preset("huangyan-2022"))


def test_decimal_and_integer_figures_are_read_as_numbers():
    rows = frame(huangyan_hand_computed("Y")).with_columns(
        pl.col("tax").cast(pl.Decimal(18, 4)), pl.col("employees").cast(pl.Int64), pl.lit(34).alias("industry_division")
    )
    result = row_of(score(rows, load_preset("huangyan-2022")), "Y")
    assert (round(result["total"], 3), result["industry_division"]) == (59.539, "34")


def test_empty_frame_gives_an_empty_result_with_every_column():
    result = score(frame(), load_preset("huangyan-2022"))
    assert result.height == 0
    assert "tax_per_electricity_score" in result.columns
    assert "explanation_en" in result.columns


def test_without_explanations_the_numbers_are_the_same():
    rows = mixed_enterprises()
    with_text = score(rows, load_preset("huangyan-2022"))
    without = score(rows, load_preset("huangyan-2022"), explain=False)
    assert "explanation_zh" not in without.columns
    assert without.equals(with_text.drop("explanation_zh", "explanation_en"))


def test_a_score_far_above_its_weight_under_a_method_without_a_cap_says_why():
    # huangyan-2022 sets no ratio cap: tax per mu 3 × its benchmark scores 3 × 30 = 90 of 30.
    result = row_of(score(frame(huangyan_hand_computed("Y", tax=3 * 24.097 * 10)), load_preset("huangyan-2022")), "Y")
    line = result["explanation_zh"].splitlines()[1]
    assert line.endswith("（高于基准 2 倍以上；本方法未设比值上限，得分可超过权重）") and "/ 30" in line
    assert "the method sets no ratio cap" in result["explanation_en"].splitlines()[1]
    at = row_of(score(frame(huangyan_hand_computed("Y")), load_preset("huangyan-2022")), "Y")
    assert "比值上限" not in at["explanation_zh"]  # 0.51 of the benchmark: nothing to explain
