"""The per-mu formula language: parsing, precedence, types, compiled values and error positions."""

import polars as pl
import pytest

from yuanqu.analytics.mujun.expression import ExpressionError, parse


def evaluate(text: str, **columns) -> list:
    frame = pl.DataFrame({name: pl.Series(values, dtype=pl.Float64) for name, values in columns.items()})
    if not columns:
        frame = pl.DataFrame({"_": [0.0]})
    return frame.select(parse(text).to_polars().alias("result"))["result"].to_list()


def error_of(text: str, **kwargs) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse(text, **kwargs)
    return caught.value


def test_ratio_of_two_fields_is_computed_per_row():
    assert evaluate("tax / land_mu", tax=[123.0, 50.0], land_mu=[10.0, 4.0]) == [12.3, 12.5]


def test_multiplication_binds_tighter_than_addition_and_division_is_left_associative():
    assert evaluate("1 + 2 * 3") == [7.0]
    assert evaluate("-(1 + 2) * 3") == [-9.0]
    assert evaluate("2 * -3") == [-6.0]
    assert evaluate("10 / 4 / 5") == [0.5]  # (10 / 4) / 5
    assert evaluate("2.5e2 + .5") == [250.5]


def test_zero_or_missing_denominator_gives_null_not_infinity():
    assert evaluate("tax / land_mu", tax=[10.0, 10.0, None], land_mu=[0.0, None, 2.0]) == [None, None, None]


def test_min_and_max_stay_undefined_when_a_figure_is_missing():
    # Polars' own horizontal min skips nulls; a formula over a missing figure must not.
    assert evaluate("min(tax, revenue)", tax=[5.0, None], revenue=[3.0, 1.0]) == [3.0, None]
    assert evaluate("max(tax, revenue, 4)", tax=[5.0, 1.0], revenue=[3.0, 2.0]) == [5.0, 4.0]
    assert evaluate("abs(tax - revenue)", tax=[1.0], revenue=[3.0]) == [2.0]


def test_conditions_combine_with_and_or_not():
    frame = pl.DataFrame(
        {"above_scale": [True, False, False], "land_mu": [1.0, 5.0, 2.0], "high_tech": [False, False, True]}
    )
    condition = parse("not above_scale and land_mu >= 3 or high_tech", kind="boolean")
    # (not above_scale and land_mu >= 3) or high_tech
    assert frame.select(condition.to_polars())["above_scale"].to_list() == [False, True, True]


def test_checks_name_missing_figures_first_then_zero_denominators():
    checks = parse("value_added / (energy_tce - 1) + tax / land_mu").checks()
    assert [c.code for c in checks] == [
        "missing:value_added",
        "missing:energy_tce",
        "missing:tax",
        "missing:land_mu",
        "zero:(energy_tce - 1)",
        "zero:land_mu",
    ]
    assert checks[-1].reason_zh == "用地面积（land_mu）为零"
    assert checks[-1].reason_en == "land area (land_mu) is zero"


def test_fields_are_listed_in_order_of_appearance():
    assert parse("rd_spending / revenue + tax / revenue").fields == ("rd_spending", "revenue", "tax")


def test_unknown_field_names_line_column_and_suggestion_in_both_languages():
    error = error_of("tax / landmu")
    assert (error.line, error.column) == (1, 7)
    assert str(error) == (
        "第 1 行第 7 列：未知字段 landmu（是否应为 land_mu？） / line 1 col 7: unknown field landmu (did you mean land_mu?)"
    )


def test_error_on_a_later_line_counts_lines_and_columns():
    error = error_of("tax\n  / taxx")
    assert (error.line, error.column) == (2, 5)


def test_division_by_a_constant_zero_is_refused():
    assert error_of("tax / (2 - 2)").reason_en == "division by a constant zero"


@pytest.mark.parametrize(
    ("text", "column", "reason_en"),
    [
        ("tax +", 6, "the formula ends where a value is expected"),
        ("(tax", 5, "missing ) — found the end of the formula"),
        ("tax = 1", 5, "use == to compare for equality"),
        ("tax （ 1", 5, "full-width （: use ASCII ("),
        ("1 < tax < 3", 9, "comparisons cannot be chained: join them with and (e.g. a >= 1 and a < 5)"),
        ("high_tech + 1", 1, "+ needs a number, but high_tech is a yes/no value"),
        ("foo(tax)", 1, "unknown function foo (use min, max, abs)"),
        ("min(tax)", 1, "min takes at least 2 argument(s), got 1"),
        ("3tax", 2, "a letter directly after the number 3"),
        ("tax land_mu", 5, "unexpected land_mu after a complete formula"),
        ("__import__('os')", 12, 'unexpected character "\'"'),
        ("", 1, "the formula is empty"),
    ],
)
def test_malformed_formulas_are_refused_with_position(text, column, reason_en):
    error = error_of(text)
    assert (error.line, error.column, error.reason_en) == (1, column, reason_en)


def test_a_scope_must_be_a_condition_and_an_indicator_a_number():
    assert error_of("tax / land_mu", kind="boolean").reason_en == (
        "this needs a formula giving a yes/no value, but it gives a number"
    )
    assert error_of("above_scale", kind="number").reason_zh == "此处需要数值的公式，而该公式得到真假值"


def test_a_formula_is_described_as_people_write_it():
    from yuanqu.analytics.mujun.expression import describe

    assert describe("tax / land_mu") == "实缴税收 ÷ 用地面积"
    assert describe("value_added/energy_tce", zh=False) == "value added ÷ energy use"
    assert describe("rd_spending / revenue * 100") == "研发经费 ÷ 营业收入 × 100"
    assert describe("max(tax, 0) / land_mu") == "max(实缴税收, 0) ÷ 用地面积"
