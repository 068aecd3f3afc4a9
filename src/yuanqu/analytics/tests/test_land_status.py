"""Parcel statuses by the idle-land rule (Order No. 53), the control indicators and the local lines, at their edges."""

import datetime as dt
import json
from decimal import Decimal

import polars as pl
import pytest

from yuanqu.analytics.land_status import (
    DEFAULT_PLOT_RATIO_MIN_BY_DIVISION,
    OUTPUT_COLUMNS,
    STATUS_LABELS,
    STATUSES,
    LandInputError,
    LandRules,
    LandRulesError,
    classify,
    summarise,
)

D = dt.date
GOVERNMENT_EXEMPTION = "因政府原因延迟，不认定为闲置"


def parcel(**fields) -> dict:
    row = {"code": "P1", "zone": "Z1", "land_use": "industrial", "area_mu": 30.0}
    row.update(fields)
    return row


def unstarted(**fields) -> dict:
    return parcel(**{"supplied_on": D(2024, 11, 20), "agreed_start_on": D(2025, 1, 10), "land_price": 1200.0, **fields})


def halted(**fields) -> dict:
    row = {
        "supplied_on": D(2023, 6, 1),
        "agreed_start_on": D(2023, 9, 1),
        "started_on": D(2023, 9, 1),
        "halted_since": D(2024, 7, 1),
        "total_investment": 4000.0,
        "land_price": 900.0,
    }
    row.update(fields)
    return parcel(**row)


def built(**fields) -> dict:
    # 15 mu = 10,000 m², so floor area / 10,000 is the plot ratio and footprint / 10,000 the coverage.
    row = {
        "area_mu": 15.0,
        "supplied_on": D(2020, 1, 5),
        "agreed_start_on": D(2020, 3, 1),
        "started_on": D(2020, 3, 1),
        "completed_on": D(2021, 6, 30),
        "built_floor_area_m2": 12000.0,
        "footprint_m2": 4500.0,
        "industry_division": "39",
        "tax_per_mu": 20.0,
    }
    row.update(fields)
    return parcel(**row)


def one(row: dict, as_of: dt.date, rules: LandRules | None = None) -> dict:
    frame = pl.DataFrame([row], infer_schema_length=None)
    return classify(frame, as_of=as_of, rules=rules).row(0, named=True)


# --- idle: not started one full year after the agreed start -------------------------------------------------


def test_not_idle_364_days_after_agreed_start():
    result = one(unstarted(), D(2026, 1, 9))
    assert result["status"] == "supplied_unused"
    assert result["status_since"] == D(2024, 11, 20)
    assert result["idle_from"] == D(2026, 1, 11)
    assert result["reason_zh"] == (
        "2024-11-20 供地，约定 2025-01-10 开工，尚未开工；如至 2026-01-10 仍未开工，自 2026-01-11 起认定为闲置"
    )
    assert result["reason_en"] == (
        "Supplied on 2024-11-20, agreed start 2025-01-10, not started; idle from 2026-01-11 if still not started "
        "on 2026-01-10"
    )
    assert result["idle_fee_line"] is None and result["recovery_line"] is None and result["idle_fee"] is None


def test_not_idle_on_the_anniversary_365_days_after_agreed_start():
    # The year runs from 2025-01-11 to 2026-01-10 inclusive (Civil Code arts. 201–202).
    assert one(unstarted(), D(2026, 1, 10))["status"] == "supplied_unused"


def test_idle_from_the_day_after_the_anniversary_with_fee_and_recovery_lines():
    result = one(unstarted(), D(2026, 1, 11))
    assert result["status"] == "idle"
    assert result["status_since"] == D(2026, 1, 11)
    assert result["idle_from"] == D(2026, 1, 11)
    assert result["idle_fee_line"] == D(2026, 1, 11)
    assert result["idle_fee"] == pytest.approx(240.0)  # 20 % of 1200 万元
    assert result["recovery_line"] == D(2027, 1, 11)
    assert result["reason_zh"] == "约定 2025-01-10 开工，至 2026-01-10 满一年未动工，自 2026-01-11 起闲置"
    assert result["reason_en"] == (
        "Agreed start 2025-01-10; not started within one full year (by 2026-01-10), idle since 2026-01-11"
    )


def test_year_spanning_29_february_needs_366_days():
    row = unstarted(supplied_on=D(2022, 12, 1), agreed_start_on=D(2023, 3, 1))
    assert one(row, D(2024, 2, 29))["status"] == "supplied_unused"  # 365 days
    assert one(row, D(2024, 3, 1))["status"] == "supplied_unused"  # 366 days, the anniversary
    result = one(row, D(2024, 3, 2))
    assert (result["status"], result["status_since"]) == ("idle", D(2024, 3, 2))


def test_agreed_start_on_29_february_ends_its_year_on_28_february():
    row = unstarted(agreed_start_on=D(2024, 2, 29))
    assert one(row, D(2025, 2, 28))["status"] == "supplied_unused"
    result = one(row, D(2025, 3, 1))
    assert (result["status"], result["status_since"]) == ("idle", D(2025, 3, 1))
    assert result["recovery_line"] == D(2026, 3, 1)
    assert "至 2025-02-28 满一年未动工" in result["reason_zh"]


def test_start_after_the_as_of_date_does_not_count():
    result = one(unstarted(started_on=D(2026, 5, 1)), D(2026, 3, 1))
    assert result["status"] == "idle"
    assert one(unstarted(started_on=D(2026, 5, 1)), D(2026, 5, 1))["status"] == "in_use"


def test_government_delay_is_not_idle_and_says_so():
    result = one(unstarted(delay_cause="government"), D(2027, 6, 1))
    assert result["status"] == "supplied_unused"
    assert result["reason_zh"] == "约定 2025-01-10 开工，尚未开工；" + GOVERNMENT_EXEMPTION
    assert result["reason_en"] == (
        "Agreed start 2025-01-10, not started; delayed for government reasons, not treated as idle"
    )
    assert result["idle_from"] is None and result["idle_fee_line"] is None


def test_delay_by_the_holder_is_idle():
    assert one(unstarted(delay_cause="holder"), D(2027, 6, 1))["status"] == "idle"


def test_without_an_agreed_start_idleness_cannot_be_judged():
    result = one(parcel(supplied_on=D(2020, 1, 1)), D(2026, 1, 1))
    assert result["status"] == "supplied_unused"
    assert result["reason_zh"] == "2020-01-01 供地，尚未开工；未记录约定开工日期，无法判断是否闲置"


# --- idle: started, under the lines, halted one full year ---------------------------------------------------


def test_halted_a_full_year_under_one_third_developed_is_idle():
    result = one(halted(developed_area_mu=9.99, invested=2000.0), D(2025, 7, 2))
    assert result["status"] == "idle"
    assert result["status_since"] == D(2025, 7, 2)
    assert result["idle_fee_line"] == D(2025, 7, 2)
    assert result["recovery_line"] == D(2026, 7, 2)
    assert result["idle_fee"] == pytest.approx(180.0)
    assert result["reason_zh"] == (
        "2024-07-01 起停工，至 2025-07-01 满一年；已开发 9.99 亩，不足 30 亩的三分之一；自 2025-07-02 起闲置"
    )
    assert result["reason_en"] == (
        "Halted since 2024-07-01, one full year by 2025-07-01; developed 9.99 mu, under one third of 30 mu; "
        "idle since 2025-07-02"
    )


def test_halt_shorter_than_a_year_is_not_idle_yet():
    row = halted(developed_area_mu=5.0, invested=500.0)
    result = one(row, D(2025, 6, 30))  # 364 days
    assert result["status"] == "in_use"
    assert result["status_since"] == D(2023, 9, 1)
    assert result["idle_from"] == D(2025, 7, 2)
    assert result["reason_zh"] == (
        "2023-09-01 开工，2024-07-01 起停工；已开发 5 亩，不足 30 亩的三分之一；已投资 500 万元，不足总投资 "
        "4000 万元的 25%；如至 2025-07-01 仍停工，自 2025-07-02 起认定为闲置"
    )
    assert one(row, D(2025, 7, 1))["status"] == "in_use"
    assert one(row, D(2025, 7, 2))["status"] == "idle"


def test_exactly_one_third_developed_is_not_under():
    result = one(halted(developed_area_mu=10.0, invested=2000.0), D(2026, 1, 1))
    assert result["status"] == "in_use"
    assert result["reason_zh"] == "2023-09-01 开工，2024-07-01 起停工；开发面积、投资未低于闲置标准，不认定为闲置"
    assert result["idle_from"] is None


def test_exactly_25_percent_invested_is_not_under():
    assert one(halted(developed_area_mu=20.0, invested=1000.0), D(2026, 1, 1))["status"] == "in_use"
    result = one(halted(developed_area_mu=20.0, invested=999.99), D(2026, 1, 1))
    assert result["status"] == "idle"
    assert "已投资 999.99 万元，不足总投资 4000 万元的 25%" in result["reason_zh"]


def test_exact_third_from_decimal_figures_is_not_under():
    row = halted(area_mu=Decimal("33.3333"), developed_area_mu=Decimal("11.1111"), invested=Decimal("2000"))
    assert one(row, D(2026, 1, 1))["status"] == "in_use"


def test_government_halt_is_not_idle():
    result = one(halted(developed_area_mu=2.0, invested=100.0, delay_cause="government"), D(2027, 1, 1))
    assert result["status"] == "in_use"
    assert result["reason_zh"] == "2023-09-01 开工，2024-07-01 起停工；" + GOVERNMENT_EXEMPTION


def test_halted_case_can_be_switched_off_by_local_rules():
    rules = LandRules(halted_counts_as_idle=False)
    result = one(halted(developed_area_mu=2.0, invested=3000.0), D(2027, 1, 1), rules)
    assert result["status"] == "in_use"
    assert result["reason_zh"].endswith("按本地规则，停工情形不认定为闲置")


def test_halt_without_figures_cannot_be_established_as_idle():
    result = one(halted(total_investment=None), D(2027, 1, 1))
    assert result["status"] == "in_use"
    assert result["reason_zh"].endswith("缺少开发面积和投资数据，无法认定闲置")


def test_construction_under_way_is_in_use_since_the_start():
    result = one(halted(halted_since=None), D(2024, 1, 1))
    assert (result["status"], result["status_since"]) == ("in_use", D(2023, 9, 1))
    assert result["reason_zh"] == "2023-09-01 开工，在建"
    assert result["reason_en"] == "Started on 2023-09-01, under construction"


# --- built land: control indicators and local lines ---------------------------------------------------------


def test_plot_ratio_under_the_control_indicator_is_underused():
    result = one(built(built_floor_area_m2=6200.0), D(2025, 6, 30))
    assert result["status"] == "underused"
    assert result["status_since"] == D(2021, 6, 30)
    assert result["plot_ratio"] == pytest.approx(0.62)
    assert result["reason_zh"] == "容积率 0.62，低于控制指标 1.0"
    assert result["reason_en"] == "Plot ratio 0.62, below the control indicator 1.0"


def test_control_indicator_depends_on_the_industry():
    assert one(built(built_floor_area_m2=8500.0, industry_division="17"), D(2025, 6, 30))["status"] == "in_use"
    assert one(built(built_floor_area_m2=8000.0, industry_division="17"), D(2025, 6, 30))["status"] == "in_use"
    assert one(built(built_floor_area_m2=7900.0, industry_division="C1711"), D(2025, 6, 30))["status"] == "underused"
    assert one(built(built_floor_area_m2=6000.0, industry_division="26"), D(2025, 6, 30))["status"] == "in_use"
    assert one(built(built_floor_area_m2=5900.0, industry_division="26"), D(2025, 6, 30))["status"] == "underused"
    assert one(built(built_floor_area_m2=5500.0, industry_division="25"), D(2025, 6, 30))["status"] == "in_use"
    result = one(built(built_floor_area_m2=6500.0, industry_division=None), D(2025, 6, 30))
    assert result["reason_zh"] == "容积率 0.65，低于控制指标 0.7"  # the default line


def test_building_coverage_under_30_percent_is_underused():
    result = one(built(footprint_m2=2450.0), D(2025, 6, 30))
    assert result["status"] == "underused"
    assert result["building_coverage"] == pytest.approx(0.245)
    assert result["reason_zh"] == "建筑系数 24.5%，低于控制指标 30%"
    assert result["reason_en"] == "Building coverage 24.5%, below the control indicator 30%"


def test_low_tax_per_mu_is_inefficient_with_every_finding_named():
    result = one(built(tax_per_mu=3.2, built_floor_area_m2=6200.0), D(2025, 6, 30))
    assert result["status"] == "inefficient"
    assert result["status_since"] == D(2021, 6, 30)
    assert result["reason_zh"] == "亩均税收 3.2 万元，低于 5 万元；容积率 0.62，低于控制指标 1.0"
    assert result["reason_en"] == (
        "Tax per mu 3.2 (10,000 yuan), below the line of 5; plot ratio 0.62, below the control indicator 1.0"
    )


def test_plot_ratio_under_the_inefficiency_line_is_inefficient():
    result = one(built(built_floor_area_m2=4000.0), D(2025, 6, 30))
    assert result["status"] == "inefficient"
    assert result["reason_zh"] == "容积率 0.4，低于低效用地标准 0.5"


def test_inefficiency_lines_are_configurable():
    rules = LandRules.from_dict({"inefficient_tax_per_mu_min": 25, "inefficient_plot_ratio_min": None})
    result = one(built(built_floor_area_m2=4000.0), D(2025, 6, 30), rules)
    assert result["status"] == "inefficient"
    assert result["reason_zh"] == "亩均税收 20 万元，低于 25 万元；容积率 0.4，低于控制指标 1.0"


def test_land_uses_outside_the_indicators_are_simply_in_use():
    result = one(built(land_use="commercial", built_floor_area_m2=3000.0, tax_per_mu=0.5), D(2025, 6, 30))
    assert result["status"] == "in_use"
    assert result["reason_zh"] == "2021-06-30 竣工，在用"
    assert result["reason_en"] == "Completed on 2021-06-30, in use"


# --- other statuses ---------------------------------------------------------------------------------------


def test_approved_not_supplied():
    result = one(parcel(approved_on=D(2022, 4, 18)), D(2025, 6, 30))
    assert (result["status"], result["status_since"]) == ("approved_unsupplied", D(2022, 4, 18))
    assert result["reason_zh"] == "2022-04-18 批准，截至 2025-06-30 尚未供地"
    assert result["reason_en"] == "Approved on 2022-04-18; not supplied as of 2025-06-30"


def test_supply_after_the_as_of_date_leaves_the_parcel_unsupplied():
    row = parcel(approved_on=D(2022, 4, 18), supplied_on=D(2025, 8, 1))
    assert one(row, D(2025, 6, 30))["status"] == "approved_unsupplied"


def test_parcel_without_any_record_is_undetermined():
    result = one(parcel(approved_on=D(2026, 1, 1)), D(2025, 6, 30))
    assert (result["status"], result["status_since"]) == ("unknown", None)
    assert result["reason_zh"] == "截至 2025-06-30 无批准、供地或开工记录，无法判定"


def test_revitalised_parcel_leaves_idle():
    row = unstarted(revitalised_on=D(2026, 9, 1))
    assert one(row, D(2026, 8, 31))["status"] == "idle"
    result = one(row, D(2026, 9, 1))
    assert (result["status"], result["status_since"]) == ("revitalised", D(2026, 9, 1))
    assert result["reason_zh"] == "2026-09-01 盘活"
    assert result["idle_fee_line"] is None


# --- frames -----------------------------------------------------------------------------------------------


def test_classify_keeps_the_input_and_adds_the_outputs():
    frame = pl.DataFrame([parcel(code="A", approved_on=D(2022, 1, 1)), unstarted(code="B")], infer_schema_length=None)
    result = classify(frame, as_of=D(2026, 2, 1))
    assert result.columns == [*frame.columns, *OUTPUT_COLUMNS]
    assert result["status"].to_list() == ["approved_unsupplied", "idle"]
    # Classifying again replaces the earlier outputs.
    assert classify(result, as_of=D(2025, 6, 1))["status"].to_list() == ["approved_unsupplied", "supplied_unused"]


def test_classify_adds_only_the_columns_asked_for():
    frame = pl.DataFrame([parcel(code="A", approved_on=D(2022, 1, 1)), unstarted(code="B")], infer_schema_length=None)
    result = classify(frame, as_of=D(2026, 2, 1), columns=("status", "status_since"))
    assert result.columns == [*frame.columns, "status", "status_since"]
    full = classify(frame, as_of=D(2026, 2, 1))
    assert result.select("status", "status_since").equals(full.select("status", "status_since"))
    assert result["status"].to_list() == ["approved_unsupplied", "idle"]
    with pytest.raises(LandInputError):
        classify(frame, as_of=D(2026, 2, 1), columns=("status", "colour"))


def test_strings_and_decimals_as_read_from_a_spreadsheet():
    frame = pl.DataFrame(
        {
            "code": ["S1"],
            "area_mu": [Decimal("15.0000")],
            "supplied_on": ["2020-01-05"],
            "started_on": ["2020-03-01"],
            "completed_on": ["2021-06-30"],
            "built_floor_area_m2": [Decimal("6200.00")],
            "footprint_m2": [Decimal("4500.00")],
            "land_use": ["industrial"],
            "industry_division": [39],
        }
    )
    result = classify(frame, as_of=D(2025, 6, 30)).row(0, named=True)
    assert result["status"] == "underused"
    assert result["reason_zh"] == "容积率 0.62，低于控制指标 1.0"


def test_a_frame_without_codes_is_refused():
    with pytest.raises(LandInputError, match="missing column: code"):
        classify(pl.DataFrame({"area_mu": [1.0]}), as_of=D(2025, 1, 1))


def test_summary_totals_mu_and_parcels_per_zone_and_status():
    frame = pl.DataFrame(
        [
            parcel(code="A", zone="Z1", area_mu=12.5, approved_on=D(2022, 1, 1)),
            unstarted(code="B", zone="Z1", area_mu=30.0),
            unstarted(code="C", zone="Z1", area_mu=20.0),
            built(code="D", zone="Z2", area_mu=15.0),
            parcel(code="E", zone="Z2", area_mu=8.0, approved_on=D(2023, 1, 1)),
        ],
        infer_schema_length=None,
    )
    summary = summarise(classify(frame, as_of=D(2026, 2, 1)))
    assert summary.rows() == [
        ("Z1", "approved_unsupplied", 1, 12.5),
        ("Z1", "idle", 2, 50.0),
        ("Z2", "approved_unsupplied", 1, 8.0),
        ("Z2", "in_use", 1, 15.0),
    ]
    by_status = summarise(classify(frame, as_of=D(2026, 2, 1)), by=["status"])
    assert by_status.rows() == [("approved_unsupplied", 2, 20.5), ("idle", 2, 50.0), ("in_use", 1, 15.0)]


def test_every_status_has_labels():
    assert set(STATUS_LABELS) == set(STATUSES)
    assert STATUS_LABELS["idle"] == ("闲置", "Idle")


# --- rules ------------------------------------------------------------------------------------------------


def test_default_rules_follow_the_documents():
    rules = LandRules()
    assert rules.halted_developed_share_min == pytest.approx(1 / 3)
    assert rules.halted_invested_share_min == 0.25
    assert rules.idle_fee_share == 0.20
    assert rules.building_coverage_min == 0.30
    assert [rules.plot_ratio_min(d) for d in ("17", "26", "39", "25")] == [0.8, 0.6, 1.0, 0.5]
    assert rules.plot_ratio_min(None) == rules.plot_ratio_min("44") == 0.7


def test_rules_round_trip_through_json():
    rules = LandRules.from_dict({"plot_ratio_min_by_division": {"39": 1.5}, "building_coverage_min": 0.35})
    stored = json.loads(json.dumps(rules.to_dict()))
    assert LandRules.from_dict(stored) == rules
    assert rules.plot_ratio_min("39") == 1.5
    assert rules.plot_ratio_min("17") == 0.8  # other divisions keep their defaults
    assert len(rules.plot_ratio_min_by_division) == len(DEFAULT_PLOT_RATIO_MIN_BY_DIVISION)


def test_bad_rules_name_every_problem():
    with pytest.raises(LandRulesError) as raised:
        LandRules.from_dict(
            {
                "building_coverage_min": 30,
                "idle_after_years": 0,
                "plot_ratio_min_by_division": {"99": 1.0, "17": -1},
                "halted_counts_as_idle": "yes",
            }
        )
    problems = raised.value.problems
    assert len(problems) == 5
    assert any(p.startswith("building_coverage_min 必须是大于 0 且不大于 1 的数：30") for p in problems)
    assert any("idle_after_years must be a whole number of at least 1" in p for p in problems)
    assert any("'99' is not a GB/T 4754 division code" in p for p in problems)
    assert any("plot_ratio_min_by_division[17]" in p for p in problems)
    assert any("halted_counts_as_idle must be true or false" in p for p in problems)


def test_unknown_rule_keys_are_refused():
    with pytest.raises(LandRulesError, match="unknown rule keys: coverage"):
        LandRules.from_dict({"coverage": 0.3})


def test_fee_and_recovery_years_must_be_in_order():
    with pytest.raises(LandRulesError, match="idle_fee_after_years ≤ recovery_after_years"):
        LandRules(idle_fee_after_years=3, recovery_after_years=2)
