"""Per-mu methods as data: the shipped presets load, and bad methods are refused with line and reason."""

import math

import pytest

from yuanqu.analytics.mujun import MethodError, load_method, load_preset, parse_method, preset_names, preset_text

# A small valid method; the tests below change one line at a time. Line numbers, for reference:
#  1 name   2 year   4 [[groups]]   5 id   7 scope   9 [[groups.indicators]]   12 formula
# 13 weight   14 benchmark   16 [grading]   17 mode   18 quota
BASE = """\
name = "测试方法"
year = 2024

[[groups]]
id = "all"
label_zh = "全部企业"
scope = "land_mu >= 0"

[[groups.indicators]]
key = "tax_per_mu"
label_zh = "亩均税收"
formula = "tax / land_mu"
weight = 100
benchmark = { kind = "fixed", value = 1 }

[grading]
mode = "quota"
quota = { A = 20, B = 40, C = 35, D = 5 }
"""


def refused(text: str, *, format: str = "toml") -> MethodError:
    with pytest.raises(MethodError) as caught:
        parse_method(text, format=format, origin="test.toml")
    return caught.value


def only_problem(text: str):
    error = refused(text)
    assert len(error.problems) == 1, error.problems
    return error.problems[0]


def test_base_method_loads():
    method = parse_method(BASE)
    assert [g.id for g in method.groups] == ["all"]
    assert method.groups[0].indicators[0].benchmark.value == 1.0
    assert method.grading.quota == (("A", 20.0), ("B", 40.0), ("C", 35.0), ("D", 5.0))


def test_every_preset_loads_cites_its_source_and_weights_sum_to_100():
    assert preset_names() == ["anhui", "huaian-2024", "huangyan-2022", "wujin"]
    for name in preset_names():
        method = load_preset(name)
        assert method.source, name
        assert method.text == preset_text(name)
        for group in method.groups:
            assert math.fsum(i.weight for i in group.indicators) == 100, (name, group.id)


def test_huangyan_preset_carries_all_published_constants():
    method = load_preset("huangyan-2022")
    above, below = method.groups
    published = {
        "tax_per_mu": (24.097, 30),
        "value_added_per_mu": (136.16, 20),
        "value_added_per_tce": (2.694, 20),
        "value_added_per_emission": (4929.81, 10),
        "labour_productivity": (18.14, 10),
        "rd_intensity": (0.0302, 10),
    }
    assert {i.key: (i.benchmark.value, i.weight) for i in above.indicators} == published
    assert {i.key: (i.benchmark.value, i.weight) for i in below.indicators} == {
        "tax_per_mu": (11.5932, 50),
        "tax_per_electricity": (0.2352, 50),
    }
    assert above.indicators[3].on_missing == "group_mean_score"  # published: no emission data → average score


def test_huaian_preset_is_twice_the_previous_year_mean_with_quotas_and_class_t():
    method = load_preset("huaian-2024")
    assert method.needs_previous
    indicator = method.groups[0].indicators[0]
    assert (indicator.benchmark.kind, indicator.benchmark.multiplier) == ("previous_year_mean", 2.0)
    assert [i.weight for i in method.groups[0].indicators] == [45, 35, 20]
    assert method.grading.quota == (("A", 20.0), ("B", 40.0), ("C", 35.0), ("D", 5.0))
    assert (method.not_graded.grade, method.not_graded.utilities, method.not_graded.min_production_years) == (
        "T",
        True,
        2.0,
    )


def test_digest_identifies_the_method_text():
    assert parse_method(BASE).digest == parse_method(BASE).digest
    assert parse_method(BASE).digest != parse_method(BASE.replace("测试方法", "另一方法")).digest


def test_unknown_field_in_a_formula_points_at_the_field():
    problem = only_problem(BASE.replace('formula = "tax / land_mu"', 'formula = "taxx / land_mu"'))
    # the formula's text starts in column 12 of line 12: formula = "taxx …
    assert (problem.line, problem.column, problem.path) == (12, 12, "groups[0].indicators[0].formula")
    assert str(problem) == (
        "第 12 行第 12 列（groups[0].indicators[0].formula）：未知字段 taxx（是否应为 tax？） / "
        "line 12 col 12 (groups[0].indicators[0].formula): unknown field taxx (did you mean tax?)"
    )


def test_unparseable_formula_is_refused_at_its_position():
    problem = only_problem(BASE.replace('formula = "tax / land_mu"', 'formula = "tax / (land_mu"'))
    # the formula's text starts in column 12 and is 14 characters long: the end is column 26
    assert (problem.line, problem.column) == (12, 26)
    assert problem.reason_en == "missing ) — found the end of the formula"


def test_division_by_constant_zero_is_refused():
    problem = only_problem(BASE.replace('formula = "tax / land_mu"', 'formula = "tax / 0"'))
    assert (problem.line, problem.reason_en) == (12, "division by a constant zero")


def test_weights_not_summing_to_the_declared_total_are_refused():
    problem = only_problem(BASE.replace("weight = 100", "weight = 90"))
    assert (problem.line, problem.path) == (9, "groups[0].indicators")
    assert problem.reason_zh == "本组指标权重之和为 90，应为声明的 100（weight_total）"


def test_declared_weight_total_is_honoured():
    method = parse_method("weight_total = 90\n" + BASE.replace("weight = 100", "weight = 90"))
    assert method.weight_total == 90


def test_unknown_benchmark_kind_is_refused():
    problem = only_problem(BASE.replace('kind = "fixed", value = 1', 'kind = "median"'))
    assert (problem.line, problem.path) == (14, "groups[0].indicators[0].benchmark.kind")
    assert problem.reason_en == (
        "unknown value 'median'; allowed: fixed, group_mean, industry_mean, previous_year_mean, minmax"
    )


def test_unknown_key_is_refused_with_a_suggestion():
    problem = only_problem(BASE.replace("weight = 100", "weight = 100\nwieght = 100"))
    assert (problem.line, problem.reason_en) == (14, "unknown key wieght (did you mean weight?)")


def test_quotas_not_summing_to_100_are_refused():
    problem = only_problem(BASE.replace("D = 5", "D = 10"))
    assert (problem.line, problem.reason_en) == (18, "the grade quotas sum to 105%, not 100%")


def test_policy_for_an_unknown_grade_is_refused():
    text = BASE + '\n[[policies.E]]\nkind = "electricity_surcharge"\nlabel_zh = "加价"\n'
    problem = only_problem(text)
    assert (problem.line, problem.reason_en) == (20, "unknown grade E (allowed: A, B, C, D, T)")


def test_veto_to_an_unknown_grade_is_refused():
    text = BASE + '\n[[vetoes]]\nkey = "incident"\nlabel_zh = "事故"\nwhen = "incident"\ngrade = "F"\n'
    problem = only_problem(text)
    assert (problem.line, problem.reason_en) == (24, "unknown grade F (grades are A, B, C, D)")


def test_lower_is_better_without_a_ratio_cap_is_refused():
    problem = only_problem(
        BASE.replace('formula = "tax / land_mu"', 'formula = "energy_tce / value_added"\ndirection = "lower"')
    )
    assert problem.path == "groups[0].indicators[0].benchmark.ratio_cap"
    assert problem.line == 15
    assert problem.reason_en == "a lower-is-better indicator needs ratio_cap (a value of zero scores at the cap)"


def test_benchmark_option_that_does_not_apply_is_refused():
    problem = only_problem(BASE.replace('kind = "fixed", value = 1', 'kind = "group_mean", value = 1'))
    assert problem.reason_en == "value does not apply to benchmark kind group_mean (only to fixed)"


def test_threshold_on_the_last_grade_is_refused():
    text = BASE.replace('mode = "quota"\nquota = { A = 20, B = 40, C = 35, D = 5 }',
                        'mode = "thresholds"\nthresholds = { A = 90, B = 75, C = 60, D = 0 }')  # fmt: skip
    problem = only_problem(text)
    assert problem.reason_en == "the last grade D takes no threshold: it takes everyone below the one before"


def test_thresholds_must_fall_grade_by_grade():
    text = BASE.replace('mode = "quota"\nquota = { A = 20, B = 40, C = 35, D = 5 }',
                        'mode = "thresholds"\nthresholds = { A = 90, B = 95, C = 60 }')  # fmt: skip
    assert only_problem(text).reason_en == "the threshold of B (95) must be below that of A (90)"


def test_missing_required_key_is_refused():
    problem = only_problem(BASE.replace('label_zh = "亩均税收"\n', ""))
    assert (problem.line, problem.reason_en) == (9, "required key label_zh is missing")


def test_duplicate_group_is_refused():
    second = BASE[BASE.index("[[groups]]") : BASE.index("[grading]")]
    problem = only_problem(BASE.replace("[grading]", second + "[grading]"))
    assert (problem.line, problem.reason_en) == (17, "group all appears twice")


def test_every_problem_is_reported_in_line_order():
    error = refused(BASE.replace("weight = 100", "weight = 90").replace("D = 5", "D = 10"))
    assert [p.line for p in error.problems] == [9, 18]
    assert str(error).startswith("test.toml: 第 9 行（groups[0].indicators）：")


def test_toml_syntax_error_names_the_line():
    problem = only_problem(BASE.replace('scope = "land_mu >= 0"', 'scope = "land_mu >= 0'))
    assert (problem.line, problem.column) == (7, 22)
    assert problem.reason_en == "TOML syntax error: Illegal character '\\n'"


def test_yaml_method_loads_and_its_problems_name_the_line(tmp_path):
    yaml_text = """\
name: 测试方法
year: 2024
groups:
  - id: all
    label_zh: 全部企业
    scope: land_mu >= 0
    indicators:
      - key: tax_per_mu
        label_zh: 亩均税收
        formula: tax / landmu
        weight: 100
        benchmark: {kind: fixed, value: 1}
grading:
  mode: quota
  quota: {A: 20, B: 40, C: 35, D: 5}
"""
    problem = refused(yaml_text, format="yaml").problems[0]
    # formula: tax / landmu — the value starts in column 18 of line 10; landmu is its 7th character
    assert (problem.line, problem.column, problem.reason_en) == (
        10,
        24,
        "unknown field landmu (did you mean land_mu?)",
    )
    path = tmp_path / "method.yaml"
    path.write_text(yaml_text.replace("landmu", "land_mu"), encoding="utf-8")
    assert load_method(path).groups[0].indicators[0].formula.text == "tax / land_mu"


def test_unreadable_file_is_refused_with_a_message(tmp_path):
    with pytest.raises(MethodError, match="无法读取文件"):
        load_method(tmp_path / "missing.toml")


def test_unknown_preset_lists_the_available_ones():
    with pytest.raises(MethodError, match="huangyan-2022"):
        load_preset("jingde")


def test_line_numbers_survive_strings_comments_arrays_and_dotted_keys():
    from yuanqu.analytics.mujun.locate import locate_toml

    text = (
        'name = "x [not a table]"  # comment [also not]\n'  # 1
        'notes = """\n[[groups]] inside a string\n"""\n'  # 2–4
        "[[groups]]\n"  # 5
        "indicators = [\n"  # 6
        '  { key = "k1", weight = 50 },\n'  # 7
        '  { key = "k2",\n    weight = 50 },\n'  # 8–9
        "]\n"  # 10
        'benchmark.kind = "fixed"\n'  # 11
        "[[groups]]\n"  # 12
        "[[groups.indicators]]\n"  # 13
        "[groups.indicators.benchmark]\n"  # 14
        'kind = "median"\n'  # 15
    )
    places = locate_toml(text)
    lines = {
        path: places.find(path).line
        for path in [
            ("groups", 0),
            ("groups", 0, "indicators", 1, "weight"),
            ("groups", 0, "benchmark", "kind"),
            ("groups", 1, "indicators", 0, "benchmark", "kind"),
        ]
    }
    assert list(lines.values()) == [5, 9, 11, 15]
