"""Zone-evaluation methods as data: the presets say what zones.md says, methods round-trip through a dict and
TOML with the same digest, and bad methods are refused naming the line, the key and the reason."""

import math
from fractions import Fraction

import pytest

from yuanqu.analytics.zoneranking import (
    MethodError,
    load_method,
    load_preset,
    method_from_dict,
    preset_names,
    preset_text,
)

# A small valid method; the tests change one line at a time. Line numbers, for reference:
#  1 name  2 title  4 [[categories]]  5 key  7 weight  9 [[categories.indicators]]  10 key  12 figure  13 share
# 14 direction  16 [[categories.indicators]]  17 key  19 numerator  20 denominator  21 share  23 [[categories]]
# 24 key  26 weight  28 [[categories.indicators]]  29 key  31 figure  32 share
BASE = """\
name = "test"
title = "测试方法"

[[categories]]
key = "economy"
zh = "经济"
weight = 70

[[categories.indicators]]
key = "gdp"
zh = "地区生产总值"
figure = "gdp"
share = "1/2"
direction = "higher"

[[categories.indicators]]
key = "rd_intensity"
zh = "研发投入强度"
numerator = "rd_spending"
denominator = "gdp"
share = 0.5

[[categories]]
key = "people"
zh = "就业"
weight = 30

[[categories.indicators]]
key = "employees"
zh = "从业人员"
figure = "employees"
share = 1
"""


def refused(text: str) -> MethodError:
    with pytest.raises(MethodError) as caught:
        load_method(text, name="test.toml")
    return caught.value


def only_problem(text: str):
    error = refused(text)
    assert len(error.problems) == 1, error.problems
    return error.problems[0]


def test_base_method_loads_with_fractions_as_written():
    method = load_method(BASE)
    assert [c.key for c in method.categories] == ["economy", "people"]
    gdp, rd = method.categories[0].indicators
    assert gdp.share == Fraction(1, 2) and rd.share == 0.5
    assert rd.is_ratio and rd.unit == "万元/万元" and gdp.unit == "万元"
    assert method.weight_of("gdp") == 35.0
    assert method.figures == ("gdp", "rd_spending", "employees")


def test_reference_preset_is_zones_md_table():
    method = load_preset("zones-reference")
    assert method.grouping == "level"
    assert [(c.key, c.weight) for c in method.categories] == [
        ("opening_up", 30),
        ("development_quality", 30),
        ("innovation", 15),
        ("green_development", 15),
        ("coordination", 10),
    ]
    shares = {i.key: i.share for i in method.indicators}
    assert shares == {
        "foreign_investment": Fraction(1, 2),
        "trade": Fraction(1, 2),
        "gdp": Fraction(1, 3),
        "budget_revenue": Fraction(1, 3),
        "industrial_output": Fraction(1, 3),
        "rd_intensity": Fraction(1, 2),
        "high_tech_enterprises": Fraction(1, 2),
        "energy_intensity": 1,
        "employees": 1,
    }
    assert {i.key for i in method.indicators if i.direction == "lower"} == {"energy_intensity"}
    assert {i.normalisation for i in method.indicators} == {"ratio_to_best"}
    rd, energy = method.indicator("rd_intensity"), method.indicator("energy_intensity")
    assert (rd.numerator, rd.denominator) == ("rd_spending", "gdp")
    assert (energy.numerator, energy.denominator, energy.unit) == (
        "energy_tce",
        "industrial_value_added",
        "吨标准煤/万元",
    )
    (veto,) = method.vetoes
    assert (veto.figures, veto.above) == (("safety_accidents", "environmental_incidents"), 0)
    rules = {(w.zh, w.levels, w.last, w.times, w.years) for w in method.warnings}
    assert rules == {("摘牌预警", ("provincial",), 3, 2, 3), ("降级预警", ("national",), 5, 2, 3)}


def test_jiangsu_preset_has_the_published_structure_and_marks_its_assumptions():
    method = load_preset("jiangsu")
    assert [c.zh for c in method.categories] == ["经济发展", "对外开放", "科技创新", "生态环保与集约利用", "统筹协调"]
    assert method.grouping == "level"
    assert method.vetoes[0].figures == ("safety_accidents", "environmental_incidents")
    (rule,) = method.warnings
    assert (rule.zh, rule.levels, rule.last, rule.times, rule.years) == ("摘牌预警", ("provincial",), 3, 2, 3)
    # Every weight, share and formula is yuanqu's choice, and the file says so on its line.
    for line in preset_text("jiangsu").splitlines():
        if line.startswith(("weight =", "share =", "normalisation =")):
            assert "# assumption" in line, line


def test_every_preset_weighs_100_and_round_trips_with_one_digest():
    assert preset_names() == ["jiangsu", "zones-reference"]
    for name in preset_names():
        method = load_preset(name)
        assert method.source, name
        assert math.isclose(sum(float(c.weight) for c in method.categories), 100)
        text = method.to_toml()
        again = load_method(text)
        from_form = method_from_dict(method.to_dict())
        assert again == method and from_form == method
        assert from_form.text == text and from_form.digest == again.digest
        assert method.digest != again.digest  # the shipped file has comments: another text, another digest


def test_digest_identifies_the_text():
    assert load_method(BASE).digest == load_method(BASE).digest
    assert load_method(BASE).digest != load_method(BASE.replace("weight = 70", "weight = 70.0")).digest


def test_method_is_immutable():
    method = load_method(BASE)
    with pytest.raises(AttributeError):
        method.name = "other"


def test_weights_not_summing_to_100_are_refused_with_their_sum():
    problem = only_problem(BASE.replace("weight = 30", "weight = 20"))
    assert problem.path == "categories"
    assert "90" in problem.reason_zh and "sum to 90, not 100" in problem.reason_en
    assert problem.line == 4


def test_shares_not_summing_to_one_are_refused_and_thirds_are_allowed():
    problem = only_problem(BASE.replace("share = 0.5", "share = 0.4"))
    assert problem.path == "categories[0].indicators"
    assert "0.9" in problem.reason_en and problem.line == 9
    thirds = BASE.replace('share = "1/2"', 'share = "1/3"').replace("share = 0.5", "share = 0.6666667")
    assert load_method(thirds)


def test_unknown_figure_is_named_with_a_suggestion():
    problem = only_problem(BASE.replace('figure = "employees"', 'figure = "employes"'))
    assert problem.line == 31 and problem.path == "categories[1].indicators[0].figure"
    assert "employees" in problem.reason_en and "did you mean employees" in problem.reason_en
    assert "是否应为 employees" in problem.reason_zh


def test_bad_direction_and_normalisation_are_refused_on_their_lines():
    text = BASE.replace('direction = "higher"', 'direction = "up"\nnormalisation = "zscore"')
    error = refused(text)
    assert [(p.line, p.path) for p in error.problems] == [
        (14, "categories[0].indicators[0].direction"),
        (15, "categories[0].indicators[0].normalisation"),
    ]
    assert "ratio_to_best, minmax, efficacy" in error.problems[1].reason_en


def test_duplicate_keys_are_refused():
    problem = only_problem(BASE.replace('key = "employees"', 'key = "gdp"'))
    assert problem.path == "categories[1].indicators[0].key" and problem.line == 29
    assert "appears twice" in problem.reason_en and "重复" in problem.reason_zh


def test_an_indicator_needs_a_figure_or_a_ratio_but_not_both():
    problem = only_problem(
        BASE.replace('figure = "employees"', 'figure = "employees"\nnumerator = "gdp"\ndenominator = "tax_revenue"')
    )
    assert "either figure or numerator" in problem.reason_en
    problem = only_problem(BASE.replace('denominator = "gdp"\n', ""))
    assert "a ratio needs a numerator and a denominator" in problem.reason_en and problem.line == 16


def test_a_share_written_as_a_bad_fraction_is_refused():
    problem = only_problem(BASE.replace('share = "1/2"', 'share = "half"'))
    assert problem.line == 13 and 'such as 0.5 or "1/3"' in problem.reason_en


def test_warning_rule_that_can_never_fire_is_refused():
    rule = '\n[[warnings]]\nkey = "w"\nzh = "预警"\nlast = 3\ntimes = 4\nyears = 3\nlevels = ["county"]\n'
    error = refused(BASE + rule)
    reasons = [p.reason_en for p in error.problems]
    assert any("4 times in 3 years" in r for r in reasons)
    assert any("unknown level 'county'" in r for r in reasons)


def test_unknown_key_is_refused_with_a_suggestion():
    problem = only_problem(BASE.replace("weight = 30", "wieght = 30\nweight = 30"))
    assert problem.path == "categories[1].wieght" and "did you mean weight" in problem.reason_en


def test_toml_syntax_error_names_the_line():
    problem = only_problem(BASE.replace('zh = "就业"', 'zh = "就业'))
    assert problem.line == 25 and "TOML" in problem.reason_en


def test_problems_of_a_dict_name_their_key_without_a_line():
    data = load_method(BASE).to_dict()
    data["categories"][0]["indicators"][0]["figure"] = "gpd"
    with pytest.raises(MethodError) as caught:
        method_from_dict(data)
    (problem,) = caught.value.problems
    assert problem.line is None and problem.path == "categories[0].indicators[0].figure"
    assert "did you mean gdp" in problem.reason_en


def test_units_in_english_compound_and_unknown_units_included():
    from yuanqu.analytics.zone_figures import FIGURES, unit_en

    assert unit_en("万元") == "10k yuan"
    assert unit_en("吨标准煤/万元") == "tce/10k yuan"
    assert unit_en("万元 × 100") == "10k yuan × 100"
    assert unit_en("%") == "%" and unit_en("") == "" and unit_en(None) == ""
    assert all(unit_en(f.unit) != f.unit for f in FIGURES)  # every stored unit has its English


def test_source_and_notes_in_english_load_and_round_trip():
    from yuanqu.analytics.zoneranking import method_from_dict

    for name in ("zones-reference", "jiangsu"):
        method = load_preset(name)
        assert method.source_en.startswith(("yuanqu's reference method", "General Office of the Jiangsu"))
        assert method.notes_en.startswith(("The veto and the loss-of-status warning", "Category weights 30/20"))
        again = method_from_dict(method.to_dict())
        assert (again.source_en, again.notes_en) == (method.source_en, method.notes_en)
