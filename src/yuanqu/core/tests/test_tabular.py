"""Tests for reading spreadsheets and CSV files as offices fill them in, and for templates and exports."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from yuanqu.core.importing.problems import Problem
from yuanqu.core.importing.tabular import Column, read_table, write_rows, write_template

# The enterprise-year columns, as the per-mu evaluation import will use them.
SCHEMA = (
    Column("uscc", "统一社会信用代码", "text", aliases=("code", "信用代码"), required=True),
    Column("name", "企业名称", "text"),
    Column("year", "年度", "int", required=True),
    Column("above_scale", "是否规上", "flag"),
    Column("land_area", "用地面积", "decimal", unit="亩"),
    Column("tax", "实缴税收", "decimal", unit="万元", aliases=("税收", "纳税额")),
    Column("revenue", "营业收入", "decimal", unit="万元"),
    Column("output", "工业总产值", "decimal", unit="万元"),
    Column("value_added", "工业增加值", "decimal", unit="万元"),
    Column("energy", "综合能耗", "decimal", unit="吨标准煤"),
    Column("electricity", "用电量", "decimal", unit="万千瓦时"),
    Column("emissions", "主要污染物排放量", "decimal", unit="吨"),
    Column("rd", "研发经费", "decimal", unit="万元"),
    Column("employees", "从业人员", "int", unit="人"),
)

REASON = Column(
    "reason", "闲置原因", "choice", choices={"政府原因": "government", "企业原因": "holder"}, aliases=("cause",)
)
AGREED = Column("agreed_start", "约定开工日期", "date")


def save_sheet(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    """Write rows from A1 down with openpyxl (a different library from the one that reads them)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "企业"
    for row in rows:
        sheet.append(row)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    workbook.save(path)
    return path


def simple_sheet(tmp_path: Path, header: list[str], *data: list[object]) -> Path:
    return save_sheet(tmp_path / "simple.xlsx", [header, *data])


def problems_as_tuples(problems: list[Problem]) -> list[tuple[int | None, str | None, str | None, str]]:
    return [(problem.row, problem.column, problem.value, problem.reason_en) for problem in problems]


# ------------------------------------------------------------------------------------------------------------
# The messy government sheet
# ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def messy_workbook(tmp_path: Path) -> Path:
    """Two title rows, a two-row merged header with full-width brackets, 元 and 亿元 columns, text numbers,
    assorted flags, blank rows, a 合计 row and a footnote: how a zone's spreadsheet really arrives."""
    header_top = [
        "序号",
        "统一社会信用代码",
        "企业名称",
        "年度",
        "是否规上",
        "用地面积（亩）",
        "主要经济指标",
        None,
        None,
        None,
        "能耗与排放",
        None,
        None,
        "研发经费\n（万元）",
        "*从业人员(人)",
        "备注",
    ]
    header_bottom = [
        None,
        None,
        None,
        None,
        None,
        None,
        "实缴税收（元）",
        "营业收入(亿元)",
        "*工业总产值 （万元）",
        "工业 增加值(万元)",
        "综合能耗(吨标准煤)",
        "用电量（万千瓦时）",
        "主要污染物\n排放量(吨)",
        None,
        None,
        None,
    ]
    rows = [
        ["2024年度规上企业亩均效益数据"],
        ["填报单位：高新区管委会"],
        header_top,
        header_bottom,
        # row 5
        [
            1,
            "91320500MA1XXXXX1A",
            "苏州甲科技有限公司",
            2024,
            "是",
            "1,234.5",
            12345678,
            "1.5",
            "１２３４",
            1234.5000000001,
            " 5,678 ",
            88.25,
            "0.5",
            321.4,
            150,
            "新建",
        ],
        # row 6: blank except whitespace
        [None, " ", None, "", None],
        # row 7
        [
            2,
            "91320500MA1YYYYY2B",
            "苏州乙材料有限公司（分公司）",
            "2024",
            "Y",
            56.78,
            "1,234,567.89",
            0.25,
            -12.5,
            "  -3.25",
            10.0,
            "1.0E3",
            0,
            "0",
            "12.0",
            None,
        ],
        # row 8
        [3, "91320500MA1ZZZZZ3C", "苏州丙机械有限公司", 2024.0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None],
        # row 9: entirely empty
        [],
        # row 10
        ["合 计", None, None, None, None, "1,291.28", 13580245.89, 1.75, 1221.5, 1231.25, 5688, 1088.25, 0.5],
        # row 11
        ["注：数据来源于税务部门和统计部门"],
    ]
    merges = (
        "A1:P1",
        "A3:A4",
        "B3:B4",
        "C3:C4",
        "D3:D4",
        "E3:E4",
        "F3:F4",
        "G3:J3",
        "K3:M3",
        "N3:N4",
        "O3:O4",
        "P3:P4",
    )
    return save_sheet(tmp_path / "亩均效益.xlsx", rows, merges)


def test_messy_government_sheet_parses_to_exact_values(messy_workbook: Path) -> None:
    table = read_table(messy_workbook, SCHEMA)

    assert table.problems == []
    assert [row.row for row in table.rows] == [5, 7, 8]
    first, second, third = (row.values for row in table.rows)
    assert first == {
        "uscc": "91320500MA1XXXXX1A",
        "name": "苏州甲科技有限公司",
        "year": 2024,
        "above_scale": True,
        "land_area": Decimal("1234.5"),
        "tax": Decimal("1234.5678"),  # 12,345,678 元
        "revenue": Decimal("15000"),  # 1.5 亿元
        "output": Decimal("1234"),  # full-width digits
        "value_added": Decimal("1234.5"),  # Excel float noise rounded away
        "energy": Decimal("5678"),
        "electricity": Decimal("88.25"),
        "emissions": Decimal("0.5"),
        "rd": Decimal("321.4"),
        "employees": 150,
    }
    assert second["name"] == "苏州乙材料有限公司（分公司）"  # full-width brackets in values are kept
    assert second["year"] == 2024
    assert second["above_scale"] is True
    assert second["tax"] == Decimal("123.4568")  # 1,234,567.89 元, rounded half up to 4 places
    assert second["revenue"] == Decimal("2500")
    assert second["output"] == Decimal("-12.5")
    assert second["value_added"] == Decimal("-3.25")
    assert second["electricity"] == Decimal("1000")
    assert second["employees"] == 12
    assert third["above_scale"] is True  # the number 1
    assert third["year"] == 2024
    assert third["tax"] == Decimal("0")
    assert all(
        isinstance(value, Decimal)
        for key, value in third.items()
        if key not in ("uscc", "name", "year", "above_scale", "employees")
    )


def test_messy_sheet_reports_header_rows_conversions_and_skipped_rows(messy_workbook: Path) -> None:
    table = read_table(messy_workbook, SCHEMA)

    assert ("表头在第 3–4 行", "header found at rows 3–4") in table.notes
    assert (
        "「实缴税收（元）」按 1 元 = 0.0001 万元 换算",
        "实缴税收（元） converted: 1 元 = 0.0001 万元",
    ) in table.notes
    assert (
        "「营业收入(亿元)」按 1 亿元 = 10000 万元 换算",
        "营业收入(亿元) converted: 1 亿元 = 10000 万元",
    ) in table.notes
    assert ("忽略未识别的列：「序号」、「备注」", "ignored unrecognised columns: 序号, 备注") in table.notes
    assert table.skipped == [(10, "合计行", "total row"), (11, "表下说明文字", "note below the table")]
    assert ("跳过第 10 行（合计行）", "skipped row 10 (total row)") in table.notes
    assert table.headers["tax"] == "实缴税收（元）"
    assert table.headers["uscc"] == "统一社会信用代码"
    assert table.headers["output"] == "*工业总产值 （万元）"
    assert table.headers["emissions"] == "主要污染物 排放量(吨)"
    # Stored units get no conversion note.
    assert not any("综合能耗" in zh for zh, _ in table.notes)


def test_header_below_title_rows_is_found_and_noted(tmp_path: Path) -> None:
    path = save_sheet(
        tmp_path / "t.xlsx",
        [
            ["2024年度规上企业亩均效益数据"],
            ["填报单位：经开区"],
            ["统一社会信用代码", "年度", "实缴税收（万元）"],
            ["91320500MA1XXXXX1A", 2024, 10],
        ],
        merges=("A1:C1",),
    )
    table = read_table(path, SCHEMA)
    assert table.problems == []
    assert ("表头在第 3 行", "header found at row 3") in table.notes
    assert [(row.row, row.values["tax"]) for row in table.rows] == [(4, Decimal("10"))]


def test_unit_stated_above_the_table_converts_columns_without_their_own_unit(tmp_path: Path) -> None:
    path = save_sheet(
        tmp_path / "units.xlsx",
        [
            ["表1", None, None, None, "单位：元"],
            ["统一社会信用代码", "年度", "实缴税收", "营业收入(万元)", "用地面积"],
            ["91320500MA1XXXXX1A", 2024, 50000, 3, 12],
        ],
    )
    table = read_table(path, SCHEMA)
    assert table.problems == []
    values = table.rows[0].values
    assert values["tax"] == Decimal("5")  # 50,000 元
    assert values["revenue"] == Decimal("3")  # its own header says 万元
    assert values["land_area"] == Decimal("12")  # an area column is not affected by a money unit


def test_unit_in_the_row_below_the_name_is_applied(tmp_path: Path) -> None:
    path = save_sheet(
        tmp_path / "u.xlsx",
        [["统一社会信用代码", "年度", "用地面积"], [None, None, "平方米"], ["X1", 2024, 2000]],
    )
    table = read_table(path, SCHEMA)
    assert table.problems == []
    assert ("表头在第 1–2 行", "header found at rows 1–2") in table.notes
    assert table.headers["land_area"] == "用地面积(平方米)"
    assert [(row.row, row.values["land_area"]) for row in table.rows] == [(3, Decimal("3"))]


def test_header_cells_merged_down_two_rows_start_data_below_them(tmp_path: Path) -> None:
    path = save_sheet(
        tmp_path / "v.xlsx",
        [["统一社会信用代码", "年度"], [None, None], ["X1", 2024]],
        merges=("A1:A2", "B1:B2"),
    )
    table = read_table(path, SCHEMA)
    assert table.problems == []
    assert [(row.row, row.values) for row in table.rows] == [(3, {"uscc": "X1", "year": 2024})]


def test_first_visible_sheet_is_read_when_none_is_named(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    lists = workbook.active
    lists.title = "下拉选项"
    lists.append(["是", "否"])
    lists.sheet_state = "hidden"
    workbook.create_sheet("企业").append(["统一社会信用代码", "年度"])
    workbook["企业"].append(["X1", 2024])
    workbook.save(tmp_path / "h.xlsx")
    table = read_table(tmp_path / "h.xlsx", SCHEMA)
    assert [row.values for row in table.rows] == [{"uscc": "X1", "year": 2024}]


def test_area_units_convert_to_mu(tmp_path: Path) -> None:
    path = simple_sheet(tmp_path, ["统一社会信用代码", "年度", "用地面积(平方米)"], ["91320500MA1XXXXX1A", 2024, 20000])
    table = read_table(path, SCHEMA)
    assert table.rows[0].values["land_area"] == Decimal("30")
    assert ("「用地面积(平方米)」按 1 平方米 = 0.0015 亩 换算", "用地面积(平方米) converted: 1 平方米 = 0.0015 亩") in (
        table.notes
    )

    hectares = simple_sheet(tmp_path, ["统一社会信用代码", "年度", "用地面积(公顷)"], ["X1", 2024, 2.5])
    assert read_table(hectares, SCHEMA).rows[0].values["land_area"] == Decimal("37.5")


def test_energy_and_electricity_units_convert(tmp_path: Path) -> None:
    path = simple_sheet(
        tmp_path,
        ["统一社会信用代码", "年度", "综合能耗(万吨标准煤)", "用电量(千瓦时)", "用电量(度)"],
        ["X1", 2024, 1.25, 123456, None],
    )
    table = read_table(path, SCHEMA)
    assert table.rows[0].values["energy"] == Decimal("12500")
    assert table.rows[0].values["electricity"] == Decimal("12.3456")
    # Two headers for one column: a problem, not a silent choice.
    assert problems_as_tuples(table.problems) == [
        (1, "用电量(度)", None, "duplicates column 用电量(千瓦时): both map to 用电量(万千瓦时)")
    ]


# ------------------------------------------------------------------------------------------------------------
# Every kind of problem: exact row, header as written, value
# ------------------------------------------------------------------------------------------------------------


def test_bad_numbers_are_reported_with_row_header_and_value(tmp_path: Path) -> None:
    path = simple_sheet(
        tmp_path,
        ["统一社会信用代码", "年度", "实缴税收（万元）", "从业人员(人)"],
        ["X1", 2024, "abc", 12.5],
        ["X2", "2024年", "1,23", "12.0"],
        ["X3", 2024, "12%", True],
    )
    table = read_table(path, SCHEMA)
    assert problems_as_tuples(table.problems) == [
        (2, "实缴税收（万元）", "abc", "not a number"),
        (2, "从业人员(人)", "12.5", "not a whole number"),
        (3, "年度", "2024年", "not a number"),
        (3, "实缴税收（万元）", "1,23", "misplaced thousands separator"),
        (4, "实缴税收（万元）", "12%", "not a number"),
        (4, "从业人员(人)", "TRUE", "not a number"),
    ]
    assert str(table.problems[0]) == (
        "第 2 行，列「实缴税收（万元）」，值“abc”：不是数字 | row 2, column 实缴税收（万元）, value 'abc': not a number"
    )
    # The rows are still returned, a bad cell as None, so later checks can run on the rest.
    assert table.rows[1].values == {"uscc": "X2", "year": None, "tax": None, "employees": 12}


def test_missing_required_column_is_reported_at_the_header_row(tmp_path: Path) -> None:
    path = save_sheet(
        tmp_path / "m.xlsx",
        [["亩均效益"], ["企业名称", "统一社会信用代码", "实缴税收"], ["甲", "X1", 5]],
    )
    table = read_table(path, SCHEMA)
    assert problems_as_tuples(table.problems) == [(2, "年度", None, "required column missing")]
    assert table.problems[0].reason_zh == "缺少必填列"


def test_empty_required_cell_is_a_problem(tmp_path: Path) -> None:
    path = simple_sheet(tmp_path, ["统一社会信用代码", "年度", "企业名称"], ["X1", None, "甲"], [" ", 2024, "乙"])
    table = read_table(path, SCHEMA)
    assert problems_as_tuples(table.problems) == [
        (2, "年度", None, "required value is empty"),
        (3, "统一社会信用代码", None, "required value is empty"),
    ]


def test_required_cell_empty_in_a_numeric_column_read_in_one_pass(tmp_path: Path) -> None:
    # All-number columns take the fast path; empty cells in them must still be reported.
    rows = [[f"X{index}", 2024 if index != 7 else None, index * 1.5] for index in range(1, 11)]
    path = simple_sheet(tmp_path, ["统一社会信用代码", "年度", "实缴税收"], *rows)
    table = read_table(path, SCHEMA)
    assert problems_as_tuples(table.problems) == [(8, "年度", None, "required value is empty")]
    assert table.rows[6].values["tax"] == Decimal("10.5")


def test_unit_that_does_not_fit_the_column_is_a_problem_naming_the_header(tmp_path: Path) -> None:
    path = simple_sheet(
        tmp_path,
        ["统一社会信用代码", "年度", "用地面积(万元)", "实缴税收(千美刀)"],
        ["X1", 2024, 5, 6],
    )
    table = read_table(path, SCHEMA)
    assert problems_as_tuples(table.problems) == [
        (1, "用地面积(万元)", None, "unit '万元' in the header is a money unit; this column is in 亩"),
        (1, "实缴税收(千美刀)", None, "unrecognised unit '千美刀' in the header (expected 万元)"),
    ]


def test_header_problem_in_the_lower_header_row_names_that_row(tmp_path: Path) -> None:
    path = save_sheet(
        tmp_path / "two.xlsx",
        [["统一社会信用代码", "年度", "主要经济指标"], [None, None, "实缴税收(千美刀)"], ["X1", 2024, 5]],
        merges=("A1:A2", "B1:B2"),
    )
    table = read_table(path, SCHEMA)
    assert problems_as_tuples(table.problems) == [
        (2, "实缴税收(千美刀)", None, "unrecognised unit '千美刀' in the header (expected 万元)")
    ]


def test_duplicate_headers_for_one_column_are_a_problem(tmp_path: Path) -> None:
    path = simple_sheet(tmp_path, ["code", "年度", "实缴税收", "纳税额(万元)"], ["X1", 2024, 1, 2])
    table = read_table(path, SCHEMA)
    assert problems_as_tuples(table.problems) == [
        (1, "纳税额(万元)", None, "duplicates column 实缴税收: both map to 实缴税收(万元)")
    ]
    assert table.headers["uscc"] == "code"  # English aliases are accepted, case-insensitively


def test_all_problems_are_collected_not_only_the_first(tmp_path: Path) -> None:
    rows = [[f"X{index}", "bad", "bad"] for index in range(1, 51)]
    path = simple_sheet(tmp_path, ["统一社会信用代码", "年度", "是否规上"], *rows)
    table = read_table(path, SCHEMA)
    assert len(table.problems) == 100
    assert (table.problems[-1].row, table.problems[-1].column) == (51, "是否规上")


def test_unknown_columns_are_a_note_not_a_problem(tmp_path: Path) -> None:
    path = simple_sheet(tmp_path, ["统一社会信用代码", "年度", "联系人", "Remark"], ["X1", 2024, "张三", "-"])
    table = read_table(path, SCHEMA)
    assert table.problems == []
    assert ("忽略未识别的列：「联系人」、「Remark」", "ignored unrecognised columns: 联系人, Remark") in table.notes
    assert table.rows[0].values == {"uscc": "X1", "year": 2024}


def test_no_header_in_the_first_rows_is_one_clear_problem(tmp_path: Path) -> None:
    path = simple_sheet(tmp_path, ["甲", "乙"], [1, 2])
    table = read_table(path, SCHEMA)
    assert len(table.problems) == 1
    assert table.problems[0].reason_en.startswith("no header row in the first 10 rows; expected columns: ")
    assert table.rows == []


# ------------------------------------------------------------------------------------------------------------
# Cell types
# ------------------------------------------------------------------------------------------------------------


def test_flags_accept_the_usual_spellings(tmp_path: Path) -> None:
    spellings = ["是", "否", "Y", "n", "yes", "No", "TRUE", "false", 1, 0, "1", "0", "√", "×", "有", "无", True, None]
    rows = [[f"X{index}", 2024, value] for index, value in enumerate(spellings)]
    rows.append(["X99", 2024, "maybe"])
    table = read_table(simple_sheet(tmp_path, ["统一社会信用代码", "年度", "是否规上"], *rows), SCHEMA)
    assert [row.values["above_scale"] for row in table.rows] == [
        *[True, False] * 8,
        True,
        None,
        None,
    ]
    assert problems_as_tuples(table.problems) == [
        (20, "是否规上", "maybe", "not yes/no; accepted: 是/否, Y/N, yes/no, true/false, 1/0, √/×, 有/无")
    ]


def test_dates_in_excel_and_text_forms(tmp_path: Path) -> None:
    schema = (*SCHEMA, AGREED)
    values = [
        dt.datetime(2024, 5, 1),
        "2024-05-01",
        "2024/5/1",
        "2024.5.1",
        "2024年5月1日",
        "2024 年 5 月",
        45413,
        "20240501",
        "2024-05-01 00:00:00",
        "202405",
        "2024-02-30",
        2024,
    ]
    rows = [[f"X{index}", 2024, value] for index, value in enumerate(values)]
    table = read_table(simple_sheet(tmp_path, ["统一社会信用代码", "年度", "约定开工日期"], *rows), schema)
    may_first = dt.date(2024, 5, 1)
    assert [row.values["agreed_start"] for row in table.rows] == [may_first] * 9 + [None] * 3
    assert [(problem.row, problem.value, problem.reason_en) for problem in table.problems] == [
        (11, "202405", table.problems[0].reason_en),
        (12, "2024-02-30", "no such date"),
        (13, "2024", "number does not look like a date (1950–2099)"),
    ]
    assert table.problems[0].reason_en.startswith("not a recognisable date")


def test_choices_match_labels_or_stored_values_and_list_the_accepted_labels(tmp_path: Path) -> None:
    schema = (*SCHEMA, REASON)
    rows = [["X1", 2024, "政府原因"], ["X2", 2024, " 企业 原因 "], ["X3", 2024, "Holder"], ["X4", 2024, "天灾"]]
    table = read_table(simple_sheet(tmp_path, ["统一社会信用代码", "年度", "cause"], *rows), schema)
    assert [row.values["reason"] for row in table.rows] == ["government", "holder", "holder", None]
    assert problems_as_tuples(table.problems) == [
        (5, "cause", "天灾", "not an accepted value; accepted: 政府原因, 企业原因")
    ]
    assert table.problems[0].reason_zh == "不是可选值；可选：政府原因、企业原因"


def test_numeric_codes_and_placeholders_in_text_columns(tmp_path: Path) -> None:
    path = simple_sheet(
        tmp_path,
        ["统一社会信用代码", "年度", "企业名称", "研发经费"],
        [913205001234567, 2024, "—", "-"],
        ["X2", 2024, "  乙公司 ", "/"],
    )
    table = read_table(path, SCHEMA)
    assert table.problems == []
    assert table.rows[0].values == {"uscc": "913205001234567", "year": 2024, "name": None, "rd": None}
    assert table.rows[1].values["name"] == "乙公司"


def test_floats_convert_exactly_as_excel_displays_them(tmp_path: Path) -> None:
    # Pins the whole-column conversion (through Polars' float formatting) to Decimal(repr(x)), rounded half up.
    generator = random.Random(20240501)
    floats = [generator.choice([1, -1]) * 10 ** generator.uniform(-6, 11) for _ in range(3000)]
    floats += [0.1 + 0.2, 2.675, 1e-5, 123456789.12345, 0.00005, -0.00005, 1234.5000000001]
    path = tmp_path / "floats.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["统一社会信用代码", "年度", "营业收入"])
    for index, number in enumerate(floats, start=1):
        sheet.write_row(index, 0, [f"X{index}", 2024, number])
    workbook.close()

    table = read_table(path, SCHEMA)
    # Compare with the floats as stored (xlsxwriter keeps 17 significant digits at most), read one by one.
    stored = [row[2] for row in python_calamine.load_workbook(path).get_sheet_by_index(0).to_python()[1:]]
    expected = [Decimal(repr(number)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) for number in stored]
    assert [row.values["revenue"] for row in table.rows] == expected
    assert table.rows[-6].values["revenue"] == Decimal("2.675")
    assert table.rows[-3].values["revenue"] == Decimal("0.0001")  # 0.00005 rounds half up


def test_numbers_stored_as_text_read_the_same_in_bulk_and_cell_by_cell(tmp_path: Path) -> None:
    texts = ["1234.5", "１２３４", " 7 ", "-0.00005", "1e3", 12.25]
    good = [[f"X{index}", "2024", text] for index, text in enumerate(texts)]
    table = read_table(simple_sheet(tmp_path, ["统一社会信用代码", "年度", "研发经费"], *good), SCHEMA)
    expected = [Decimal("1234.5"), Decimal("1234"), Decimal("7"), Decimal("-0.0001"), Decimal("1000"), Decimal("12.25")]
    assert table.problems == []
    assert [row.values["rd"] for row in table.rows] == expected
    assert {row.values["year"] for row in table.rows} == {2024}

    # One odd cell sends the column cell by cell; the other cells must come out the same.
    odd = [*good, ["X9", "2024.0", "1_000"]]
    table = read_table(simple_sheet(tmp_path, ["统一社会信用代码", "年度", "研发经费"], *odd), SCHEMA)
    assert [row.values["rd"] for row in table.rows] == [*expected, None]
    assert problems_as_tuples(table.problems) == [(8, "研发经费", "1_000", "not a number")]

    grouped = [["X1", 2024, "1,234"], ["X2", 2024, " 12,345.5 "], ["X3", 2024, "-1,000,000"]]
    table = read_table(simple_sheet(tmp_path, ["统一社会信用代码", "年度", "研发经费"], *grouped), SCHEMA)
    assert [row.values["rd"] for row in table.rows] == [Decimal("1234"), Decimal("12345.5"), Decimal("-1000000")]
    misplaced = [*grouped, ["X4", 2024, "12,34"]]
    table = read_table(simple_sheet(tmp_path, ["统一社会信用代码", "年度", "研发经费"], *misplaced), SCHEMA)
    assert problems_as_tuples(table.problems) == [(5, "研发经费", "12,34", "misplaced thousands separator")]


def test_blank_and_unrecognised_only_rows(tmp_path: Path) -> None:
    path = simple_sheet(
        tmp_path,
        ["序号", "统一社会信用代码", "年度"],
        [1, "X1", 2024],
        [None, None, None],
        [2, None, None],
        [3, "X3", 2024],
        ["小计", None, 2024],
    )
    table = read_table(path, SCHEMA)
    assert table.problems == []
    assert [row.row for row in table.rows] == [2, 5]
    assert table.skipped == [(4, "可识别的列都为空", "all recognised columns are empty"), (6, "合计行", "total row")]


# ------------------------------------------------------------------------------------------------------------
# CSV and file-level problems
# ------------------------------------------------------------------------------------------------------------

CSV_TEXT = '统一社会信用代码,企业名称,年度,实缴税收(元),是否规上\n91320500MA1XXXXX1A,苏州甲公司,2024,"1,234,500",是\n'


def test_gbk_csv_from_excel_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "企业.csv"
    path.write_bytes(CSV_TEXT.encode("gbk"))
    table = read_table(path, SCHEMA)
    assert table.problems == []
    assert table.rows[0].values == {
        "uscc": "91320500MA1XXXXX1A",
        "name": "苏州甲公司",
        "year": 2024,
        "tax": Decimal("123.45"),
        "above_scale": True,
    }
    assert ("文件按 GBK（GB18030）编码读取", "file decoded as GBK (GB18030)") in table.notes


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_csv_with_or_without_bom(encoding: str) -> None:
    table = read_table(io.BytesIO(CSV_TEXT.encode(encoding)), SCHEMA, filename="企业.csv")
    assert table.problems == []
    assert table.rows[0].values["name"] == "苏州甲公司"
    assert table.headers["uscc"] == "统一社会信用代码"  # no BOM glued to the first header
    assert not any("GBK" in zh for zh, _ in table.notes)


def test_csv_two_row_header_without_merge_information() -> None:
    text = "统一社会信用代码,年度,主要经济指标,\n,,实缴税收(元),营业收入\nX1,2024,20000,3\n"
    table = read_table(text.encode("utf-8"), SCHEMA)
    assert table.problems == []
    assert ("表头在第 1–2 行", "header found at rows 1–2") in table.notes
    assert [(row.row, row.values["tax"], row.values["revenue"]) for row in table.rows] == [
        (3, Decimal("2"), Decimal("3"))
    ]


def test_html_disguised_as_xls_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "导出.xls"
    path.write_text("<html><table><tr><td>统一社会信用代码</td></tr></table></html>", encoding="utf-8")
    table = read_table(path, SCHEMA)
    assert [problem.reason_en for problem in table.problems] == [
        "not a real Excel file (looks like HTML, as some systems export .xls); open it in Excel and save as .xlsx"
    ]


def test_missing_sheet_lists_the_sheets_there_are(tmp_path: Path) -> None:
    path = simple_sheet(tmp_path, ["统一社会信用代码", "年度"], ["X1", 2024])
    table = read_table(path, SCHEMA, sheet="数据")
    assert problems_as_tuples(table.problems) == [(None, None, None, "no sheet '数据'; the file has: 企业")]


def test_empty_file_is_one_problem() -> None:
    table = read_table(b"", SCHEMA, filename="x.csv")
    assert problems_as_tuples(table.problems) == [(None, None, None, "the file is empty")]


# ------------------------------------------------------------------------------------------------------------
# Templates and exports
# ------------------------------------------------------------------------------------------------------------


def test_template_headers_follow_the_spec(tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    write_template(path, SCHEMA, title="2024年度企业数据")
    sheet = openpyxl.load_workbook(path)["数据"]
    headers = [cell.value for cell in sheet[2]]
    assert headers == [
        "统一社会信用代码",
        "企业名称",
        "年度",
        "是否规上",
        "用地面积(亩)",
        "实缴税收(万元)",
        "营业收入(万元)",
        "工业总产值(万元)",
        "工业增加值(万元)",
        "综合能耗(吨标准煤)",
        "用电量(万千瓦时)",
        "主要污染物排放量(吨)",
        "研发经费(万元)",
        "从业人员(人)",
    ]
    assert sheet["A1"].value == "2024年度企业数据"


def test_template_round_trip_reads_with_zero_problems(tmp_path: Path) -> None:
    schema = (*SCHEMA, AGREED, REASON)
    example = {
        "uscc": "91320500MA1XXXXX1A",
        "name": "苏州甲科技有限公司",
        "year": 2024,
        "above_scale": True,
        "land_area": Decimal("56.25"),
        "tax": Decimal("1234.5678"),
        "employees": 150,
        "agreed_start": dt.date(2024, 5, 1),
        "reason": "holder",
    }
    path = tmp_path / "模板.xlsx"
    write_template(path, schema, title="示例", example=example)
    table = read_table(path, schema)
    assert table.problems == []
    assert table.headers == {column.key: column.template_header for column in schema}
    assert [row.row for row in table.rows] == [3]
    values = table.rows[0].values
    assert {key: values[key] for key in example} == example
    assert values["revenue"] is None


def test_exported_rows_read_back_unchanged(tmp_path: Path) -> None:
    schema = (*SCHEMA, AGREED, REASON)
    rows = [
        {
            "uscc": f"9132050000000{index:04d}X",
            "name": f"=企业{index}",  # must stay text, never become a formula
            "year": 2024,
            "above_scale": index % 2 == 0,
            "tax": Decimal(index) / 8,
            "energy": Decimal("0.0001") * index,
            "employees": index,
            "agreed_start": dt.date(2024, 1, 1) + dt.timedelta(days=index),
            "reason": "government",
        }
        for index in range(2500)
    ]
    calls: list[int] = []
    buffer = io.BytesIO()
    count = write_rows(buffer, schema, rows, title="企业年度数据导出", progress=calls.append)
    assert count == 2500
    assert calls == [1000, 2000, 2500]

    table = read_table(buffer.getvalue(), schema, filename="export.xlsx")
    assert table.problems == []
    assert len(table.rows) == 2500
    for written, read in zip(rows, table.rows, strict=True):
        assert {key: read.values[key] for key in written} == written
        assert read.values["revenue"] is None


def test_a_column_of_units_is_not_read_as_the_unit_of_its_header(tmp_path: Path) -> None:
    schema = (
        Column("name", "指标", "text", required=True),
        Column("value", "目标值", "decimal"),
        Column("unit", "单位", "text"),
    )
    path = save_sheet(tmp_path / "units.xlsx", [["指标", "目标值", "单位"], ["实际使用外资", 1200, "万美元"]])
    table = read_table(path, schema)
    assert not table.problems
    assert [row.values for row in table.rows] == [{"name": "实际使用外资", "value": Decimal(1200), "unit": "万美元"}]
